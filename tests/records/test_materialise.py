"""Materialising a source's facts on a real store: a roster row linked to a
provider gives a membership in a payer's network the store holds, none in an
employer's vetted network or an unknown one; the facts are replaced as a set,
withdrawn when the link goes, and the vetted networks re-judge the provider."""

from __future__ import annotations

from datetime import date

import pytest

from directory.model import Employer, EntityType, Evidence, Network, NetworkKind, NetworkMember, Payer, ProviderRecord
from directory.source_records import LinkStatus, ResolutionLink, SourceRecord
from directory.store.hashing import record_hash
from directory.store.sqlite import SQLiteStore
from ingest.materialise import materialise

NPI = "1234567893"
NPPES = Evidence("nppes", date(2026, 1, 11), "bulk_file", 1.0, "npidata.csv")
FILE = Evidence("acme-roster", date(2026, 2, 28), "roster", 0.85, "acme.csv")


@pytest.fixture
def store(tmp_path):
    store = SQLiteStore(tmp_path / "provnet.db")
    store.init_schema()
    store.upsert_providers([ProviderRecord(NPI, EntityType.INDIVIDUAL, NPPES, last_name="SMITH", first_name="ANN")])
    store.upsert_payers([Payer("acme", "Acme Health")])
    store.upsert_employers([Employer("robots", "Robots Inc")])
    store.upsert_networks(
        [
            Network("acme-ppo", "Acme PPO", NetworkKind.PAYER, "acme"),
            Network("robots-trd", "TRD", NetworkKind.EMPLOYER, "robots"),
        ]
    )
    yield store
    store.close()


def roster_row(record_id: str, network: str) -> SourceRecord:
    fields = {"last_name": "SMITH", "npi": NPI, "network_id": network, "accepting_new_patients": "true"}
    return SourceRecord("acme-roster", record_id, "roster", fields, FILE, record_hash("roster", fields), 2, "run-1")


def link(ref: str, status=LinkStatus.LINKED) -> ResolutionLink:
    return ResolutionLink(ref, NPI, NPI, status, 0.98, "model", "2026-03-01T00:00:00+00:00")


def test_memberships_only_in_a_payers_network_the_store_holds(store):
    rows = [roster_row("R1", "acme-ppo"), roster_row("R2", "robots-trd"), roster_row("R3", "nowhere")]
    store.upsert_source_records(rows)
    store.save_resolution_links([link(r.ref) for r in rows])
    report = materialise(store, today=date(2026, 3, 1))
    assert report.skipped == {"no payer network: robots-trd": 1, "no payer network: nowhere": 1}
    assert [m.npi for m in store.network_members("acme-ppo")] == [NPI]
    assert store.network_members("robots-trd") == []
    (member,) = store.network_members("acme-ppo")
    assert member.evidence.reference == "acme-roster:R1" and member.evidence.link_probability == 0.98
    assert report.changed == {NPI} and materialise(store).written == 0  # again: nothing to write


def test_a_link_that_goes_withdraws_the_facts_and_the_vetted_networks_judge_again(store):
    store.add_network_members([NetworkMember("robots-trd", NPI, NPPES)])  # the employer vetted this provider
    store.upsert_source_records([roster_row("R1", "acme-ppo")])
    store.save_resolution_links([link("acme-roster:R1")])
    first = materialise(store, today=date(2026, 3, 1))
    assert first.vetting.startswith("vetting refreshed: 1 network(s), 1 member")
    assert store.access_facts_for([NPI])[NPI][0].evidence.source == "acme-roster"
    store.save_resolution_links([link("acme-roster:R1", LinkStatus.REVIEW)])  # a person must decide now
    second = materialise(store, today=date(2026, 3, 1))
    assert second.withdrawn == 1 and store.source_facts("acme-roster", [NPI]) == {}
    assert store.network_members("acme-ppo") == [] and NPI not in store.access_facts_for([NPI])
    assert [m.npi for m in store.network_members("robots-trd")] == [NPI]  # the employer's own stays
