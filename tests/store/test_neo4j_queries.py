"""What can be checked of the Neo4j adapter without a server.

A fake driver records every (query, parameters) the adapter sends inside each
managed transaction, and answers with rows shaped like the server's. The
checks: query text is constant, every ``$parameter`` a query names is sent,
every ``row.field`` an ``UNWIND`` reads is in every row, parameters hold only
plain Bolt values, a provider batch and its checkpoint go in one write
transaction, search picks the right query and converts rows, name lookups,
a store of schema version 1 gets its name words, driver errors are
translated, and record <-> property conversions round-trip.
The Cypher itself runs only against a real Neo4j 5 (tests/store/test_contract*.py
with NEO4J_URI set).
"""

from __future__ import annotations

import ast
import json
import re
from datetime import date
from pathlib import Path

import pytest
from neo4j import exceptions as neo4j_errors

from directory.errors import ConstraintViolation, NotFound, StoreError, StoreUnavailable
from directory.geo import haversine_miles
from directory.model import (
    AccessFacts,
    Affiliation,
    Credential,
    CredentialKind,
    Employer,
    EntityType,
    Evidence,
    Exclusion,
    ExclusionListLoad,
    GeoPoint,
    IngestRun,
    Location,
    MatchRecord,
    MatchStatus,
    Network,
    NetworkKind,
    NetworkMember,
    OtherName,
    Payer,
    Plan,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
    QuarantinedRow,
    SearchCriteria,
    Treatment,
    TreatmentOffering,
)
from directory.store import RunCheckpoint, names
from directory.store import neo4j as adapter
from directory.store import neo4j_coverage as coverage
from directory.store import neo4j_cypher as cypher
from directory.store import neo4j_exclusions as exclusions
from directory.store import neo4j_keys as keys
from directory.store import neo4j_matching as matching
from directory.store import neo4j_names as cypher_names
from directory.store import neo4j_networks as network_cypher
from directory.store import neo4j_outcomes as outcomes
from directory.store import neo4j_records as records_cypher
from directory.store import neo4j_rows as rows
from directory.store import neo4j_search as search
from directory.store import neo4j_vetting as vetting_cypher
from directory.store.base import content_hash
from directory.store.neo4j import Neo4jStore

STORE_DIR = Path(adapter.__file__).resolve().parent
QUERY_MODULES = (
    cypher,
    cypher_names,
    search,
    coverage,
    keys,
    vetting_cypher,
    exclusions,
    outcomes,
    matching,
    network_cypher,
    records_cypher,
)
EV = Evidence("nppes", date(2024, 5, 1), "bulk_file", 1.0, "npidata_pfile_20240401-20240430.csv")
ROSTER = Evidence("roster:acme", date(2024, 6, 10), "attestation", 0.8, None)
MIDTOWN = Location(
    "1501 Broadway", "New York", "NY", "10036", "Suite 1200", "New York", 40.7566, -73.9867, "2125550100"
)
UNGEOCODED = Location("9 Nowhere Rd", "Hudson", "NY", "12534")


# ------------------------------------------------------------ the fake driver
class FakeResult:
    def __init__(self, found: list[dict]):
        self._found = found

    def data(self) -> list[dict]:
        return [dict(r) for r in self._found]

    def consume(self) -> None:
        return None


class FakeTx:
    def __init__(self, statements: list, answer):
        self._statements = statements
        self._answer = answer

    def run(self, query, parameters=None, **kwargs):
        assert not kwargs, "parameters go as one dict"
        params = parameters or {}
        self._statements.append((query, params))
        return FakeResult(self._answer(query, params))


class FakeSession:
    def __init__(self, driver: FakeDriver, database: str | None):
        self._driver = driver
        driver.databases.append(database)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def _transaction(self, mode, work, args):
        if self._driver.fail is not None:
            raise self._driver.fail
        statements: list = []
        self._driver.transactions.append((mode, statements))
        return work(FakeTx(statements, self._driver.answer), *args)

    def execute_read(self, work, *args):
        return self._transaction("read", work, args)

    def execute_write(self, work, *args):
        return self._transaction("write", work, args)


class FakeDriver:
    """Answers each query from ``answers`` (query text -> rows), else no rows."""

    def __init__(self):
        self.transactions: list[tuple[str, list]] = []
        self.databases: list[str | None] = []
        self.answers: dict[str, list[dict]] = {}
        self.fail: Exception | None = None
        self.closed = False

    def answer(self, query: str, params: dict) -> list[dict]:
        return self.answers.get(query, [])

    def session(self, database=None):
        return FakeSession(self, database)

    def close(self):
        self.closed = True

    def statements(self) -> list[tuple[str, dict]]:
        return [s for _, stmts in self.transactions for s in stmts]


@pytest.fixture
def fake():
    store = Neo4jStore("neo4j://127.0.0.1:7687", user="neo4j", password="secret", database="provnet")
    store._driver.close()  # the real driver never connected; swap in the recorder
    driver = FakeDriver()
    store._driver = driver
    return store, driver


# ----------------------------------------------------------------- checkers
PARAM = re.compile(r"\$(\w+)")
UNWIND_PARAM = re.compile(r"UNWIND \$(\w+) AS (\w+)")
INT64 = 2**63


def assert_bolt_plain(value, path="params"):
    """Only what Bolt carries as plain values: no dates, tuples, enums, sets."""
    if value is None or isinstance(value, (bool, str, float)):
        return
    if isinstance(value, int):
        assert -INT64 <= value < INT64, f"{path} does not fit 64 bits"
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            assert_bolt_plain(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str), f"{path} has a non-string key {key!r}"
            assert_bolt_plain(item, f"{path}.{key}")
        return
    raise AssertionError(f"{path} is a {type(value).__name__}, which Bolt does not take as a plain value")


