"""The benefit gap audit: for an employer's plans (and its vetted networks),
the share of its employees who have an in-network provider of each TRD
treatment within reach, and where the gaps are.

* **Employees** come as counts by ZIP code, never as people: the API takes
  (zip, count) pairs, and a file must have exactly the columns ``zip,count``
  (member-level rows, even with opaque ids, and any name-like column are
  refused: see :func:`read_employees`).
* **In network**: a member of a network of one of the plans, or of one of
  the networks given, whose NPI is active.
* **Offers the treatment**: an evidenced, in-person offering of TMS
  (standard or accelerated), esketamine at a REMS-certified site, IV ketamine
  or ECT (each needs a visit: telehealth offerings do not count), at the
  location the offering names, else at each of the provider's geocoded
  practice locations.
* **Within reach**: great-circle miles from the employee ZIP's centroid at
  most ``radius_miles`` when given; otherwise the maximum distance of the
  ZIP's county type in the adequacy standards for :data:`DEFAULT_SPECIALTY`
  (TRD care is psychiatric care; bundled: 10, 30, 45, 60 and 100 miles for
  Large Metro, Metro, Micro, Rural and CEAC counties). Without a radius, a
  ZIP whose county the counties input does not classify is not assessed and
  is listed as such.

The distances are adequacy's own array code (``adequacy.compute.reach``): each
ZIP is compared only with the locations in its latitude band.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError, NotFound, SourceFormatError, quoted
from ..model import Treatment
from ..store import Store
from .adequacy import Counties, Members, Standards, compute, read_members
from .adequacy.zips import zip_index

#: The TRD treatments audited, in order.
TRD_TREATMENTS: tuple[Treatment, ...] = (
    Treatment.TMS_STANDARD,
    Treatment.TMS_ACCELERATED,
    Treatment.ESKETAMINE_REMS,
    Treatment.IV_KETAMINE,
    Treatment.ECT,
)
DEFAULT_SPECIALTY = "Psychiatry"
MAX_RADIUS_MILES = 250.0
#: Most ZIP codes one audit may carry; NPIs read per batch.
MAX_ZIPS = 5000
BATCH = 2000


class DistanceOnly:
    """Reach by distance alone: no time limit applies."""

    description = "great-circle miles from the employee ZIP's centroid"

    def radius_bound(self, max_miles, max_minutes, speed_mph):
        return max_miles

    def minutes(self, points, zip_idx, site_lat, site_lon, miles):
        return np.zeros(len(zip_idx))


@dataclass(frozen=True, slots=True)
class TreatmentCoverage:
    treatment: Treatment
    employees: int  # assessed employees
    covered: int
    share: float  # covered / employees, 0..1
    providers: int  # in-network providers offering it in person


@dataclass(frozen=True, slots=True)
class ZipGap:
    zip: str
    state: str | None
    county: str | None
    county_type: str | None
    employees: int
    max_miles: float
    missing: tuple[Treatment, ...]  # no in-network provider of these within reach


@dataclass(frozen=True, slots=True)
class BenefitGapAudit:
    plan_ids: tuple[str, ...]
    network_ids: tuple[str, ...]  # every network audited (the plans' and those given)
    employees: int  # every employee given
    assessed: int  # in ZIPs located and given a distance
    distance: str  # how the distance was chosen
    treatments: tuple[TreatmentCoverage, ...]
    gaps: tuple[ZipGap, ...]  # ZIPs missing at least one treatment, most employees first
    unlocated: tuple[tuple[str, int], ...]  # ZIPs the offline table does not know
    unassessed: tuple[tuple[str, str, int], ...]  # (ZIP, county, employees) of counties without a type


def read_employees(path: str | Path) -> Members:
    """Employees by ZIP from a ``zip,count`` CSV; member-level files are refused."""
    p = Path(path)
    try:
        with p.open(encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f), [])
    except FileNotFoundError:
        raise InputError(f"file not found: {p}") from None
    except UnicodeDecodeError as exc:
        raise SourceFormatError(f"{p}: not UTF-8 text ({exc.reason})") from None
    if sorted(h.strip().lower() for h in header) != ["count", "zip"]:
        raise InputError(
            f"{p}, line 1: expected exactly the columns zip,count (employees counted by ZIP code; never a row per "
            f"person, a name or any other personal data), got {quoted(','.join(header))}"
        )
    return read_members(p)  # checks each ZIP and count, naming the line


def audit(
    store: Store,
    *,
    plan_ids: Sequence[str] = (),
    network_ids: Sequence[str] = (),
    employees: Members,
    standards: Standards,
    counties: Counties,
    radius_miles: float | None = None,
    specialty: str = DEFAULT_SPECIALTY,
) -> BenefitGapAudit:
    """See the module docstring. NotFound for a plan or network the store lacks."""
    if not plan_ids and not network_ids:
        raise InputError("name at least one plan or network to audit")
    if len(employees.counts) > MAX_ZIPS:
        raise InputError(f"at most {MAX_ZIPS} ZIP codes per audit")
    if radius_miles is not None and not 0 < radius_miles <= MAX_RADIUS_MILES:
        raise InputError(f"radiusMiles must be above 0 and at most {MAX_RADIUS_MILES:g}")
    if radius_miles is None and not any(s == specialty for s, _ in standards.rows):
        raise InputError(f"the standards ({standards.source}) have no {specialty} rows to take distances from")
    plans = {p.id: p for p in store.plans(plan_ids)} if plan_ids else {}
    missing = [p for p in plan_ids if p not in plans]
    if missing:
        raise NotFound(f"no plan {quoted(missing[0])}")
    audited = list(dict.fromkeys([n for p in plan_ids for n in plans[p].network_ids] + list(network_ids)))
    found = {n.id for n in store.networks(audited)} if audited else set()
    absent = [n for n in network_ids if n not in found]
    if absent:
        raise NotFound(f"no network {quoted(absent[0])}")
    audited = [n for n in audited if n in found]

    # employee ZIPs: located, and given a distance
    table = zip_index()
    zips: list[tuple[str, float, float, str | None, str | None, str | None, float, int]] = []
    unlocated: list[tuple[str, int]] = []
    unassessed: list[tuple[str, str, int]] = []
    for z, n in sorted(employees.counts.items()):
        where = table.get(z)
        if where is None:
            unlocated.append((z, n))
            continue
        county = counties.find(where[3], where[2])
        kind = county.county_type if county else None
        if radius_miles is not None:
            miles: float | None = radius_miles
        else:
            rule = standards.get(specialty, kind) if kind else None
            miles = rule.max_miles if rule else None
        if miles is None:
            unassessed.append((z, where[2] or "", n))
            continue
        zips.append((z, where[0], where[1], where[3], where[2], kind, miles, n))

    sites = _in_network_sites(store, audited)
    counts = np.array([z[7] for z in zips], np.int64)
    points = compute.Points(
        np.array([z[1] for z in zips]),
        np.array([z[2] for z in zips]),
        np.array([z[6] for z in zips]),
        np.full(len(zips), np.inf),
        np.ones(len(zips)),
    )
    travel = DistanceOnly()
    covered: dict[Treatment, np.ndarray] = {}
    coverage = []
    assessed = int(counts.sum())
    for t in TRD_TREATMENTS:
        lat, lon, npis = sites.get(t, ([], [], set()))
        reach = compute.reach(points, np.array(lat, float), np.array(lon, float), travel)
        hit = np.zeros(len(zips), bool)
        hit[reach.zip_idx] = True
        covered[t] = hit
        got = int(counts[hit].sum())
        coverage.append(TreatmentCoverage(t, assessed, got, round(got / assessed, 4) if assessed else 0.0, len(npis)))
    gaps = []
    for i, (z, _, _, state, county_name, kind, miles, n) in enumerate(zips):
        lacking = tuple(t for t in TRD_TREATMENTS if not covered[t][i])
        if lacking:
            gaps.append(ZipGap(z, state, county_name, kind, n, miles, lacking))
    gaps.sort(key=lambda g: (-g.employees, g.zip))
    distance = (
        f"within {radius_miles:g} miles"
        if radius_miles is not None
        else f"within the {specialty} distance of the ZIP's county type "
        f"({standards.source}; counties: {counties.source})"
    )
    return BenefitGapAudit(
        tuple(plan_ids),
        tuple(audited),
        employees.total,
        assessed,
        distance,
        tuple(coverage),
        tuple(gaps),
        tuple(unlocated),
        tuple(unassessed),
    )


def _in_network_sites(
    store: Store, network_ids: Iterable[str]
) -> dict[Treatment, tuple[list[float], list[float], set[str]]]:
    """Per treatment, the geocoded places where an active in-network provider offers it in person."""
    npis = sorted({m.npi for network_id in network_ids for m in store.network_members(network_id)})
    wanted = set(TRD_TREATMENTS)
    out: dict[Treatment, tuple[list[float], list[float], set[str]]] = {t: ([], [], set()) for t in TRD_TREATMENTS}
    for start in range(0, len(npis), BATCH):
        batch = npis[start : start + BATCH]
        offerings = store.treatments_for(batch)
        offering = [n for n in batch if any(o.treatment in wanted and not o.telehealth for o in offerings.get(n, []))]
        if not offering:
            continue
        records, locations = store.providers(offering), store.locations_for(offering)
        for npi in offering:
            if npi not in records or not records[npi].is_active:
                continue
            places = {
                pl.location.key: (pl.location.latitude, pl.location.longitude)
                for pl in locations.get(npi, [])
                if pl.location.latitude is not None and pl.location.longitude is not None
            }
            for o in offerings[npi]:
                if o.treatment not in wanted or o.telehealth:
                    continue
                # a named location that is not geocoded (or not on record): the provider's geocoded ones stand in
                keys = [o.location_key] if o.location_key in places else sorted(places)
                lat, lon, who = out[o.treatment]
                for key in keys:
                    lat.append(float(places[key][0]))
                    lon.append(float(places[key][1]))
                if keys:
                    who.add(npi)
    return out
