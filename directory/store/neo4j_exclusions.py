"""Exclusion-list records on Neo4j: constant Cypher (parameters only, no
``CALL`` subqueries, as in :mod:`.neo4j_cypher`), the transaction functions
that run it, and the primitives of
:class:`~directory.store.port_exclusions.ExclusionRecords`, mixed into
:class:`~directory.store.neo4j.Neo4jStore`.

Graph model: ``(:ExclusionRecord {uid, list_name, key, identity, ..., evidence})``
stands alone; the exclusions attached from it are ``(:Npi)-[:EXCLUDED]->(:Exclusion)``
nodes whose ``reference`` is ``<list>:<key>``.

The name-candidate read splits names with the same replace chain as
:func:`~directory.store.port_exclusions.name_words` (``toUpper``, then ``'`` and
``.`` dropped and ``- , / & ( ) # " ; :`` read as spaces, ``split`` on spaces).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ..model import EntityType, ExclusionRecord, NameCandidate
from .neo4j_rows import day, evidence, evidence_params, iso
from .port_exclusions import exclusion_reference

UPSERT_RECORDS = """
UNWIND $rows AS row
MERGE (r:ExclusionRecord {uid: row.uid})
SET r = row.props
RETURN count(*) AS written"""

RECORDS = """
MATCH (r:ExclusionRecord) WHERE r.uid IN $uids
RETURN properties(r) AS props
UNION
MATCH (r:ExclusionRecord) WHERE r.list_name = $list_name AND r.identity IN $identities
RETURN properties(r) AS props"""

RECORD_PAGE = """
MATCH (r:ExclusionRecord)
WHERE r.list_name = $list_name AND r.key > $after
  AND ($before IS NULL OR (r.reinstated_on IS NULL AND (r.last_listed IS NULL OR r.last_listed < $before)))
RETURN properties(r) AS props
ORDER BY props.key
LIMIT $limit"""

REINSTATE_RECORDS = """
UNWIND $rows AS row
MATCH (r:ExclusionRecord {uid: row.uid})
WHERE r.reinstated_on IS NULL OR r.reinstated_on <> row.day
SET r.reinstated_on = row.day
RETURN count(*) AS written"""

REINSTATE_ATTACHED = """
UNWIND $rows AS row
MATCH (x:Exclusion {reference: row.reference})
WHERE x.list_name = $list_name
SET x.reinstated_on = row.day"""

DETACH = """
UNWIND $rows AS row
MATCH (n:Npi {npi: row.npi})-[:EXCLUDED]->(x:Exclusion {reference: row.reference})
DETACH DELETE x
RETURN count(*) AS written"""

PEOPLE_NAMED = """
MATCH (n:Provider)
WHERE n.first_name IS NOT NULL AND n.last_name IS NOT NULL
WITH n, [w IN split(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
        replace(toUpper(n.first_name), "'", ''), '.', ''), '-', ' '), ',', ' '), '/', ' '), '&', ' '), '(', ' '),
        ')', ' '), '#', ' '), '"', ' '), ';', ' '), ':', ' '), ' ') WHERE w <> ''] AS firsts
WHERE size(firsts) > 0 AND firsts[0] IN $firsts
WITH n, firsts[0] AS first
WHERE any(w IN split(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
        replace(toUpper(n.last_name), "'", ''), '.', ''), '-', ' '), ',', ' '), '/', ' '), '&', ' '), '(', ' '),
        ')', ' '), '#', ' '), '"', ' '), ';', ' '), ':', ' '), ' ') WHERE w <> '' AND w + '|' + first IN $pairs)
RETURN n.npi AS npi
UNION
MATCH (n:Provider)-[:ALSO_KNOWN_AS]->(o:OtherName)
WITH n, [w IN split(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
        replace(toUpper(o.name), "'", ''), '.', ''), '-', ' '), ',', ' '), '/', ' '), '&', ' '), '(', ' '),
        ')', ' '), '#', ' '), '"', ' '), ';', ' '), ':', ' '), ' ') WHERE w <> ''] AS words
WHERE any(a IN words WHERE any(b IN words WHERE a + '|' + b IN $pairs))
RETURN n.npi AS npi"""

ORGANIZATIONS_NAMED = """
MATCH (n:Organization)
WHERE n.organization_name IS NOT NULL
WITH n, [w IN split(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
        replace(toUpper(n.organization_name), "'", ''), '.', ''), '-', ' '), ',', ' '), '/', ' '), '&', ' '),
        '(', ' '), ')', ' '), '#', ' '), '"', ' '), ';', ' '), ':', ' '), ' ') WHERE w <> ''] AS words
WITH n, CASE WHEN size(words) > 1 AND words[0] = 'THE' THEN words[1] ELSE words[0] END AS first
WHERE first IN $words
RETURN n.npi AS npi
UNION
MATCH (n:Organization)-[:ALSO_KNOWN_AS]->(o:OtherName)
WITH n, [w IN split(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
        replace(toUpper(o.name), "'", ''), '.', ''), '-', ' '), ',', ' '), '/', ' '), '&', ' '), '(', ' '),
        ')', ' '), '#', ' '), '"', ' '), ';', ' '), ':', ' '), ' ') WHERE w <> ''] AS words
