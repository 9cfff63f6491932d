"""What patient-to-provider matching (``matchProviders``, not entity resolution)
reads and writes through the store port: the candidate query, the candidates,
and the ranking profiles precomputed per provider.

A :class:`RankingProfile` holds the judgments ranking needs that are costly to
make at query time (the vetting checklist and TRD expertise, made by
``scoring`` from every fact of the provider). The matching service computes
them; the store only keeps them and forgets one as soon as a fact it was made
from changes (see :meth:`Store.write_ranking_profiles`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .model import EntityType, ExclusionListLoad, GeoPoint, Treatment


@dataclass(frozen=True, slots=True)
class RankingProfile:
    """Ranking inputs of one provider as of ``computed_on``."""

    npi: str
    computed_on: date
    basis: str  # fingerprint of what every profile depends on (the exclusion lists loaded, the rules' version)
    vetting: str  # passed, unknown or failed
    expertise: float  # the TRD expertise score, every treatment counted
    base_points: float  # expertise points not tied to a treatment (taxonomy, board certification)
    treatment_points: tuple[tuple[Treatment, float], ...]  # expertise points of each treatment offered
    detail: str | None  # the service's explanation (checks and reasons) as JSON, opaque to the store;
    # None in a candidate read, which leaves it out (only the page's are read)


@dataclass(frozen=True, slots=True)
class CandidateQuery:
    """Active providers offering any of ``treatments`` at a site within
    ``radius_miles`` of ``near``, and, with ``telehealth_state``, those offering
    one of them by telehealth who practise or are licensed in that state; in the
    plan's networks or the network when given. A treatment offered at a known
    location counts at that location when the provider practises there, otherwise
    at every location of the provider."""

    treatments: tuple[Treatment, ...]
    near: GeoPoint
    radius_miles: float
    telehealth_state: str | None = None
    plan_id: str | None = None
    network_id: str | None = None
    inner_miles: float | None = None  # with a sufficiency test: read within this first (see Store.match_candidates)


@dataclass(frozen=True, slots=True)
class CandidateSite:
    """A geocoded location of a candidate where a treatment asked for counts."""

    key: str
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class MatchCandidate:
    npi: str
    display_name: str
    entity_type: EntityType
    offered: tuple[Treatment, ...]  # treatments asked for offered at the sites found or by telehealth, by value
    by_telehealth: tuple[Treatment, ...]  # ... of those, offered by telehealth in the state asked
    telehealth_in_state: bool  # offers one by telehealth and practises or is licensed in the state asked
    sites: tuple[CandidateSite, ...]  # adapters: sites in the query's box; the port: within the radius
    distance_miles: float | None  # the port fills it: the nearest site, None for telehealth only
    location_key: str | None  # ... and its key
    has_access_facts: bool
    accepting_new_patients: bool | None
    telehealth: bool | None
    languages: tuple[str, ...]  # empty: unknown
    wait_days: int | None
    profile: RankingProfile | None


@dataclass(frozen=True, slots=True)
class CandidateSet:
    """What one candidate read returns: the candidates, nearest first (telehealth-only
    ones last, by NPI), and the exclusion lists loaded, read in the same transaction."""

    candidates: tuple[MatchCandidate, ...]
    exclusion_lists: tuple[ExclusionListLoad, ...]
    truncated: bool = False  # more candidates matched than the port returns
    radius_miles: float = 0.0  # the radius read: the query's, or its inner one when that sufficed
