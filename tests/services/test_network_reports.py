"""A payer's reports on its network, on the embedded store on disk: members by
specialty and county, listings with stale or contradicted facts (paged), and
the directory-accuracy summary, whose definitions (README "Directory
accuracy") are applied here again, listing by listing, to the fact statuses
the fact-status service gives, and checked on listings built to be stale,
contradicted or missing a fact."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from curation_world import ROSTER, TODAY, build

from directory.errors import InputError
from directory.model import AccessFacts, Evidence, ProviderLocation
from directory.services import network_reports as reports
from directory.services.fact_status import fact_statuses_of
from directory.store import open_store
from scoring import Agreement, FactKind

OLD = Evidence("roster:northwind", date(2026, 6, 1), "attestation", 0.8, "old roster")


@pytest.fixture
def world(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'reports.db'}")
    try:
        w = build(store)
        network = store.networks(["nw-bh"])[0]
        # one listing whose roster names another primary address: both addresses contradicted
        elsewhere = dataclasses.replace(w.places[w.ma[0]], line1="9 Elsewhere St", phone=None)
        store.replace_secondary_locations({w.ma[0]: [ProviderLocation(elsewhere, True, ROSTER)]}, ROSTER.source)
        # one whose accepting-new-patients answer a secret shopper contradicts
        (roster,) = store.access_facts_for([w.ma[1]])[w.ma[1]]
        shopper = dataclasses.replace(ROSTER, source="secret_shopper", method="phone_survey")
        store.upsert_access([AccessFacts(w.ma[1], shopper, accepting_new_patients=not roster.accepting_new_patients)])
        # one whose only answer is old: the roster row replaced by an older one
        store.upsert_access([AccessFacts(w.ma[2], OLD, accepting_new_patients=True)])
        yield store, w, network
    finally:
        store.close()


def expected_accuracy(store, network, today):
    """The README's definitions, applied to each listing's fact statuses."""
    npis = [m.npi for m in store.network_members(network.id)]
    statuses = fact_statuses_of(store, npis, today, networks=lambda _: False)
    verified = dict.fromkeys(reports.FIELDS, 0)
    fully = 0
    for facts in statuses.values():
        ok = {}
        for field, kind in (
            ("address", FactKind.ADDRESS),
            ("phone", FactKind.PHONE),
            ("accepting_new_patients", FactKind.ACCEPTING_NEW_PATIENTS),
            ("treatments", FactKind.TREATMENT),
        ):
            mine = [f for f in facts if f.kind is kind]
            ok[field] = bool(mine) and all(not f.stale and f.agreement is not Agreement.CONTRADICTS for f in mine)
            verified[field] += ok[field]
        claims = any(f.kind is FactKind.TREATMENT for f in facts)
        fully += ok["address"] and ok["phone"] and ok["accepting_new_patients"] and (ok["treatments"] or not claims)
    return len(npis), verified, fully


@pytest.mark.parametrize("days", [0, 60, 120])
def test_directory_accuracy_follows_its_definition(world, days):
    store, w, network = world
    today = TODAY + timedelta(days=days)
    found = reports.directory_accuracy(store, network, today)
    listings, verified, fully = expected_accuracy(store, network, today)
    assert found.listings == listings == len(store.network_members("nw-bh"))
    assert {f.field: f.verified for f in found.fields} == verified
    assert (found.fully_verified, found.share_fully_verified) == (fully, round(fully / listings, 4))
    assert all(f.share_verified == round(f.verified / listings, 4) for f in found.fields)
    by = {f.field: f for f in found.fields}
    if days == 0:
        assert by["address"].contradicted == 1 and by["address"].verified == listings - 1  # w.ma[0]
        assert by["accepting_new_patients"].listed == listings  # every listing has the fact
        assert (by["accepting_new_patients"].contradicted, by["accepting_new_patients"].stale) == (1, 1)
    if days == 120:  # everything has aged past 90 days
        assert all(f.verified == 0 for f in found.fields) and by["phone"].stale == by["phone"].listed


def test_stale_or_contradicted_listings_page_through_the_network(world):
    store, w, network = world
    page = reports.stale_or_contradicted(store, network, TODAY, first=50)
    flagged = {i.npi: i for i in page.items}
    assert w.ma[0] in flagged and not page.has_next_page
    assert all(f.agreement is Agreement.CONTRADICTS for f in flagged[w.ma[0]].facts if f.kind is FactKind.ADDRESS)
    assert [(f.fact, f.agreement) for f in flagged[w.ma[1]].facts] == [
        ("accepting new patients", Agreement.CONTRADICTS)
    ]
    assert [(f.fact, f.stale) for f in flagged[w.ma[2]].facts] == [("accepting new patients", True)]
    assert set(flagged) == {w.ma[0], w.ma[1], w.ma[2]}  # everything else is fresh and agreed
    contradicted = reports.stale_or_contradicted(store, network, TODAY, stale=False)
    assert all(f.agreement is Agreement.CONTRADICTS for i in contradicted.items for f in i.facts)
    # 120 days on, every listing has stale facts: paged two at a time, each once, in NPI order
    later = TODAY + timedelta(days=120)
    seen, cursor = [], None
    while True:
        page = reports.stale_or_contradicted(store, network, later, first=2, after=cursor, contradicted=False)
        seen += [i.npi for i in page.items]
        assert all(f.stale for i in page.items for f in i.facts)
        if not page.has_next_page:
            break
        cursor = page.end_cursor
    assert seen == sorted(m.npi for m in store.network_members("nw-bh"))
    only = reports.stale_or_contradicted(store, network, later, kinds=[FactKind.LICENSE], contradicted=False)
    assert {f.kind for i in only.items for f in i.facts} == {FactKind.LICENSE}
    with pytest.raises(InputError):
        reports.stale_or_contradicted(store, network, TODAY, stale=False, contradicted=False)
    with pytest.raises(InputError):
        reports.stale_or_contradicted(store, network, TODAY, after="123")


def test_members_by_specialty_and_county(world):
    store, w, network = world
    found = reports.composition(store, network)
    members = store.network_members("nw-bh")
    assert found.members == len(members) and found.by_specialty == (("Psychiatry", len(members)),)
    counties = {}
    for places in store.locations_for([m.npi for m in members]).values():
        for key in {(pl.location.state, pl.location.county) for pl in places}:
            counties[key] = counties.get(key, 0) + 1
    assert {(r.state, r.county): r.providers for r in found.rows} == counties
    assert {r.specialty for r in found.rows} == {"Psychiatry"}