def assert_storable(props: dict, where: str) -> None:
    """Neo4j property values: a scalar, or a non-empty list of one scalar type
    (no maps, no nested lists, no nulls inside lists); None means absent."""
    for key, value in props.items():
        if isinstance(value, list):
            assert value, f"{where}.{key} is an empty list (send None)"
            kinds = {type(v) for v in value}
            assert len(kinds) == 1 and kinds <= {str, int, float, bool}, f"{where}.{key} = {value!r}"
        else:
            assert value is None or isinstance(value, (str, int, float, bool)), f"{where}.{key} = {value!r}"


def check_statement(query: str, params: dict) -> None:
    assert isinstance(query, str)
    missing = set(PARAM.findall(query)) - set(params)
    assert not missing, f"query names parameters that were not sent: {missing}\n{query}"
    assert_bolt_plain(params)
    for name, alias in UNWIND_PARAM.findall(query):
        fields = set(re.findall(r"\b" + alias + r"\.(\w+)", query))
        if not fields:
            continue
        for row in params[name]:
            assert isinstance(row, dict), f"${name} rows must be maps"
            assert fields <= set(row), f"${name} rows lack {fields - set(row)}\n{query}"
            for field in fields:  # every value read from a row becomes a property or a key
                value = row[field]
                assert_storable(value if field in ("props", "fact") else {field: value}, f"${name}[].{field}")
    if "SET r = $props" in query:
        assert_storable(params["props"], "$props")


def check_all(driver: FakeDriver) -> None:
    assert driver.transactions, "nothing was sent"
    for query, params in driver.statements():
        check_statement(query, params)


def query_constants():
    for module in QUERY_MODULES:
        for name, value in vars(module).items():
            if not name.isupper() or name.startswith("_"):
                continue
            if isinstance(value, str) and re.search(r"\b(MATCH|MERGE|CREATE|CALL|UNWIND)\b", value):
                yield f"{module.__name__}.{name}", value
            elif isinstance(value, tuple) and value and all(isinstance(v, str) for v in value):
                for i, v in enumerate(value):
                    yield f"{module.__name__}.{name}[{i}]", v
            elif isinstance(value, tuple) and value and all(isinstance(v, tuple) for v in value):
                for key, v in value:  # (name, query) pairs
                    yield f"{module.__name__}.{name}[{key}]", v


# ------------------------------------------------------------------- records
def person(npi="1234567893", **extra) -> ProviderRecord:
    return ProviderRecord(
        npi=npi,
        entity_type=EntityType.INDIVIDUAL,
        evidence=EV,
        first_name="Ann",
        middle_name="B",
        last_name="O'Neil",
        credential_text="MD",
        sex="F",
        sole_proprietor=True,
        enumeration_date=date(2010, 3, 1),
        last_update=date(2024, 4, 15),
        locations=[
            ProviderLocation(MIDTOWN, False, EV),
            ProviderLocation(UNGEOCODED, False, EV),
            ProviderLocation(MIDTOWN, True, EV),
        ],
        taxonomies=[
            ProviderTaxonomy("2084P0800X", True, "L123", "NY", EV),
            ProviderTaxonomy("2084P0800X", False, "N9", "NJ", EV),
        ],
        other_names=[OtherName("Ann Smith", "1", EV)],
        **extra,
    )


def clinic(npi="1568946812", **extra) -> ProviderRecord:
    return ProviderRecord(
        npi=npi,
        entity_type=EntityType.ORGANIZATION,
        evidence=EV,
        organization_name="Bright Mind TMS",
        is_subpart=True,
        parent_organization_name="Bright Health",
        last_update=date(2024, 4, 15),
        deactivation_date=date(2024, 1, 2),
        **extra,
    )


# ------------------------------------------------------------------- tests
def test_query_text_is_constant_with_parameters():
    found = dict(query_constants())
    assert len(found) > 60
    for name, query in found.items():
        assert not re.search(r"%[sdr(]", query), name  # no %-formatting placeholders
        assert not re.search(r"\{\w*\}", query), name  # no str.format fields ({}, {name})
        assert "{{" not in query and "}}" not in query, name
    # every schema command is idempotent
    assert all("IF NOT EXISTS" in s for s in cypher.SCHEMA)
    assert all("IF EXISTS" in s for s in cypher_names.SCHEMA_DROPS)
    # the query modules never build text at run time
    for module in QUERY_MODULES + (adapter,):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                assert node.func.attr != "format", f"{module.__name__}:{node.lineno} uses str.format"
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
                assert not isinstance(node.left, ast.Constant), f"{module.__name__}:{node.lineno} uses %"
        if module is not adapter:  # the adapter has f-strings, in error messages only
            assert not any(isinstance(n, ast.JoinedStr) for n in ast.walk(tree)), module.__name__


def test_queries_run_on_every_neo4j_5_release():
    # `CALL () { ... }` needs 5.23, and 5.23 deprecates `CALL { ... }`: use neither.
    for name, query in query_constants():
        assert not re.search(r"CALL\s*[({]", query), name
        assert "IN TRANSACTIONS" not in query, name  # not allowed in managed transactions


def test_schema_has_constraints_and_a_point_index_and_drops_the_fulltext_index():
    text = "\n".join(cypher.SCHEMA)
    for label, prop in [
        ("Npi", "npi"),
        ("Location", "key"),
        ("Taxonomy", "code"),
        ("Network", "id"),
        ("Plan", "id"),
        ("Payer", "id"),
        ("Employer", "id"),
        ("Credential", "uid"),
        ("MatchDecision", "match_id"),
        ("IngestRun", "run_id"),
        ("Quarantine", "uid"),
        ("NameWord", "word"),
    ]:
        assert re.search(r"FOR \(\w+:" + label + r"\) REQUIRE \w+\." + prop + " IS UNIQUE", text), label
    assert "CREATE POINT INDEX location_point IF NOT EXISTS FOR (l:Location) ON (l.point)" in text
    # names are looked up by word (a range index backs the constraint); the full-text index of version 1 goes
    assert "FULLTEXT" not in text and cypher_names.SCHEMA_DROPS == ("DROP INDEX provider_names IF EXISTS",)
    names = [re.search(r"CREATE (?:\w+ )?(?:CONSTRAINT|INDEX) (\w+)", s).group(1) for s in cypher.SCHEMA]
    assert len(names) == len(set(names)), "index and constraint names must be unique"


