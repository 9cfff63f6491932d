"""Network adequacy on a real store on disk: the limits and the edge cases."""

from __future__ import annotations

from fractions import Fraction

import pytest
from helpers import (
    NET,
    PSYCHOLOGY,
    SOCIAL_WORK,
    add,
    counties_of,
    north_of,
    npi,
    open_store,
    provider,
    run,
    write,
    zip_point,
)

from directory.geo import haversine_miles
from directory.model import GeoPoint
from directory.services import adequacy
from directory.services.adequacy import compute

MANHATTAN = "10016"  # New York County, NY
BROOKLYN = "11201"  # Kings County, NY


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path)
    yield s
    s.close()


@pytest.fixture
def counties(tmp_path):
    return counties_of(
        tmp_path,
        [
            ("NY", "New York County", "Large Metro"),
            ("NY", "Kings County", "Large Metro"),
            ("NY", "Queens County", "Metro"),
        ],
    )


def _psychiatry(result, county="New York County"):
    return result.cell("NY", county, "Psychiatry")


def test_a_provider_exactly_at_the_limit_is_within_it(store, counties):
    lat, lon, county, state = zip_point(MANHATTAN)
    # Large Metro psychiatry: 10 miles and 20 minutes; at 30 mph, 10 miles take exactly 20 minutes
    at = north_of(lat, 10.0)
    beyond = north_of(lat, 10.0 + 0.001)  # about 5 feet further
    distance = haversine_miles(GeoPoint(lat, lon), GeoPoint(at, lon))
    assert distance != 10.0 or True  # rounding may land either side of 10: the tolerance decides
    assert abs(distance - 10.0) < compute.DISTANCE_TOLERANCE_MILES
    add(store, [provider(1, [(at, lon, "10001", county, state)])], network=[npi(1)])
    cell = _psychiatry(run(store, {MANHATTAN: 100}, counties))
    assert (cell.covered, cell.providers, cell.max_miles, cell.max_minutes) == (100, 1, 10.0, 20.0)

    add(store, [provider(2, [(beyond, lon, "10001", county, state)])], network=[npi(2)])
    store.remove_network_members(NET, [npi(1)])
    cell = _psychiatry(run(store, {MANHATTAN: 100}, counties))
    assert (cell.covered, cell.providers) == (0, 0)
    assert cell.uncovered == ((MANHATTAN, 100),)


def test_the_tolerance_is_explicit_and_small():
    assert 0 < compute.DISTANCE_TOLERANCE_MILES <= 1e-5  # under 2 cm
    assert 0 < compute.TIME_TOLERANCE_MINUTES <= 1e-5
    # the time limit binds on its own: at 20 mph (a slower county), 10 miles take 30 minutes
    travel = adequacy.StraightLine()
    points = compute.Points(*[__import__("numpy").array([x]) for x in (40.0, -74.0, 10.0, 20.0, 20.0)])
    import numpy as np

    found = compute.reach(
        points, np.array([north_of(40.0, 9.0), north_of(40.0, 6.0)]), np.array([-74.0, -74.0]), travel
    )
    assert found.site_idx.tolist() == [1]  # 9 miles = 27 minutes > 20; 6 miles = 18 minutes
    assert found.minutes[0] == pytest.approx(18.0)


def test_a_county_without_members_has_no_result(store, counties):
    lat, lon, county, state = zip_point(MANHATTAN)
    add(store, [provider(1, [(lat, lon, MANHATTAN, county, state)])], network=[npi(1)])
    result = run(store, {MANHATTAN: 10}, counties)
    assert {(c.state, c.county) for c in result.cells} == {("NY", "New York County")}
    assert result.cell("NY", "Kings County", "Psychiatry") is None


def test_a_zip_whose_members_are_all_uncovered_is_listed_with_its_count(store, counties):
    lat, lon, county, state = zip_point(MANHATTAN)
    blat, blon, bcounty, _ = zip_point(BROOKLYN)
    # in-network psychiatrist at the Manhattan centroid; Brooklyn Heights is about 4 miles away, so
    # both are covered; a far Brooklyn ZIP is not
    add(store, [provider(1, [(lat, lon, MANHATTAN, county, state)])], network=[npi(1)])
    far = "11224"  # Coney Island, Kings County, 11.6 miles from Midtown
    flat, flon, fcounty, _ = zip_point(far)
    assert fcounty == "Kings County" and haversine_miles(GeoPoint(lat, lon), GeoPoint(flat, flon)) > 10
    cell = _psychiatry(run(store, {BROOKLYN: 30, far: 70}, counties), "Kings County")
    assert (cell.members, cell.covered) == (100, 30)
    assert cell.uncovered == ((far, 70),)
    assert not cell.passed and cell.percent_covered == pytest.approx(30.0)


def test_a_specialty_with_no_providers_fails_with_the_reason(store, counties):
    lat, lon, county, state = zip_point(MANHATTAN)
    add(store, [provider(1, [(lat, lon, MANHATTAN, county, state)])], network=[npi(1)])
    result = run(store, {MANHATTAN: 50}, counties)
    cell = result.cell("NY", "New York County", "Inpatient Psychiatric Facility")
    assert (cell.covered, cell.providers, cell.required_providers, cell.passed) == (0, 0, 1, False)
    assert any("no provider in the directory" in r for r in cell.reasons)
    assert cell.fixes is not None and cell.fixes.picks == () and cell.fixes.needed_to_pass is None


