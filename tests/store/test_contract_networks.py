"""Store contract, network curation (issue 10 point 2): networks created,
renamed and archived with their history, members added and removed with a
curator's decision (events only for what changed), reviews, the plans an
employer offers, and the SQLite migration from version 4. Written once, run on
every backend through the ``store`` fixture."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, date, datetime

import pytest
from store_records import NPPES, ROSTER, individual, npi
from version2 import rewind_network_curation, rewind_record_evidence

from directory.errors import AlreadyExists, Archived, InputError, NotFound
from directory.model import (
    CheckResult,
    Employer,
    Evidence,
    MemberDecision,
    Network,
    NetworkEvent,
    NetworkEventKind,
    NetworkKind,
    NetworkMember,
    NetworkStatus,
    Payer,
    Plan,
    Region,
    VettingRecord,
    VettingStatus,
)
from directory.store import open_store
from directory.store.sqlite import SQLiteStore
from directory.store.sqlite_schema import SCHEMA_VERSION

AT = datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=UTC)
CURATOR = Evidence("api:employer:acme", date(2026, 12, 1), "curation", 1.0, None)
ACME = Network(
    "acme-trd",
    "Acme TRD",
    NetworkKind.EMPLOYER,
    "acme",
    regions=(Region(state="NY"), Region(zip5="02115", radius_miles=12.5)),
)


def event(kind: NetworkEventKind, network: str = "acme-trd", **extra) -> NetworkEvent:
    return NetworkEvent(network, kind, AT, "employer:acme", **extra)


def member(n: int, decision=MemberDecision.ADDED_AFTER_REVIEW, note=None, network="acme-trd") -> NetworkMember:
    return NetworkMember(network, npi(n), CURATOR, date(2026, 12, 1), decision, "employer:acme", AT, note, None, None)


@pytest.fixture
def world(store):
    store.upsert_providers([individual(npi(n)) for n in range(1, 5)])
    store.upsert_employers([Employer("acme", "Acme")])
    store.create_network(ACME, event(NetworkEventKind.CREATED, detail="created 'Acme TRD'"))
    return store


def test_a_created_network_keeps_its_regions_and_status_and_starts_its_history(world):
    (stored,) = world.networks(["acme-trd"])
    assert stored == ACME and stored.status is NetworkStatus.ACTIVE
    (created,) = world.network_events("acme-trd")
    assert (created.seq, created.kind, created.detail) == (1, NetworkEventKind.CREATED, "created 'Acme TRD'")
    assert created.at == AT.replace(microsecond=0)  # kept to the second, in UTC
    with pytest.raises(AlreadyExists):
        world.create_network(ACME, event(NetworkEventKind.CREATED))
    with pytest.raises(AlreadyExists):  # whoever owns the id
        world.create_network(Network("acme-trd", "Other", NetworkKind.PAYER, "x"), event(NetworkEventKind.CREATED))
    assert len(world.network_events("acme-trd")) == 1  # the refusals wrote nothing
    with pytest.raises(InputError):
        world.create_network(ACME, event(NetworkEventKind.CREATED, network="other"))


def test_renaming_and_archiving_record_events_and_an_archived_network_takes_no_change(world):
    renamed = Network("acme-trd", "Acme Vetted TRD", NetworkKind.EMPLOYER, "acme", regions=(Region(state="MA"),))
    e = world.update_network(renamed, event(NetworkEventKind.RENAMED, detail="renamed"))
    assert e.seq == 2 and world.networks(["acme-trd"]) == [renamed]
    world.change_members("acme-trd", [member(1)], [], [event(NetworkEventKind.MEMBER_ADDED, npi=npi(1))])
    archived = Network("acme-trd", "Acme Vetted TRD", NetworkKind.EMPLOYER, "acme", NetworkStatus.ARCHIVED)
    world.update_network(archived, event(NetworkEventKind.ARCHIVED))
    assert world.networks(["acme-trd"])[0].status is NetworkStatus.ARCHIVED
    with pytest.raises(Archived):
        world.update_network(renamed, event(NetworkEventKind.RENAMED))
    with pytest.raises(Archived):
        world.change_members("acme-trd", [member(2)], [npi(1)], [event(NetworkEventKind.MEMBER_ADDED, npi=npi(2))])
    with pytest.raises(Archived):
        world.mark_reviewed("acme-trd", {npi(1): 1}, AT, event(NetworkEventKind.REVIEWED))
    # nothing moved: the member, its decision and the history are kept
    assert [m.npi for m in world.network_members("acme-trd")] == [npi(1)]
    assert [(e.seq, e.kind) for e in world.network_events("acme-trd")] == [
        (4, NetworkEventKind.ARCHIVED),
        (3, NetworkEventKind.MEMBER_ADDED),
        (2, NetworkEventKind.RENAMED),
        (1, NetworkEventKind.CREATED),
    ]
    with pytest.raises(NotFound):
        world.update_network(
            Network("nope", "x", NetworkKind.EMPLOYER, "acme"), event(NetworkEventKind.RENAMED, network="nope")
        )


def test_an_upsert_keeps_the_stored_status_and_regions(world):
    archived = Network("acme-trd", "Acme TRD", NetworkKind.EMPLOYER, "acme", NetworkStatus.ARCHIVED, ACME.regions)
    world.update_network(archived, event(NetworkEventKind.ARCHIVED))
    world.upsert_networks([Network("acme-trd", "Acme TRD (catalog)", NetworkKind.EMPLOYER, "acme")])
    (stored,) = world.networks(["acme-trd"])
    assert (stored.name, stored.status, stored.regions) == ("Acme TRD (catalog)", NetworkStatus.ARCHIVED, ACME.regions)
    assert world.networks_for([]) == {}


def test_members_change_with_their_decision_and_only_changes_are_recorded(world):
    added = [member(1), member(2, MemberDecision.ADDED_WITH_OVERRIDE, "strong ECT team; licence renewal pending")]
    events = [event(NetworkEventKind.MEMBER_ADDED, npi=m.npi, decision=m.decision, note=m.note) for m in added]
    done = world.change_members("acme-trd", added, [], events)
    assert done.added == (npi(1), npi(2)) and done.removed == ()
    assert [(e.seq, e.npi, e.decision) for e in done.events] == [
        (2, npi(1), MemberDecision.ADDED_AFTER_REVIEW),
        (3, npi(2), MemberDecision.ADDED_WITH_OVERRIDE),
    ]
    stored = {m.npi: m for m in world.network_members("acme-trd")}
    assert stored[npi(2)].decision is MemberDecision.ADDED_WITH_OVERRIDE
    assert stored[npi(2)].note == "strong ECT team; licence renewal pending"
    assert (stored[npi(2)].decided_by, stored[npi(2)].decided_at) == ("employer:acme", AT.replace(microsecond=0))
    assert stored[npi(1)].evidence == CURATOR and stored[npi(1)].added_on == date(2026, 12, 1)

    # replayed: both are members already, nothing is added and no event is stored
    again = world.change_members("acme-trd", added, [npi(4)], events)
    assert (again.added, again.removed, again.events) == ((), (), ())
    gone = event(NetworkEventKind.MEMBER_REMOVED, npi=npi(1), decision=MemberDecision.REMOVED_OTHER, note="moved")
    done = world.change_members("acme-trd", [member(3)], [npi(1)], [gone])
    assert (done.added, done.removed) == ((npi(3),), (npi(1),))
    assert [(e.seq, e.kind, e.note) for e in done.events] == [(4, NetworkEventKind.MEMBER_REMOVED, "moved")]
    assert sorted(m.npi for m in world.network_members("acme-trd")) == [npi(2), npi(3)]

    with pytest.raises(NotFound):  # an NPI the store lacks: nothing written
        world.change_members("acme-trd", [member(3), member(99)], [npi(2)], [])
    assert sorted(m.npi for m in world.network_members("acme-trd")) == [npi(2), npi(3)]
    with pytest.raises(NotFound):
        world.change_members("nope", [], [npi(2)], [])
    with pytest.raises(InputError):
        world.change_members("acme-trd", [member(1, network="other")], [], [])


def test_a_roster_refreshes_evidence_but_keeps_a_curators_decision(world):
    world.upsert_networks([Network("northwind-ma", "Northwind MA", NetworkKind.PAYER, "northwind")])
    world.change_members("acme-trd", [member(1)], [], [])
    assert world.add_network_members([NetworkMember("acme-trd", npi(1), ROSTER, date(2026, 12, 2))]) == 0
    (kept,) = world.network_members("acme-trd")
    assert kept.evidence == ROSTER and kept.added_on == date(2026, 12, 2)
    assert (kept.decision, kept.decided_by, kept.note) == (MemberDecision.ADDED_AFTER_REVIEW, "employer:acme", None)
    world.add_network_members([NetworkMember("northwind-ma", npi(2), NPPES, date(2026, 1, 1))])
    (plain,) = world.network_members("northwind-ma")
    assert (plain.decision, plain.decided_at, plain.reviewed_seq) == (None, None, None)


def test_reviews_mark_members_and_the_results_they_saw_can_be_read_back(world):
    world.change_members("acme-trd", [member(1), member(2)], [], [])
    results = [
        VettingRecord(
            "acme-trd",
            npi(1),
            status,
            (CheckResult("not_excluded", "pass", True, "on no list"),),
            f"f{i}",
            f"d{i}",
            "criteria-1",
            date(2026, 12, i),
        )
        for i, status in enumerate((VettingStatus.VERIFIED, VettingStatus.FAILED), start=1)
    ]
    for r in results:
        world.record_vetting([r])
    marked, e = world.mark_reviewed(
        "acme-trd", {npi(1): 1, npi(2): 7, npi(3): 1}, AT, event(NetworkEventKind.REVIEWED, note="quarterly")
    )
    assert marked == 2 and e.kind is NetworkEventKind.REVIEWED and e.note == "quarterly"
    stored = {m.npi: m for m in world.network_members("acme-trd")}
    assert (stored[npi(1)].reviewed_seq, stored[npi(1)].reviewed_at) == (1, AT.replace(microsecond=0))
    seen = world.vetting_results_at("acme-trd", {npi(1): 1, npi(2): 7})
    assert list(seen) == [npi(1)] and seen[npi(1)].status is VettingStatus.VERIFIED and seen[npi(1)].seq == 1
    assert world.vetting_results_at("acme-trd", {npi(1): 2})[npi(1)].status is VettingStatus.FAILED
    last = world.network_events("acme-trd", kinds=[NetworkEventKind.REVIEWED], limit=1)
    assert [x.seq for x in last] == [e.seq]


def test_history_pages_newest_first_and_events_are_recorded_in_order(world):
    world.upsert_networks([Network("northwind-ma", "Northwind MA", NetworkKind.PAYER, "northwind")])
    stored = world.record_network_events(
        [
            event(NetworkEventKind.CRITERIA_CHANGED, detail="a"),
            event(NetworkEventKind.CRITERIA_CHANGED, network="northwind-ma", detail="b"),
            event(NetworkEventKind.REGIONS_CHANGED, detail="c"),
        ]
    )
    assert [(e.network_id, e.seq, e.detail) for e in stored] == [
        ("acme-trd", 2, "a"),
        ("northwind-ma", 1, "b"),
        ("acme-trd", 3, "c"),
    ]
    assert [e.seq for e in world.network_events("acme-trd", limit=2)] == [3, 2]
    assert [e.seq for e in world.network_events("acme-trd", before=3, limit=2)] == [2, 1]
    assert world.network_events("acme-trd", before=1) == []
    with pytest.raises(NotFound):
        world.record_network_events([event(NetworkEventKind.CREATED, network="nope")])
    with pytest.raises(NotFound):
        world.network_events("nope")
    with pytest.raises(InputError):
        world.network_events("acme-trd", limit=0)
    assert len(world.network_events("northwind-ma")) == 1


def test_two_curators_at_once_never_share_an_event_number(world, store_factory, opened_stores):
    others = [store_factory() for _ in range(3)]
    opened_stores.extend(others)
    errors: list[BaseException] = []

    def curate(s, n: int) -> None:
        try:
            for i in range(4):
                s.record_network_events([event(NetworkEventKind.REGIONS_CHANGED, detail=f"{n}-{i}")])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=curate, args=(s, n)) for n, s in enumerate(others)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    seqs = sorted(e.seq for e in world.network_events("acme-trd"))
    assert seqs == list(range(1, 14))


def test_employers_keep_the_plans_they_offer_in_order(store):
    store.upsert_payers([Payer("northwind", "Northwind")])
    store.upsert_networks([Network("nw", "NW", NetworkKind.PAYER, "northwind")])
    store.upsert_plans([Plan("nw-ppo", "northwind", "NW PPO", "PPO", ("nw",)), Plan("nw-hmo", "northwind", "H", "HMO")])
    store.upsert_employers([Employer("acme", "Acme", ("nw-ppo", "nw-hmo", "nw-ppo")), Employer("globex", "Globex")])
    assert store.employers() == [Employer("acme", "Acme", ("nw-ppo", "nw-hmo")), Employer("globex", "Globex")]
    store.upsert_employers([Employer("acme", "Acme Corp", ("nw-hmo",))])
    assert store.employers()[0] == Employer("acme", "Acme Corp", ("nw-hmo",))


def test_a_version_5_embedded_store_is_migrated_and_keeps_its_networks(tmp_path):
    path = tmp_path / "provnet.db"
    store = SQLiteStore(path)
    store.init_schema()
    store.upsert_providers([individual(npi(1))])
    store.upsert_networks([Network("nw", "NW", NetworkKind.PAYER, "northwind")])
    store.add_network_members([NetworkMember("nw", npi(1), ROSTER, date(2026, 1, 2))])
    store.close()
    raw = sqlite3.connect(path)
    rewind_record_evidence(raw)
    rewind_network_curation(raw)
    raw.execute("UPDATE schema_version SET version = 5")
    raw.commit()
    raw.close()

    store = open_store(f"sqlite:///{path}")
    try:
        assert store.networks() == [Network("nw", "NW", NetworkKind.PAYER, "northwind")]  # active, no regions
        (kept,) = store.network_members("nw")
        assert (kept.evidence, kept.decision) == (ROSTER, None)
        store.record_network_events([event(NetworkEventKind.REVIEWED, network="nw")])
        assert [e.seq for e in store.network_events("nw")] == [1]
        raw = sqlite3.connect(path)
        assert raw.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)] == [(7,)]
        raw.close()
    finally:
        store.close()


def test_members_are_paged_by_npi(world):
    world.change_members("acme-trd", [member(n) for n in (3, 1, 4, 2)], [], [])
    first = world.member_page("acme-trd", limit=3)
    assert [m.npi for m in first] == [npi(1), npi(2), npi(3)]
    assert first[0].decision is MemberDecision.ADDED_AFTER_REVIEW
    assert [m.npi for m in world.member_page("acme-trd", after=first[-1].npi, limit=3)] == [npi(4)]
    assert world.member_page("acme-trd", after=npi(4)) == []
    with pytest.raises(NotFound):
        world.member_page("nope")
    with pytest.raises(InputError):
        world.member_page("acme-trd", limit=0)
