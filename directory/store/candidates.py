"""Match candidates, shared by every backend: an adapter returns the candidates
with the sites it found in the query's box, and the distances, the radius test
and the cap here place them identically everywhere."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from ..geo import bounding_box, haversine_miles
from ..model import GeoPoint
from ..model_matching import CandidateQuery, CandidateSet, MatchCandidate

#: Most providers one candidate read returns, nearest first: a guard against a
#: dense metro and a common treatment pulling a state's providers into memory.
MAX_MATCH_CANDIDATES = 3000
#: Most site rows an adapter reads for one query (a provider can have several sites in the box).
MAX_MATCH_SITES = 4 * MAX_MATCH_CANDIDATES
#: Widest radius a candidate read accepts, in miles.
MAX_MATCH_RADIUS = 500.0


def box(query: CandidateQuery) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) around the query's circle, 1% wider
    (the embedded store's R*Tree keeps 32-bit floats)."""
    return bounding_box(query.near, query.radius_miles * 1.01)


def place(query: CandidateQuery, found: Iterable[MatchCandidate], truncated: bool, lists) -> CandidateSet:
    """Keep each candidate's sites within the radius, fill its nearest distance
    (great-circle miles, rounded to 3 decimals like search) and location, drop
    those with neither a site inside nor telehealth in the state, and keep the
    :data:`MAX_MATCH_CANDIDATES` nearest (telehealth-only ones after every site,
    each group in NPI order for equal distances)."""
    placed: list[MatchCandidate] = []
    for c in found:
        inside = []
        for site in c.sites:
            miles = haversine_miles(query.near, GeoPoint(site.latitude, site.longitude))
            if miles <= query.radius_miles:
                inside.append((miles, site.key, site))
        if not inside and not c.telehealth_in_state:
            continue
        inside.sort(key=lambda x: (x[0], x[1]))
        placed.append(
            dataclasses.replace(
                c,
                sites=tuple(site for _, _, site in inside),
                distance_miles=round(inside[0][0], 3) if inside else None,
                location_key=inside[0][1] if inside else None,
            )
        )
    far = float("inf")
    placed.sort(key=lambda c: (far if c.distance_miles is None else c.distance_miles, c.npi))
    if len(placed) > MAX_MATCH_CANDIDATES:
        placed, truncated = placed[:MAX_MATCH_CANDIDATES], True
    return CandidateSet(tuple(placed), tuple(sorted(lists, key=lambda x: x.list_name)), truncated)