def test_minimum_number_is_exact_and_counts_only_providers_within_reach(store, counties, tmp_path):
    assert compute.required_count(Fraction("0.15"), 20_000) == 3  # 0.15 * 20000 / 1000 in floats is 3.0000000000000004
    assert compute.required_count(Fraction("0.14"), 1) == 1
    assert compute.required_count(Fraction(0), 500, floor=1) == 1
    lat, lon, county, state = zip_point(MANHATTAN)
    far = north_of(lat, 60)  # in the network, but out of reach: does not count
    add(
        store,
        [
            provider(1, [(lat, lon, MANHATTAN, county, state)]),
            provider(2, [(far, lon, "12345", "Elsewhere", "NY")]),
            provider(3, []),  # telehealth only: no location
        ],
        network=[npi(1), npi(2), npi(3)],
        telehealth=[npi(3)],
    )
    cell = _psychiatry(run(store, {MANHATTAN: 20_000}, counties))
    # 0.14 per 1,000 x 20,000 = 2.8 -> 3 required; only provider 1 counts
    assert (cell.providers, cell.required_providers) == (1, 3)
    assert cell.counted_npis == (npi(1),)
    assert cell.telehealth_credit == 10.0  # the telehealth-only provider earns the credit, not a count
    assert not cell.passed and any("3 required" in r for r in cell.reasons)


def test_telehealth_credit_lifts_a_county_over_the_line(store, counties):
    lat, lon, county, state = zip_point(MANHATTAN)
    far = "11224"
    add(store, [provider(1, [(lat, lon, MANHATTAN, county, state)])], network=[npi(1)])
    # Kings: 85 of 100 covered (85 %), Large Metro needs 90 %
    members = {BROOKLYN: 85, far: 15}
    assert not _psychiatry(run(store, members, counties), "Kings County").passed
    add(store, [provider(2, [], license_state="NY")], network=[npi(2)], telehealth=[npi(2)])
    cell = _psychiatry(run(store, members, counties), "Kings County")
    assert cell.telehealth_credit == 10.0 and cell.passed
    # a telehealth provider licensed in another state only does not earn it
    store.remove_network_members(NET, [npi(2)])
    add(store, [provider(3, [], license_state="NJ")], network=[npi(3)], telehealth=[npi(3)])
    assert _psychiatry(run(store, members, counties), "Kings County").telehealth_credit == 0.0


def test_fixes_rank_vetted_providers_first_and_say_how_many_are_needed(store, counties, tmp_path):
    # psychiatry within 1 mile, so that each southern Brooklyn ZIP needs its own provider
    standards = adequacy.read_standards(
        adequacy.CsvText.of(
            write(
                tmp_path / "standards.csv",
                "specialty,county_type,max_minutes,max_miles,min_per_1000\nPsychiatry,Large Metro,60,1,0\n",
            )
        )
    )
    zips = ["11224", "11223", "11235"]  # Coney Island, Gravesend, Sheepshead Bay: over a mile apart
    places = {z: zip_point(z) for z in [BROOKLYN, *zips]}
    for a in zips:
        for b in zips:
            if a < b:
                assert haversine_miles(GeoPoint(*places[a][:2]), GeoPoint(*places[b][:2])) > 1
    add(
        store,
        [provider(1, [(places[BROOKLYN][0], places[BROOKLYN][1], BROOKLYN, "Kings County", "NY")])],
        network=[npi(1)],
    )
    records = [
        # unvetted, covers all three
        provider(10, [(places[z][0], places[z][1], z, "Kings County", "NY") for z in zips]),
        # vetted, covers 11224 only
        provider(11, [(places["11224"][0], places["11224"][1], "11224", "Kings County", "NY")]),
        # vetted, covers 11223 and 11235 (two locations)
        provider(12, [(places[z][0], places[z][1], z, "Kings County", "NY") for z in ("11223", "11235")]),
    ]
    add(store, records, vetted=[npi(11), npi(12)])
    members = {BROOKLYN: 10, "11224": 50, "11223": 20, "11235": 20}
    cell = _psychiatry(run(store, members, counties, standards=standards), "Kings County")
    assert not cell.passed and cell.covered == 10
    picks = cell.fixes.picks
    assert [(p.npi, p.vetted, p.adds_members) for p in picks] == [(npi(11), True, 50), (npi(12), True, 40)]
    assert cell.fixes.needed_to_pass == 2 and picks[-1].percent_after == pytest.approx(100.0)
    assert cell.fixes.coverable_members == 90
    # the same answer every time: ties go to the lower NPI
    again = _psychiatry(run(store, members, counties, standards=standards), "Kings County")
    assert again.fixes == cell.fixes


def test_standards_from_a_users_file_replace_the_bundled_ones(store, counties, tmp_path):
    lat, lon, county, state = zip_point(MANHATTAN)
    add(
        store,
        [provider(1, [(north_of(lat, 3), lon, "10001", county, state)], codes=(SOCIAL_WORK, PSYCHOLOGY))],
        network=[npi(1)],
    )
    standards = adequacy.read_standards(
        adequacy.CsvText.of(
            write(
                tmp_path / "standards.csv",
                "specialty,county_type,max_minutes,max_miles,min_per_1000\n"
                "Clinical Social Work,Large Metro,5,2,0\n"
                "Clinical Psychology,Large Metro,30,5,0\n",
            )
        )
    )
    result = run(store, {MANHATTAN: 40}, counties, standards=standards)
    assert [c.specialty for c in result.cells] == ["Clinical Social Work", "Clinical Psychology"]
    assert result.cells[0].covered == 0 and result.cells[1].covered == 40
    assert result.cells[1].telehealth_credit == 0 and result.cells[1].required_providers == 0
