"""The Neo4j adapter's source records, links and source facts, without a
server: through the recording driver of ``test_neo4j_queries`` (constant
Cypher, every parameter sent and plain, each primitive one transaction, the
checkpoint with its batch, rows converted back). The Cypher itself runs
against Neo4j in ``test_contract_records`` when NEO4J_URI is set, and through
Neo4j's own analyser in ``test_neo4j_queries``."""

from __future__ import annotations

import json
from datetime import date

from test_neo4j_queries import check_all, fake  # noqa: F401 - the fixture

from directory.model import (
    AccessFacts,
    Credential,
    CredentialKind,
    Evidence,
    Location,
    NetworkMember,
    ProviderLocation,
    Treatment,
    TreatmentOffering,
)
from directory.source_records import LinkStatus, RecordSource, ResolutionLink, SourceFacts, SourceRecord
from directory.store import RunCheckpoint
from directory.store import neo4j_cypher as cypher
from directory.store import neo4j_records as records
from directory.store import neo4j_rows as rows
from directory.store.hashing import record_hash

NPI = "1234567893"
FILE = Evidence("acme-roster", date(2026, 2, 28), "roster", 0.85, "acme_2026-02.csv")
FACT = Evidence("acme-roster", date(2026, 2, 28), "roster", 0.82, "acme-roster:R1", "acme_2026-02.csv", 0.97)
SITE = Location("200 W 57TH ST", "NEW YORK", "NY", "10019", "SUITE 300", "New York", 40.765, -73.98, "2125550199")


def record(record_id="R1", line=2) -> SourceRecord:
    fields = {"last_name": "SMITH", "npi": NPI}
    return SourceRecord("acme-roster", record_id, "roster", fields, FILE, record_hash("roster", fields), line, "run-1")


def test_a_batch_of_records_and_its_checkpoint_are_one_write(fake):
    store, driver = fake
    driver.answers[cypher.CHECKPOINT] = [{"found": 1}]
    done = store.upsert_source_records([record(), record("R2", 3)], RunCheckpoint("run-1", 3, {"read": 2}))
    assert done.stats.inserted == 2
    check_all(driver)
    assert [mode for mode, _ in driver.transactions] == ["read", "write"]
    (_, writes) = driver.transactions[1]
    assert [q for q, _ in writes] == [records.WRITE_RECORDS, cypher.CHECKPOINT]
    props = writes[0][1]["rows"][0]["props"]
    assert props["ref"] == "acme-roster:R1" and json.loads(props["fields"]) == {"last_name": "SMITH", "npi": NPI}
    assert props["retrieved"] == "2026-02-28" and props["file"] == "acme_2026-02.csv" and "retired_on" not in props


def test_stored_records_convert_back(fake):
    store, driver = fake
    row = records.record_params(record())["props"]
    driver.answers[records.RECORDS] = [{"props": {**row, "retired_on": "2026-03-01"}}]
    found = store.source_records(["acme-roster:R1"])
    assert found["acme-roster:R1"].fields == {"last_name": "SMITH", "npi": NPI}
    assert found["acme-roster:R1"].evidence == FILE and found["acme-roster:R1"].retired_on == date(2026, 3, 1)
    driver.answers[records.STORED_RECORDS] = [{**row, "retired_on": None}]
    stored = store.stored_records(["acme-roster:R1"])["acme-roster:R1"]
    assert (stored.run_id, stored.line, stored.retired, stored.evidence) == ("run-1", 2, False, FILE)
    check_all(driver)


def test_record_sources_read_the_newest_file_in_the_same_transaction(fake):
    store, driver = fake
    driver.answers[records.SOURCES] = [
        {"source": "acme-roster", "kind": "roster", "as_of": "2026-02-28", "current": 4, "retired": 1}
    ]
    driver.answers[records.NEWEST_FILE] = [{"file": "acme_2026-02.csv", "method": "roster"}]
    assert store.record_sources() == [
        RecordSource("acme-roster", "roster", "acme_2026-02.csv", date(2026, 2, 28), "roster", 4, 1)
    ]
    ((mode, statements),) = driver.transactions
    assert mode == "read" and [q for q, _ in statements] == [records.SOURCES, records.NEWEST_FILE]
    check_all(driver)


