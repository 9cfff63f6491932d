"""Search on the embedded store: one constant SQL query whose filters are
switched on and off by parameters (:data:`SEARCH`; :data:`SEARCH_ALL` when no
filter but the entity type is given).

The query picks its *driver* (the most selective filter given, chosen in
Python and passed as ``:drive``) so a national-size store is never scanned when
any filter is set; every other filter is then a correlated ``EXISTS`` by NPI,
skipped when its parameter is NULL. Constant WHERE terms such as
``:codes IS NOT NULL`` are evaluated once by SQLite before a loop starts, so the
CTEs of filters not given cost nothing.

Names are found exactly by the rule of :mod:`.names`: ``:name_ranges`` holds
the inclusive word ranges of :func:`.names.lookup_ranges` (one per exact key or
prefix, tagged with the query word it stands for), each a range seek on the
primary key of ``name_word``; a name matches when its hits cover all
``:name_terms`` query words.
"""

from __future__ import annotations

import json
import math

from ..geo import EARTH_RADIUS_MILES, bounding_box
from ..model import SearchCriteria
from .names import lookup_ranges, query_words

SEARCH = """
WITH
near_loc AS (
    SELECT l.id AS location_id, l.key AS location_key,
           haversine(:lat, :lon, l.latitude, l.longitude) AS distance
    FROM location_rtree r JOIN location l ON l.id = r.id
    WHERE :lat IS NOT NULL
      AND r.min_lat >= :min_lat AND r.max_lat <= :max_lat
      AND r.min_lon >= :min_lon AND r.max_lon <= :max_lon
),
near_prov AS (
    SELECT pl.npi AS npi, min(n.distance) AS distance, n.location_key AS location_key
    FROM near_loc n JOIN provider_location pl ON pl.location_id = n.location_id
    WHERE n.distance <= :radius
    GROUP BY pl.npi
),
tele_prov AS (
    SELECT t.npi AS npi FROM treatment_offering t
    WHERE :tele AND :treatments IS NOT NULL AND t.telehealth = 1
      AND t.treatment IN (SELECT value FROM json_each(:treatments))
    UNION
    SELECT a.npi FROM access_latest a
    WHERE :tele AND :treatments IS NULL AND a.telehealth = 1
),
near_match AS (
    SELECT npi FROM near_prov UNION SELECT npi FROM tele_prov
),
treat_prov AS (
    SELECT DISTINCT npi FROM treatment_offering
    WHERE :treatments IS NOT NULL AND treatment IN (SELECT value FROM json_each(:treatments))
),
tax_prov AS (
    SELECT DISTINCT npi FROM provider_taxonomy
    WHERE :codes IS NOT NULL AND code IN (SELECT value FROM json_each(:codes))
),
name_hit AS (
    SELECT w.name_id AS name_id, json_extract(r.value, '$.term') AS term
    FROM json_each(:name_ranges) r
    JOIN name_word w ON w.word >= json_extract(r.value, '$.lo') AND w.word <= json_extract(r.value, '$.hi')
    WHERE :name_ranges IS NOT NULL
),
name_prov AS (
    SELECT DISTINCT n.npi AS npi
    FROM (SELECT name_id FROM name_hit GROUP BY name_id HAVING count(DISTINCT term) = :name_terms) m
    JOIN provider_name n ON n.id = m.name_id
),
plan_prov AS (
    SELECT DISTINCT m.npi AS npi
    FROM plan_network pn JOIN network_member m ON m.network_id = pn.network_id
    WHERE :plan IS NOT NULL AND pn.plan_id = :plan
),
net_prov AS (
    SELECT npi FROM network_member WHERE :network IS NOT NULL AND network_id = :network
),
state_prov AS (
    SELECT DISTINCT pl.npi AS npi
    FROM location l JOIN provider_location pl ON pl.location_id = l.id
    WHERE :state IS NOT NULL AND l.state = :state
),
accept_prov AS (
    SELECT npi FROM access_latest
    WHERE :accepting IS NOT NULL AND (accepting_new_patients = :accepting OR accepting_new_patients IS NULL)
    UNION ALL
    SELECT p.npi FROM provider p
    WHERE :accepting IS NOT NULL AND NOT EXISTS (SELECT 1 FROM access_facts a WHERE a.npi = p.npi)
),
driver AS (
    SELECT npi FROM treat_prov WHERE :drive = 'treatment'
    UNION ALL SELECT npi FROM near_match WHERE :drive = 'near'
    UNION ALL SELECT npi FROM net_prov WHERE :drive = 'network'
    UNION ALL SELECT npi FROM plan_prov WHERE :drive = 'plan'
    UNION ALL SELECT npi FROM name_prov WHERE :drive = 'name'
    UNION ALL SELECT npi FROM tax_prov WHERE :drive = 'taxonomy'
    UNION ALL SELECT npi FROM state_prov WHERE :drive = 'state'
    UNION ALL SELECT npi FROM accept_prov WHERE :drive = 'accepting'
    UNION ALL SELECT npi FROM provider WHERE :drive = 'all'
)
SELECT p.npi, p.display_name, p.entity_type, np.distance, np.location_key,
       CASE WHEN :has_name THEN (SELECT json_group_array(name) FROM (
           SELECT name FROM provider_name WHERE npi = p.npi
           UNION
           SELECT p.first_name || ' ' || p.last_name
           WHERE p.middle_name IS NOT NULL AND p.first_name IS NOT NULL AND p.last_name IS NOT NULL
       )) END AS names,
       CASE WHEN :accepting IS NOT NULL THEN (
           SELECT a.accepting_new_patients FROM access_latest a WHERE a.npi = p.npi) END AS accepting
FROM driver d
JOIN provider p ON p.npi = d.npi
LEFT JOIN near_prov np ON np.npi = p.npi
WHERE (:include_deactivated OR p.deactivation_date IS NULL OR p.reactivation_date >= p.deactivation_date)
  AND (:entity_type IS NULL OR p.entity_type = :entity_type)
  AND (:lat IS NULL OR p.npi IN near_match)
  AND (NOT :has_name OR p.npi IN name_prov)
  AND (:treatments IS NULL OR EXISTS (
        SELECT 1 FROM treatment_offering t
        WHERE t.npi = p.npi AND t.treatment IN (SELECT value FROM json_each(:treatments))))
  AND (:codes IS NULL OR EXISTS (
        SELECT 1 FROM provider_taxonomy pt
        WHERE pt.npi = p.npi AND pt.code IN (SELECT value FROM json_each(:codes))))
  AND (:plan IS NULL OR EXISTS (
        SELECT 1 FROM network_member m JOIN plan_network pn ON pn.network_id = m.network_id
        WHERE m.npi = p.npi AND pn.plan_id = :plan))
  AND (:network IS NULL OR EXISTS (
        SELECT 1 FROM network_member m WHERE m.network_id = :network AND m.npi = p.npi))
  AND (:state IS NULL OR EXISTS (
        SELECT 1 FROM provider_location pl JOIN location l ON l.id = pl.location_id
        WHERE pl.npi = p.npi AND l.state = :state))
  AND (:accepting IS NULL OR NOT EXISTS (
        SELECT 1 FROM access_latest a WHERE a.npi = p.npi AND a.accepting_new_patients = (NOT :accepting)))
ORDER BY (:accepting IS NOT NULL AND accepting IS NULL), np.distance IS NULL, np.distance, p.npi
LIMIT :limit
"""

