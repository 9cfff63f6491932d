"""Store contract: networks and their members, payers and plans, ingest runs
with checkpoints and quarantine, entity-resolution decisions."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from store_records import API, ROSTER, individual, npi

from directory.errors import NotFound
from directory.model import (
    Employer,
    IngestRun,
    MatchRecord,
    MatchStatus,
    Network,
    NetworkKind,
    NetworkMember,
    Payer,
    Plan,
    QuarantinedRow,
)
from directory.store import RunCheckpoint


def _members(store, network_id):
    return [m.npi for m in store.network_members(network_id)]


@pytest.fixture
def vetted(store):
    store.upsert_providers([individual(npi(n)) for n in range(1, 5)])
    store.upsert_employers([Employer("acme", "Acme Corp")])
    store.upsert_networks([Network("acme-trd", "Acme TRD Network", NetworkKind.EMPLOYER, "acme")])
    return "acme-trd"


def test_payers_employers_networks_and_plans(store):
    store.upsert_payers([Payer("p2", "Second"), Payer("p1", "First")])
    store.upsert_employers([Employer("acme", "Acme Corp")])
    nets = [
        Network("n1", "One", NetworkKind.PAYER, "p1"),
        Network("n2", "Two", NetworkKind.PAYER, "p1"),
        Network("acme-trd", "Acme TRD", NetworkKind.EMPLOYER, "acme"),
    ]
    store.upsert_networks(nets)
    plan = Plan("gold", "p1", "Gold PPO", "PPO", ("n2", "n1"))
    store.upsert_plans([plan, Plan("basic", "p1", "Basic", "HMO", ())])
    assert store.payers() == [Payer("p1", "First"), Payer("p2", "Second")]
    assert store.employers() == [Employer("acme", "Acme Corp")]
    assert store.networks() == sorted(nets, key=lambda n: n.id)
    assert store.networks(["n2", "nope"]) == [nets[1]]
    assert store.plans(["gold"]) == [plan]
    # a plan's networks are replaced as a whole
    store.upsert_plans([Plan("gold", "p1", "Gold PPO", "PPO", ("n1",))])
    assert store.plans(["gold"])[0].network_ids == ("n1",)
    assert [p.id for p in store.plans()] == ["basic", "gold"]
    store.upsert_payers([Payer("p1", "First Renamed")])
    assert store.payers()[0].name == "First Renamed"


def test_adding_and_removing_network_members(store, vetted):
    added = store.add_network_members(
        [
            NetworkMember(vetted, npi(1), ROSTER, date(2024, 3, 1)),
            NetworkMember(vetted, npi(2), ROSTER, date(2024, 3, 1)),
        ]
    )
    assert added == 2
    refreshed = NetworkMember(vetted, npi(1), API, date(2024, 4, 1))
    assert store.add_network_members([refreshed, NetworkMember(vetted, npi(3), ROSTER)]) == 1
    members = store.network_members(vetted)
    assert [m.npi for m in members] == [npi(1), npi(2), npi(3)]
    assert members[0] == refreshed  # the newer evidence replaced the old
    assert store.counts()["network_members"] == 3

    assert store.remove_network_members(vetted, [npi(2), npi(4), npi(2)]) == 1
    assert _members(store, vetted) == [npi(1), npi(3)]
    assert store.networks_for([npi(2)]).get(npi(2), []) == []


def test_network_member_errors_lose_nothing(store, vetted):
    store.add_network_members([NetworkMember(vetted, npi(1), ROSTER)])
    with pytest.raises(NotFound):
        store.add_network_members([NetworkMember("no-such-network", npi(2), ROSTER)])
    with pytest.raises(NotFound):  # one unknown NPI: nothing of the batch is added
        store.add_network_members([NetworkMember(vetted, npi(2), ROSTER), NetworkMember(vetted, npi(60), ROSTER)])
    assert _members(store, vetted) == [npi(1)]
    with pytest.raises(NotFound):
        store.remove_network_members("no-such-network", [npi(1)])
    with pytest.raises(NotFound):
        store.network_members("no-such-network")


def _run(run_id: str, sha: str = "ab" * 32) -> IngestRun:
    return IngestRun(
        run_id,
        "nppes",
        "npidata_pfile_20240401-20240430.csv",
        sha,
        f"2024-05-0{run_id[-1]}T10:00:00",
        None,
        "running",
        {},
    )


def test_checkpoint_is_written_with_its_batch(store):
    run = store.start_run(_run("run-1"))
    stats = store.upsert_providers(
        [individual(npi(1)), individual(npi(2))], RunCheckpoint(run.run_id, 3, {"accepted": 2})
    )
    assert stats.inserted == 2
    (stored,) = store.runs("nppes")
    assert (stored.resume_line, stored.counts) == (3, {"accepted": 2})

    # a checkpoint with nothing new to write still advances
    store.upsert_providers([individual(npi(1))], RunCheckpoint(run.run_id, 4, {"accepted": 2, "unchanged": 1}))
    assert store.runs("nppes")[0].resume_line == 4

    # a failing checkpoint takes its batch down with it
    with pytest.raises(NotFound):
        store.upsert_providers([individual(npi(3))], RunCheckpoint("no-such-run", 9, {}))
    assert store.providers([npi(3)]) == {}
    assert store.runs("nppes")[0].resume_line == 4


def test_a_checkpoint_on_its_own_moves_the_run_and_nothing_else(store):
    run = store.start_run(_run("run-1"))
    store.upsert_providers([individual(npi(1))])
    before = store.counts()
    store.checkpoint(RunCheckpoint(run.run_id, 250, {"read": 250, "filtered.out_of_scope": 249, "inserted": 1}))
    (stored,) = store.runs("nppes")
    assert (stored.resume_line, stored.counts, stored.status) == (
        250,
        {"read": 250, "filtered.out_of_scope": 249, "inserted": 1},
        "running",
    )
    assert store.counts() == before
    # the run resumes from it, and a later checkpoint replaces it whole
    resumed = store.start_run(_run("run-2"))
    assert (resumed.run_id, resumed.resume_line, resumed.counts["read"]) == ("run-1", 250, 250)
    store.checkpoint(RunCheckpoint(run.run_id, 0, {}))
    assert (store.runs("nppes")[0].resume_line, store.runs("nppes")[0].counts) == (0, {})

    with pytest.raises(NotFound, match="no-such-run"):
        store.checkpoint(RunCheckpoint("no-such-run", 9, {"read": 9}))
    assert [(r.run_id, r.resume_line) for r in store.runs()] == [("run-1", 0)]


def test_start_run_resumes_an_unfinished_run(store):
    first = store.start_run(_run("run-1"))
    store.upsert_providers([individual(npi(1))], RunCheckpoint(first.run_id, 1000, {"accepted": 1}))
    resumed = store.start_run(_run("run-2"))
    assert (resumed.run_id, resumed.resume_line, resumed.status) == ("run-1", 1000, "running")

    store.finish_run("run-1", "failed", {"accepted": 1})
    again = store.start_run(_run("run-3"))
    assert (again.run_id, again.resume_line, again.status) == ("run-1", 1000, "running")

    store.finish_run("run-1", "completed", {"accepted": 1})
    fresh = store.start_run(_run("run-4"))
    assert (fresh.run_id, fresh.resume_line) == ("run-4", 0)
    other_file = store.start_run(_run("run-5", sha="cd" * 32))
    assert other_file.run_id == "run-5"
    runs = {r.run_id: r for r in store.runs()}
    assert set(runs) == {"run-1", "run-4", "run-5"}
    assert runs["run-1"].status == "completed" and runs["run-1"].finished_at
    assert runs["run-1"].counts == {"accepted": 1}
    assert store.runs("npi_registry_api") == []
    with pytest.raises(NotFound):
        store.finish_run("no-such-run", "completed", {})


def test_quarantine_is_idempotent(store):
    store.start_run(_run("run-1"))
    rows = [
        QuarantinedRow("run-1", "nppes", 12, "bad_npi", "check digit fails", '"1234567890","1"'),
        QuarantinedRow("run-1", "nppes", 7, "bad_date", "13/45/2020", '"1234567893","1"'),
    ]
    assert store.quarantine(rows) == 2
    assert store.quarantine(rows) == 0
    assert store.quarantined("run-1") == sorted(rows, key=lambda r: r.line_number)
    assert store.quarantined("run-1", limit=1) == [rows[1]]
    assert store.quarantined("other-run") == []
    assert store.counts()["quarantined"] == 2


def _match(match_id: str, probability: float, status=MatchStatus.REVIEW, decided_by="model") -> MatchRecord:
    return MatchRecord(
        match_id,
        f"nppes:{match_id}",
        f"npi_api:{match_id}",
        probability,
        7.5,
        {"name": "fuzzy>=0.92 (+6.1)", "zip": "exact (+3.2)"},
        status,
        decided_by,
        "2024-06-01T12:00:00+00:00",
        npi=None,
    )


def test_matches_saved_filtered_and_decided(store):
    saved = [_match("m1", 0.62), _match("m2", 0.99, MatchStatus.MERGED), _match("m3", 0.71)]
    assert store.save_matches(saved) == 3
    assert store.matches() == [saved[1], saved[2], saved[0]]  # by probability, highest first
    assert store.matches(status=MatchStatus.REVIEW) == [saved[2], saved[0]]
    assert store.matches(record="npi_api:m1") == [saved[0]]
    assert store.matches(ids=["m3", "nope"]) == [saved[2]]
    assert store.matches(limit=1) == [saved[1]]

    decided = store.decide_match("m1", MatchStatus.REJECTED, "alice", "2024-06-02T09:00:00+00:00")
    assert (decided.status, decided.decided_by, decided.agreement) == (
        MatchStatus.REJECTED,
        "alice",
        saved[0].agreement,
    )
    # the model cannot overwrite a person's decision, but may update its own
    assert store.save_matches([_match("m1", 0.95, MatchStatus.MERGED), _match("m3", 0.8)]) == 1
    assert store.matches(ids=["m1"])[0].status is MatchStatus.REJECTED
    assert store.matches(ids=["m3"])[0].probability == 0.8
    with pytest.raises(NotFound):
        store.decide_match("no-such-match", MatchStatus.MERGED, "alice", "2024-06-02T09:00:00+00:00")


def test_a_run_keeps_its_scope_past_its_first_checkpoint(store):
    first = store.start_run(dataclasses.replace(_run("run-1"), scope="default:abc"))
    assert first.scope == "default:abc"
    again = store.start_run(dataclasses.replace(_run("run-2"), scope="all"))  # nothing committed yet: starts over
    assert (again.run_id, again.scope) == ("run-1", "all")
    store.upsert_providers([individual(npi(1))], RunCheckpoint("run-1", 500, {"accepted": 1}))
    resumed = store.start_run(dataclasses.replace(_run("run-3"), scope="default:abc"))
    assert (resumed.run_id, resumed.resume_line, resumed.scope) == ("run-1", 500, "all")
    assert [r.scope for r in store.runs()] == ["all"]