def test_init_schema_runs_each_command_in_its_own_transaction(fake):
    store, driver = fake
    store.init_schema()
    check_all(driver)
    commands = cypher.SCHEMA + cypher_names.SCHEMA_DROPS
    schema = [t for t in driver.transactions if t[1] and t[1][0][0] in commands]
    assert len(schema) == len(commands) and all(len(stmts) == 1 and mode == "write" for mode, stmts in schema)
    sent = [stmts[0][0] for _, stmts in driver.transactions]
    assert sent.index(cypher.AWAIT_INDEXES) > max(sent.index(s) for s in commands)
    assert cypher_names.NAME_WORD_PAGE not in sent  # a new store has no names to index
    assert sent[-1] == cypher.SCHEMA_VERSION_WRITE and driver.statements()[-1][1] == {"version": adapter.SCHEMA_VERSION}
    assert set(driver.databases) == {"provnet"}


def test_a_version_1_store_gets_its_name_words_page_by_page(fake, monkeypatch):
    store, driver = fake
    monkeypatch.setattr(adapter, "NAME_WORD_BATCH", 2)
    pages = {
        "": [
            {"npi": "1234567893", "names": ["Zoë B O'Neil", "Zoë O'Neil"], "others": []},
            {
                "npi": "1568946812",
                "names": ["Bright Mind TMS"],
                "others": [{"owner": "nppes_othername", "seq": 0, "name": "Lakeview Ketamine"}],
            },
        ],
        "1568946812": [{"npi": "1679576722", "names": None, "others": [{"owner": "nppes", "seq": 1, "name": "!!"}]}],
    }
    driver.answer = lambda query, params: (
        [{"version": 1}]
        if query == cypher.SCHEMA_VERSION_READ
        else pages.get(params["after"], [])
        if query == cypher_names.NAME_WORD_PAGE
        else []
    )
    store.init_schema()
    check_all(driver)
    paged = [stmts for mode, stmts in driver.transactions if stmts and stmts[0][0] == cypher_names.NAME_WORD_PAGE]
    assert [stmts[0][1] for stmts in paged] == [
        {"after": "", "limit": 2},
        {"after": "1568946812", "limit": 2},
        {"after": "1679576722", "limit": 2},
    ]
    first = dict(paged[0])
    assert [q for q, _ in paged[0]] == [
        cypher_names.NAME_WORD_PAGE,
        cypher_names.UNLINK_NAME_WORDS,
        cypher_names.UNLINK_OTHER_NAME_WORDS,
        cypher_names.LINK_NAME_WORDS,
        cypher_names.LINK_OTHER_NAME_WORDS,
    ]
    assert first[cypher_names.UNLINK_NAME_WORDS] == {"npis": ["1234567893", "1568946812"]}
    assert first[cypher_names.LINK_NAME_WORDS]["worded"] == [
        {"npi": "1234567893", "words": ["B", "NEIL", "O", "ZOE"]},
        {"npi": "1568946812", "words": ["BRIGHT", "MIND", "TMS"]},
    ]
    assert first[cypher_names.LINK_OTHER_NAME_WORDS]["worded"] == [
        {"npi": "1568946812", "owner": "nppes_othername", "seq": 0, "words": ["KETAMINE", "LAKEVIEW"]}
    ]
    # a page whose names have no words only unlinks
    assert [q for q, _ in paged[1]] == [
        cypher_names.NAME_WORD_PAGE,
        cypher_names.UNLINK_NAME_WORDS,
        cypher_names.UNLINK_OTHER_NAME_WORDS,
    ]
    paging = [mode for mode, stmts in driver.transactions if stmts and stmts[0][0] == cypher_names.NAME_WORD_PAGE]
    assert paging == ["write"] * 3
    # the version moves after the last page
    sent = [stmts[0][0] for _, stmts in driver.transactions]
    assert sent[-1] == cypher.SCHEMA_VERSION_WRITE and sent.index(cypher.SCHEMA_VERSION_WRITE) > sent.index(
        cypher_names.NAME_WORD_PAGE
    )


def test_init_schema_refuses_a_newer_store(fake):
    store, driver = fake
    driver.answers[cypher.SCHEMA_VERSION_READ] = [{"version": adapter.SCHEMA_VERSION + 1}]
    with pytest.raises(StoreError, match="newer"):
        store.init_schema()


