"""The network adequacy service: read the network's providers once through the
store port, measure every county with members against every specialty of the
standards (:mod:`.compute`), and propose the providers that close each gap
(:mod:`.fixes`, vetting candidates with the vetting service)."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ...errors import NotFound
from ...model import CoverageProvider, CoverageQuery, Network
from ...store import Store
from ..vetting import vet_providers
from . import compute
from .fixes import Fixes, plan_fixes
from .inputs import Counties, County, Members, SpecialtyMap, Standards
from .travel import Travel
from .zips import zip_index

log = logging.getLogger(__name__)

#: NPIs vetted per batch of store reads.
VET_BATCH = 2000


@dataclass(frozen=True)
class Cell:
    """One county and specialty: the measures, the verdict and why."""

    state: str
    county: str
    county_type: str
    specialty: str
    members: int
    covered: int
    percent_covered: float
    telehealth_credit: float
    required_percent: float
    providers: int
    required_providers: int
    passed: bool
    max_miles: float
    max_minutes: float
    reasons: tuple[str, ...]
    uncovered: tuple[tuple[str, int], ...]  # (ZIP, members), most members first
    counted_npis: tuple[str, ...]  # the in-network providers counted
    fixes: Fixes | None = None


@dataclass(frozen=True)
class ZipPlace:
    zip: str
    latitude: float
    longitude: float
    state: str | None
    county: str | None
    members: int


@dataclass
class Assessment:
    network: Network
    cells: list[Cell]
    zips: list[ZipPlace]  # located member ZIPs in assessed counties, in the order of the arrays
    unlocated: list[tuple[str, int]]  # ZIPs the offline table does not know
    unclassified: list[tuple[str, str, int]]  # (ZIP, county, members) of counties the counties input lacks
    providers: dict[str, CoverageProvider]
    covered_by_specialty: dict[str, np.ndarray]  # specialty -> ZIP -> covered
    method: dict[str, str]
    notes: list[str] = field(default_factory=list)

    def cell(self, state: str, county: str, specialty: str) -> Cell | None:
        from .inputs import county_key

        want = county_key(state, county)
        return next((c for c in self.cells if county_key(c.state, c.county) == want and c.specialty == specialty), None)


def _bbox(lat: np.ndarray, lon: np.ndarray, miles: float) -> tuple[float, float, float, float]:
    dlat = miles / compute.MILES_PER_DEGREE_LATITUDE + 0.01
    top = float(min(89.0, np.abs(lat).max() + dlat))
    dlon = miles / (compute.MILES_PER_DEGREE_LATITUDE * max(0.01, math.cos(math.radians(top)))) + 0.01
    return float(lat.min() - dlat), float(lat.max() + dlat), float(lon.min() - dlon), float(lon.max() + dlon)


def vetted_npis(store: Store, npis: list[str], today: date) -> set[str]:
    """The NPIs whose vetting checklist passes (the vetting service, in batches)."""
    passed: set[str] = set()
    for start in range(0, len(npis), VET_BATCH):
        results = vet_providers(store, npis[start : start + VET_BATCH], today)
        passed.update(npi for npi, checklist in results.items() if checklist.passed)
    return passed


def assess(
    store: Store,
    network_id: str,
    *,
    members: Members,
    standards: Standards,
    counties: Counties,
    specialties: SpecialtyMap,
    travel: Travel,
    speeds: dict[str, float],
    today: date,
    fixes: bool = True,
) -> Assessment:
    found = store.networks([network_id])
    if not found:
        raise NotFound(f"no network {network_id!r}")
    network = found[0]
    table = zip_index()
    places: list[ZipPlace] = []
    place_county: list[County] = []
    unlocated: list[tuple[str, int]] = []
    unclassified: list[tuple[str, str, int]] = []
    for z, n in sorted(members.counts.items()):
        where = table.get(z)
        if where is None:
            unlocated.append((z, n))
            continue
        county = counties.find(where[3], where[2])
        if county is None:
            unclassified.append((z, where[2] or "", n))
            continue
        places.append(ZipPlace(z, where[0], where[1], where[3], where[2], n))
        place_county.append(county)
    notes = [
        f"specialty {s!r} of {specialties.source} has no standard in {standards.source}: not assessed"
        for s in sorted({s for specs in specialties.by_code.values() for s in specs} - set(standards.specialties))
    ]
    method = {"distance": "great-circle miles from the member ZIP centroid", "time": travel.description}
    if not places:
        return Assessment(network, [], [], unlocated, unclassified, {}, {}, method, notes)

    lat = np.array([p.latitude for p in places])
    lon = np.array([p.longitude for p in places])
    zip_members = np.array([p.members for p in places], np.int64)
    county_list = list(dict.fromkeys(place_county))
    county_of = np.array([county_list.index(c) for c in place_county], np.int64)
    widest = max(s.max_miles for s in standards.rows.values())
    providers = store.coverage_inputs(CoverageQuery(network_id, specialties.codes, _bbox(lat, lon, widest)))
    by_npi = {p.npi: p for p in providers}
    in_network = np.array([p.in_network for p in providers], bool)

    pending: list[tuple[int, dict, dict]] = []  # (cell index, covers, reaches) of failing cells
    cells: list[Cell] = []
    covered_by: dict[str, np.ndarray] = {}
    for specialty in standards.specialties:
        codes = set(specialties.codes_of(specialty))
        holders = [i for i, p in enumerate(providers) if codes.intersection(p.taxonomy_codes)]
        site_p = np.array([i for i in holders for _ in providers[i].sites], np.int64)
        site_lat = np.array([s.latitude for i in holders for s in providers[i].sites])
        site_lon = np.array([s.longitude for i in holders for s in providers[i].sites])
        rules = [standards.get(specialty, c.county_type) for c in county_list]
        per_zip = [rules[c] for c in county_of]
        points = compute.Points(
            lat,
            lon,
            np.array([r.max_miles if r else -1.0 for r in per_zip]),
            np.array([r.max_minutes if r else -1.0 for r in per_zip]),
            np.array([speeds[c.county_type] for c in (place_county)]),
        )
        coverage = compute.cover(points, site_lat, site_lon, site_p, in_network, travel)
        covered_by[specialty] = coverage.covered_zip
        counted_by_county = compute.providers_by_group(coverage, county_of, len(county_list), True)
        members_by_county = np.bincount(county_of, weights=zip_members, minlength=len(county_list))
        covered_by_county = np.bincount(
            county_of, weights=zip_members * coverage.covered_zip, minlength=len(county_list)
        )
        # in-network telehealth providers of the specialty, by the states they can serve
        serving: dict[str, list[str]] = {}
        for i in holders:
            p = providers[i]
            if p.in_network and p.telehealth:
                for state in set(p.license_states) | {s.state for s in p.sites}:
                    serving.setdefault(state, []).append(p.npi)
        for ci, county in enumerate(county_list):
            rule = rules[ci]
            if rule is None:
                notes.append(f"{county.county}, {county.state}: no {specialty} standard for {county.county_type}")
                continue
            mask = county_of == ci
            total = int(members_by_county[ci])
            got = int(covered_by_county[ci])
            counted = counted_by_county[ci]
            tele = serving.get(county.state, [])
            credit = rule.telehealth_credit if tele else 0.0
            required_pct = compute.REQUIRED_PERCENT[county.county_type]
            given = dict(county.required).get(specialty)
            required = (
                given if given is not None else compute.required_count(rule.min_per_1000, total, rule.min_providers)
            )
            pct = compute.percent(got, total)
            ok_cover = compute.meets(pct, credit, required_pct)
            ok_count = len(counted) >= required
            reasons = [
                f"{got:,} of {total:,} members ({pct:.2f} %) have an in-network {specialty} location within "
                f"{rule.max_miles:g} miles and {rule.max_minutes:g} minutes",
                (
                    f"telehealth credit of {credit:g} points: {len(tele)} in-network telehealth provider(s) "
                    f"can serve {county.state}"
                    if tele
                    else f"no telehealth credit: no in-network {specialty} telehealth provider serves {county.state}"
                ),
                f"{'meets' if ok_cover else 'misses'} the {required_pct:g} % required in {county.county_type} counties "
                f"({pct + credit:.2f} % with the credit)",
                f"{len(counted)} in-network provider(s) within both limits of a member; {required} required "
                + (
                    f"(the county's figure in {counties.source})"
                    if given is not None
                    else f"(ceiling of {float(rule.min_per_1000):g} per 1,000 x {total:,} members"
                    + (f", at least {rule.min_providers}" if rule.min_providers else "")
                    + ")"
                ),
            ]
            if not holders:
                reasons.append(f"no provider in the directory holds a taxonomy mapped to {specialty}")
            idx = np.flatnonzero(mask & ~coverage.covered_zip)
            uncovered = sorted(((places[i].zip, int(zip_members[i])) for i in idx), key=lambda x: (-x[1], x[0]))
            cells.append(
                Cell(
                    county.state,
                    county.county,
                    county.county_type,
                    specialty,
                    total,
                    got,
                    round(pct, 4),
                    credit,
                    required_pct,
                    len(counted),
                    required,
                    ok_cover and ok_count,
                    rule.max_miles,
                    rule.max_minutes,
                    tuple(reasons),
                    tuple(uncovered),
                    tuple(providers[i].npi for i in counted),
                )
            )
            if fixes and not (ok_cover and ok_count):
                covers = {
                    providers[p].npi: set(z.tolist())
                    for p, z in compute.zips_reached_by(coverage, mask & ~coverage.covered_zip, False).items()
                }
                reaches = {
                    providers[p].npi: int(zip_members[z].sum())
                    for p, z in compute.zips_reached_by(coverage, mask, False).items()
                }
                pending.append((len(cells) - 1, covers, reaches))

    if pending:
        candidates = sorted({npi for _, covers, reaches in pending for npi in (*covers, *reaches)})
        vetted = vetted_npis(store, candidates, today)
        names = {npi: by_npi[npi].display_name for npi in candidates}
        member_of = {i: int(n) for i, n in enumerate(zip_members)}
        for at, covers, reaches in pending:
            c = cells[at]
            plan = plan_fixes(
                zip_members=member_of,
                covered=c.covered,
                members=c.members,
                credit=c.telehealth_credit,
                required_percent=c.required_percent,
                providers=c.providers,
                required_providers=c.required_providers,
                covers=covers,
                reaches=reaches,
                vetted=vetted,
                names=names,
            )
            cells[at] = Cell(**{**{f: getattr(c, f) for f in c.__dataclass_fields__}, "fixes": plan})
    return Assessment(network, cells, places, unlocated, unclassified, by_npi, covered_by, method, notes)
