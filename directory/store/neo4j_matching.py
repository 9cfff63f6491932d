"""Patient-to-provider matching on Neo4j: constant Cypher (parameters only, no
``CALL`` subqueries, as in :mod:`.neo4j_cypher`), the transaction functions
that run it, and the primitives of :class:`Neo4jStore` (a mixin).

The candidates start from the point index on ``Location.point`` (the box around
the radius), like search near a point, and keep the providers that practise
there and offer a treatment asked in person at that location: an offering with a
location key counts where the provider practises at that key, one without (or
whose key is none of the provider's locations) at every location. Telehealth
candidates start from the ``Treatment`` nodes asked.

Ranking profiles are ``(:RankingProfile {npi, claim, computed_on, ...})`` nodes,
unique by NPI. The adapter's writes of the facts a profile depends on
(:data:`FORGET_PROFILES` in the same transaction, see :func:`forgetting`) delete
the profiles of the NPIs written; a recompute claims its nodes first and keeps
only those still claimed with its token.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date
from typing import Any

from ..model import EntityType, ExclusionListLoad, Treatment
from ..model_matching import CandidateQuery, CandidateSite, RankingProfile
from . import neo4j_cypher as q
from . import neo4j_fragments as fragments
from . import neo4j_rows as rows
from .candidates import MAX_MATCH_CANDIDATES, MAX_MATCH_SITES, Found

#: Run with the adapter's other schema commands, each in its own transaction.
SCHEMA: tuple[str, ...] = (
    "CREATE CONSTRAINT ranking_profile_npi IF NOT EXISTS FOR (p:RankingProfile) REQUIRE p.npi IS UNIQUE",
)

_ACTIVE_AND_IN_NETWORK = """
  AND (n.deactivation_date IS NULL OR n.reactivation_date >= n.deactivation_date)
  AND ($plan IS NULL OR EXISTS { MATCH (n)-[:IN_NETWORK]->(:Network)<-[:USES]-(p:Plan) WHERE p.id = $plan })
  AND ($network IS NULL OR EXISTS { MATCH (n)-[:IN_NETWORK]->(w:Network) WHERE w.id = $network })"""

# Sites in the box where an asked treatment counts, one row per site and
# treatment, nearest first by a flat-earth measure (exact miles are the base class's).
SITES = (
    """
MATCH (l:Location)
WHERE point.withinBBox(l.point, point({latitude: $min_lat, longitude: $min_lon}),
                                point({latitude: $max_lat, longitude: $max_lon}))
MATCH (n:Npi)-[:PRACTICES_AT]->(l)
MATCH (n)-[o:OFFERS]->(t:Treatment)
WHERE t.code IN $treatments AND coalesce(o.telehealth, false) = false
  AND (o.location_key = l.key
       OR NOT EXISTS { MATCH (n)-[:PRACTICES_AT]->(k:Location) WHERE k.key = o.location_key })"""
    + _ACTIVE_AND_IN_NETWORK
    + """
WITH DISTINCT n.npi AS npi, t.code AS treatment, l.key AS key, l.latitude AS latitude, l.longitude AS longitude
RETURN npi, treatment, key, latitude, longitude
ORDER BY (latitude - $lat) ^ 2 + (longitude - $lon) ^ 2 * $coslat2, npi, key, treatment
LIMIT $limit"""
)

# Telehealth offerings by providers who practise or hold a licence in the state.
TELEHEALTH = (
    """
MATCH (t:Treatment)<-[o:OFFERS]-(n:Npi)
WHERE t.code IN $treatments AND o.telehealth = true"""
    + _ACTIVE_AND_IN_NETWORK
    + """
  AND (EXISTS { MATCH (n)-[:PRACTICES_AT]->(s:Location) WHERE s.state = $state }
       OR EXISTS { MATCH (n)-[h:HAS_TAXONOMY]->(:Taxonomy) WHERE h.license_state = $state }
       OR EXISTS { MATCH (n)-[:HAS_CREDENTIAL]->(c:Credential) WHERE c.kind = 'state_license' AND c.state = $state })
WITH DISTINCT n.npi AS npi, t.code AS treatment
RETURN npi, treatment
ORDER BY npi, treatment
LIMIT $limit"""
)

# What ranking reads of each candidate: its name, access facts and profile (without its detail: the page reads that).
DETAILS = (
    """
