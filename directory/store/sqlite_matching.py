"""Patient-to-provider matching on the embedded store: the site index, the
ranking profiles and the one read that gathers a need's candidates.

**Site index.** ``match_site`` holds, for every provider offering a treatment in
person, each location where it counts: the offering's own location when the
provider practises there, otherwise every location of the provider (telehealth
offerings have no site). ``match_site_rtree`` indexes each site in three
dimensions, (treatment code, latitude, longitude), so "TMS within 25 miles" is
one R*Tree range query that touches only the TMS sites in the box, however many
other providers practise there. Triggers keep both in step with
``treatment_offering``, ``provider_location`` and ``location``: a change of a
provider's offerings or locations rebuilds that provider's sites.

**Ranking profiles.** ``ranking_profile`` keeps what the matching service
computed per provider. Triggers delete a provider's row when a fact it was made
from is written (record, locations, taxonomies, credentials, exclusions,
treatments), so a row that exists is never older than the facts. A recompute
first *claims* its rows (a row with ``computed_on`` NULL and a token); a fact
written meanwhile deletes the claim, and the write keeps only rows still
claimed with its token.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import date

from ..model import EntityType, ExclusionListLoad, Treatment
from ..model_matching import CandidateQuery, CandidateSite, MatchCandidate, RankingProfile
from . import sqlite_rows as rows
from .candidates import MAX_MATCH_CANDIDATES, MAX_MATCH_SITES

# ------------------------------------------------------------------- schema
# Inserting an NPI into the view match_rebuild rebuilds that provider's sites:
# the rule is written once, here, and every trigger below calls it.
REBUILD: tuple[str, ...] = (
    "CREATE VIEW IF NOT EXISTS match_rebuild AS SELECT NULL AS npi WHERE 0",
    """CREATE TRIGGER IF NOT EXISTS match_rebuild_sites INSTEAD OF INSERT ON match_rebuild BEGIN
        DELETE FROM match_site WHERE npi = new.npi;
        INSERT INTO match_treatment (treatment)
            SELECT DISTINCT o.treatment FROM treatment_offering o
            WHERE o.npi = new.npi AND o.telehealth = 0
              AND NOT EXISTS (SELECT 1 FROM match_treatment t WHERE t.treatment = o.treatment);
        INSERT INTO match_site (npi, treatment, location_id)
            SELECT DISTINCT o.npi, o.treatment, pl.location_id
            FROM treatment_offering o
            JOIN provider_location pl ON pl.npi = o.npi
            JOIN location l ON l.id = pl.location_id
            WHERE o.npi = new.npi AND o.telehealth = 0
              AND (l.key = o.location_key OR NOT EXISTS (
                    SELECT 1 FROM provider_location p2 JOIN location l2 ON l2.id = p2.location_id
                    WHERE p2.npi = o.npi AND l2.key = o.location_key));
        END""",
)
# (No OR IGNORE in trigger bodies: an outer UPSERT's conflict handling would override it.)

#: Offerings and locations rebuild a provider's sites and forget its profile; the
#: other facts a profile is made from forget it. Only providers with an offering
#: have sites, so an NPPES load pays one index probe per location row.
TRIGGERS: tuple[str, ...] = (
    """CREATE TRIGGER IF NOT EXISTS match_offering_insert AFTER INSERT ON treatment_offering BEGIN
        INSERT INTO match_rebuild (npi) VALUES (new.npi); DELETE FROM ranking_profile WHERE npi = new.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_offering_update AFTER UPDATE ON treatment_offering BEGIN
        INSERT INTO match_rebuild (npi) VALUES (new.npi); DELETE FROM ranking_profile WHERE npi = new.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_offering_delete AFTER DELETE ON treatment_offering BEGIN
        INSERT INTO match_rebuild (npi) VALUES (old.npi); DELETE FROM ranking_profile WHERE npi = old.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_place_insert AFTER INSERT ON provider_location BEGIN
        DELETE FROM ranking_profile WHERE npi = new.npi;
        INSERT INTO match_rebuild (npi)
            SELECT new.npi WHERE EXISTS (SELECT 1 FROM treatment_offering WHERE npi = new.npi); END""",
    """CREATE TRIGGER IF NOT EXISTS match_place_delete AFTER DELETE ON provider_location BEGIN
        DELETE FROM ranking_profile WHERE npi = old.npi;
        INSERT INTO match_rebuild (npi)
            SELECT old.npi WHERE EXISTS (SELECT 1 FROM treatment_offering WHERE npi = old.npi); END""",
    """CREATE TRIGGER IF NOT EXISTS match_credential_insert AFTER INSERT ON credential BEGIN
        DELETE FROM ranking_profile WHERE npi = new.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_credential_update AFTER UPDATE ON credential BEGIN
        DELETE FROM ranking_profile WHERE npi = new.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_credential_delete AFTER DELETE ON credential BEGIN
        DELETE FROM ranking_profile WHERE npi = old.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_exclusion_insert AFTER INSERT ON exclusion BEGIN
        DELETE FROM ranking_profile WHERE npi = new.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_exclusion_update AFTER UPDATE ON exclusion BEGIN
        DELETE FROM ranking_profile WHERE npi = new.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_exclusion_delete AFTER DELETE ON exclusion BEGIN
        DELETE FROM ranking_profile WHERE npi = old.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_taxonomy_insert AFTER INSERT ON provider_taxonomy BEGIN
        DELETE FROM ranking_profile WHERE npi = new.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_taxonomy_delete AFTER DELETE ON provider_taxonomy BEGIN
        DELETE FROM ranking_profile WHERE npi = old.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_provider_update AFTER UPDATE ON provider BEGIN
        DELETE FROM ranking_profile WHERE npi = new.npi; END""",
)

DDL: tuple[str, ...] = (
    # small integer codes of treatments: the first dimension of the site R*Tree
    "CREATE TABLE IF NOT EXISTS match_treatment (code INTEGER PRIMARY KEY, treatment TEXT NOT NULL UNIQUE)",
    """CREATE TABLE IF NOT EXISTS match_site (
        id INTEGER PRIMARY KEY, npi TEXT NOT NULL, treatment TEXT NOT NULL, location_id INTEGER NOT NULL,
        UNIQUE (npi, treatment, location_id))""",
    "CREATE INDEX IF NOT EXISTS match_site_location ON match_site (location_id)",
    """CREATE VIRTUAL TABLE IF NOT EXISTS match_site_rtree
        USING rtree (id, min_t, max_t, min_lat, max_lat, min_lon, max_lon)""",
    """CREATE TRIGGER IF NOT EXISTS match_site_insert AFTER INSERT ON match_site BEGIN
        INSERT INTO match_site_rtree
            SELECT new.id, t.code, t.code, l.latitude, l.latitude, l.longitude, l.longitude
            FROM location l, match_treatment t
            WHERE l.id = new.location_id AND t.treatment = new.treatment
              AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL;
        END""",
    """CREATE TRIGGER IF NOT EXISTS match_site_delete AFTER DELETE ON match_site BEGIN
        DELETE FROM match_site_rtree WHERE id = old.id;
        END""",
    """CREATE TRIGGER IF NOT EXISTS match_site_moved AFTER UPDATE OF latitude, longitude ON location
        WHEN old.latitude IS NOT new.latitude OR old.longitude IS NOT new.longitude BEGIN
        DELETE FROM match_site_rtree WHERE id IN (SELECT id FROM match_site WHERE location_id = new.id);
        INSERT INTO match_site_rtree
            SELECT s.id, t.code, t.code, new.latitude, new.latitude, new.longitude, new.longitude
            FROM match_site s JOIN match_treatment t ON t.treatment = s.treatment
            WHERE s.location_id = new.id AND new.latitude IS NOT NULL AND new.longitude IS NOT NULL;
        END""",
    """CREATE TABLE IF NOT EXISTS ranking_profile (
        npi TEXT PRIMARY KEY REFERENCES provider (npi) ON DELETE CASCADE,
        claim TEXT, computed_on TEXT, basis TEXT, vetting TEXT, expertise REAL, base_points REAL,
        treatment_points TEXT, detail TEXT) WITHOUT ROWID""",
    *REBUILD,
    *TRIGGERS,
)

#: A store made before the site index: build it from the offerings once.
BACKFILL: tuple[str, ...] = ("INSERT INTO match_rebuild (npi) SELECT DISTINCT npi FROM treatment_offering",)

#: Before the tables they index (see sqlite_schema.WIPE).
WIPE: tuple[str, ...] = ("DELETE FROM ranking_profile", "DELETE FROM match_site", "DELETE FROM match_treatment")

# ---------------------------------------------------------------- queries
_ACTIVE_AND_IN_NETWORK = """
  AND (p.deactivation_date IS NULL OR p.reactivation_date >= p.deactivation_date)
  AND (:plan IS NULL OR EXISTS (
        SELECT 1 FROM network_member m JOIN plan_network pn ON pn.network_id = m.network_id
        WHERE m.npi = p.npi AND pn.plan_id = :plan))
  AND (:network IS NULL OR EXISTS (
        SELECT 1 FROM network_member m WHERE m.network_id = :network AND m.npi = p.npi))"""

# Sites in the box, nearest first by a flat-earth measure (exact miles are the
# base class's); one R*Tree range per treatment code.
SITES = (
    """
