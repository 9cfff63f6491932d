"""Match candidates, shared by every backend: an adapter returns the candidates
with the sites it found in the query's box, and the distances, the radius test
and the cap here place them identically everywhere."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..geo import bounding_box, miles_from
from ..model import EntityType, Treatment
from ..model_matching import CandidateQuery, CandidateSet, CandidateSite, MatchCandidate, RankingProfile

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


#: Treatments in the order of their values (how candidates list them).
_ORDER = {t: i for i, t in enumerate(sorted(Treatment, key=lambda t: t.value))}


@dataclass(slots=True)
class Found:
    """A candidate as an adapter reads it, row by row, before the base places it."""

    npi: str
    display_name: str
    entity_type: EntityType
    has_access_facts: bool
    accepting_new_patients: bool | None
    telehealth: bool | None
    languages: tuple[str, ...]
    wait_days: int | None
    profile: RankingProfile | None
    sites: dict[str, CandidateSite] = field(default_factory=dict)  # by location key
    offered: set[Treatment] = field(default_factory=set)  # at those sites, or by telehealth in the state
    by_telehealth: set[Treatment] = field(default_factory=set)
    telehealth_in_state: bool = False


def place(query: CandidateQuery, found: Iterable[Found], truncated: bool, lists) -> CandidateSet:
    """Keep each candidate's sites within the radius, fill its nearest distance
    (great-circle miles, rounded to 3 decimals like search) and location, drop
    those with neither a site inside nor telehealth in the state, and keep the
    :data:`MAX_MATCH_CANDIDATES` nearest (telehealth-only ones after every site,
    each group in NPI order for equal distances)."""
    placed: list[MatchCandidate] = []
    miles_to = miles_from(query.near)
    radius = query.radius_miles
    for c in found:
        inside = []
        for site in c.sites.values():
            miles = miles_to(site.latitude, site.longitude)
            if miles <= radius:
                inside.append((miles, site.key, site))
        if not inside and not c.telehealth_in_state:
            continue
        if len(inside) > 1:
            inside.sort(key=lambda x: (x[0], x[1]))
        placed.append(
            MatchCandidate(
                npi=c.npi,
                display_name=c.display_name,
                entity_type=c.entity_type,
                offered=tuple(sorted(c.offered, key=_ORDER.__getitem__)),
                by_telehealth=tuple(sorted(c.by_telehealth, key=_ORDER.__getitem__)),
                telehealth_in_state=c.telehealth_in_state,
                sites=tuple(site for _, _, site in inside),
                distance_miles=round(inside[0][0], 3) if inside else None,
                location_key=inside[0][1] if inside else None,
                has_access_facts=c.has_access_facts,
                accepting_new_patients=c.accepting_new_patients,
                telehealth=c.telehealth,
                languages=c.languages,
                wait_days=c.wait_days,
                profile=c.profile,
            )
        )
    far = float("inf")
    placed.sort(key=lambda c: (far if c.distance_miles is None else c.distance_miles, c.npi))
    if len(placed) > MAX_MATCH_CANDIDATES:
        placed, truncated = placed[:MAX_MATCH_CANDIDATES], True
    return CandidateSet(tuple(placed), tuple(sorted(lists, key=lambda x: x.list_name)), truncated, query.radius_miles)