def test_links_round_trip_and_only_changed_ones_are_written(fake):
    store, driver = fake
    link = ResolutionLink("acme-roster:R1", NPI, NPI, LinkStatus.LINKED, 0.97, "model", "2026-03-01T00:00:00+00:00")
    driver.answers[records.LINKS] = [{"props": records.link_params(link)["props"]}]
    assert store.save_resolution_links([link]) == 0
    moved = ResolutionLink("acme-roster:R1", "e-1", None, LinkStatus.NEW, 1.0, "single", "2026-04-01T00:00:00+00:00")
    driver.answers[records.WRITE_LINKS] = [{"written": 1}]
    assert store.save_resolution_links([moved]) == 1
    check_all(driver)
    assert driver.statements()[-1][0] == records.WRITE_LINKS
    assert driver.statements()[-1][1]["rows"][0]["props"]["npi"] is None


def test_replacing_a_sources_facts_is_one_write(fake):
    store, driver = fake
    driver.answers[cypher.KNOWN_NPIS] = [{"known": [NPI]}]
    facts = SourceFacts(
        credentials=(Credential(CredentialKind.STATE_LICENSE, FACT, "L-1", "NY"),),
        treatments=(TreatmentOffering(NPI, Treatment.TMS_STANDARD, FACT, SITE.key, False, "NeuroStar"),),
        access=(AccessFacts(NPI, FACT, accepting_new_patients=True),),
        memberships=(NetworkMember("acme-ppo", NPI, FACT, date(2025, 7, 1)),),
        locations=(ProviderLocation(SITE, True, FACT),),
    )
    assert store.replace_source_facts("acme-roster", {NPI: facts, "1111111112": SourceFacts()}) == 1
    check_all(driver)
    ((mode, statements),) = driver.transactions
    assert mode == "write"
    assert [q for q, _ in statements] == [
        cypher.KNOWN_NPIS,
        records.DELETE_CREDENTIALS_OF,
        records.DELETE_TREATMENTS_OF,
        records.DELETE_ACCESS_OF,
        records.DELETE_MEMBERS_OF,
        cypher.DELETE_OWNED_LOCATIONS,
        cypher.UPSERT_CREDENTIALS,
        cypher.UPSERT_TREATMENTS,
        cypher.UPSERT_ACCESS,
        records.INSERT_MEMBERS_OF,
        cypher.MERGE_LOCATIONS,
        cypher.CREATE_PRACTICES_AT,
    ]
    deletes = statements[1][1]
    assert deletes == {"source": "acme-roster", "prefix": "acme-roster:", "npis": [NPI]}
    member = statements[9][1]["rows"][0]["fact"]
    assert member["file"] == "acme_2026-02.csv" and member["link_probability"] == 0.97


def test_a_sources_facts_convert_back(fake):
    store, driver = fake
    licence = Credential(CredentialKind.STATE_LICENSE, FACT, "L-1", "NY")
    member = NetworkMember("acme-ppo", NPI, FACT)
    driver.answers[records.CREDENTIALS_OF] = [{"npi": NPI, "props": rows.credential_params(NPI, licence)["props"]}]
    driver.answers[records.MEMBERS_OF] = [
        {"npi": NPI, "network_id": "acme-ppo", "fact": rows.member_params(member)["fact"]}
    ]
    found = store.source_facts("acme-roster", [NPI])
    assert found[NPI].credentials == (licence,) and found[NPI].memberships == (member,)
    check_all(driver)
    driver.answers[records.FACT_NPIS] = [{"npi": "2"}, {"npi": "1"}, {"npi": "2"}]
    assert store.source_fact_npis("acme-roster") == ["1", "2"]


def test_withdrawing_the_models_decisions_is_one_write(fake):
    store, driver = fake
    driver.answers[records.WITHDRAW_MATCHES] = [{"withdrawn": 2}]
    assert store.withdraw_model_matches(["m2", "m1", "m2"]) == 2
    check_all(driver)
    ((mode, statements),) = driver.transactions
    assert mode == "write" and statements == [(records.WITHDRAW_MATCHES, {"ids": ["m1", "m2"]})]
