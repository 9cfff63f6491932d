"""The Neo4j adapter's secondary-fact writes, without a server: through the
recording driver of ``test_neo4j_queries`` (constant Cypher, every parameter
sent and plain, one write transaction with the checkpoint). The Cypher itself
runs against Neo4j in ``test_contract_secondary`` when NEO4J_URI is set."""

from __future__ import annotations

from datetime import date

from test_neo4j_queries import check_all, fake  # noqa: F401 - the fixture

from directory.model import Evidence, Location, OtherName, ProviderLocation
from directory.store import RunCheckpoint
from directory.store import neo4j_cypher as cypher
from directory.store import neo4j_matching as matching

PL = Evidence("nppes_pl", date(2024, 5, 1), "bulk_file", 1.0, "pl_pfile_20050523-20240430.csv")
OTHER = Evidence("nppes_othername", date(2024, 5, 1), "bulk_file", 1.0, "othername_pfile_20050523-20240430.csv")
SITE = Location("200 W 57TH ST", "NEW YORK", "NY", "10019", "SUITE 300", "New York", 40.765, -73.98, "2125550199")


def test_secondary_locations_go_in_one_write_with_the_checkpoint(fake):
    store, driver = fake
    driver.answers[cypher.KNOWN_NPIS] = [{"known": ["1234567893"]}]
    driver.answers[cypher.CHECKPOINT] = [{"found": 1}]
    written = store.replace_secondary_locations(
        {"1234567893": [ProviderLocation(SITE, False, PL), ProviderLocation(SITE, False, PL)], "1111111112": []},
        "nppes_pl",
        checkpoint=RunCheckpoint("run-1", 40, {"read": 39}),
    )
    assert written == 1
    check_all(driver)
    ((mode, statements),) = driver.transactions
    assert mode == "write"
    sent = [query for query, _ in statements]
    assert sent == [
        cypher.KNOWN_NPIS,
        cypher.DELETE_OWNED_LOCATIONS,
        cypher.MERGE_LOCATIONS,
        cypher.CREATE_PRACTICES_AT,
        cypher.CHECKPOINT,
        matching.FORGET_PROFILES,  # ranking profiles depend on locations: forgotten in the same transaction
    ]
    params = dict(statements)
    assert params[matching.FORGET_PROFILES] == {"npis": ["1111111112", "1234567893"]}
    assert params[cypher.DELETE_OWNED_LOCATIONS]["owned"] == [
        {"npi": "1111111112", "owner": "nppes_pl"},
        {"npi": "1234567893", "owner": "nppes_pl"},
    ]
    (placed,) = params[cypher.CREATE_PRACTICES_AT]["placed"]  # listed twice: one fact
    assert placed["key"] == SITE.key and placed["fact"]["owner"] == "nppes_pl" and placed["fact"]["is_primary"] is False


def test_other_names_replace_the_owners_nodes_searchably(fake):
    store, driver = fake
    driver.answers[cypher.KNOWN_NPIS] = [{"known": ["1234567893"]}]
    store.replace_other_names({"1234567893": [OtherName("LAKEVIEW KETAMINE", "3", OTHER)]}, "nppes_othername")
    check_all(driver)
    ((_, statements),) = driver.transactions
    assert [q for q, _ in statements] == [cypher.KNOWN_NPIS, cypher.DELETE_OWNED_OTHER_NAMES, cypher.CREATE_OTHER_NAMES]
    (named,) = dict(statements)[cypher.CREATE_OTHER_NAMES]["named"]
    assert named["props"]["name"] == "LAKEVIEW KETAMINE" and named["props"]["owner"] == "nppes_othername"
    assert named["words"] == ["KETAMINE", "LAKEVIEW"]


def test_nothing_known_writes_nothing_but_the_checkpoint(fake):
    store, driver = fake
    driver.answers[cypher.CHECKPOINT] = [{"found": 1}]
    assert (
        store.replace_other_names({"1234567893": []}, "nppes_othername", checkpoint=RunCheckpoint("run-1", 3, {})) == 0
    )
    ((_, statements),) = driver.transactions
    assert [q for q, _ in statements] == [cypher.KNOWN_NPIS, cypher.CHECKPOINT]


def test_sweep_is_one_write_of_both_kinds(fake):
    store, driver = fake
    driver.answers[cypher.SWEEP_OWNED_LOCATIONS] = [{"removed": 2}]
    driver.answers[cypher.SWEEP_OWNED_OTHER_NAMES] = [{"removed": 1}]
    driver.answers[matching.SWEPT_NPIS] = [{"npis": ["1234567893"]}]
    assert store.sweep_secondary_facts("nppes_pl", "pl_pfile_20050523-20240531.csv") == 3
    check_all(driver)
    ((mode, statements),) = driver.transactions
    assert mode == "write" and [q for q, _ in statements] == [
        matching.SWEPT_NPIS,  # whose locations go: their ranking profiles are forgotten with them
        cypher.SWEEP_OWNED_LOCATIONS,
        cypher.SWEEP_OWNED_OTHER_NAMES,
        matching.FORGET_PROFILES,
    ]
    assert statements[1][1] == {"owner": "nppes_pl", "reference": "pl_pfile_20050523-20240531.csv"}
    assert statements[3][1] == {"npis": ["1234567893"]}
