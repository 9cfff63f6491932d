"""Search on Neo4j: constant Cypher queries that share one filtering tail, each
starting from a different index (name words, the point index, a network,
a plan, treatments, taxonomies, a state, or every NPI). Python picks the head
with :func:`search_query`; every filter is then applied in the tail, switched
off by a null parameter, so any head gives the same answer.

Distances are great-circle miles computed in Cypher with the same haversine
and earth radius as :func:`directory.geo.haversine_miles` (``point.distance``
uses a different radius, so both backends would disagree near the edge of a
radius); ``point.withinBBox`` on the indexed ``Location.point`` is the
pre-filter. Names are found exactly by the rule of :mod:`.names`:
``$name_ranges`` holds the inclusive word ranges of
:func:`.names.lookup_ranges`, each a range seek in the index of the
``NameWord.word`` constraint, tagged with the query word it stands for; a name
(the legal names on an Npi node, or one OtherName node) matches when its words
cover all ``$name_terms`` query words. (A full-text index cannot do this
exactly: Lucene's fuzzy terms expand to at most 50 terms by default, and its
scoring is not the rule.)
"""

from __future__ import annotations

from ..geo import EARTH_RADIUS_MILES, bounding_box
from ..model import SearchCriteria
from . import neo4j_fragments as fragments
from .names import lookup_ranges, query_words

_BBOX = """point.withinBBox(l.point, point({latitude: $min_lat, longitude: $min_lon}),
                               point({latitude: $max_lat, longitude: $max_lon}))"""

# haversine as in directory.geo, in miles
_HAVERSINE = """2 * $earth_radius * asin(sqrt(
              sin((radians(l.latitude) - radians($lat)) / 2) ^ 2
              + cos(radians($lat)) * cos(radians(l.latitude))
                * sin((radians(l.longitude) - radians($lon)) / 2) ^ 2))"""


_TAIL = (
    """
WITH DISTINCT n
WHERE ($include_deactivated OR n.deactivation_date IS NULL OR n.reactivation_date >= n.deactivation_date)
  AND ($entity_type IS NULL OR n.entity_type = $entity_type)
  AND ($treatments IS NULL OR EXISTS { MATCH (n)-[:OFFERS]->(t:Treatment) WHERE t.code IN $treatments })
  AND ($codes IS NULL OR EXISTS { MATCH (n)-[:HAS_TAXONOMY]->(x:Taxonomy) WHERE x.code IN $codes })
  AND ($state IS NULL OR EXISTS { MATCH (n)-[:PRACTICES_AT]->(s:Location) WHERE s.state = $state })
  AND ($network IS NULL OR EXISTS { MATCH (n)-[:IN_NETWORK]->(w:Network) WHERE w.id = $network })
  AND ($plan IS NULL OR EXISTS { MATCH (n)-[:IN_NETWORK]->(:Network)<-[:USES]-(p:Plan) WHERE p.id = $plan })
  AND ($accepting IS NULL
       OR NOT EXISTS { MATCH (n)-[:HAS_ACCESS]->(a:Access) WHERE a.accepting_new_patients = (NOT $accepting)
                       AND """
    + fragments.LATEST_ACCESS
    + """ })
WITH n,
     [(n)-[:PRACTICES_AT]->(l:Location) WHERE $near AND """
    + _BBOX
    + """
        | {distance: """
    + _HAVERSINE
    + """, key: l.key}] AS nearby
WITH n, [d IN nearby WHERE d.distance <= $radius] AS inside
WITH n,
     CASE WHEN size(inside) = 0 THEN null
          ELSE reduce(best = inside[0], d IN inside |
                 CASE WHEN d.distance < best.distance OR (d.distance = best.distance AND d.key < best.key)
                      THEN d ELSE best END) END AS nearest
WHERE NOT $near OR nearest IS NOT NULL
   OR ($tele AND (
        ($treatments IS NOT NULL AND EXISTS {
            MATCH (n)-[o:OFFERS]->(t:Treatment) WHERE o.telehealth = true AND t.code IN $treatments })
        OR ($treatments IS NULL AND EXISTS {
            MATCH (n)-[:HAS_ACCESS]->(a:Access) WHERE a.telehealth = true AND """
    + fragments.LATEST_ACCESS
    + """ })))
RETURN n.npi AS npi, n.display_name AS display_name, n.entity_type AS entity_type,
       nearest.distance AS distance, nearest.key AS location_key,
       CASE WHEN $has_name
            THEN coalesce(n.names, []) + [(n)-[:ALSO_KNOWN_AS]->(o:OtherName) | o.name]
            ELSE [] END AS names,
       CASE WHEN $accepting IS NULL THEN null
            ELSE head([(n)-[:HAS_ACCESS]->(a:Access) WHERE """
    + fragments.LATEST_ACCESS
    + """ | a.accepting_new_patients]) END AS accepting
ORDER BY accepting IS NULL, distance, npi
LIMIT $limit"""
)

# The names (holders) whose words cover every query word; an OtherName stands
# for the NPI that has that name.
SEARCH_BY_NAME = (
    """
UNWIND $name_ranges AS span
MATCH (w:NameWord) WHERE w.word >= span.lo AND w.word <= span.hi
MATCH (holder)-[:NAMED]->(w)
WITH holder, count(DISTINCT span.term) AS terms
WHERE terms = $name_terms
WITH CASE WHEN holder:Npi THEN holder ELSE head([(holder)<-[:ALSO_KNOWN_AS]-(p:Npi) | p]) END AS n
WHERE n IS NOT NULL"""
    + _TAIL
)

