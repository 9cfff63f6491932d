"""Curating a vetted network through the services, on the embedded store on
disk: creating (with regions and criteria), renaming, archiving; members
added and removed with a decision and a note, every change in the history;
candidates in the regions (paged, checked against judging every provider of
the store); what changed since the last review; the CSV export."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import timedelta

import pytest
from curation_world import NOW, TODAY, build

from directory.errors import AlreadyExists, Archived, InputError, NotFound
from directory.model import (
    Exclusion,
    MemberDecision,
    NetworkEventKind,
    NetworkKind,
    NetworkStatus,
    Region,
    VettingStatus,
)
from directory.services import member_export, member_review, network_candidates, network_lifecycle, networks
from directory.services import network_vetting as nv
from directory.services import regions as regions_of
from directory.services.criteria import criteria_of
from directory.services.network_vetting import judge_providers
from directory.store import open_store

CRITERIA = {
    "required_checks": ["active_npi", "taxonomy_fit", "state_license", "not_excluded", "trd_capability"],
    "accepted_license_statuses": ["active"],
    "required_exclusion_lists": ["LEIE"],
    "min_trd_expertise": 0,
    "max_fact_age_days": 90,
}


@pytest.fixture
def world(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'curation.db'}")
    try:
        yield store, build(store)
    finally:
        store.close()


def created(store, **extra):
    values = {
        "network_id": "acme-ny",
        "name": "Acme NY TRD",
        "kind": NetworkKind.EMPLOYER,
        "owner_id": "acme",
        "actor": "employer:acme",
        "now": NOW,
        "regions": (Region(zip5="10029", radius_miles=5.0), Region(state="MA")),
        "criteria": CRITERIA,
    } | extra
    network, event = network_lifecycle.create_network(store, **values)
    return network, event


def kinds(store, network_id):
    return [e.kind for e in reversed(store.network_events(network_id))]


def test_a_network_is_created_with_its_criteria_and_every_change_is_history(world):
    store, _ = world
    network, event = created(store)
    assert (event.seq, event.kind, event.actor) == (1, NetworkEventKind.CREATED, "employer:acme")
    assert "within 5 mi of 10029, MA" in event.detail
    assert criteria_of(store, "acme-ny").required_checks[-1] == "trd_capability"
    renamed, e = network_lifecycle.rename_network(store, network, "Acme TRD (NY and MA)", actor="admin", now=NOW)
    assert e is not None and e.detail == "renamed 'Acme NY TRD' -> 'Acme TRD (NY and MA)'"
    assert (
        network_lifecycle.rename_network(store, renamed, " Acme TRD  (NY and MA) ", actor="admin", now=NOW)[1] is None
    )
    moved, _ = network_lifecycle.set_regions(store, renamed, [Region(state="NY")], actor="admin", now=NOW)
    assert store.networks(["acme-ny"]) == [moved]
    assert kinds(store, "acme-ny") == [
        NetworkEventKind.CREATED,
        NetworkEventKind.CRITERIA_CHANGED,
        NetworkEventKind.RENAMED,
        NetworkEventKind.REGIONS_CHANGED,
    ]


@pytest.mark.parametrize(
    ("extra", "error", "message"),
    [
        ({"network_id": "Acme NY"}, InputError, "is not a network id"),
        ({"network_id": "ab"}, InputError, "is not a network id"),
        ({"name": "  "}, InputError, "1 to 200 characters"),
        ({"owner_id": "globex"}, NotFound, "no employer 'globex'"),
        ({"kind": NetworkKind.PAYER}, NotFound, "no payer 'acme'"),
        ({"regions": (Region(state="XX"),)}, InputError, "not a US state"),
        ({"regions": (Region(zip5="10029", radius_miles=0),)}, InputError, "radiusMiles"),
        ({"criteria": {**CRITERIA, "required_checks": ["active_npi"]}}, InputError, "must include not_excluded"),
        ({"network_id": "nw-bh"}, AlreadyExists, "exists"),
    ],
)
def test_a_refused_creation_writes_nothing(world, extra, error, message):
    store, _ = world
    before = store.networks()
    with pytest.raises(error, match=message):
        created(store, **extra)
    assert store.networks() == before
    assert store.vetting_criteria(["acme-ny"]) == {}


def test_decisions_and_notes_are_kept_and_each_change_is_an_event(world):
    store, w = world
    network, _ = created(store)
    bad = networks.add_members(store, network, [w.ny[0], w.excluded], actor="employer:acme", today=TODAY, now=NOW)
    assert [p.code for p in bad.problems] == [networks.ProblemCode.VETTING_FAILED] and bad.changed == 0
    note = "exclusion under appeal; monitored monthly"
    done = networks.add_members(
        store,
        network,
        [w.ny[0], w.excluded],
        actor="employer:acme",
        today=TODAY,
        decision=MemberDecision.ADDED_WITH_OVERRIDE,
        note=note,
        now=NOW,
    )
    assert done.changed == 2 and not done.problems
    members = {m.npi: m for m in store.network_members("acme-ny")}
    # the override applies to the provider that fails vetting; the other was added after review
    assert members[w.excluded].decision is MemberDecision.ADDED_WITH_OVERRIDE
    assert members[w.excluded].evidence.method == networks.OVERRIDE
    assert members[w.ny[0]].decision is MemberDecision.ADDED_AFTER_REVIEW
    assert {m.note for m in members.values()} == {note}
    assert {(m.decided_by, m.decided_at) for m in members.values()} == {("employer:acme", NOW)}
    assert [(e.npi, e.decision) for e in done.events] == [
        (w.ny[0], MemberDecision.ADDED_AFTER_REVIEW),
        (w.excluded, MemberDecision.ADDED_WITH_OVERRIDE),
    ]
    again = networks.add_members(store, network, [w.ny[0]], actor="employer:acme", today=TODAY, now=NOW)
    assert again.changed == 0 and again.events == ()  # already a member: its decision stands

    # removing: the decision must fit, "other" needs a note, "no longer meets" must be true
    refusals = [
        ({"decision": MemberDecision.ADDED_AFTER_REVIEW}, "does not fit"),
        ({"decision": MemberDecision.REMOVED_OTHER}, "needs a note"),
        ({"decision": MemberDecision.REMOVED_NO_LONGER_MEETS_CRITERIA}, "is verified under the network's criteria"),
    ]
    for kwargs, message in refusals:
        refused = networks.remove_members(store, network, [w.ny[0]], actor="employer:acme", today=TODAY, **kwargs)
        assert refused.changed == 0 and message in refused.problems[0].message
    gone = networks.remove_members(
        store,
        network,
        [w.excluded, w.ma[0]],  # the second is no member: ignored
        actor="employer:acme",
        decision=MemberDecision.REMOVED_NO_LONGER_MEETS_CRITERIA,
        today=TODAY,
        now=NOW,
    )
    assert gone.changed == 1 and [(e.kind, e.npi) for e in gone.events] == [
        (NetworkEventKind.MEMBER_REMOVED, w.excluded)
    ]
    assert [m.npi for m in store.network_members("acme-ny")] == [w.ny[0]]


def test_an_archived_network_keeps_its_history_and_takes_no_change(world):
    store, w = world
    network, _ = created(store)
    networks.add_members(store, network, [w.ny[0]], actor="employer:acme", today=TODAY, now=NOW)
    archived, event = network_lifecycle.archive_network(store, network, actor="employer:acme", now=NOW, note="merged")
    assert archived.status is NetworkStatus.ARCHIVED and event.note == "merged"
    assert networks.add_members(store, archived, [w.ny[1]], actor="a", today=TODAY).problems[0].code.value == "archived"
    assert networks.remove_members(store, archived, [w.ny[0]], actor="a", note="x").problems[0].code.value == "archived"
    for change in (
        lambda: network_lifecycle.rename_network(store, archived, "x", actor="a", now=NOW),
        lambda: network_lifecycle.set_regions(store, archived, [], actor="a", now=NOW),
        lambda: network_lifecycle.archive_network(store, archived, actor="a", now=NOW),
        lambda: network_lifecycle.mark_reviewed(store, archived, actor="a", now=NOW),
        lambda: nv.set_criteria(store, "acme-ny", CRITERIA, actor="a", today=TODAY),
        lambda: network_candidates.candidates_page(store, archived, TODAY),
    ):
        with pytest.raises(Archived):
            change()
    # no candidate target: refreshes record nothing for it; its history and members stand
    assert "acme-ny" not in {n.id for n in nv.vetted_networks(store)}
    assert nv.refresh(store, None, TODAY + timedelta(days=200), network_id="acme-ny").checked == 0
    assert [m.npi for m in store.network_members("acme-ny")] == [w.ny[0]]
    assert kinds(store, "acme-ny")[-1] is NetworkEventKind.ARCHIVED


def _in_regions(store, network, criteria, wanted):
    """Ground truth: every provider of the store in the regions, not a member, judged one by one."""
    npis = store.provider_npis(limit=10_000)
    members = {m.npi for m in store.network_members(network.id)}
    places = store.locations_for(npis)
    records = store.providers(npis)
    inside = [
        npi
        for npi in npis
        if npi not in members
        and records[npi].is_active
        and any(regions_of.contains(r, pl.location) for r in network.regions for pl in places.get(npi, []))
    ]
    judged = judge_providers(store, criteria, inside, TODAY, network.id)
    return {npi for npi, r in judged.items() if r.status in wanted}


@pytest.mark.parametrize("page_size", [1, 2, 50])
def test_candidates_are_every_provider_in_the_regions_that_meets_the_criteria_once(world, page_size):
    store, w = world
    network, _ = created(store)
    networks.add_members(store, network, [w.ny[1]], actor="employer:acme", today=TODAY, now=NOW)
    seen: list[str] = []
    cursor = None
    while True:
        page = network_candidates.candidates_page(store, network, TODAY, first=page_size, after=cursor)
        assert len(page.candidates) <= page_size
        seen += [c.npi for c in page.candidates]
        assert all(c.result.status is VettingStatus.VERIFIED for c in page.candidates)
        if not page.has_next_page:
            break
        cursor = page.end_cursor
    expected = _in_regions(store, network, criteria_of(store, network.id), {VettingStatus.VERIFIED})
    assert len(seen) == len(set(seen))  # each once, under the first region holding it
    assert set(seen) == expected
    assert w.ny[1] not in seen and w.excluded not in seen and w.expired not in seen and w.deactivated not in seen
    assert not set(w.nj) & set(seen)  # outside the regions
    ny = [c for c in network_candidates.candidates_page(store, network, TODAY, first=50).candidates if c.region.zip5]
    assert [c.distance_miles for c in ny] == sorted(c.distance_miles for c in ny)  # nearest first


def test_candidates_need_regions_and_a_cursor_of_them(world):
    store, _ = world
    network, _ = created(store, regions=())
    with pytest.raises(InputError, match="no regions"):
        network_candidates.candidates_page(store, network, TODAY)
    other, _ = created(store, network_id="acme-ma", regions=(Region(state="MA"),))
    page = network_candidates.candidates_page(store, other, TODAY, first=1)
    moved = replace(other, regions=(Region(state="NY"),))
    with pytest.raises(InputError, match="other regions"):
        network_candidates.candidates_page(store, moved, TODAY, after=page.end_cursor)
    with pytest.raises(InputError, match="invalid cursor"):
        network_candidates.candidates_page(store, other, TODAY, after="not-a-cursor")


def test_what_changed_since_the_last_review(world):
    store, w = world
    network, _ = created(store)
    networks.add_members(
        store,
        network,
        w.ny[:3] + [w.expired],
        actor="employer:acme",
        today=TODAY,
        now=NOW,
        decision=MemberDecision.ADDED_WITH_OVERRIDE,
        note="licence renewal pending",
    )
    review = network_lifecycle.mark_reviewed(store, network, actor="employer:acme", now=NOW, note="Q4")
    assert review.marked == 4 and review.event.kind is NetworkEventKind.REVIEWED
    assert member_review.changes_since_review(store, network, TODAY).items == ()

    # after the review: a new exclusion for one member
    store.upsert_exclusions([Exclusion(w.ny[0], "LEIE", "1128a1", TODAY, store.exclusion_lists()[0].evidence)])
    page = member_review.changes_since_review(store, network, TODAY)
    (changed,) = page.items
    assert changed.member.npi == w.ny[0] and changed.baseline.status is VettingStatus.VERIFIED
    assert changed.current.status is VettingStatus.FAILED
    assert ("not_excluded", "pass", "fail") in {(c.check, c.before, c.after) for c in changed.changes}

    # 91 days on, every fact has gone stale: every member changed since the review
    later = member_review.changes_since_review(store, network, TODAY + timedelta(days=91))
    assert {i.member.npi for i in later.items} == set(w.ny[:3] + [w.expired])
    stale = next(i for i in later.items if i.member.npi == w.ny[1])
    assert any(c.after == "unknown" and "older than 90 days" in c.reason for c in stale.changes)
    # a new review sees today's results: nothing changed since
    network_lifecycle.mark_reviewed(store, network, actor="employer:acme", now=NOW)
    assert member_review.changes_since_review(store, network, TODAY).items == ()
    everyone = member_review.changes_since_review(store, network, TODAY, only_changed=False, first=2)
    assert len(everyone.items) == 2 and everyone.has_next_page and everyone.end_cursor == everyone.items[-1].member.npi


def test_the_export_is_one_row_per_member_and_never_a_formula(world):
    store, w = world
    network, _ = created(store)
    note = '=HYPERLINK("http://x")'
    networks.add_members(store, network, w.ny[:3], actor="employer:acme", today=TODAY, note=note, now=NOW)
    first = member_export.export_page(store, network, TODAY, first=2)
    rows = list(csv.DictReader(io.StringIO(first.text)))
    assert tuple(rows[0]) == member_export.COLUMNS and first.rows == 2 and first.has_next_page
    assert [r["npi"] for r in rows] == sorted(w.ny[:3])[:2]
    assert {r["note"] for r in rows} == {"'" + note} and {r["vetting_status"] for r in rows} == {"verified"}
    assert {r["decision"] for r in rows} == {"added_after_review"}
    assert rows[0]["address"] == w.places[rows[0]["npi"]].line1 and rows[0]["county"] == "New York County"
    rest = member_export.export_page(store, network, TODAY, first=2, after=first.end_cursor)
    assert rest.rows == 1 and not rest.has_next_page
    payer = member_export.export_page(store, store.networks(["nw-bh"])[0], TODAY, first=100)
    assert payer.rows == len(store.network_members("nw-bh"))
    assert {r["vetting_status"] for r in csv.DictReader(io.StringIO(payer.text))} == {""}  # contracts, not judgments