#: The search with no filter but entity type: the first names in display
#: order, read from the ``provider_display`` index without sorting the store.
SEARCH_ALL = """
SELECT p.npi, p.display_name, p.entity_type, NULL AS distance, NULL AS location_key, NULL AS names,
       NULL AS accepting
FROM provider p INDEXED BY provider_display
WHERE (:include_deactivated OR p.deactivation_date IS NULL OR p.reactivation_date >= p.deactivation_date)
  AND (:entity_type IS NULL OR p.entity_type = :entity_type)
ORDER BY upper(p.display_name), p.npi
LIMIT :limit
"""


def _driver(c: SearchCriteria, has_name: bool) -> str:
    if c.treatments:
        return "treatment"
    if c.near is not None:
        return "near"
    if c.network_id:
        return "network"
    if c.plan_id:
        return "plan"
    if has_name:
        return "name"
    if c.taxonomy_codes:
        return "taxonomy"
    if c.state:
        return "state"
    if c.accepting_new_patients is not None:  # it keeps unknown values, so it drives last (a scan)
        return "accepting"
    return "all"


def search_params(c: SearchCriteria, limit: int) -> dict[str, object]:
    """Named parameters of :data:`SEARCH` for the criteria."""
    query = (c.name or "").strip()
    has_name = bool(query)
    terms = query_words(query) if has_name else ()
    params: dict[str, object] = {
        "lat": None,
        "lon": None,
        "radius": None,
        "min_lat": None,
        "max_lat": None,
        "min_lon": None,
        "max_lon": None,
        "tele": 0,
        "treatments": json.dumps(sorted({t.value for t in c.treatments})) if c.treatments else None,
        "codes": json.dumps(sorted(set(c.taxonomy_codes))) if c.taxonomy_codes else None,
        "has_name": int(has_name),
        "name_ranges": json.dumps(lookup_ranges(terms)) if terms else None,
        "name_terms": len(terms),
        "plan": c.plan_id or None,
        "network": c.network_id or None,
        "state": c.state.upper() if c.state else None,
        "accepting": None if c.accepting_new_patients is None else int(c.accepting_new_patients),
        "entity_type": None if c.entity_type is None else c.entity_type.value,
        "include_deactivated": int(c.include_deactivated),
        "drive": _driver(c, has_name),
        "limit": limit,
    }
    if c.near is not None and c.radius_miles is not None:
        # a 1% wider box: the R*Tree stores float32 and the box is approximate
        min_lat, max_lat, min_lon, max_lon = bounding_box(c.near, c.radius_miles * 1.01)
        params.update(
            lat=c.near.latitude,
            lon=c.near.longitude,
            radius=c.radius_miles,
            min_lat=min_lat,
            max_lat=max_lat,
            min_lon=min_lon,
            max_lon=max_lon,
            tele=int(c.include_telehealth),
        )
    return params


def haversine_sql(lat1, lon1, lat2, lon2):
    """Great-circle miles, registered as the SQL function ``haversine``; the
    same formula as :func:`directory.geo.haversine_miles`."""
    if None in (lat1, lon1, lat2, lon2):
        return None
    p1, l1, p2, l2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((l2 - l1) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))