UNWIND $npis AS wanted
MATCH (n:Npi {npi: wanted})
OPTIONAL MATCH (n)-[:HAS_ACCESS]->(a:Access) WHERE """
    + fragments.LATEST_ACCESS
    + """
OPTIONAL MATCH (rp:RankingProfile {npi: wanted}) WHERE rp.computed_on IS NOT NULL
RETURN n.npi AS npi, n.display_name AS display_name, n.entity_type AS entity_type,
       properties(a) AS access,
       rp {.npi, .computed_on, .basis, .vetting, .expertise, .base_points, .treatment_points} AS profile"""
)

CLAIM = """
UNWIND $npis AS wanted
MATCH (n:Npi {npi: wanted})
MERGE (rp:RankingProfile {npi: wanted})
SET rp.claim = $token"""

WRITE = """
UNWIND $rows AS row
MATCH (rp:RankingProfile {npi: row.npi})
WHERE rp.claim = $claim
SET rp += row.props
RETURN count(rp) AS written"""

PROFILES = """
MATCH (rp:RankingProfile)
WHERE rp.npi IN $npis AND rp.computed_on IS NOT NULL
RETURN properties(rp) AS props"""

FORGET_PROFILES = """
MATCH (rp:RankingProfile)
WHERE rp.npi IN $npis
DETACH DELETE rp"""

# The NPIs a sweep of an owner's locations will touch (see neo4j_cypher.SWEEP_OWNED_LOCATIONS).
SWEPT_NPIS = """
MATCH (n:Npi)-[r:PRACTICES_AT]->()
WHERE r.owner = $owner AND coalesce(r.reference, '') <> $reference
RETURN collect(DISTINCT n.npi) AS npis"""

#: Every query of this module, for the Cypher analyser test.
QUERIES: tuple[str, ...] = (SITES, TELEHEALTH, DETAILS, CLAIM, WRITE, PROFILES, FORGET_PROFILES, SWEPT_NPIS)

_ENTITY = {t.value: t for t in EntityType}


# ------------------------------------------------------ transaction functions
def forgetting(tx, npis: list[str], work: Callable[..., Any], *args: Any) -> Any:
    """``work(tx, *args)``, then the profiles of ``npis`` deleted, in one transaction."""
    result = work(tx, *args)
    if npis:
        tx.run(FORGET_PROFILES, {"npis": npis}).consume()
    return result


def sweep_forgetting(tx, work: Callable[..., Any], params: dict) -> Any:
    """A sweep of an owner's secondary facts, forgetting the profiles of the NPIs it touches."""
    found = tx.run(SWEPT_NPIS, params).data()
    return forgetting(tx, found[0]["npis"] if found else [], work, params)


def candidates(tx, params: dict, boxes: list[dict], suffices: Callable[[list[dict], list[dict], list[dict]], bool]):
    """Telehealth candidates once, then each box's site candidates until ``suffices``
    accepts them (or the last box); their details; the exclusion lists."""
    remote = []
    if params["state"] is not None:
        remote = tx.run(TELEHEALTH, {**params, "limit": MAX_MATCH_CANDIDATES}).data()
    for read, box in enumerate(boxes):
        sites = tx.run(SITES, {**params, **box, "limit": MAX_MATCH_SITES}).data()
        npis = sorted({r["npi"] for r in sites} | {r["npi"] for r in remote})
        details = tx.run(DETAILS, {"npis": npis}).data() if npis else []
        if read == len(boxes) - 1 or suffices(sites, remote, details):
            break
    lists = tx.run(q.EXCLUSION_LISTS, {}).data()
    return sites, remote, details, lists, read


# ---------------------------------------------------------------- rows
def _profile(p: dict | None) -> RankingProfile | None:
    if not p or p.get("computed_on") is None:
        return None
    return RankingProfile(
        npi=p["npi"],
        computed_on=date.fromisoformat(p["computed_on"]),
        basis=p["basis"],
        vetting=p["vetting"],
        expertise=float(p["expertise"]),
        base_points=float(p["base_points"]),
        treatment_points=tuple((Treatment(t), float(x)) for t, x in json.loads(p["treatment_points"])),
        detail=p.get("detail"),
    )


