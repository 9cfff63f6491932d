"""The arithmetic of network adequacy (42 CFR 422.116), as array code.

For one specialty, every member ZIP (its centroid) is paired with every
provider location within both limits of the ZIP's county type: the
great-circle distance, and the travel time (:mod:`.travel`). Locations are
sorted by latitude once, so each ZIP computes distances only to the locations
in the latitude band its limit allows: the work grows with the pairs that
matter, not with ZIPs x locations.

Rules, each from 42 CFR 422.116 and each shown in the reasons of a result:

* a member is covered when an in-network location of the specialty is within
  both limits of the member's ZIP; a location exactly at a limit is within it
  (up to :data:`DISTANCE_TOLERANCE_MILES` and :data:`TIME_TOLERANCE_MINUTES`,
  far below any distance that matters, so that rounding in the haversine or
  the time estimate never moves a location at the limit outside it);
* at least 90 % of members must be covered in Large Metro and Metro counties,
  85 % in Micro, Rural and CEAC counties; a network with telehealth providers
  of the specialty (able to serve the county's state) gets the standard's
  telehealth credit in percentage points;
* the minimum number is ceiling(min_per_1000 x members / 1000) (exactly, in
  fractions), at least ``min_providers``, or the county's own figure when the
  counties input gives one (an HSD reference file); providers count when they
  are in the network and within both limits of at least one member ZIP of the
  county (422.116(a)(2)(i)), so telehealth-only providers do not count.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ...geo import EARTH_RADIUS_MILES
from .travel import Travel

#: A location this much beyond a distance limit still counts as at the limit (about 1.6 mm).
DISTANCE_TOLERANCE_MILES = 1e-6
#: A travel time this much beyond a time limit still counts as at the limit (60 microseconds).
TIME_TOLERANCE_MINUTES = 1e-6
#: Share of members to cover, by county type (422.116(d)(4)).
REQUIRED_PERCENT: dict[str, float] = {"Large Metro": 90.0, "Metro": 90.0, "Micro": 85.0, "Rural": 85.0, "CEAC": 85.0}
MILES_PER_DEGREE_LATITUDE = EARTH_RADIUS_MILES * math.pi / 180.0


def great_circle_miles(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Haversine, vectorised; the formula and radius of :func:`directory.geo.haversine_miles`."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((np.radians(lon2) - np.radians(lon1)) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.minimum(1.0, np.sqrt(h)))


@dataclass(frozen=True)
class Points:
    """Member ZIP centroids and, per ZIP, the limits of its county's type."""

    lat: np.ndarray
    lon: np.ndarray
    max_miles: np.ndarray
    max_minutes: np.ndarray
    speed_mph: np.ndarray


@dataclass(frozen=True)
class Reach:
    """The (ZIP, location) pairs within both limits."""

    zip_idx: np.ndarray  # int64
    site_idx: np.ndarray  # int64
    miles: np.ndarray
    minutes: np.ndarray