def test_provider_batch_and_checkpoint_are_one_transaction(fake):
    store, driver = fake
    driver.answers[cypher.CHECKPOINT] = [{"found": 1}]
    stats = store.upsert_providers([person(), clinic()], RunCheckpoint("run-1", 3, {"accepted": 2}))
    assert (stats.inserted, stats.updated, stats.unchanged) == (2, 0, 0)
    check_all(driver)
    (read_mode, _), (mode, statements) = driver.transactions
    assert read_mode == "read" and mode == "write"
    sent = [query for query, _ in statements]
    assert sent == [
        cypher.MERGE_PROVIDERS,
        cypher.MARK_INDIVIDUALS,
        cypher.MARK_ORGANIZATIONS,
        cypher.DELETE_OWNED_FACTS,
        cypher.DELETE_OWNED_OTHER_NAMES,
        cypher.MERGE_LOCATIONS,
        cypher.CREATE_PRACTICES_AT,
        cypher.CREATE_HAS_TAXONOMY,
        cypher.CREATE_OTHER_NAMES,
        cypher_names.UNLINK_NAME_WORDS,
        cypher_names.LINK_NAME_WORDS,
        cypher.UNLINK_SUBPARTS,
        cypher.LINK_SUBPARTS_UP,
        cypher.LINK_SUBPARTS_DOWN,
        cypher.CHECKPOINT,
        matching.FORGET_PROFILES,  # the ranking profiles of the records written, in the same transaction
    ]
    params = dict(statements)
    assert params[matching.FORGET_PROFILES] == {"npis": ["1234567893", "1568946812"]}
    props = params[cypher.MERGE_PROVIDERS]["rows"][0]["props"]
    assert props["last_update"] == "2024-04-15" and props["entity_type"] == 1 and props["sole_proprietor"] is True
    assert props["names"] == ["Ann B O'Neil", "Ann O'Neil"] and "search_name" not in props
    assert props["display_name"] == "Ann B O'Neil, MD" and props["lbn_key"] is None
    org = params[cypher.MERGE_PROVIDERS]["rows"][1]["props"]
    assert org["lbn_key"] == "BRIGHT MIND TMS" and org["parent_lbn_key"] == "BRIGHT HEALTH"
    assert org["deactivation_date"] == "2024-01-02" and org["is_subpart"] is True
    assert params[cypher.MARK_INDIVIDUALS] == {"npis": ["1234567893"]}
    assert params[cypher.MARK_ORGANIZATIONS] == {"npis": ["1568946812"]}
    assert params[cypher.DELETE_OWNED_FACTS]["owned"] == [
        {"npi": "1234567893", "owner": "nppes"},
        {"npi": "1568946812", "owner": "nppes"},
    ]
    # Midtown is listed twice: one location, one fact, primary because one listing is
    assert [loc["key"] for loc in params[cypher.MERGE_LOCATIONS]["locations"]] == [MIDTOWN.key, UNGEOCODED.key]
    assert params[cypher.MERGE_LOCATIONS]["locations"][1]["latitude"] is None
    placed = params[cypher.CREATE_PRACTICES_AT]["placed"]
    assert [(p["key"], p["fact"]["seq"], p["fact"]["is_primary"]) for p in placed] == [
        (MIDTOWN.key, 0, True),
        (UNGEOCODED.key, 1, False),
    ]
    assert placed[0]["fact"]["retrieved"] == "2024-05-01" and placed[0]["fact"]["owner"] == "nppes"
    coded = params[cypher.CREATE_HAS_TAXONOMY]["coded"]
    assert [(c["code"], c["fact"]["seq"], c["fact"]["license_state"]) for c in coded] == [
        ("2084P0800X", 0, "NY"),
        ("2084P0800X", 1, "NJ"),
    ]
    named = params[cypher.CREATE_OTHER_NAMES]["named"]
    assert named[0]["props"]["name"] == "Ann Smith" and named[0]["props"]["npi"] == "1234567893"
    assert named[0]["words"] == ["ANN", "SMITH"]  # linked to the other name's own node
    # the words of the legal names, replaced: the person's two names, the organization's one
    assert params[cypher_names.UNLINK_NAME_WORDS] == {"npis": ["1234567893", "1568946812"]}
    assert params[cypher_names.LINK_NAME_WORDS]["worded"] == [
        {"npi": "1234567893", "words": ["ANN", "B", "NEIL", "O"]},
        {"npi": "1568946812", "words": ["BRIGHT", "MIND", "TMS"]},
    ]
    assert params[cypher.CHECKPOINT] == {"run_id": "run-1", "resume_line": 3, "counts": '{"accepted": 2}'}


def test_checkpoint_of_an_unknown_run_fails_the_batch(fake):
    store, driver = fake
    driver.answers[cypher.CHECKPOINT] = [{"found": 0}]
    with pytest.raises(NotFound, match="run-x"):
        store.upsert_providers([person()], RunCheckpoint("run-x", 1, {}))


def test_a_checkpoint_on_its_own_is_one_write_transaction(fake):
    store, driver = fake
    driver.answers[cypher.CHECKPOINT] = [{"found": 1}]
    store.checkpoint(RunCheckpoint("run-1", 41, {"read": 41, "inserted": 3}))
    check_all(driver)
    sent = {"run_id": "run-1", "resume_line": 41, "counts": '{"inserted": 3, "read": 41}'}
    assert driver.transactions == [("write", [(cypher.CHECKPOINT, sent)])]
    driver.answers[cypher.CHECKPOINT] = [{"found": 0}]
    with pytest.raises(NotFound, match="run-x"):
        store.checkpoint(RunCheckpoint("run-x", 1, {}))


def test_unchanged_records_are_not_sent(fake):
    store, driver = fake
    record = person()
    driver.answers[cypher.STORED_VERSIONS] = [
        {"npi": record.npi, "content_hash": content_hash(record), "last_update": "2024-04-15"}
    ]
    stats = store.upsert_providers([record])
    assert (stats.inserted, stats.updated, stats.unchanged) == (0, 0, 1)
    assert [mode for mode, _ in driver.transactions] == ["read"]


SEARCH_CASES = [
    (SearchCriteria(), search.SEARCH_ALL),
    (SearchCriteria(name="  "), search.SEARCH_ALL),
    (SearchCriteria(name="Jon Smiht", near=GeoPoint(40.758, -73.9855), radius_miles=10), search.SEARCH_BY_NAME),
    (
        SearchCriteria(
            near=GeoPoint(40.758, -73.9855),
            radius_miles=10,
            include_telehealth=True,
            treatments=(Treatment.TMS_STANDARD,),
        ),
        search.SEARCH_NEAR,
    ),
    (SearchCriteria(network_id="net-a", treatments=(Treatment.IV_KETAMINE,)), search.SEARCH_IN_NETWORK),
    (SearchCriteria(plan_id="plan-1", accepting_new_patients=True), search.SEARCH_IN_PLAN),
    (SearchCriteria(treatments=(Treatment.TMS_STANDARD, Treatment.ECT)), search.SEARCH_BY_TREATMENT),
    (SearchCriteria(taxonomy_codes=("2084P0800X",), entity_type=EntityType.INDIVIDUAL), search.SEARCH_BY_TAXONOMY),
    (SearchCriteria(state="ny", include_deactivated=True), search.SEARCH_IN_STATE),
]