# Providers with a location in the box, plus (with telehealth) those offering it.
SEARCH_NEAR = (
    """
OPTIONAL MATCH (l:Location) WHERE """
    + _BBOX
    + """
OPTIONAL MATCH (placed:Npi)-[:PRACTICES_AT]->(l)
WITH collect(DISTINCT placed) AS placed
OPTIONAL MATCH (offering:Npi)-[o:OFFERS]->(t:Treatment)
WHERE $tele AND $treatments IS NOT NULL AND o.telehealth = true AND t.code IN $treatments
WITH placed, collect(DISTINCT offering) AS offering
OPTIONAL MATCH (n:Npi)-[:HAS_ACCESS]->(a:Access)
WHERE $tele AND $treatments IS NULL AND a.telehealth = true AND """
    + fragments.LATEST_ACCESS
    + """
WITH placed, offering, collect(DISTINCT n) AS virtual
UNWIND placed + offering + virtual AS n"""
    + _TAIL
)

SEARCH_IN_NETWORK = (
    """
MATCH (:Network {id: $network})<-[:IN_NETWORK]-(n:Npi)"""
    + _TAIL
)

SEARCH_IN_PLAN = (
    """
MATCH (:Plan {id: $plan})-[:USES]->(:Network)<-[:IN_NETWORK]-(n:Npi)"""
    + _TAIL
)

SEARCH_BY_TREATMENT = (
    """
MATCH (t:Treatment)<-[:OFFERS]-(n:Npi) WHERE t.code IN $treatments"""
    + _TAIL
)

SEARCH_BY_TAXONOMY = (
    """
MATCH (x:Taxonomy)<-[:HAS_TAXONOMY]-(n:Npi) WHERE x.code IN $codes"""
    + _TAIL
)

SEARCH_IN_STATE = (
    """
MATCH (s:Location {state: $state})<-[:PRACTICES_AT]-(n:Npi)"""
    + _TAIL
)

SEARCH_ALL = (
    """
MATCH (n:Npi)"""
    + _TAIL
)

SEARCHES: tuple[str, ...] = (
    SEARCH_BY_NAME,
    SEARCH_NEAR,
    SEARCH_IN_NETWORK,
    SEARCH_IN_PLAN,
    SEARCH_BY_TREATMENT,
    SEARCH_BY_TAXONOMY,
    SEARCH_IN_STATE,
    SEARCH_ALL,
)


def _wrap_longitude(lon: float) -> float:
    if lon < -180.0:
        return lon + 360.0
    if lon > 180.0:
        return lon - 360.0
    return lon


def search_params(c: SearchCriteria, limit: int) -> dict[str, object]:
    """Every parameter of every search query (unused ones are harmless)."""
    query = (c.name or "").strip()
    terms = query_words(query) if query else ()
    params: dict[str, object] = {
        "name_ranges": lookup_ranges(terms) if terms else None,
        "name_terms": len(terms),
        "has_name": bool(query),
        "near": False,
        "tele": False,
        "lat": 0.0,
        "lon": 0.0,
        "radius": 0.0,
        "min_lat": 0.0,
        "max_lat": 0.0,
        "min_lon": 0.0,
        "max_lon": 0.0,
        "earth_radius": EARTH_RADIUS_MILES,
        "treatments": sorted({t.value for t in c.treatments}) or None,
        "codes": sorted(set(c.taxonomy_codes)) or None,
        "state": c.state.upper() if c.state else None,
        "network": c.network_id or None,
        "plan": c.plan_id or None,
        "accepting": c.accepting_new_patients,
        "entity_type": None if c.entity_type is None else c.entity_type.value,
        "include_deactivated": bool(c.include_deactivated),
        "limit": int(limit),
    }
    if c.near is not None and c.radius_miles is not None:
        # the same 1% wider box as the embedded store
        min_lat, max_lat, min_lon, max_lon = bounding_box(c.near, c.radius_miles * 1.01)
        params.update(
            near=True,
            tele=bool(c.include_telehealth),
            lat=float(c.near.latitude),
            lon=float(c.near.longitude),
            radius=float(c.radius_miles),
            min_lat=max(-90.0, min_lat),
            max_lat=min(90.0, max_lat),
            min_lon=_wrap_longitude(min_lon),
            max_lon=_wrap_longitude(max_lon),
        )
    return params


def search_query(params: dict) -> str | None:
    """The query to run for these parameters; None when the criteria name a
    provider by a name with no word in it (nothing can match)."""
    if params["has_name"]:
        return SEARCH_BY_NAME if params["name_ranges"] else None
    if params["network"] is not None:
        return SEARCH_IN_NETWORK
    if params["plan"] is not None:
        return SEARCH_IN_PLAN
    if params["near"]:
        return SEARCH_NEAR
    if params["treatments"] is not None:
        return SEARCH_BY_TREATMENT
    if params["codes"] is not None:
        return SEARCH_BY_TAXONOMY
    if params["state"] is not None:
        return SEARCH_IN_STATE
    return SEARCH_ALL
