"""Patient-to-provider matching on the embedded store: the one read that
gathers a need's candidates (sites from the R*Tree, each with its provider's
match card), and the ranking profiles' claim, write and read. The tables and
triggers are in :mod:`.sqlite_matching_schema`.
"""

from __future__ import annotations

import functools
import json
import math
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date

from ..model import EntityType, ExclusionListLoad, Treatment
from ..model_matching import CandidateQuery, CandidateSite, RankingProfile
from . import sqlite_rows as rows
from .candidates import MAX_MATCH_CANDIDATES, MAX_MATCH_SITES, Found

# ---------------------------------------------------------------- queries
_IN_NETWORK = """
  AND (:plan IS NULL OR EXISTS (
        SELECT 1 FROM network_member m JOIN plan_network pn ON pn.network_id = m.network_id
        WHERE m.npi = c.npi AND pn.plan_id = :plan))
  AND (:network IS NULL OR EXISTS (
        SELECT 1 FROM network_member m WHERE m.network_id = :network AND m.npi = c.npi))"""

# What ranking reads of each candidate, from its card on the candidate's own row.
_CARD = """c.display_name, c.entity_type, c.has_access, c.accepting, c.telehealth, c.languages, c.wait_days,
       c.computed_on, c.basis, c.vetting, c.expertise, c.base_points, c.treatment_points"""

# Sites in the box, nearest first by a flat-earth measure (exact miles are the
# base class's); one R*Tree range per treatment code. CROSS JOIN keeps the
# treatments as the outer loop, so the R*Tree gets all three dimensions (left to
# itself, SQLite scans the box for every treatment and filters afterwards).
SITES = (
    """
SELECT ms.npi, t.treatment, ms.key, ms.latitude, ms.longitude, """
    + _CARD
    + """
FROM match_treatment t
CROSS JOIN match_site_rtree r
  ON r.min_t >= t.code AND r.max_t <= t.code
 AND r.min_lat >= :min_lat AND r.max_lat <= :max_lat AND r.min_lon >= :min_lon AND r.max_lon <= :max_lon
JOIN match_site ms ON ms.id = r.id
JOIN match_card c ON c.npi = ms.npi
WHERE t.treatment IN (SELECT value FROM json_each(:treatments)) AND c.active"""
    + _IN_NETWORK
    + """
ORDER BY (ms.latitude - :lat) * (ms.latitude - :lat)
         + (ms.longitude - :lon) * (ms.longitude - :lon) * :coslat2, ms.npi, ms.key
LIMIT :limit"""
)

# Telehealth offerings by providers who practise or hold a licence in the state.
TELEHEALTH = (
    """
SELECT o.npi, o.treatment, NULL, NULL, NULL, """
    + _CARD
    + """
FROM (SELECT DISTINCT npi, treatment FROM treatment_offering
      WHERE treatment IN (SELECT value FROM json_each(:treatments)) AND telehealth = 1) o
JOIN match_card c ON c.npi = o.npi
WHERE c.active
  AND (EXISTS (SELECT 1 FROM provider_location pl JOIN location l ON l.id = pl.location_id
               WHERE pl.npi = o.npi AND l.state = :state)
       OR EXISTS (SELECT 1 FROM provider_taxonomy pt WHERE pt.npi = o.npi AND pt.license_state = :state)
       OR EXISTS (SELECT 1 FROM credential cr
                  WHERE cr.npi = o.npi AND cr.kind = 'state_license' AND cr.state = :state))"""
    + _IN_NETWORK
    + """
ORDER BY o.npi, o.treatment
LIMIT :limit"""
)

EXCLUSION_LISTS = "SELECT * FROM exclusion_list ORDER BY list_name"

CLAIM = """
INSERT INTO ranking_profile (npi, claim) SELECT value, :token FROM json_each(:npis) j
WHERE EXISTS (SELECT 1 FROM provider WHERE npi = j.value)
ON CONFLICT (npi) DO UPDATE SET claim = excluded.claim"""

WRITE = """
UPDATE ranking_profile SET computed_on = :computed_on, basis = :basis, vetting = :vetting, expertise = :expertise,
    base_points = :base_points, treatment_points = :treatment_points, detail = :detail
WHERE npi = :npi AND claim = :claim"""

PROFILES = """
SELECT rp.* FROM json_each(:npis) j JOIN ranking_profile rp ON rp.npi = j.value
WHERE rp.computed_on IS NOT NULL"""

_ENTITY = {t.value: t for t in EntityType}
_TREATMENT = {t.value: t for t in Treatment}


def _profile(row: sqlite3.Row) -> RankingProfile | None:
    if row["computed_on"] is None:
        return None
    return RankingProfile(
        npi=row["npi"],
        computed_on=date.fromisoformat(row["computed_on"]),
        basis=row["basis"],
        vetting=row["vetting"],
        expertise=row["expertise"],
        base_points=row["base_points"],
        treatment_points=_points(row["treatment_points"]),
        detail=row["detail"],
    )


class _Parsed(dict):
    """Values parsed once per distinct text: a candidate read of a dense metro
    meets the same few language lists and computation days hundreds of times."""

    def __init__(self, parse) -> None:
        super().__init__()
        self.parse = parse

    def __missing__(self, text: str):
        value = self[text] = self.parse(text)
        return value


