"""The Neo4j adapter's vetting primitives and its version 2 migration, without
a server: through the recording driver of ``test_neo4j_queries`` (constant
Cypher, every parameter sent and plain, the right transactions). The Cypher
runs against Neo4j in ``test_contract_vetting`` when NEO4J_URI is set, and
through Neo4j's analyser in ``test_neo4j_queries``."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest
from test_neo4j_queries import FakeDriver, check_all

from directory.errors import NotFound
from directory.model import (
    AccessFacts,
    CheckResult,
    Evidence,
    EvidenceRef,
    VettingCriteria,
    VettingRecord,
    VettingStatus,
)
from directory.store import neo4j as adapter
from directory.store import neo4j_cypher as cypher
from directory.store import neo4j_rows as rows
from directory.store import neo4j_vetting as vetting
from directory.store import vetting_codec as codec
from directory.store.neo4j import Neo4jStore

NPI = "1234567893"
ROSTER = Evidence("roster:acme", date(2026, 10, 1), "roster", 0.85, "acme.csv#4")
CRITERIA = VettingCriteria(
    ("active_npi", "not_excluded"), ("active",), ("LEIE",), 12.5, 90, "acme-trd", "employer:acme", date(2026, 12, 1)
)
REF = EvidenceRef("licence NY 1", "state_board:NY", date(2026, 10, 18), "license_lookup", 0.95)
RESULT = VettingRecord(
    "acme-trd",
    NPI,
    VettingStatus.NEEDS_REVIEW,
    (CheckResult("state_license", "unknown", True, "no active licence verified in NJ", (REF,)),),
    "fp",
    "dg",
    "criteria-1",
    date(2026, 12, 1),
)


@pytest.fixture
def recorder():
    store = Neo4jStore("neo4j://127.0.0.1:7687", user="neo4j", password="secret", database="provnet")
    store._driver.close()  # the real driver never connected; swap in the recorder
    driver = FakeDriver()
    store._driver = driver
    return store, driver


def test_criteria_are_one_write_checked_against_the_network_and_read_back(recorder):
    store, driver = recorder
    driver.answers[vetting.SET_CRITERIA] = [{"written": 1}]
    store.set_vetting_criteria(CRITERIA)
    props = codec.criteria_params(CRITERIA)
    driver.answers[vetting.CRITERIA] = [{"props": props}]
    assert store.vetting_criteria(["acme-trd"]) == {"acme-trd": CRITERIA}
    check_all(driver)
    assert [mode for mode, _ in driver.transactions] == ["write", "read"]
    assert driver.statements()[1][1] == {"ids": ["acme-trd"]}
    driver.answers[vetting.SET_CRITERIA] = [{"written": 0}]  # the network is not there
    with pytest.raises(NotFound, match="no network acme-trd"):
        store.set_vetting_criteria(CRITERIA)


def test_recording_reads_the_latest_and_merges_only_what_changed_in_one_write(recorder):
    store, driver = recorder
    driver.answers[vetting.MISSING_NETWORKS] = [{"missing": []}]
    stored = codec.result_params(RESULT, 4)
    driver.answers[vetting.LATEST] = [{"npi": NPI, "props": stored}]
    assert store.record_vetting([RESULT]) == 0  # the same fingerprint and digest: nothing sent
    changed = dataclasses.replace(RESULT, digest="dg2")
    assert store.record_vetting([changed]) == 1
    check_all(driver)
    assert [mode for mode, _ in driver.transactions] == ["write", "write"]
    sent = [q for q, _ in driver.transactions[1][1]]
    assert sent == [vetting.MISSING_NETWORKS, vetting.LATEST, vetting.APPEND]
    (row,) = driver.transactions[1][1][2][1]["rows"]
    assert row["uid"] == f"acme-trd|{NPI}|5" and row["props"]["seq"] == 5
    assert json.loads(row["props"]["checks"])[0]["evidence"] == [
        ["licence NY 1", "state_board:NY", "2026-10-18", "license_lookup", 0.95]
    ]
    driver.answers[vetting.MISSING_NETWORKS] = [{"missing": ["acme-trd"]}]
    with pytest.raises(NotFound, match="no network acme-trd"):
        store.record_vetting([changed])


def test_the_default_criteria_results_check_no_network(recorder):
    store, driver = recorder
    store.record_vetting([dataclasses.replace(RESULT, network_id="")])
    assert [q for q, _ in driver.statements()] == [vetting.LATEST, vetting.APPEND]


def test_newest_results_and_offering_dates_are_one_read_each(recorder):
    store, driver = recorder
    driver.answers[vetting.LATEST] = [
        {"npi": NPI, "props": codec.result_params(RESULT, 2)},
        {"npi": NPI, "props": codec.result_params(RESULT, 1)},
    ]
    found = store.vetting_results("acme-trd", [NPI, NPI], latest=2)
    assert [r.seq for r in found[NPI]] == [2, 1] and found[NPI][0].checks == RESULT.checks
    driver.answers[vetting.NEWEST_OFFERINGS] = [{"source": "rems_list", "newest": "2026-10-15"}]
    assert store.newest_offering_dates(["rems_list"]) == {"rems_list": date(2026, 10, 15)}
    check_all(driver)
    assert [mode for mode, _ in driver.transactions] == ["read", "read"]
    assert driver.statements()[0][1] == {"network_id": "acme-trd", "npis": [NPI], "latest": 2}


def test_access_facts_are_one_node_per_npi_and_source(recorder):
    store, driver = recorder
    a = AccessFacts(NPI, ROSTER, accepting_new_patients=True)
    b = AccessFacts(
        NPI, Evidence("secret_shopper", date(2026, 11, 2), "phone_survey", 0.8), accepting_new_patients=False
    )
    store.upsert_access([a, b])
    check_all(driver)
    (sent,) = driver.statements()
    assert [r["props"]["uid"] for r in sent[1]["rows"]] == [f"{NPI}|roster:acme", f"{NPI}|secret_shopper"]
    driver.answers[cypher.ACCESS_FOR] = [
        {"npi": NPI, "props": rows.access_params(b)["props"]},
        {"npi": NPI, "props": rows.access_params(a)["props"]},
    ]
    assert store.access_facts_for([NPI]) == {NPI: [b, a]} and store.access_for([NPI]) == {NPI: b}


def test_a_version_2_graph_is_migrated_after_the_schema_and_a_current_one_is_not(recorder):
    store, driver = recorder
    driver.answers[cypher.SCHEMA_VERSION_READ] = [{"version": 2}]
    store.init_schema()
    sent = [stmts[0][0] for _, stmts in driver.transactions]
    migration = list(cypher.MIGRATIONS[3]) + list(cypher.MIGRATIONS[4])  # every step after 2, in order
    assert sent[-1 - len(migration) : -1] == migration  # after the schema, before the version is written
    assert sent[-1] == cypher.SCHEMA_VERSION_WRITE
    assert driver.transactions[-1][1][0][1] == {"version": adapter.SCHEMA_VERSION} and adapter.SCHEMA_VERSION == 4
    assert "access_uid" in "\n".join(cypher.SCHEMA) and "access_npi " not in "\n".join(cypher.SCHEMA)
    driver.transactions.clear()
    driver.answers[cypher.SCHEMA_VERSION_READ] = [{"version": 4}]
    store.init_schema()
    assert not set(migration) & {stmts[0][0] for _, stmts in driver.transactions}