SELECT ms.npi AS npi, l.key AS key, l.latitude AS latitude, l.longitude AS longitude
FROM match_treatment t
JOIN match_site_rtree r
  ON r.min_t >= t.code AND r.max_t <= t.code
 AND r.min_lat >= :min_lat AND r.max_lat <= :max_lat AND r.min_lon >= :min_lon AND r.max_lon <= :max_lon
JOIN match_site ms ON ms.id = r.id
JOIN location l ON l.id = ms.location_id
JOIN provider p ON p.npi = ms.npi
WHERE t.treatment IN (SELECT value FROM json_each(:treatments))"""
    + _ACTIVE_AND_IN_NETWORK
    + """
ORDER BY (l.latitude - :lat) * (l.latitude - :lat)
         + (l.longitude - :lon) * (l.longitude - :lon) * :coslat2, ms.npi, l.key
LIMIT :limit"""
)

# Telehealth offerings by providers who practise or hold a licence in the state.
TELEHEALTH = (
    """
SELECT DISTINCT o.npi AS npi
FROM treatment_offering o
JOIN provider p ON p.npi = o.npi
WHERE o.treatment IN (SELECT value FROM json_each(:treatments)) AND o.telehealth = 1"""
    + _ACTIVE_AND_IN_NETWORK
    + """
  AND (EXISTS (SELECT 1 FROM provider_location pl JOIN location l ON l.id = pl.location_id
               WHERE pl.npi = o.npi AND l.state = :state)
       OR EXISTS (SELECT 1 FROM provider_taxonomy pt WHERE pt.npi = o.npi AND pt.license_state = :state)
       OR EXISTS (SELECT 1 FROM credential c
                  WHERE c.npi = o.npi AND c.kind = 'state_license' AND c.state = :state))