def reach(points: Points, site_lat: np.ndarray, site_lon: np.ndarray, travel: Travel) -> Reach:
    """Every (ZIP, location) pair within both limits of the ZIP."""
    empty = Reach(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    if len(points.lat) == 0 or len(site_lat) == 0:
        return empty
    order = np.argsort(site_lat, kind="stable")
    lat_sorted = site_lat[order]
    bound = travel.radius_bound(points.max_miles, points.max_minutes, points.speed_mph) + DISTANCE_TOLERANCE_MILES
    # a band a little wider than the bound, so that rounding never drops a location at the limit
    half = bound / MILES_PER_DEGREE_LATITUDE * (1 + 1e-9) + 1e-9
    lo = np.searchsorted(lat_sorted, points.lat - half, side="left")
    hi = np.searchsorted(lat_sorted, points.lat + half, side="right")
    zips, sites, miles = [], [], []
    for i in np.flatnonzero(hi > lo):
        idx = order[lo[i] : hi[i]]
        d = great_circle_miles(points.lat[i], points.lon[i], site_lat[idx], site_lon[idx])
        keep = d <= points.max_miles[i] + DISTANCE_TOLERANCE_MILES
        if keep.any():
            zips.append(np.full(int(keep.sum()), i, np.int64))
            sites.append(idx[keep])
            miles.append(d[keep])
    if not zips:
        return empty
    zi, si, mi = np.concatenate(zips), np.concatenate(sites).astype(np.int64), np.concatenate(miles)
    minutes = travel.minutes(points, zi, site_lat[si], site_lon[si], mi)
    ok = minutes <= points.max_minutes[zi] + TIME_TOLERANCE_MINUTES
    return Reach(zi[ok], si[ok], mi[ok], minutes[ok])


def required_count(per_1000: Fraction, members: int, floor: int = 0) -> int:
    """ceiling(per_1000 x members / 1000), exactly, and at least ``floor``."""
    return max(floor, math.ceil(per_1000 * members / 1000))


@dataclass(frozen=True)
class SpecialtyCoverage:
    """One specialty over every member ZIP: what is covered and by whom."""

    reach: Reach
    site_provider: np.ndarray  # location -> provider index
    in_network: np.ndarray  # provider index -> bool
    covered_zip: np.ndarray  # ZIP -> bool: some in-network location within both limits

    def in_network_pairs(self) -> np.ndarray:
        return self.in_network[self.site_provider[self.reach.site_idx]]


def cover(
    points: Points,
    site_lat: np.ndarray,
    site_lon: np.ndarray,
    site_provider: np.ndarray,
    in_network: np.ndarray,
    travel: Travel,
) -> SpecialtyCoverage:
    found = reach(points, site_lat, site_lon, travel)
    covered = np.zeros(len(points.lat), bool)
    mine = in_network[site_provider[found.site_idx]] if len(found.site_idx) else np.zeros(0, bool)
    covered[found.zip_idx[mine]] = True
    return SpecialtyCoverage(found, site_provider, in_network, covered)


def providers_by_group(
    coverage: SpecialtyCoverage, group_of_zip: np.ndarray, groups: int, network: bool
) -> list[np.ndarray]:
    """For each group of ZIPs (a county): the provider indices (sorted, unique)
    in (or out of) the network with a location within both limits of one of
    its ZIPs. One pass over the pairs for every group."""
    r = coverage.reach
    out = [np.zeros(0, np.int64)] * groups
    if not len(r.zip_idx):
        return out
    providers = coverage.site_provider[r.site_idx]
    chosen = coverage.in_network[providers] == network
    # a (group x provider) table of flags: one scatter over the pairs, no sort
    seen = np.zeros((groups, len(coverage.in_network)), bool)
    seen[group_of_zip[r.zip_idx[chosen]], providers[chosen]] = True
    return [np.flatnonzero(row) for row in seen]


def providers_in_reach(coverage: SpecialtyCoverage, zip_mask: np.ndarray, network: bool) -> np.ndarray:
    """Provider indices (sorted, unique) in (or out of) the network with a
    location within both limits of a ZIP selected by ``zip_mask``."""
    r = coverage.reach
    if not len(r.zip_idx):
        return np.zeros(0, np.int64)
    providers = coverage.site_provider[r.site_idx]
    chosen = zip_mask[r.zip_idx] & (coverage.in_network[providers] == network)
    return np.unique(providers[chosen])


def zips_reached_by(coverage: SpecialtyCoverage, zip_mask: np.ndarray, network: bool) -> dict[int, np.ndarray]:
    """Provider index -> the ZIP indices (selected by ``zip_mask``) it reaches."""
    r = coverage.reach
    providers = coverage.site_provider[r.site_idx]
    chosen = zip_mask[r.zip_idx] & (coverage.in_network[providers] == network)
    if not chosen.any():
        return {}
    width = int(r.zip_idx.max()) + 1
    keys = np.unique(providers[chosen] * width + r.zip_idx[chosen])
    owner, zips = keys // width, keys % width
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    ends = np.r_[starts[1:], len(keys)]
    return {int(owner[a]): zips[a:b] for a, b in zip(starts, ends)}


def percent(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


def meets(percent_covered: float, credit: float, required: float) -> bool:
    # the percentages are ratios of whole numbers: a hair of slack keeps 90 % of 10 at 90 %
    return percent_covered + credit >= required - 1e-9


def count_members(zip_members: np.ndarray, zips: Sequence[int] | np.ndarray) -> int:
    return int(zip_members[np.asarray(zips, np.int64)].sum()) if len(zips) else 0