@pytest.mark.parametrize("criteria,expected", SEARCH_CASES)
def test_search_sends_complete_plain_parameters(fake, criteria, expected):
    store, driver = fake
    driver.answers[expected] = [
        {
            "npi": "1234567893",
            "display_name": "Ann O'Neil, MD",
            "entity_type": 1,
            "distance": 1.23456,
            "location_key": MIDTOWN.key,
            "names": ["Ann B O'Neil", "Ann Smith"],
        },
        {
            "npi": "1568946812",
            "display_name": None,
            "entity_type": 2,
            "distance": None,
            "location_key": None,
            "names": None,
        },
    ]
    candidates = store._search_candidates(criteria, 5000)
    check_all(driver)
    [(mode, [(query, params)])] = driver.transactions
    assert mode == "read" and query == expected
    assert params["limit"] == 5000
    assert candidates[0].names == ("Ann B O'Neil", "Ann Smith") and candidates[0].distance_miles == 1.23456
    assert candidates[1].display_name == "" and candidates[1].names == () and candidates[1].entity_type_code == 2


def test_search_parameters_follow_the_criteria():
    p = search.search_params(
        SearchCriteria(
            near=GeoPoint(40.758, -73.9855),
            radius_miles=10,
            include_telehealth=True,
            state="ny",
            treatments=(Treatment.TMS_STANDARD, Treatment.TMS_STANDARD),
            accepting_new_patients=False,
            entity_type=EntityType.ORGANIZATION,
        ),
        50,
    )
    assert p["near"] is True and p["tele"] is True and p["radius"] == 10.0
    assert p["min_lat"] < 40.758 < p["max_lat"] and p["min_lon"] < -73.9855 < p["max_lon"]
    # the box holds the whole circle: its edges are at least the radius away
    assert haversine_miles(GeoPoint(40.758, -73.9855), GeoPoint(p["max_lat"], -73.9855)) >= 10
    assert haversine_miles(GeoPoint(40.758, -73.9855), GeoPoint(40.758, p["min_lon"])) >= 10
    assert p["treatments"] == ["tms_standard"] and p["state"] == "NY" and p["accepting"] is False
    assert p["entity_type"] == 2 and p["codes"] is None and p["has_name"] is False and p["name_ranges"] is None
    none = search.search_params(SearchCriteria(include_telehealth=True), 5)
    assert none["near"] is False and none["tele"] is False  # telehealth widens a radius only


def test_search_near_the_antimeridian_wraps_the_box():
    p = search.search_params(SearchCriteria(near=GeoPoint(51.9, 179.95), radius_miles=20), 5)
    assert -180 <= p["min_lon"] <= 180 and -180 <= p["max_lon"] <= 180
    assert p["min_lon"] > p["max_lon"]  # withinBBox reads this as crossing the 180th meridian


def test_search_with_a_name_of_no_words_sends_nothing(fake):
    store, driver = fake
    assert store._search_candidates(SearchCriteria(name="!!! ??"), 100) == []
    assert driver.transactions == []


def test_search_distance_is_the_haversine_of_directory_geo():
    # The Cypher haversine, evaluated here term by term, equals geo.haversine_miles.
    import math

    def cypher_haversine(lat, lon, lat2, lon2, r):
        return (
            2
            * r
            * math.asin(
                math.sqrt(
                    math.sin((math.radians(lat2) - math.radians(lat)) / 2) ** 2
                    + math.cos(math.radians(lat))
                    * math.cos(math.radians(lat2))
                    * math.sin((math.radians(lon2) - math.radians(lon)) / 2) ** 2
                )
            )
        )

    expr = search._HAVERSINE
    for token in (
        "$earth_radius",
        "radians(l.latitude) - radians($lat)",
        "cos(radians($lat))",
        "cos(radians(l.latitude))",
        "radians(l.longitude) - radians($lon)",
    ):
        assert token in expr
    a, b = GeoPoint(40.758, -73.9855), GeoPoint(40.7033, -73.9903)
    assert cypher_haversine(
        a.latitude, a.longitude, b.latitude, b.longitude, search.search_params(SearchCriteria(), 1)["earth_radius"]
    ) == pytest.approx(haversine_miles(a, b), abs=1e-9)


def test_name_search_sends_the_word_ranges_of_the_query():
    p = search.search_params(SearchCriteria(name="  Zoë quilPOCKET, zoe "), 5)
    assert p["has_name"] is True and p["name_terms"] == 2  # ZOE twice counts once
    assert p["name_ranges"] == names.lookup_ranges(("ZOE", "QUILPOCKET"))
    spans = {(r["term"], r["lo"], r["hi"]) for r in p["name_ranges"]}
    assert (0, "ZOE", "ZOE~") in spans and (1, "QUILPOCKET", "QUILPOCKET~") in spans  # prefixes
    assert (1, "QUILLPOCKET", "QUILLPOCKET") in spans and (1, "QUILPOKCET", "QUILPOKCET") in spans  # one edit
    assert not any(r["term"] == 0 and r["lo"] != "ZOE" for r in p["name_ranges"])  # 3 letters: no typo
    empty = search.search_params(SearchCriteria(name="!!! ??"), 5)
    assert empty["has_name"] is True and empty["name_ranges"] is None and search.search_query(empty) is None


@pytest.mark.parametrize(
    "error,expected",
    [
        (neo4j_errors.ServiceUnavailable("down"), StoreUnavailable),
        (neo4j_errors.SessionExpired("gone"), StoreUnavailable),
        (neo4j_errors.AuthError("Neo.ClientError.Security.Unauthorized", "bad password"), StoreUnavailable),
        (neo4j_errors.ConstraintError("Neo.ClientError.Schema.ConstraintValidationFailed", "dup"), ConstraintViolation),
        (neo4j_errors.CypherSyntaxError("Neo.ClientError.Statement.SyntaxError", "bad"), StoreError),
        (neo4j_errors.TransientError("Neo.TransientError.Transaction.DeadlockDetected", "again"), StoreError),
    ],
)
def test_driver_errors_are_translated(fake, error, expected):
    store, driver = fake
    driver.fail = error
    with pytest.raises(expected) as caught:
        store.counts()
    assert caught.value.__cause__ is error
    if expected is StoreError:
        assert type(caught.value) is StoreError


