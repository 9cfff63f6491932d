"""Store contract, search: structured filters, radius, telehealth, names,
paging. Expected distances come from geo.haversine_miles, never the store.
The name rule in detail: test_contract_names.py."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from store_records import (
    BROOKLYN,
    MH_CLINIC,
    MIDTOWN,
    NEWARK,
    PHILADELPHIA,
    PMHNP,
    PSYCHIATRY,
    TIMES_SQUARE,
    build_search_world,
    individual,
    npi,
)

from directory.errors import InputError
from directory.geo import haversine_miles
from directory.model import EntityType, GeoPoint, SearchCriteria, Treatment

TMS = (Treatment.TMS_STANDARD,)


def _miles(location) -> float:
    return round(haversine_miles(TIMES_SQUARE, GeoPoint(location.latitude, location.longitude)), 3)


def _npis(page) -> list[str]:
    return [h.npi for h in page.hits]


@pytest.fixture
def world(store):
    return build_search_world(store)


def test_treatment_radius_and_plan(store, world):
    page = store.search(SearchCriteria(treatments=TMS, near=TIMES_SQUARE, radius_miles=15, plan_id="plan-1"))
    # Boris Baker and Boris Brown share the Brooklyn site: equal distance, then by name
    assert _npis(page) == [world.near_tms, world.two_sites, world.brooklyn_tms]
    assert [h.distance_miles for h in page.hits] == pytest.approx(
        [_miles(MIDTOWN), _miles(BROOKLYN), _miles(BROOKLYN)], abs=0.002
    )
    assert [h.nearest_location_key for h in page.hits] == [MIDTOWN.key, BROOKLYN.key, BROOKLYN.key]
    assert page.total == 3 and not page.has_next_page
    assert page.hits[0].display_name == "Alice Adams, MD"
    assert page.hits[0].entity_type is EntityType.INDIVIDUAL


def test_radius_excludes_farther_locations(store, world):
    wide = store.search(SearchCriteria(treatments=TMS, near=TIMES_SQUARE, radius_miles=15))
    assert _npis(wide) == [world.near_tms, world.two_sites, world.brooklyn_tms, world.newark_tms_no_plan]
    distances = [h.distance_miles for h in wide.hits]
    assert distances == sorted(distances) and all(d <= 15 for d in distances)
    assert wide.hits[-1].distance_miles == pytest.approx(_miles(NEWARK), abs=0.002)

    newark = _miles(NEWARK)
    narrow = store.search(SearchCriteria(treatments=TMS, near=TIMES_SQUARE, radius_miles=newark - 0.05))
    assert world.newark_tms_no_plan not in _npis(narrow)
    assert world.philly_tms not in _npis(wide)


def test_radius_with_any_treatment_and_network(store, world):
    either = (Treatment.TMS_ACCELERATED, Treatment.ESKETAMINE_REMS)
    page = store.search(SearchCriteria(treatments=either, near=TIMES_SQUARE, radius_miles=2))
    assert set(_npis(page)) == {world.clinic, world.esketamine}
    page = store.search(SearchCriteria(network_id="net-b"))
    assert _npis(page) == [world.two_sites]
    assert store.search(SearchCriteria(plan_id="plan-2")).total == 0


def test_telehealth_offerings_match_regardless_of_distance(store, world):
    base = SearchCriteria(treatments=TMS, near=TIMES_SQUARE, radius_miles=5, plan_id="plan-1")
    assert world.philly_tms not in _npis(store.search(base))
    page = store.search(dataclasses.replace(base, include_telehealth=True))
    assert _npis(page) == [world.near_tms, world.two_sites, world.brooklyn_tms, world.philly_tms]
    assert page.hits[-1].distance_miles is None

    # with no treatment asked for, the access facts' telehealth flag counts
    philly = GeoPoint(PHILADELPHIA.latitude, PHILADELPHIA.longitude)
    local = SearchCriteria(near=philly, radius_miles=5)
    assert set(_npis(store.search(local))) == {world.philly_tms, world.two_sites}
    virtual = store.search(dataclasses.replace(local, include_telehealth=True))
    assert set(_npis(virtual)) == {world.philly_tms, world.two_sites, world.brooklyn_tms, world.newark_tms_no_plan}
    assert {h.npi for h in virtual.hits if h.distance_miles is None} == {world.brooklyn_tms, world.newark_tms_no_plan}


def test_taxonomy_filter(store, world):
    assert _npis(store.search(SearchCriteria(taxonomy_codes=(PMHNP,)))) == [world.brooklyn_tms]
    both = store.search(SearchCriteria(taxonomy_codes=(PSYCHIATRY, MH_CLINIC)))
    assert set(_npis(both)) == {
        world.near_tms,
        world.newark_tms_no_plan,
        world.philly_tms,
        world.esketamine,
        world.two_sites,
        world.clinic,
    }


def _by_name(store, npis) -> list[str]:
    records = store.providers(npis)
    return sorted(npis, key=lambda n: (records[n].display_name.upper(), n))


def test_accepting_new_patients_keeps_unknowns_after_known_ones_flagged(store, world):
    # only three providers have access facts: the rest are unknown, never dropped
    unknown = [world.philly_tms, world.esketamine, world.two_sites, world.clinic]
    accepting = store.search(SearchCriteria(accepting_new_patients=True))
    known = _by_name(store, [world.near_tms, world.newark_tms_no_plan])
    assert _npis(accepting) == known + _by_name(store, unknown)  # Boris Brown, known not accepting, is out
    assert [h.unknown for h in accepting.hits] == [()] * 2 + [("accepting_new_patients",)] * 4
    not_accepting = store.search(SearchCriteria(accepting_new_patients=False))
    assert _npis(not_accepting) == [world.brooklyn_tms] + _by_name(store, unknown)
    assert not_accepting.hits[0].unknown == () and all(h.unknown for h in not_accepting.hits[1:])
    # near a point, the unknown ones still come after the known ones, whatever their distance
    near = store.search(SearchCriteria(treatments=TMS, near=TIMES_SQUARE, radius_miles=15, accepting_new_patients=True))
    assert _npis(near) == [world.near_tms, world.newark_tms_no_plan, world.two_sites]
    assert near.hits[2].distance_miles < near.hits[1].distance_miles  # Brooklyn is nearer than Newark
    # no filter on it: nothing is flagged
    assert all(h.unknown == () for h in store.search(SearchCriteria(limit=100)).hits)


def test_accepting_new_patients_state_and_entity_type(store, world):
    assert set(_npis(store.search(SearchCriteria(state="PA")))) == {world.philly_tms, world.two_sites}
    orgs = store.search(SearchCriteria(entity_type=EntityType.ORGANIZATION, state="NY"))
    assert _npis(orgs) == [world.clinic]
    assert orgs.hits[0].entity_type is EntityType.ORGANIZATION
    mixed = store.search(SearchCriteria(treatments=TMS, accepting_new_patients=True, state="NJ"))
    assert _npis(mixed) == [world.newark_tms_no_plan]


def test_name_search_tolerates_typos(store, world):
    store.upsert_providers([individual(npi(20), "John", "Smith"), individual(npi(21), "Mary", "Jones")])
    page = store.search(SearchCriteria(name="Jonh Smyth"))
    # one typo in each word; the score is the mean of rapidfuzz's ratio JONH/JOHN 75 and SMYTH/SMITH 80
    assert [(h.npi, h.name_score) for h in page.hits] == [(npi(20), 77.5)]
    # other names count: the clinic is also known as "Brightmind Neuro"
    assert _npis(store.search(SearchCriteria(name="brightmind"))) == [world.clinic]
    combined = store.search(SearchCriteria(name="Alise Adams", near=TIMES_SQUARE, radius_miles=1))
    assert _npis(combined) == [world.near_tms]
    assert store.search(SearchCriteria(name="Zebulon Quixote")).total == 0


def test_cursor_pagination(store, world):
    everything = store.search(SearchCriteria(limit=100))
    assert everything.total == 7 and len(everything.hits) == 7
    seen, after, pages = [], None, 0
    while True:
        page = store.search(SearchCriteria(limit=3, after=after))
        pages += 1
        seen.extend(page.hits)
        assert page.total == 7
        if not page.has_next_page:
            break
        after = page.end_cursor
    assert pages == 3
    assert [h.npi for h in seen] == _npis(everything)
    assert len({h.npi for h in seen}) == 7


def test_bad_cursor_and_bad_criteria(store, world):
    with pytest.raises(InputError):
        store.search(SearchCriteria(after="not a cursor"))
    other = store.search(SearchCriteria(state="NY", limit=1))
    assert other.has_next_page
    with pytest.raises(InputError):
        store.search(SearchCriteria(state="PA", after=other.end_cursor))
    with pytest.raises(InputError):
        store.search(SearchCriteria(near=TIMES_SQUARE))
    with pytest.raises(InputError):
        store.search(SearchCriteria(near=TIMES_SQUARE, radius_miles=0))


def test_names_written_in_a_bulk_load_are_searchable_after_it(store):
    from store_records import load_nucc

    load_nucc(store)
    store.upsert_providers([individual(npi(901), "Oriana", "Blackwood")])
    with store.bulk_load():
        store.upsert_providers([individual(npi(902), "Thaddeus", "Marlowe")])
        store.upsert_providers([individual(npi(901), "Oriana", "Whitcombe", last_update=date(2025, 1, 1))])
    assert _npis(store.search(SearchCriteria(name="Thadeus Marlow"))) == [npi(902)]
    assert _npis(store.search(SearchCriteria(name="Narlowe"))) == [npi(902)]  # one substitution
    assert _npis(store.search(SearchCriteria(name="Oriana Whitcombe"))) == [npi(901)]
    assert _npis(store.search(SearchCriteria(name="Oriana Blackwood"))) == []  # the old name is gone
    with pytest.raises(RuntimeError, match="cut off"):
        with store.bulk_load():
            store.upsert_providers([individual(npi(903), "Perpetua", "Lindqvist")])
            raise RuntimeError("load cut off")
    assert _npis(store.search(SearchCriteria(name="Perpetua Lindqvist"))) == [npi(903)]
    assert _npis(store.search(SearchCriteria(name="Xindqvist"))) == [npi(903)]
    store.upsert_providers([individual(npi(904), "Ignatius", "Farrow")])  # row by row again afterwards
    assert _npis(store.search(SearchCriteria(name="Ignatius Farrow"))) == [npi(904)]