def profile_props(p: RankingProfile) -> dict:
    return {
        "npi": p.npi,
        "props": {
            "computed_on": p.computed_on.isoformat(),
            "basis": p.basis,
            "vetting": p.vetting,
            "expertise": float(p.expertise),
            "base_points": float(p.base_points),
            "treatment_points": json.dumps([[t.value, x] for t, x in p.treatment_points]),
            "detail": p.detail,
        },
    }


def _found(r: dict, sites: list[dict], remote: list[dict]) -> Found:
    access = r["access"] or {}
    found = Found(
        npi=r["npi"],
        display_name=r["display_name"] or "",
        entity_type=_ENTITY[int(r["entity_type"])],
        has_access_facts=r["access"] is not None,
        accepting_new_patients=access.get("accepting_new_patients"),
        telehealth=access.get("telehealth"),
        languages=tuple(access.get("languages") or ()),
        wait_days=access.get("wait_days"),
        profile=_profile(r["profile"]),
        telehealth_in_state=bool(remote),
    )
    for site in sites:
        key = site["key"]
        found.sites.setdefault(key, CandidateSite(key, float(site["latitude"]), float(site["longitude"])))
        found.offered.add(Treatment(site["treatment"]))
    for offer in remote:
        found.offered.add(Treatment(offer["treatment"]))
        found.by_telehealth.add(Treatment(offer["treatment"]))
    return found


def _gather(sites: list[dict], remote: list[dict], details: list[dict]) -> list[Found]:
    by_site: dict[str, list[dict]] = {}
    for r in sites:
        by_site.setdefault(r["npi"], []).append(r)
    by_remote: dict[str, list[dict]] = {}
    for r in remote:
        by_remote.setdefault(r["npi"], []).append(r)
    return [_found(r, by_site.get(r["npi"], []), by_remote.get(r["npi"], [])) for r in details]


class Neo4jMatching:
    """The matching primitives of :class:`Neo4jStore` (a mixin: it needs ``_run``)."""

    def _run(self, write: bool, work, *args):
        raise NotImplementedError

    def _match_candidates(
        self,
        rings: list[CandidateQuery],
        boxes: list[tuple[float, float, float, float]],
        suffices: Callable[[list[Found]], bool],
    ) -> tuple[list[Found], bool, list[ExclusionListLoad], int]:
        query = rings[0]
        params = {
            "treatments": [t.value for t in query.treatments],
            "lat": float(query.near.latitude),
            "lon": float(query.near.longitude),
            "coslat2": math.cos(math.radians(query.near.latitude)) ** 2,
            "plan": query.plan_id,
            "network": query.network_id,
            "state": query.telehealth_state,
        }
        corners = [
            {
                "min_lat": max(-90.0, min_lat),
                "max_lat": min(90.0, max_lat),
                "min_lon": max(-180.0, min_lon),
                "max_lon": min(180.0, max_lon),
            }
            for min_lat, max_lat, min_lon, max_lon in boxes
        ]

        def enough(sites: list[dict], remote: list[dict], details: list[dict]) -> bool:
            return suffices(_gather(sites, remote, details))

        sites, remote, details, lists, read = self._run(False, candidates, params, corners, enough)
        truncated = len(sites) >= MAX_MATCH_SITES or len(remote) >= MAX_MATCH_CANDIDATES
        return _gather(sites, remote, details), truncated, [rows.exclusion_list(r["props"]) for r in lists], read

    def _claim_ranking_profiles(self, npis: list[str], token: str) -> None:
        self._run(True, _execute, CLAIM, {"npis": npis, "token": token})

    def _write_ranking_profiles(self, profiles: list[RankingProfile], claim: str) -> int:
        found = self._run(True, _data, WRITE, {"rows": [profile_props(p) for p in profiles], "claim": claim})
        return int(found[0]["written"]) if found else 0

    def _ranking_profiles(self, npis: list[str]) -> dict[str, RankingProfile]:
        found = (_profile(r["props"]) for r in self._run(False, _data, PROFILES, {"npis": npis}))
        return {p.npi: p for p in found if p is not None}


def _execute(tx, query: str, params: dict) -> None:
    tx.run(query, params).consume()


def _data(tx, query: str, params: dict) -> list[dict]:
    return tx.run(query, params).data()