def test_unreachable_server_is_store_unavailable(monkeypatch):
    monkeypatch.setattr(adapter, "MAX_RETRY_SECONDS", 0.0)
    store = Neo4jStore("bolt://127.0.0.1:9", user="neo4j", password="x", database="neo4j")
    try:
        with pytest.raises(StoreUnavailable) as caught:
            store.counts()
        assert isinstance(caught.value.__cause__, neo4j_errors.ServiceUnavailable)
    finally:
        store.close()


def test_bad_uri_is_a_configuration_error():
    from directory.errors import ConfigurationError

    for uri in ("http://127.0.0.1:7474", "127.0.0.1:7687", "neo4j://[::1"):
        with pytest.raises(ConfigurationError):
            Neo4jStore(uri, user="neo4j", password="x", database="neo4j")


def test_network_members_check_inside_the_transaction(fake):
    store, driver = fake
    driver.answers[cypher.MISSING_NETWORKS] = [{"missing": ["net-z"]}]
    with pytest.raises(NotFound, match="net-z"):
        store.add_network_members([NetworkMember("net-z", "1234567893", ROSTER)])
    driver.answers[cypher.MISSING_NETWORKS] = [{"missing": []}]
    driver.answers[cypher.MISSING_NPIS] = [{"missing": ["1234567893"]}]
    with pytest.raises(NotFound, match="1234567893"):
        store.add_network_members([NetworkMember("net-a", "1234567893", ROSTER)])
    driver.answers[cypher.MISSING_NPIS] = [{"missing": []}]
    counts = iter([[{"members": 4}], [{"members": 5}]])
    driver.answer = lambda query, params: (
        next(counts) if query == cypher.COUNT_MEMBERS else driver.answers.get(query, [])
    )
    added = store.add_network_members([NetworkMember("net-a", "1234567893", ROSTER, date(2024, 1, 1))])
    assert added == 1
    check_all(driver)
    mode, statements = driver.transactions[-1]
    assert mode == "write" and [s for s, _ in statements] == [
        cypher.MISSING_NETWORKS,
        cypher.MISSING_NPIS,
        cypher.COUNT_MEMBERS,
        cypher.UPSERT_MEMBERS,
        cypher.COUNT_MEMBERS,
    ]
    assert statements[3][1]["rows"][0]["fact"]["added_on"] == "2024-01-01"


def test_every_primitive_sends_complete_plain_parameters(fake):
    store, driver = fake
    driver.answers[cypher.DECIDE_MATCH] = [{"props": rows.match_params(MATCH)["props"]}]
    driver.answers[cypher.FINISH_RUN] = [{"found": 1}]
    driver.answers[cypher.COUNT_MEMBERS] = [{"members": 0}]
    driver.answers[cypher.MISSING_NETWORKS] = [{"missing": []}]
    driver.answers[cypher.MISSING_NPIS] = [{"missing": []}]
    driver.answers[cypher.COUNT_QUARANTINED] = [{"existing": 1}]
    driver.answers[cypher.WIPE_BATCH] = [{"deleted": 0}]
    for i, (_, query) in enumerate(cypher.COUNTS):
        driver.answers[query] = [{"n": i}]
    npi = "1234567893"
    store.wipe()
    store.upsert_taxonomies([rows.taxonomy(TAXONOMY_ROW)])
    store.taxonomies()
    store.taxonomies(["2084P0800X"])
    store.deactivate({npi: date(2024, 2, 1)}, EV)
    for read in (
        store.providers,
        store.locations_for,
        store.taxonomies_for,
        store.other_names_for,
        store.credentials_for,
        store.treatments_for,
        store.access_for,
        store.networks_for,
        store.affiliations_for,
        store.exclusions_for,
        store.subparts_of,
        store.parents_of,
    ):
        read([npi])
    store.upsert_credentials([(npi, LICENSE), (npi, BOARD)])
    store.upsert_treatments([OFFERING, TreatmentOffering(npi, Treatment.ECT, ROSTER)])
    store.upsert_access([ACCESS, AccessFacts(npi, ROSTER)])
    store.upsert_affiliations([Affiliation(npi, "1568946812", ROSTER)])
    store.upsert_exclusions([EXCLUSION])
    store.record_exclusion_lists([ExclusionListLoad("LEIE", date(2024, 5, 1), EV)])
    store.exclusion_lists()
    store.upsert_payers([PAYER])
    store.upsert_employers([EMPLOYER])
    store.upsert_networks([NETWORK])
    store.upsert_plans([PLAN])
    store.payers(), store.employers(), store.networks(), store.networks(["net-a"]), store.plans()
    store.add_network_members([NetworkMember("net-a", npi, ROSTER)])
    store.remove_network_members("net-a", [npi])
    store.network_members("net-a")
    store.save_matches([MATCH])
    store.matches(status=MatchStatus.REVIEW, record="nppes:1", limit=None)
    store.decide_match(MATCH.match_id, MatchStatus.MERGED, "ana", "2024-06-01T10:00:00Z")
    store.start_run(RUN)
    store.finish_run(RUN.run_id, "completed", {"accepted": 3})
    store.runs(), store.runs("nppes")
    assert store.quarantine([QUARANTINED, QUARANTINED, QuarantinedRow("r1", "nppes", 8, "x", "y", "z")]) == 1
    store.quarantined("r1", 10)
    counts = store.counts()
    assert list(counts) == [kind for kind, _ in cypher.COUNTS] and list(counts.values()) == list(
        range(len(cypher.COUNTS))
    )
    assert [mode for mode, _ in driver.transactions][-1] == "read"  # all counts in one transaction
    assert len(driver.transactions[-1][1]) == len(cypher.COUNTS)
    check_all(driver)
    sent = [query for query, _ in driver.statements()]
    # payers, networks and plans relink their edges in the same transaction as the upsert
    for upsert, links in [
        (cypher.UPSERT_NETWORKS, [cypher.UNLINK_NETWORK_OWNERS, cypher.LINK_NETWORK_OWNERS, cypher.LINK_NETWORK_PLANS]),
        (
            cypher.UPSERT_PLANS,
            [cypher.UNLINK_PLAN_NETWORKS, cypher.UNLINK_PLAN_PAYERS, cypher.LINK_PLANS, cypher.LINK_PLANS_TO_PAYERS],
        ),
        (cypher.UPSERT_PAYERS, [cypher.LINK_PAYER_NETWORKS, cypher.LINK_PAYER_PLANS]),
    ]:
        [statements] = [stmts for _, stmts in driver.transactions if stmts and stmts[0][0] == upsert]
        assert [s for s, _ in statements] == [upsert, *links]
    assert cypher.MATCHES in sent and all(query in sent for _, query in cypher.COUNTS)
    matches_params = dict(driver.statements())[cypher.MATCHES]
    assert matches_params["limit"] >= 2**62 and matches_params["status"] == "review"


