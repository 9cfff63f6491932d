"""The benefit gap audit on the embedded store on disk, checked against a
brute force (every employee ZIP against every in-network, active, in-person
offering, by ``directory.geo.haversine_miles``), with a given radius and with
the default distance of each county type; and the refusal of employee-level
or personal data."""

from __future__ import annotations

from collections import defaultdict

import pytest
from curation_world import build

from directory.errors import InputError, NotFound
from directory.geo import GeoPoint, haversine_miles, zip_centroid
from directory.model import Treatment
from directory.services import adequacy, benefit_gap
from directory.store import open_store

EMPLOYEES = {"10029": 120, "10035": 40, "02115": 45, "02139": 12, "07102": 30, "11201": 25, "00000": 3}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('gap') / 'gap.db'}")
    try:
        yield store, build(store)
    finally:
        store.close()


def brute_force(store, network_ids, miles_of):
    """ZIP -> the TRD treatments with an in-network, active, in-person provider within its miles."""
    npis = sorted({m.npi for n in network_ids for m in store.network_members(n)})
    records, places, offers = store.providers(npis), store.locations_for(npis), store.treatments_for(npis)
    reach: dict[str, set[Treatment]] = defaultdict(set)
    for z, miles in miles_of.items():
        centre = zip_centroid(z)[0]
        for npi in npis:
            if not records[npi].is_active:
                continue
            located = {pl.location.key: pl.location for pl in places.get(npi, []) if pl.location.latitude is not None}
            for o in offers.get(npi, []):
                if o.treatment not in benefit_gap.TRD_TREATMENTS or o.telehealth:
                    continue
                at = [located[o.location_key]] if o.location_key in located else list(located.values())
                if any(haversine_miles(centre, GeoPoint(loc.latitude, loc.longitude)) <= miles for loc in at):
                    reach[z].add(o.treatment)
    return reach


def check(audit, reach, counts):
    assessed = sum(counts.values())
    assert audit.assessed == assessed
    for row in audit.treatments:
        covered = sum(n for z, n in counts.items() if row.treatment in reach[z])
        assert (row.covered, row.employees) == (covered, assessed), row.treatment
        assert row.share == round(covered / assessed, 4)
    expected_gaps = {
        z: tuple(t for t in benefit_gap.TRD_TREATMENTS if t not in reach[z])
        for z in counts
        if set(benefit_gap.TRD_TREATMENTS) - reach[z]
    }
    assert {g.zip: g.missing for g in audit.gaps} == expected_gaps
    assert [g.employees for g in audit.gaps] == sorted((g.employees for g in audit.gaps), reverse=True)


@pytest.mark.parametrize("radius", [1.0, 4.0, 25.0])
def test_a_given_radius_matches_the_brute_force(world, radius):
    store, _ = world
    employees = adequacy.members_from_pairs(EMPLOYEES.items())
    audit = benefit_gap.audit(
        store,
        plan_ids=["nw-ppo"],
        employees=employees,
        standards=adequacy.default_standards(),
        counties=adequacy.default_counties(),
        radius_miles=radius,
    )
    assert audit.unlocated == (("00000", 3),) and audit.employees == sum(EMPLOYEES.values())
    located = {z: n for z, n in EMPLOYEES.items() if z != "00000"}
    check(audit, brute_force(store, ["nw-bh"], dict.fromkeys(located, radius)), located)
    assert audit.network_ids == ("nw-bh",)


def test_the_default_distance_is_the_county_types_and_unclassified_counties_are_listed(world):
    store, _ = world
    standards, counties = adequacy.default_standards(), adequacy.default_counties()
    employees = adequacy.members_from_pairs(EMPLOYEES.items())
    audit = benefit_gap.audit(store, plan_ids=["nw-ppo"], employees=employees, standards=standards, counties=counties)
    miles_of = {}
    for z in EMPLOYEES:
        found = zip_centroid(z)
        county = found and counties.find(found[2], found[1])
        if county:
            miles_of[z] = standards.get("Psychiatry", county.county_type).max_miles
    assert {z for z, _, _ in audit.unassessed} == set(EMPLOYEES) - set(miles_of) - {"00000"} == {"07102"}
    assert {g.zip: g.max_miles for g in audit.gaps}.items() <= miles_of.items()
    check(audit, brute_force(store, ["nw-bh"], miles_of), {z: EMPLOYEES[z] for z in miles_of})


def test_only_in_person_offerings_of_active_in_network_providers_count(world):
    store, w = world
    employees = adequacy.members_from_pairs([("07102", 10)])
    audit = benefit_gap.audit(
        store,
        network_ids=["nw-bh"],
        employees=employees,
        standards=adequacy.default_standards(),
        counties=adequacy.default_counties(),
        radius_miles=2.0,
    )
    by = {t.treatment: t for t in audit.treatments}
    assert by[Treatment.ESKETAMINE_REMS].covered == 10  # Newark's psychiatrists offer it in person
    assert by[Treatment.ECT].covered == 0  # offered by telehealth only
    # the deactivated NY psychiatrist offered esketamine: not counted among the providers
    active_offering = {n for n in w.ny + w.ma + w.nj + [w.excluded, w.expired]}
    assert by[Treatment.ESKETAMINE_REMS].providers == len(active_offering)


def test_refusals(world, tmp_path):
    store, _ = world
    employees = adequacy.members_from_pairs([("10029", 1)])
    base = {"employees": employees, "standards": adequacy.default_standards(), "counties": adequacy.default_counties()}
    with pytest.raises(InputError, match="at least one plan or network"):
        benefit_gap.audit(store, **base)
    with pytest.raises(NotFound, match="no plan"):
        benefit_gap.audit(store, plan_ids=["nope"], **base)
    with pytest.raises(NotFound, match="no network"):
        benefit_gap.audit(store, network_ids=["nope"], **base)
    with pytest.raises(InputError, match="radiusMiles"):
        benefit_gap.audit(store, network_ids=["nw-bh"], radius_miles=400, **base)
    for header, row in (("member_id,zip", "E1,10029"), ("zip,count,first_name", "10029,1,Ann"), ("zip,dob", "10029,x")):
        path = tmp_path / "employees.csv"
        path.write_text(f"{header}\n{row}\n", encoding="utf-8")
        with pytest.raises(InputError, match="exactly the columns zip,count"):
            benefit_gap.read_employees(path)
    path.write_text("zip,count\n10029,4\n02115,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 3"):
        benefit_gap.read_employees(path)
    path.write_text("ZIP,Count\n10029,4\n10029,1\n", encoding="utf-8")
    assert benefit_gap.read_employees(path).counts == {"10029": 5}