_LANGUAGES = _Parsed(lambda text: tuple(json.loads(text)))
_DAYS = _Parsed(date.fromisoformat)


def _points(text: str) -> tuple[tuple[Treatment, float], ...]:
    return tuple((_TREATMENT[t], float(p)) for t, p in json.loads(text))


@functools.lru_cache(maxsize=200_000)
def _profile_of(
    npi: str, computed_on: str, basis: str, vetting: str, expertise: float, base_points: float, points: str
) -> RankingProfile:
    """A card's profile, made once while it stays the same: answers near one city meet the same providers
    over and over, and a profile is immutable."""
    return RankingProfile(npi, _DAYS[computed_on], basis, vetting, expertise, base_points, _points(points), None)


def _found(npi: str, row: tuple) -> Found:
    """A candidate from the card columns of a SITES or TELEHEALTH row (see _CARD)."""
    name, entity, has_access, accepting, telehealth, languages, wait = row[5:12]
    computed_on, basis, vetting, expertise, base_points, points = row[12:18]
    profile = None
    if computed_on is not None:
        profile = _profile_of(npi, computed_on, basis, vetting, expertise, base_points, points)
    if len(_LANGUAGES) > 10_000:  # bounded: a language list is a handful of codes
        _LANGUAGES.clear()
    return Found(
        npi,
        name,
        _ENTITY[entity],
        bool(has_access),
        None if accepting is None else bool(accepting),
        None if telehealth is None else bool(telehealth),
        _LANGUAGES[languages] if languages else (),
        wait,
        profile,
    )


def _gather(sites: list[tuple], remote: list[tuple]) -> list[Found]:
    """The candidates of SITES and TELEHEALTH rows, one per NPI."""
    found: dict[str, Found] = {}
    for row in sites:
        npi = row[0]
        c = found.get(npi) or found.setdefault(npi, _found(npi, row))
        c.offered.add(_TREATMENT[row[1]])
        if row[2] not in c.sites:
            c.sites[row[2]] = CandidateSite(row[2], row[3], row[4])
    for row in remote:
        npi = row[0]
        c = found.get(npi) or found.setdefault(npi, _found(npi, row))
        c.offered.add(_TREATMENT[row[1]])
        c.by_telehealth.add(_TREATMENT[row[1]])
        c.telehealth_in_state = True
    return list(found.values())


class SQLiteMatching:
    """The matching primitives of :class:`SQLiteStore` (a mixin: it needs ``_tx``)."""

    def _tx(self, write: bool = True) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _match_candidates(
        self,
        rings: list[CandidateQuery],
        boxes: list[tuple[float, float, float, float]],
        suffices: Callable[[list[Found]], bool],
    ) -> tuple[list[Found], bool, list[ExclusionListLoad], int]:
        query = rings[0]
        params = {
            "treatments": json.dumps([t.value for t in query.treatments]),
            "lat": query.near.latitude,
            "lon": query.near.longitude,
            "coslat2": math.cos(math.radians(query.near.latitude)) ** 2,
            "plan": query.plan_id,
            "network": query.network_id,
            "state": query.telehealth_state,
        }
        with self._tx(write=False) as conn:
            cur = conn.cursor()
            cur.row_factory = None  # plain tuples: a dense metro returns thousands of rows
            remote = []
            if query.telehealth_state:
                remote = cur.execute(TELEHEALTH, {**params, "limit": MAX_MATCH_CANDIDATES}).fetchall()
            for read, (min_lat, max_lat, min_lon, max_lon) in enumerate(boxes):
                box = {"min_lat": min_lat, "max_lat": max_lat, "min_lon": min_lon, "max_lon": max_lon}
                sites = cur.execute(SITES, {**params, **box, "limit": MAX_MATCH_SITES}).fetchall()
                found = _gather(sites, remote)
                if read == len(boxes) - 1 or suffices(found):
                    break
            lists = [rows.exclusion_list(r) for r in conn.execute(EXCLUSION_LISTS)]
        truncated = len(sites) >= MAX_MATCH_SITES or len(remote) >= MAX_MATCH_CANDIDATES
        return found, truncated, lists, read

    def _claim_ranking_profiles(self, npis: list[str], token: str) -> None:
        with self._tx() as conn:
            conn.execute(CLAIM, {"npis": json.dumps(npis), "token": token})

    def _write_ranking_profiles(self, profiles: list[RankingProfile], claim: str) -> int:
        params = [
            {
                "npi": p.npi,
                "claim": claim,
                "computed_on": p.computed_on.isoformat(),
                "basis": p.basis,
                "vetting": p.vetting,
                "expertise": p.expertise,
                "base_points": p.base_points,
                "treatment_points": json.dumps([[t.value, points] for t, points in p.treatment_points]),
                "detail": p.detail,
            }
            for p in profiles
        ]
        with self._tx() as conn:
            return conn.executemany(WRITE, params).rowcount

    def _ranking_profiles(self, npis: list[str]) -> dict[str, RankingProfile]:
        with self._tx(write=False) as conn:
            found = (_profile(r) for r in conn.execute(PROFILES, {"npis": json.dumps(npis)}))
            return {p.npi: p for p in found if p is not None}
