"""Network adequacy's read on the embedded store: the providers it measures,
in one read transaction (see :meth:`Store.coverage_inputs`).

The chosen NPIs go into a temporary table first, so the three reads that
follow (providers, taxonomies, locations) do not each repeat the selection;
the temporary table lives in SQLite's temp database, so the read transaction
takes no write lock on the store file.
"""

from __future__ import annotations

import json
import sqlite3

from ..errors import NotFound
from ..model import CoverageProvider, CoverageQuery, CoverageSite, EntityType

CREATE_CHOSEN = "CREATE TEMP TABLE IF NOT EXISTS coverage_chosen (npi TEXT PRIMARY KEY) WITHOUT ROWID"
CLEAR_CHOSEN = "DELETE FROM temp.coverage_chosen"
NETWORK_EXISTS = "SELECT 1 FROM network WHERE id = ?"
_ENTITY = {t.value: t for t in EntityType}

# active: never deactivated, or reactivated on or after the deactivation
CHOOSE = """
INSERT INTO temp.coverage_chosen (npi)
SELECT DISTINCT pt.npi
FROM provider_taxonomy pt JOIN provider p ON p.npi = pt.npi
WHERE pt.code IN (SELECT value FROM json_each(:codes))
  AND (p.deactivation_date IS NULL OR p.reactivation_date >= p.deactivation_date)
  AND (EXISTS (SELECT 1 FROM network_member m WHERE m.network_id = :network_id AND m.npi = pt.npi)
       OR EXISTS (SELECT 1 FROM provider_location pl JOIN location l ON l.id = pl.location_id
                  WHERE pl.npi = pt.npi AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL
                    AND (:min_lat IS NULL
                         OR (l.latitude BETWEEN :min_lat AND :max_lat
                             AND l.longitude BETWEEN :min_lon AND :max_lon))))"""

PROVIDERS = """
SELECT p.npi, p.display_name, p.entity_type,
       EXISTS (SELECT 1 FROM network_member m WHERE m.network_id = :network_id AND m.npi = p.npi) AS in_network,
       (coalesce((SELECT a.telehealth FROM access_latest a WHERE a.npi = p.npi), 0) = 1
        OR EXISTS (SELECT 1 FROM treatment_offering o WHERE o.npi = p.npi AND o.telehealth = 1)) AS telehealth
FROM temp.coverage_chosen c JOIN provider p ON p.npi = c.npi
ORDER BY p.npi"""

TAXONOMIES = """
SELECT DISTINCT pt.npi, pt.code, pt.license_state
FROM temp.coverage_chosen c JOIN provider_taxonomy pt ON pt.npi = c.npi"""

SITES = """
SELECT DISTINCT pl.npi, l.key, l.latitude, l.longitude, l.zip5, l.state, l.county, l.line1, l.line2, l.city
FROM temp.coverage_chosen c
JOIN provider_location pl ON pl.npi = c.npi
JOIN location l ON l.id = pl.location_id
WHERE l.latitude IS NOT NULL AND l.longitude IS NOT NULL
ORDER BY pl.npi, l.key"""


def read(conn: sqlite3.Connection, query: CoverageQuery) -> list[CoverageProvider]:
    """The rows of :meth:`Store.coverage_inputs`, inside the caller's transaction."""
    if conn.execute(NETWORK_EXISTS, (query.network_id,)).fetchone() is None:
        raise NotFound(f"no network {query.network_id!r}")
    box = query.bbox or (None, None, None, None)
    params = {
        "codes": json.dumps(list(query.taxonomy_codes)),
        "network_id": query.network_id,
        "min_lat": box[0],
        "max_lat": box[1],
        "min_lon": box[2],
        "max_lon": box[3],
    }
    wanted = set(query.taxonomy_codes)
    cur = conn.cursor()
    cur.row_factory = None  # plain tuples: sqlite3.Row costs a second on a state's providers
    conn.execute(CREATE_CHOSEN)
    conn.execute(CLEAR_CHOSEN)
    try:
        conn.execute(CHOOSE, params)
        codes: dict[str, set[str]] = {}
        states: dict[str, set[str]] = {}
        for npi, code, state in cur.execute(TAXONOMIES):
            if code in wanted:
                codes.setdefault(npi, set()).add(code)
            if state:
                states.setdefault(npi, set()).add(state)
        sites: dict[str, list[CoverageSite]] = {}
        for npi, key, lat, lon, zip5, state, county, line1, line2, city in cur.execute(SITES):
            sites.setdefault(npi, []).append(
                CoverageSite(key, float(lat), float(lon), zip5, state, county, line1 or "", line2 or "", city or "")
            )
        found = cur.execute(PROVIDERS, {"network_id": query.network_id}).fetchall()
    finally:
        conn.execute(CLEAR_CHOSEN)
    return [
        CoverageProvider(
            npi=npi,
            display_name=name or "",
            entity_type=_ENTITY[entity_type],
            taxonomy_codes=tuple(sorted(codes.get(npi, ()))),
            license_states=tuple(sorted(states.get(npi, ()))),
            sites=tuple(sites.get(npi, ())),
            telehealth=bool(telehealth),
            in_network=bool(in_network),
        )
        for npi, name, entity_type, in_network, telehealth in found
    ]