WITH n, CASE WHEN size(words) > 1 AND words[0] = 'THE' THEN words[1] ELSE words[0] END AS first
WHERE first IN $words
RETURN n.npi AS npi"""

CANDIDATES = """
MATCH (n:Npi) WHERE n.npi IN $npis
RETURN n.npi AS npi, n.entity_type AS entity_type, n.first_name AS first_name, n.middle_name AS middle_name,
       n.last_name AS last_name, n.organization_name AS organization_name,
       [(n)-[:ALSO_KNOWN_AS]->(o:OtherName) | {name: o.name, type_code: o.type_code}] AS other_names,
       [(n)-[:PRACTICES_AT]->(l:Location) | l.state]
         + [(n)-[t:HAS_TAXONOMY]->(:Taxonomy) WHERE t.license_state IS NOT NULL | t.license_state]
         + [(n)-[:HAS_CREDENTIAL]->(c:Credential) WHERE c.state IS NOT NULL | c.state] AS states
ORDER BY npi"""

_TEXT = (
    "last_name",
    "first_name",
    "middle_name",
    "business_name",
    "general",
    "specialty",
    "upin",
    "address",
    "city",
    "state",
    "zip",
    "waiver_state",
)


def uid(list_name: str, key: str) -> str:
    return list_name + "|" + key


def record_params(r: ExclusionRecord) -> dict:
    record_uid = uid(r.list_name, r.key)
    return {
        "uid": record_uid,
        "props": {
            "uid": record_uid,
            "list_name": r.list_name,
            "key": r.key,
            "identity": r.identity,
            "exclusion_type": r.exclusion_type,
            "excluded_on": r.excluded_on.isoformat(),
            "reinstated_on": iso(r.reinstated_on),
            "last_listed": iso(r.last_listed),
            "npi": r.npi,
            "birth_date": iso(r.birth_date),
            "waiver_date": iso(r.waiver_date),
            **{name: getattr(r, name) for name in _TEXT},
            **evidence_params(r.evidence),
        },
    }


def record(p: dict) -> ExclusionRecord:
    return ExclusionRecord(
        list_name=p["list_name"],
        key=p["key"],
        identity=p["identity"],
        exclusion_type=p["exclusion_type"],
        excluded_on=date.fromisoformat(p["excluded_on"]),
        evidence=evidence(p),
        npi=p.get("npi"),
        birth_date=day(p.get("birth_date")),
        reinstated_on=day(p.get("reinstated_on")),
        waiver_date=day(p.get("waiver_date")),
        last_listed=day(p.get("last_listed")),
        **{name: p.get(name) or "" for name in _TEXT},
    )


def candidate(row: dict) -> NameCandidate:
    others = {(o["name"], o.get("type_code")) for o in row["other_names"] or () if o.get("name")}
    return NameCandidate(
        npi=row["npi"],
        entity_type=EntityType(int(row["entity_type"])),
        first_name=row.get("first_name"),
        middle_name=row.get("middle_name"),
        last_name=row.get("last_name"),
        organization_name=row.get("organization_name"),
        other_names=tuple(sorted(others, key=lambda o: (o[0], o[1] or ""))),
        states=tuple(sorted({s for s in row["states"] or () if s})),
    )


# ------------------------------------------------------ transaction functions
def reinstate(tx, list_name: str, reinstated: dict[str, date]) -> int:
    rows = [
        {"uid": uid(list_name, key), "reference": exclusion_reference(list_name, key), "day": when.isoformat()}
        for key, when in reinstated.items()
    ]
    found = tx.run(REINSTATE_RECORDS, {"rows": rows}).data()
    tx.run(REINSTATE_ATTACHED, {"rows": rows, "list_name": list_name}).consume()
    return int(found[0]["written"]) if found else 0


def name_candidates(tx, pairs: list[str], words: list[str]) -> list[NameCandidate]:
    npis: set[str] = set()
    if pairs:
        firsts = sorted({p.split("|", 1)[1] for p in pairs})
        npis.update(r["npi"] for r in tx.run(PEOPLE_NAMED, {"pairs": pairs, "firsts": firsts}).data())
    if words:
        npis.update(r["npi"] for r in tx.run(ORGANIZATIONS_NAMED, {"words": words}).data())
    if not npis:
        return []
    return [candidate(r) for r in tx.run(CANDIDATES, {"npis": sorted(npis)}).data()]


class Neo4jExclusionRecords:
    """The exclusion-record primitives of the Neo4j store (a mixin of Neo4jStore)."""

    if TYPE_CHECKING:

        def _run(self, write: bool, work: Any, *args: Any) -> Any: ...
        def _read(self, query: str, params: dict) -> list[dict]: ...
        def _write_rows(self, query: str, rows_: list[dict]) -> int: ...

    def _upsert_exclusion_records(self, records: list[ExclusionRecord]) -> int:
        return self._write_rows(UPSERT_RECORDS, [record_params(r) for r in records])

    def _exclusion_records(self, list_name: str, keys: list[str], identities: list[str]) -> list[ExclusionRecord]:
        params = {"uids": [uid(list_name, k) for k in keys], "list_name": list_name, "identities": identities}
        found = {r.key: r for r in (record(row["props"]) for row in self._read(RECORDS, params))}
        return [found[k] for k in sorted(found)]

    def _exclusion_record_page(
        self, list_name: str, after: str, limit: int, listed_before: date | None
    ) -> list[ExclusionRecord]:
        params = {"list_name": list_name, "after": after, "limit": limit, "before": iso(listed_before)}
        return [record(row["props"]) for row in self._read(RECORD_PAGE, params)]

    def _reinstate_exclusion_records(self, list_name: str, reinstated: dict[str, date]) -> int:
        return self._run(True, reinstate, list_name, reinstated)

    def _detach_exclusions(self, links: list[tuple[str, str]]) -> int:
        return self._write_rows(DETACH, [{"npi": npi, "reference": reference} for npi, reference in links])

    def _name_candidates(self, pairs: list[str], words: list[str]) -> list[NameCandidate]:
        return self._run(False, name_candidates, pairs, words)
