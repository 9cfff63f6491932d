"""Network adequacy's read on Neo4j: constant Cypher (parameters only, no
``CALL`` subqueries, as in :mod:`.neo4j_cypher`) and the transaction function
that runs it (see :meth:`Store.coverage_inputs`).

The selection starts from the Taxonomy nodes (unique ``code``), so it touches
only providers holding a listed code; the bounding box is a plain comparison on
the location's latitude and longitude, the same test the embedded store makes.
"""

from __future__ import annotations

from ..errors import NotFound
from ..model import CoverageProvider, CoverageQuery, CoverageSite, EntityType

NETWORK_FOUND = "OPTIONAL MATCH (w:Network {id: $network_id}) RETURN w IS NOT NULL AS found"

# active: never deactivated, or reactivated on or after the deactivation (ISO dates compare as text)
COVERAGE_INPUTS = """
MATCH (n:Npi)-[:HAS_TAXONOMY]->(t:Taxonomy)
WHERE t.code IN $codes
WITH DISTINCT n
WHERE (n.deactivation_date IS NULL OR n.reactivation_date >= n.deactivation_date)
  AND (EXISTS { MATCH (n)-[:IN_NETWORK]->(w:Network) WHERE w.id = $network_id }
       OR EXISTS { MATCH (n)-[:PRACTICES_AT]->(l:Location)
                   WHERE l.latitude IS NOT NULL AND l.longitude IS NOT NULL
                     AND ($min_lat IS NULL
                          OR (l.latitude >= $min_lat AND l.latitude <= $max_lat
                              AND l.longitude >= $min_lon AND l.longitude <= $max_lon)) })
RETURN n.npi AS npi, n.display_name AS display_name, n.entity_type AS entity_type,
       [(n)-[r:HAS_TAXONOMY]->(x:Taxonomy) | {code: x.code, license_state: r.license_state}] AS taxonomies,
       [(n)-[:PRACTICES_AT]->(l:Location) WHERE l.latitude IS NOT NULL AND l.longitude IS NOT NULL
           | l {.key, .latitude, .longitude, .zip5, .state, .county, .line1, .line2, .city}] AS sites,
       EXISTS { MATCH (n)-[:IN_NETWORK]->(w:Network) WHERE w.id = $network_id } AS in_network,
       (EXISTS { MATCH (n)-[:HAS_ACCESS]->(a:Access) WHERE a.telehealth = true
                 AND NOT EXISTS { MATCH (n)-[:HAS_ACCESS]->(b:Access)
                                  WHERE b.retrieved > a.retrieved
                                     OR (b.retrieved = a.retrieved AND b.source < a.source) } }
        OR EXISTS { MATCH (n)-[o:OFFERS]->(:Treatment) WHERE o.telehealth = true }) AS telehealth
ORDER BY npi"""


def params(query: CoverageQuery) -> dict:
    box = query.bbox or (None, None, None, None)
    return {
        "codes": list(query.taxonomy_codes),
        "network_id": query.network_id,
        "min_lat": box[0],
        "max_lat": box[1],
        "min_lon": box[2],
        "max_lon": box[3],
    }


def provider(row: dict, wanted: set[str]) -> CoverageProvider:
    # a location is listed once per owner that placed the provider there: keep one per key
    sites = {
        s["key"]: CoverageSite(
            s["key"],
            float(s["latitude"]),
            float(s["longitude"]),
            s["zip5"],
            s["state"],
            s.get("county"),
            s.get("line1") or "",
            s.get("line2") or "",
            s.get("city") or "",
        )
        for s in row["sites"] or ()
    }
    taxonomies = row["taxonomies"] or ()
    return CoverageProvider(
        npi=row["npi"],
        display_name=row["display_name"] or "",
        entity_type=EntityType(int(row["entity_type"])),
        taxonomy_codes=tuple(sorted({t["code"] for t in taxonomies if t["code"] in wanted})),
        license_states=tuple(sorted({t["license_state"] for t in taxonomies if t.get("license_state")})),
        sites=tuple(site for _, site in sorted(sites.items())),
        telehealth=bool(row["telehealth"]),
        in_network=bool(row["in_network"]),
    )


def read(tx, query: CoverageQuery) -> list[CoverageProvider]:
    """Transaction function: the rows of :meth:`Store.coverage_inputs`."""
    found = tx.run(NETWORK_FOUND, {"network_id": query.network_id}).data()
    if not found or not found[0]["found"]:
        raise NotFound("no network " + repr(query.network_id))
    wanted = set(query.taxonomy_codes)
    return [provider(row, wanted) for row in tx.run(COVERAGE_INPUTS, params(query)).data()]