def test_start_run_resumes_an_unfinished_run_of_the_same_file(fake):
    store, driver = fake
    stored = dict(rows.run_params(RUN), resume_line=41, status="running")
    driver.answers[cypher.UNFINISHED_RUN] = [{"props": {k: v for k, v in stored.items() if v is not None}}]
    resumed = store.start_run(IngestRun("run-2", "nppes", "f.csv", "abc", "2024-06-02T00:00:00Z", None, "running", {}))
    assert resumed.run_id == RUN.run_id and resumed.resume_line == 41 and resumed.counts == RUN.counts
    assert [s for s, _ in driver.statements()] == [cypher.UNFINISHED_RUN]


def test_decide_and_finish_unknown_ids_are_not_found(fake):
    store, _ = fake
    with pytest.raises(NotFound):
        store.decide_match("nope", MatchStatus.MERGED, "ana", "2024-06-01T10:00:00Z")
    with pytest.raises(NotFound):
        store.finish_run("nope", "completed", {})


# ----------------------------------------------------- conversions round-trip
TAXONOMY_ROW = {
    "code": "2084P0800X",
    "display_name": "Psychiatry",
    "grouping": "Allopathic",
    "classification": "Psychiatry & Neurology",
    "specialization": "Psychiatry",
}
LICENSE = Credential(
    CredentialKind.STATE_LICENSE, ROSTER, number="123", state="NY", status="active", expires=date(2026, 1, 31)
)
BOARD = Credential(
    CredentialKind.BOARD_CERTIFICATION, EV, board="ABPN", specialty="Psychiatry", certified_on=date(2015, 6, 1)
)
OFFERING = TreatmentOffering("1234567893", Treatment.TMS_ACCELERATED, ROSTER, MIDTOWN.key, True, "SAINT")
ACCESS = AccessFacts("1234567893", ROSTER, True, False, ("en", "es"), 7)
EXCLUSION = Exclusion("1234567893", "LEIE", "1128b4", date(2020, 1, 2), EV, date(2022, 3, 4))
PAYER = Payer("payer-1", "Empire")
EMPLOYER = Employer("acme", "Acme")
NETWORK = Network("net-a", "Empire PPO", NetworkKind.PAYER, "payer-1")
PLAN = Plan("plan-1", "payer-1", "Gold", "PPO", ("net-a", "net-b", "net-a"))
MATCH = MatchRecord(
    "m1",
    "nppes:1",
    "npi_api:1",
    0.97,
    8.5,
    {"name": "exact (+6.1)", "zip": "same (+2)"},
    MatchStatus.REVIEW,
    "model",
    "2024-06-01T00:00:00Z",
    "1234567893",
)
RUN = IngestRun(
    "run-1", "nppes", "npidata.csv", "abc", "2024-06-01T00:00:00Z", None, "running", {"accepted": 2, "rejected": 1}, 0
)
QUARANTINED = QuarantinedRow("r1", "nppes", 7, "bad_npi", "check digit", '"123"')


def stored(props: dict) -> dict:
    """What Neo4j keeps of a property map: null values are not stored."""
    return {k: v for k, v in props.items() if v is not None}


def test_record_conversions_round_trip():
    assert rows.provider(stored(rows.provider_params(person(), "h"))) == ProviderRecord(
        **{
            f: getattr(person(), f)
            for f in ProviderRecord.__dataclass_fields__
            if f not in ("locations", "taxonomies", "other_names")
        }
    )
    assert rows.provider(stored(rows.provider_params(clinic(), "h"))).deactivation_date == date(2024, 1, 2)
    for credential in (LICENSE, BOARD):
        assert rows.credential(stored(rows.credential_params("1234567893", credential)["props"])) == credential
    p = rows.treatment_params(OFFERING)
    assert rows.treatment({"npi": p["npi"], "treatment": p["treatment"], "fact": stored(p["fact"])}) == OFFERING
    bare = TreatmentOffering("1234567893", Treatment.ECT, ROSTER)
    p = rows.treatment_params(bare)
    assert (
        p["location_key"] == ""
        and rows.treatment({"npi": p["npi"], "treatment": p["treatment"], "fact": stored(p["fact"])}) == bare
    )
    assert rows.access(stored(rows.access_params(ACCESS)["props"])) == ACCESS
    unknown = AccessFacts("1234567893", ROSTER)
    assert rows.access(stored(rows.access_params(unknown)["props"])) == unknown
    assert rows.exclusion(stored(rows.exclusion_params(EXCLUSION)["props"])) == EXCLUSION
    affiliation = Affiliation("1234567893", "1568946812", ROSTER, "medical director")
    p = rows.affiliation_params(affiliation)
    assert (
        rows.affiliation(
            {
                "individual_npi": p["individual_npi"],
                "organization_npi": p["organization_npi"],
                "fact": stored(p["fact"]),
            }
        )
        == affiliation
    )
    assert rows.network(rows.network_params(NETWORK)) == NETWORK
    assert rows.plan(rows.plan_params(PLAN)) == Plan("plan-1", "payer-1", "Gold", "PPO", ("net-a", "net-b"))
    assert rows.plan(rows.plan_params(Plan("p", "y", "n", "HMO"))).network_ids == ()
    member = NetworkMember("net-a", "1234567893", ROSTER, date(2024, 1, 1))
    assert (
        rows.network_member("net-a", {"npi": member.npi, "fact": stored(rows.member_params(member)["fact"])}) == member
    )
    assert rows.match(stored(rows.match_params(MATCH)["props"])) == MATCH
    assert rows.run(stored(rows.run_params(RUN))) == RUN
    assert rows.quarantined(stored(rows.quarantine_params(QUARANTINED)["props"])) == QUARANTINED
    assert rows.taxonomy(TAXONOMY_ROW).display_name == "Psychiatry"