ORDER BY o.npi
LIMIT :limit"""
)

DETAILS = """
SELECT p.npi, p.display_name, p.entity_type,
       a.npi IS NOT NULL AS has_access, a.accepting_new_patients, a.telehealth, a.languages, a.wait_days,
       (SELECT group_concat(o.treatment || ':' || o.telehealth) FROM treatment_offering o
        WHERE o.npi = p.npi AND o.treatment IN (SELECT value FROM json_each(:treatments))) AS offers,
       rp.computed_on, rp.basis, rp.vetting, rp.expertise, rp.base_points, rp.treatment_points, rp.detail
FROM json_each(:npis) j
JOIN provider p ON p.npi = j.value
LEFT JOIN access_facts a ON a.npi = p.npi
LEFT JOIN ranking_profile rp ON rp.npi = p.npi AND rp.computed_on IS NOT NULL"""

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


def _profile(row: sqlite3.Row) -> RankingProfile | None:
    if row["computed_on"] is None:
        return None
    points = json.loads(row["treatment_points"])
    return RankingProfile(
        npi=row["npi"],
        computed_on=date.fromisoformat(row["computed_on"]),
        basis=row["basis"],
        vetting=row["vetting"],
        expertise=row["expertise"],
        base_points=row["base_points"],
        treatment_points=tuple((Treatment(t), float(p)) for t, p in points),
        detail=row["detail"],
    )


def _offers(text: str | None) -> tuple[tuple[Treatment, ...], tuple[Treatment, ...]]:
    offered, remote = set(), set()
    for item in (text or "").split(","):
        if item:
            value, _, telehealth = item.rpartition(":")
            offered.add(Treatment(value))
            if telehealth == "1":
                remote.add(Treatment(value))
    return tuple(sorted(offered, key=lambda t: t.value)), tuple(sorted(remote, key=lambda t: t.value))


class SQLiteMatching:
    """The matching primitives of :class:`SQLiteStore` (a mixin: it needs ``_tx``)."""

    def _tx(self, write: bool = True) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _match_candidates(
        self, query: CandidateQuery, box: tuple[float, float, float, float]
    ) -> tuple[list[MatchCandidate], bool, list[ExclusionListLoad]]:
        min_lat, max_lat, min_lon, max_lon = box
        params = {
            "treatments": json.dumps([t.value for t in query.treatments]),
            "min_lat": min_lat,
            "max_lat": max_lat,
            "min_lon": min_lon,
            "max_lon": max_lon,
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
            sites: dict[str, list[CandidateSite]] = {}
            rows_read = 0
            for npi, key, lat, lon in cur.execute(SITES, {**params, "limit": MAX_MATCH_SITES}):
                rows_read += 1
                sites.setdefault(npi, []).append(CandidateSite(key, lat, lon))
            remote: list[str] = []
            if query.telehealth_state:
                remote = [r[0] for r in cur.execute(TELEHEALTH, {**params, "limit": MAX_MATCH_CANDIDATES})]
            truncated = rows_read >= MAX_MATCH_SITES or len(remote) >= MAX_MATCH_CANDIDATES
            npis = sorted(set(sites) | set(remote))
            details = conn.execute(DETAILS, {**params, "npis": json.dumps(npis)}).fetchall() if npis else []
            lists = [rows.exclusion_list(r) for r in conn.execute(EXCLUSION_LISTS)]
        in_state = set(remote)
        found = []
        for r in details:
            offered, by_telehealth = _offers(r["offers"])
            found.append(
                MatchCandidate(
                    npi=r["npi"],
                    display_name=r["display_name"],
                    entity_type=_ENTITY[r["entity_type"]],
                    offered=offered,
                    by_telehealth=by_telehealth,
                    telehealth_in_state=r["npi"] in in_state,
                    sites=tuple(_unique(sites.get(r["npi"], ()))),
                    distance_miles=None,
                    location_key=None,
                    has_access_facts=bool(r["has_access"]),
                    accepting_new_patients=rows.truth(r["accepting_new_patients"]),
                    telehealth=rows.truth(r["telehealth"]),
                    languages=tuple(json.loads(r["languages"])) if r["languages"] else (),
                    wait_days=r["wait_days"],
                    profile=_profile(r),
                )
            )
        return found, truncated, lists

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


def _unique(sites) -> Iterator[CandidateSite]:
    seen = set()
    for site in sites:
        if site.key not in seen:
            seen.add(site.key)
            yield site
