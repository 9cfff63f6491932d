"""What can be checked of the exclusion-record and outcome Cypher without a
server (the fake driver of test_neo4j_queries records every statement): every
parameter sent, plain Bolt values and storable properties, one transaction per
primitive, rows converted back to the same records, and the name split of the
queries being exactly :func:`name_words` on both adapters. The Cypher runs
against a real Neo4j 5 in the contract suite (NEO4J_URI) and through Neo4j's
analyser in test_neo4j_queries."""

from __future__ import annotations

import re
from datetime import date

from test_neo4j_queries import check_all, fake  # noqa: F401 - the fixture is used by name

from directory.model import AllianceInstrument, EntityType, Evidence, ExclusionRecord, OutcomeMeasures
from directory.store import neo4j_exclusions as nx
from directory.store import neo4j_outcomes as no
from directory.store import sqlite_exclusions as sx
from directory.store.port_exclusions import JOINING, SEPARATORS, name_words

EV = Evidence("oig_leie", date(2025, 11, 10), "bulk_file", 1.0, "UPDATED.csv")
RECORD = ExclusionRecord(
    "LEIE",
    "k1",
    "id1",
    "1128b4",
    date(2020, 2, 3),
    EV,
    last_name="SMITH",
    first_name="JOHN",
    npi="1234567893",
    birth_date=date(1961, 4, 5),
    state="NY",
    last_listed=date(2025, 11, 10),
)
REPLACE = re.compile(r""",\s*(?:'((?:[^']|'')*)'|"([^"]*)")\s*,\s*'([^']*)'\s*\)""")


def _chain(text: str) -> list[tuple[str, str]]:
    """The (old, new) pairs of a nested replace() chain, innermost first."""
    pairs = []
    for single, double, new in REPLACE.findall(text.replace("\n", " ")):
        old = double if double else single.replace("''", "'")
        pairs.append((old, new))
    return pairs


EXPECTED = [(c, "") for c in JOINING] + [(c, " ") for c in SEPARATORS]


def test_every_name_split_of_both_adapters_is_name_words():
    for query, names in ((nx.PEOPLE_NAMED, 3), (nx.ORGANIZATIONS_NAMED, 2)):
        chains = re.findall(r"split\((.*?\)),\s*' '\)", query, flags=re.S)
        assert len(chains) == names, query
        for chain in chains:
            assert _chain(chain) == EXPECTED
    sql = sx._NORM_CLOSE
    assert _chain(sql) == EXPECTED
    assert sx.PEOPLE_NAMED.count(sx._NORM_OPEN) == 3 and sx.ORGANIZATIONS_NAMED.count(sx._NORM_OPEN) == 2
    # the chain applied in Python is name_words
    text = "o'Neil-Smith, Jr. (the) #2"
    s = text.upper()
    for old, new in EXPECTED:
        s = s.replace(old, new)
    assert [w for w in s.split(" ") if w] == name_words(text) == ["ONEIL", "SMITH", "JR", "THE", "2"]


def test_records_are_written_and_read_in_one_transaction_each(fake):  # noqa: F811
    store, driver = fake
    driver.answers[nx.UPSERT_RECORDS] = [{"written": 1}]
    assert store.upsert_exclusion_records([RECORD]) == 1
    driver.answers[nx.RECORDS] = [{"props": nx.record_params(RECORD)["props"]}] * 2  # both halves of the UNION
    assert store.exclusion_records("LEIE", keys=["k1"], identities=["id1"]) == [RECORD]
    driver.answers[nx.RECORD_PAGE] = [{"props": nx.record_params(RECORD)["props"]}]
    assert store.exclusion_record_page("LEIE", "", 10, in_force_listed_before=date(2025, 12, 1)) == [RECORD]
    check_all(driver)
    assert [mode for mode, _ in driver.transactions] == ["write", "read", "read"]
    page_params = driver.transactions[2][1][0][1]
    assert page_params == {"list_name": "LEIE", "after": "", "limit": 10, "before": "2025-12-01"}


def test_reinstating_updates_records_and_their_exclusions_in_one_write(fake):  # noqa: F811
    store, driver = fake
    driver.answers[nx.REINSTATE_RECORDS] = [{"written": 1}]
    assert store.reinstate_exclusion_records("LEIE", {"k1": date(2025, 11, 15)}) == 1
    check_all(driver)
    ((mode, statements),) = driver.transactions
    assert mode == "write" and [q for q, _ in statements] == [nx.REINSTATE_RECORDS, nx.REINSTATE_ATTACHED]
    assert statements[1][1]["rows"] == [{"uid": "LEIE|k1", "reference": "leie:k1", "day": "2025-11-15"}]
    driver.answers[nx.DETACH] = [{"written": 1}]
    assert store.detach_exclusions([("1234567893", "leie:k1")]) == 1
    check_all(driver)


def test_name_candidates_is_one_read_and_converts_rows(fake):  # noqa: F811
    store, driver = fake
    driver.answers[nx.PEOPLE_NAMED] = [{"npi": "1234567893"}]
    driver.answers[nx.ORGANIZATIONS_NAMED] = [{"npi": "1568946812"}]
    driver.answers[nx.CANDIDATES] = [
        {
            "npi": "1234567893",
            "entity_type": 1,
            "first_name": "John",
            "middle_name": None,
            "last_name": "Smith",
            "organization_name": None,
            "other_names": [{"name": "JOHN SMYTHE", "type_code": "1"}] * 2,  # placed by two owners
            "states": ["NY", "NJ", "NY"],
        }
    ]
    (found,) = store.name_candidates(people=[("SMITH", "JOHN")], organizations=["HARBOR"])
    assert found.entity_type is EntityType.INDIVIDUAL and found.states == ("NJ", "NY")
    assert found.other_names == (("JOHN SMYTHE", "1"),)
    check_all(driver)
    ((mode, statements),) = driver.transactions
    assert mode == "read" and [q for q, _ in statements] == [nx.PEOPLE_NAMED, nx.ORGANIZATIONS_NAMED, nx.CANDIDATES]
    assert statements[0][1] == {"pairs": ["SMITH|JOHN"], "firsts": ["JOHN"]}
    assert statements[2][1] == {"npis": ["1234567893", "1568946812"]}


def test_outcomes_are_written_with_storable_properties_and_read_back(fake):  # noqa: F811
    store, driver = fake
    cell = OutcomeMeasures(
        "1234567893",
        date(2025, 7, 1),
        date(2025, 9, 30),
        25,
        Evidence("outcomes", date(2025, 10, 1), "reported_aggregates", 0.8, "q3.csv"),
        phq9_baseline_mean=18.0,
        alliance_instrument=AllianceInstrument.SRS,
        alliance_mean=37.5,
    )
    driver.answers[no.UPSERT_OUTCOMES] = [{"written": 1}]
    assert store.upsert_outcomes([cell]) == 1
    driver.answers[no.OUTCOMES_FOR] = [{"npi": cell.npi, "props": no.outcome_params(cell)["props"]}]
    assert store.outcomes_for([cell.npi]) == {cell.npi: [cell]}
    check_all(driver)
