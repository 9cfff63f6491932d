"""The vectorised computation against a brute-force one (pairs in Python loops
with directory.geo.haversine_miles) on random inputs."""

from __future__ import annotations

import math

from helpers import (
    PSYCHIATRY,
    PSYCHOLOGY,
    SOCIAL_WORK,
    SPEEDS,
    add,
    counties_of,
    npi,
    open_store,
    provider,
    run,
    zip_point,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.geo import haversine_miles
from directory.model import GeoPoint
from directory.services import adequacy
from directory.services.adequacy import compute

ZIPS = ["10016", "10029", "10451", "10463", "11201", "11215", "11224", "11354", "11375", "11101", "10301", "07302"]
COUNTY_TYPES = {
    "New York County": "Large Metro",
    "Bronx County": "Metro",
    "Kings County": "Micro",
    "Queens County": "Rural",
    "Richmond County": "CEAC",
}  # Hudson County (NJ, ZIP 07302) is left out: its members are not assessed
CODES = (PSYCHIATRY, PSYCHOLOGY, SOCIAL_WORK, "261QM0801X", "283Q00000X")

providers_strategy = st.lists(
    st.tuples(
        st.lists(st.tuples(st.sampled_from(ZIPS), st.floats(-25, 25), st.floats(-25, 25)), max_size=2),  # sites
        st.lists(st.sampled_from(CODES), min_size=1, max_size=2, unique=True),
        st.booleans(),  # in network
        st.booleans(),  # telehealth
    ),
    max_size=12,
)
members_strategy = st.dictionaries(st.sampled_from(ZIPS), st.integers(0, 5000), min_size=1)


def brute(members, records, network, telehealth, counties, standards, specialties):
    """Every (ZIP, location) pair, one at a time."""
    out = {}
    places = {z: zip_point(z) for z in members}
    by_county: dict = {}
    for z, n in members.items():
        county = counties.find(places[z][3], places[z][2])
        if county is not None and n > 0:
            by_county.setdefault(county, []).append(z)
    for county, zips in by_county.items():
        for specialty in standards.specialties:
            rule = standards.get(specialty, county.county_type)
            codes = set(specialties.codes_of(specialty))
            mine = [r for r in records if codes & {t.code for t in r.taxonomies}]
            speed = SPEEDS[county.county_type]

            def within(r, z, rule=rule, speed=speed):
                for pl in r.locations:
                    d = haversine_miles(GeoPoint(*places[z][:2]), GeoPoint(pl.location.latitude, pl.location.longitude))
                    if d <= rule.max_miles + 1e-6 and d / speed * 60 <= rule.max_minutes + 1e-6:
                        return True
                return False

            total = sum(members[z] for z in zips)
            covered = sum(members[z] for z in zips if any(r.npi in network and within(r, z) for r in mine))
            counted = {r.npi for r in mine if r.npi in network for z in zips if within(r, z)}
            tele = any(
                r.npi in network
                and r.npi in telehealth
                and (county.state == "NY" or any(pl.location.state == county.state for pl in r.locations))
                for r in mine
            )
            credit = rule.telehealth_credit if tele else 0.0
            required = max(rule.min_providers, math.ceil(rule.min_per_1000 * total / 1000))
            pct = 100 * covered / total
            passed = pct + credit >= compute.REQUIRED_PERCENT[county.county_type] - 1e-9 and len(counted) >= required
            out[(county.county, specialty)] = (total, covered, len(counted), credit, required, passed)
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(members=members_strategy, drawn=providers_strategy)
def test_vectorised_matches_brute_force(tmp_path_factory, members, drawn):
    tmp = tmp_path_factory.mktemp("brute")
    store = open_store(tmp)
    try:
        counties = counties_of(tmp, [("NY", c, t) for c, t in COUNTY_TYPES.items()])
        records, network, telehealth = [], set(), set()
        for i, (sites, codes, joined, tele) in enumerate(drawn):
            placed = []
            for z, dx, dy in sites:
                lat, lon, county, state = zip_point(z)
                # dx, dy miles east and north of the ZIP centroid
                placed.append((lat + dy / 69.0, lon + dx / (69.0 * math.cos(math.radians(lat))), z, county, state))
            records.append(provider(i, placed, tuple(codes)))
            if joined:
                network.add(npi(i))
            if tele:
                telehealth.add(npi(i))
        if records:
            add(store, records, network=sorted(network), telehealth=sorted(telehealth))
        standards, specialties = adequacy.default_standards(), adequacy.default_specialties()
        result = run(store, members, counties, fixes=False)
        got = {
            (c.county, c.specialty): (
                c.members,
                c.covered,
                c.providers,
                c.telehealth_credit,
                c.required_providers,
                c.passed,
            )
            for c in result.cells
        }
        assert got == brute(members, records, network, telehealth, counties, standards, specialties)
    finally:
        store.close()
