"""Store contract, source records (issue 9 points 1 and 2): records kept with
their fields, evidence and content hash, duplicates of a load refused, records
a newer load no longer holds retired and restored, resolution links kept while
they stay the same, and each source's facts replaced as a set without touching
any other source's. Written once, run on every backend through ``store``."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from store_records import BROOKLYN, MIDTOWN, NPPES, individual, npi

from directory.errors import InputError
from directory.model import (
    AccessFacts,
    Credential,
    CredentialKind,
    Evidence,
    IngestRun,
    Network,
    NetworkKind,
    NetworkMember,
    Payer,
    ProviderLocation,
    Treatment,
    TreatmentOffering,
)
from directory.source_records import LinkStatus, RecordSource, ResolutionLink, SourceFacts, SourceRecord
from directory.store import RunCheckpoint
from directory.store.hashing import record_hash

JAN = Evidence("acme-roster", date(2026, 1, 31), "roster", 0.85, "acme_2026-01.csv")
FEB = Evidence("acme-roster", date(2026, 2, 28), "roster", 0.85, "acme_2026-02.csv")


def record(record_id: str, run: str = "run-jan", line: int = 2, evidence: Evidence = JAN, **fields) -> SourceRecord:
    values = {"last_name": "SMITH", "first_name": "ANN", **fields}
    return SourceRecord(
        evidence.source, record_id, "roster", values, evidence, record_hash("roster", values), line, run
    )


def start(store, run_id: str) -> None:
    store.start_run(
        IngestRun(run_id, "acme-roster", "acme.csv", "k" + run_id, "2026-01-01T00:00:00", None, "running", {})
    )


def test_records_are_kept_with_fields_evidence_and_hash(store, reopen):
    start(store, "run-jan")
    first = [record("R1", line=2), record("R2", line=3, last_name="O'NEIL", zip="02139")]
    done = store.upsert_source_records(first, RunCheckpoint("run-jan", 3, {"read": 2}))
    assert (done.stats.inserted, done.stats.updated, done.stats.unchanged, done.duplicates) == (2, 0, 0, ())
    store = reopen()
    found = store.source_records(["acme-roster:R1", "acme-roster:R2", "acme-roster:nope"])
    assert found == {r.ref: r for r in first}
    assert found["acme-roster:R2"].fields == {"last_name": "O'NEIL", "first_name": "ANN", "zip": "02139"}
    assert next(r for r in store.runs() if r.run_id == "run-jan").resume_line == 3  # committed with the batch
    again = store.upsert_source_records(first)
    assert (again.stats.inserted, again.stats.updated, again.stats.unchanged) == (0, 0, 2)
    changed = store.upsert_source_records([record("R1", line=2, zip="10036")])
    assert (changed.stats.updated, store.source_records(["acme-roster:R1"])["acme-roster:R1"].fields["zip"]) == (
        1,
        "10036",
    )


def test_a_record_id_twice_in_one_load_is_a_duplicate_and_the_first_row_wins(store):
    batch = [record("R1", line=2), record("R1", line=5, first_name="BOB")]
    done = store.upsert_source_records(batch)
    assert done.stats.inserted == 1 and [d.line for d in done.duplicates] == [5]
    later = store.upsert_source_records([record("R1", line=9, first_name="CY")])  # a later batch of the same load
    assert later.stats == dataclasses.replace(later.stats, inserted=0, updated=0, unchanged=0)
    assert [d.line for d in later.duplicates] == [9]
    assert store.source_records(["acme-roster:R1"])["acme-roster:R1"].fields["first_name"] == "ANN"
    # the same row of the same load again is no duplicate (a re-run), nor is another load's row
    assert store.upsert_source_records([record("R1", line=2)]).duplicates == ()
    other = store.upsert_source_records([record("R1", run="run-feb", line=7, evidence=FEB)])
    assert other.duplicates == () and other.stats.unchanged == 1


def test_a_newer_load_retires_what_it_no_longer_holds_and_restores_what_comes_back(store):
    store.upsert_source_records([record("R1"), record("R2", line=3), record("R3", line=4)])
    store.upsert_source_records([record("R1", run="run-feb", evidence=FEB), record("R3", run="run-feb", evidence=FEB)])
    assert store.retire_source_records("acme-roster", "run-feb", date(2026, 3, 1)) == 1
    assert store.retire_source_records("acme-roster", "run-feb", date(2026, 3, 2)) == 0  # idempotent
    current = store.source_record_page("acme-roster")
    assert [r.record_id for r in current] == ["R1", "R3"]
    assert current[0].evidence == FEB and current[0].run_id == "run-feb"  # re-confirmed on the newer date
    every = store.source_record_page("acme-roster", include_retired=True)
    assert [(r.record_id, r.retired_on) for r in every] == [("R1", None), ("R2", date(2026, 3, 1)), ("R3", None)]
    assert [r.record_id for r in store.source_record_page("acme-roster", after="R1", limit=1)] == ["R3"]
    assert store.record_sources() == [
        RecordSource("acme-roster", "roster", "acme_2026-02.csv", FEB.retrieved, "roster", 2, 1)
    ]
    back = store.upsert_source_records([record("R2", run="run-mar", evidence=FEB)])
    assert back.stats.updated == 1  # restored
    assert [r.record_id for r in store.iter_source_records("acme-roster")] == ["R1", "R2", "R3"]
    assert store.record_sources()[0].retired == 0


def test_links_are_written_only_when_they_change(store):
    first = [
        ResolutionLink(
            "nppes:" + npi(1), npi(1), npi(1), LinkStatus.LINKED, 1.0, "registry", "2026-03-01T00:00:00+00:00"
        ),
        ResolutionLink(
            "acme-roster:R1", npi(1), npi(1), LinkStatus.LINKED, 0.991, "model", "2026-03-01T00:00:00+00:00"
        ),
        ResolutionLink(
            "acme-roster:R2", "e-4f2a", None, LinkStatus.REVIEW, 0.62, "review", "2026-03-01T00:00:00+00:00"
        ),
    ]
    assert store.save_resolution_links(first) == 3
    later = [dataclasses.replace(link, decided_at="2026-04-01T00:00:00+00:00") for link in first]
    later[2] = dataclasses.replace(later[2], entity_id=npi(1), npi=npi(1), status=LinkStatus.LINKED, method="decision")
    assert store.save_resolution_links(later) == 1
    found = store.resolution_links([link.ref for link in first])
    assert found["acme-roster:R1"].decided_at == "2026-03-01T00:00:00+00:00"  # unchanged: decided then
    assert found["acme-roster:R2"] == later[2]
    assert [link.ref for link in store.resolution_link_page()] == sorted(link.ref for link in first)
    assert [link.ref for link in store.resolution_link_page(after="acme-roster:R2", limit=5)] == ["nppes:" + npi(1)]
    assert store.delete_resolution_links(["acme-roster:R2", "acme-roster:nope"]) == 1
    assert [link.ref for link in store.iter_resolution_links()] == ["acme-roster:R1", "nppes:" + npi(1)]
    assert store.counts()["resolution_links"] == 2


def linked(reference: str, probability: float | None = None) -> Evidence:
    return Evidence("acme-roster", date(2026, 2, 28), "roster", 0.85, reference, "acme_2026-02.csv", probability)


def test_a_sources_facts_are_replaced_as_a_set_and_other_sources_are_left_alone(store, reopen):
    store.upsert_providers([individual(npi(1)), individual(npi(2), "Jane")])
    store.upsert_payers([Payer("acme", "Acme Health")])
    store.upsert_networks(
        [Network("acme-ppo", "Acme PPO", NetworkKind.PAYER, "acme"), Network("other", "O", NetworkKind.PAYER, "acme")]
    )
    board = Evidence("acme-roster", date(2026, 1, 5), "license_lookup", 0.95, "board file")  # same name, not a record's
    store.upsert_credentials([(npi(1), Credential(CredentialKind.STATE_LICENSE, board, "L-2", "NJ", "active"))])
    store.add_network_members([NetworkMember("other", npi(1), NPPES)])  # another source holds this membership
    ev = linked("acme-roster:R1", 0.97)
    facts = SourceFacts(
        credentials=(Credential(CredentialKind.STATE_LICENSE, ev, "L-1", "NY", None),),
        treatments=(TreatmentOffering(npi(1), Treatment.TMS_ACCELERATED, ev, MIDTOWN.key, False, "SAINT"),),
        access=(AccessFacts(npi(1), ev, accepting_new_patients=True, telehealth=False),),
        memberships=(
            NetworkMember("acme-ppo", npi(1), ev, date(2025, 7, 1)),
            NetworkMember("other", npi(1), ev),
            NetworkMember("no-such-network", npi(1), ev),
        ),
        locations=(ProviderLocation(dataclasses.replace(BROOKLYN, phone="7185550199"), True, ev),),
    )
    assert store.replace_source_facts("acme-roster", {npi(1): facts, npi(99): SourceFacts()}) == 1
    store = reopen()
    held = store.source_facts("acme-roster", [npi(1), npi(2)])
    assert list(held) == [npi(1)]
    mine = held[npi(1)]
    assert mine.credentials == facts.credentials and mine.treatments == facts.treatments
    assert mine.access == facts.access and mine.memberships == (facts.memberships[0],)
    (place,) = mine.locations
    assert place.location.key == BROOKLYN.key and place.location.phone == "7185550199" and place.primary
    assert place.evidence.file == "acme_2026-02.csv" and place.evidence.link_probability == 0.97
    assert store.source_fact_npis("acme-roster") == [npi(1)]
    # other sources' facts are where they were
    credentials = store.credentials_for([npi(1)])[npi(1)]
    assert {(c.evidence.reference, c.status) for c in credentials} == {
        ("board file", "active"),
        ("acme-roster:R1", None),
    }
    assert [m.evidence.source for m in store.network_members("other")] == ["nppes"]
    assert {pl.evidence.source for pl in store.locations_for([npi(1)])[npi(1)]} == {"nppes", "acme-roster"}
    # replaced as a set: the next set is what the source holds, nothing of the last stays
    again = linked("acme-roster:R7")
    smaller = SourceFacts(access=(AccessFacts(npi(1), again, accepting_new_patients=False),))
    assert store.replace_source_facts("acme-roster", {npi(1): smaller}) == 1
    assert store.source_facts("acme-roster", [npi(1)]) == {npi(1): smaller}
    assert [m.npi for m in store.network_members("acme-ppo")] == []
    assert store.access_facts_for([npi(1)])[npi(1)] == [smaller.access[0]]
    # withdrawn
    assert store.replace_source_facts("acme-roster", {npi(1): SourceFacts()}) == 1
    assert store.source_facts("acme-roster", [npi(1)]) == {} and store.source_fact_npis("acme-roster") == []
    assert len(store.credentials_for([npi(1)])[npi(1)]) == 1


def test_only_a_sources_own_record_facts_can_be_written_as_it(store):
    store.upsert_providers([individual(npi(1))])
    foreign = Evidence("other", date(2026, 1, 1), "roster", 0.8, "other:R1")
    with pytest.raises(InputError, match="cannot be written as 'acme-roster'"):
        store.replace_source_facts("acme-roster", {npi(1): SourceFacts(access=(AccessFacts(npi(1), foreign),))})
    not_a_record = Evidence("acme-roster", date(2026, 1, 1), "roster", 0.8, "acme.csv")
    with pytest.raises(InputError):
        store.replace_source_facts("acme-roster", {npi(1): SourceFacts(access=(AccessFacts(npi(1), not_a_record),))})
    with pytest.raises(InputError, match="another NPI"):
        store.replace_source_facts(
            "acme-roster", {npi(1): SourceFacts(access=(AccessFacts(npi(2), linked("acme-roster:R1")),))}
        )


def test_file_and_link_probability_travel_with_every_kind_of_fact(store):
    store.upsert_providers([individual(npi(1))])
    store.upsert_payers([Payer("acme", "Acme Health")])
    store.upsert_networks([Network("acme-ppo", "Acme PPO", NetworkKind.PAYER, "acme")])
    ev = linked("acme-roster:R1", 0.9)
    store.upsert_credentials([(npi(1), Credential(CredentialKind.STATE_LICENSE, ev, "L-1", "NY", "active"))])
    store.upsert_treatments([TreatmentOffering(npi(1), Treatment.IV_KETAMINE, ev)])
    store.upsert_access([AccessFacts(npi(1), ev, telehealth=True)])
    store.add_network_members([NetworkMember("acme-ppo", npi(1), ev)])
    store.replace_secondary_locations({npi(1): [ProviderLocation(BROOKLYN, False, ev)]}, "acme-roster")
    assert store.credentials_for([npi(1)])[npi(1)][0].evidence == ev
    assert store.treatments_for([npi(1)])[npi(1)][0].evidence == ev
    assert store.access_facts_for([npi(1)])[npi(1)][0].evidence == ev
    assert store.network_members("acme-ppo")[0].evidence == ev
    assert {pl.evidence for pl in store.locations_for([npi(1)])[npi(1)]} == {NPPES, ev}
    # a later write without them removes them
    plain = dataclasses.replace(ev, file=None, link_probability=None)
    store.upsert_treatments([TreatmentOffering(npi(1), Treatment.IV_KETAMINE, plain)])
    assert store.treatments_for([npi(1)])[npi(1)][0].evidence == plain


def test_only_the_models_decisions_are_withdrawn(store):
    from directory.model import MatchRecord, MatchStatus

    def pair(i: int, by: str = "model") -> MatchRecord:
        return MatchRecord(
            f"m{i}", f"a:{i}", f"b:{i}", 0.9, 5.0, {"name": "equal"}, MatchStatus.REVIEW, by, "2026-01-01"
        )

    store.save_matches([pair(1), pair(2), pair(3, by="reviewer@acme")])
    assert store.withdraw_model_matches(["m1", "m3", "nope"]) == 1
    assert [m.match_id for m in store.matches(limit=None)] == ["m2", "m3"]
    assert store.withdraw_model_matches([]) == 0