def test_owned_fact_conversions_round_trip():
    record = person()
    batch = rows.provider_batch([(record, "h")])
    places = {loc["key"]: loc for loc in batch["locations"]}
    read = [
        rows.provider_location({"fact": stored(p["fact"]), "place": stored(places[p["key"]])}) for p in batch["placed"]
    ]
    assert read == [ProviderLocation(MIDTOWN, True, EV), ProviderLocation(UNGEOCODED, False, EV)]
    taxa = [
        rows.provider_taxonomy({"code": c["code"], "display_name": None, "fact": stored(c["fact"])})
        for c in batch["coded"]
    ]
    assert taxa == record.taxonomies
    assert [rows.other_name(stored(n["props"])) for n in batch["named"]] == record.other_names


def test_fact_identities_are_unambiguous():
    # JSON arrays, so a "|" inside a value cannot make two identities collide
    assert json.loads(rows.quarantine_params(QUARANTINED)["uid"]) == ["r1", 7]
    assert json.loads(rows.credential_params("1234567893", LICENSE)["uid"]) == [
        "1234567893",
        LICENSE.key,
        "roster:acme",
    ]
    assert json.loads(rows.exclusion_params(EXCLUSION)["uid"]) == ["1234567893", "LEIE", "1128b4", "2020-01-02"]


# ------------------------------------------------ Neo4j's own Cypher linter
LINT_SCRIPT = """
const ls = require('@neo4j-cypher/language-support');
const queries = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const out = {};
for (const [name, query] of Object.entries(queries)) {
  out[name] = ls.lintCypherQuery('CYPHER 5 ' + query, {}).diagnostics
    .filter(d => !/^Parameter \\$\\w+ is not defined/.test(d.message))
    .map(d => d.message);
}
console.log(JSON.stringify(out));
"""


def test_cypher_passes_neo4j_syntax_and_semantic_analysis(tmp_path):
    """Every statement through Neo4j's parser and semantic analysis (the npm
    package @neo4j-cypher/language-support), when CYPHER_LINT_NODE_PATH names
    the node_modules folder it is installed in; warnings count as failures."""
    import os
    import shutil
    import subprocess

    modules = os.environ.get("CYPHER_LINT_NODE_PATH")
    node = shutil.which("node")
    if not modules or not node:
        pytest.skip("set CYPHER_LINT_NODE_PATH to a node_modules with @neo4j-cypher/language-support")
    queries = tmp_path / "queries.json"
    queries.write_text(json.dumps(dict(query_constants())), encoding="utf-8")
    script = tmp_path / "lint.cjs"
    script.write_text(LINT_SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [node, str(script), str(queries)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NODE_PATH": modules},
        check=True,
    )
    findings = {name: found for name, found in json.loads(done.stdout).items() if found}
    assert len(json.loads(done.stdout)) > 100
    assert not findings, findings


# ------------------------------------------------------- network adequacy
def test_coverage_inputs_is_one_read_transaction_and_converts_rows(fake):
    from directory.model import CoverageQuery, CoverageSite

    store, driver = fake
    driver.answers[coverage.NETWORK_FOUND] = [{"found": True}]
    site = {"key": MIDTOWN.key, "latitude": 40.7566, "longitude": -73.9867, "zip5": "10036", "state": "NY"}
    driver.answers[coverage.COVERAGE_INPUTS] = [
        {
            "npi": "1234567893",
            "display_name": "Ann B O'Neil, MD",
            "entity_type": 1,
            "taxonomies": [
                {"code": "2084P0800X", "license_state": "NY"},
                {"code": "363LP0808X", "license_state": "NJ"},
                {"code": "2084P0800X", "license_state": None},
            ],
            # one location placed by two owners comes back twice
            "sites": [{**site, "county": "New York", "line1": "1501 Broadway", "line2": None, "city": "New York"}] * 2,
            "in_network": True,
            "telehealth": False,
        }
    ]
    found = store.coverage_inputs(CoverageQuery("net", ("2084P0800X", " "), (40.0, 41.0, -75.0, -73.0)))
    check_all(driver)
    assert [mode for mode, _ in driver.transactions] == ["read"]
    ((_, statements),) = driver.transactions
    assert [q for q, _ in statements] == [coverage.NETWORK_FOUND, coverage.COVERAGE_INPUTS]
    sent = statements[1][1]
    assert sent == {
        "codes": ["2084P0800X"],
        "network_id": "net",
        "min_lat": 40.0,
        "max_lat": 41.0,
        "min_lon": -75.0,
        "max_lon": -73.0,
    }
    (ann,) = found
    assert ann.taxonomy_codes == ("2084P0800X",) and ann.license_states == ("NJ", "NY")
    assert ann.sites == (
        CoverageSite(MIDTOWN.key, 40.7566, -73.9867, "10036", "NY", "New York", "1501 Broadway", "", "New York"),
    )
    assert ann.in_network and not ann.telehealth and ann.entity_type is EntityType.INDIVIDUAL


def test_coverage_inputs_of_an_unknown_network_is_not_found_on_neo4j(fake):
    from directory.model import CoverageQuery

    store, driver = fake
    driver.answers[coverage.NETWORK_FOUND] = [{"found": False}]
    with pytest.raises(NotFound, match="nope"):
        store.coverage_inputs(CoverageQuery("nope", ("2084P0800X",)))
    assert [q for q, _ in driver.statements()] == [coverage.NETWORK_FOUND]
