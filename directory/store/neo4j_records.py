"""Source records, resolution links and each source's facts on Neo4j (see
:mod:`.record_books`): constant Cypher (parameters only, sets of rows as one
list read with ``UNWIND``, no ``CALL`` subqueries, as in :mod:`.neo4j_cypher`),
the transaction functions, and the primitives ``Neo4jStore`` inherits.

    (:SourceRecord {ref, source, record_id, kind, fields (JSON), content_hash, retrieved,
        method, confidence, file, line, run_id, retired_on})
    (:ResolutionLink {ref, entity_id, npi, status, probability, method, decided_at})

A source's facts are the Credential and Access nodes and the OFFERS and
IN_NETWORK relationships whose ``source`` is the source's name and whose
``reference`` starts with ``<source>:``, and the PRACTICES_AT relationships it
owns (``owner``), as the port says.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from ..errors import NotFound
from ..model import Evidence
from ..source_records import LinkStatus, RecordSource, ResolutionLink, SourceFacts, SourceRecord
from . import neo4j_cypher as q
from . import neo4j_rows as rows
from . import neo4j_tx as txf
from .record_books import StoredRecord, fact_prefix

#: Run by ``init_schema`` with the others, each in its own transaction.
SCHEMA: tuple[str, ...] = (
    "CREATE CONSTRAINT source_record_ref IF NOT EXISTS FOR (r:SourceRecord) REQUIRE r.ref IS UNIQUE",
    "CREATE INDEX source_record_page IF NOT EXISTS FOR (r:SourceRecord) ON (r.source, r.record_id)",
    "CREATE INDEX source_record_newest IF NOT EXISTS FOR (r:SourceRecord) ON (r.source, r.retrieved)",
    "CREATE CONSTRAINT resolution_link_ref IF NOT EXISTS FOR (l:ResolutionLink) REQUIRE l.ref IS UNIQUE",
    "CREATE INDEX resolution_link_entity IF NOT EXISTS FOR (l:ResolutionLink) ON (l.entity_id)",
    "CREATE INDEX resolution_link_npi IF NOT EXISTS FOR (l:ResolutionLink) ON (l.npi)",
    # a source's facts are found by their source
    "CREATE INDEX credential_source IF NOT EXISTS FOR (c:Credential) ON (c.source)",
    "CREATE INDEX access_source IF NOT EXISTS FOR (a:Access) ON (a.source)",
    "CREATE INDEX offers_source IF NOT EXISTS FOR ()-[r:OFFERS]-() ON (r.source)",
    "CREATE INDEX in_network_source IF NOT EXISTS FOR ()-[r:IN_NETWORK]-() ON (r.source)",
)

# ------------------------------------------------------------------ records
STORED_RECORDS = """
MATCH (r:SourceRecord) WHERE r.ref IN $refs
RETURN r.ref AS ref, r.source AS source, r.content_hash AS content_hash, r.retrieved AS retrieved,
       r.method AS method, r.confidence AS confidence, r.file AS file, r.line AS line, r.run_id AS run_id,
       r.retired_on AS retired_on"""

WRITE_RECORDS = """
UNWIND $rows AS row
MERGE (r:SourceRecord {ref: row.ref})
SET r = row.props"""

RETIRE = """
MATCH (r:SourceRecord)
WHERE r.source = $source AND r.retired_on IS NULL AND r.run_id <> $run_id
SET r.retired_on = $on
RETURN count(r) AS retired"""

RECORDS = "MATCH (r:SourceRecord) WHERE r.ref IN $refs RETURN properties(r) AS props"

RECORD_PAGE = """
MATCH (r:SourceRecord)
WHERE r.source = $source AND r.record_id > $after AND ($all OR r.retired_on IS NULL)
RETURN properties(r) AS props
ORDER BY r.record_id
LIMIT $limit"""

SOURCES = """
MATCH (r:SourceRecord)
RETURN r.source AS source, min(r.kind) AS kind, max(r.retrieved) AS as_of,
       sum(CASE WHEN r.retired_on IS NULL THEN 1 ELSE 0 END) AS current,
       sum(CASE WHEN r.retired_on IS NULL THEN 0 ELSE 1 END) AS retired
ORDER BY source"""

NEWEST_FILE = """
MATCH (r:SourceRecord) WHERE r.source = $source AND r.retrieved = $as_of
RETURN r.file AS file, r.method AS method
ORDER BY r.run_id DESC, r.record_id
LIMIT 1"""

# -------------------------------------------------------------------- links
WRITE_LINKS = """
UNWIND $rows AS row
MERGE (l:ResolutionLink {ref: row.ref})
SET l = row.props
RETURN count(*) AS written"""

LINKS = "MATCH (l:ResolutionLink) WHERE l.ref IN $refs RETURN properties(l) AS props"

LINK_PAGE = """
MATCH (l:ResolutionLink) WHERE l.ref > $after
RETURN properties(l) AS props
ORDER BY l.ref
LIMIT $limit"""

DELETE_LINKS = """
MATCH (l:ResolutionLink) WHERE l.ref IN $refs
DELETE l
RETURN count(*) AS deleted"""

WITHDRAW_MATCHES = """
MATCH (m:MatchDecision) WHERE m.match_id IN $ids AND m.decided_by = 'model'
DELETE m
RETURN count(*) AS withdrawn"""

# ------------------------------------------------------- a source's facts
CREDENTIALS_OF = """
MATCH (n:Npi)-[:HAS_CREDENTIAL]->(c:Credential)
WHERE n.npi IN $npis AND c.source = $source AND c.reference STARTS WITH $prefix
RETURN n.npi AS npi, properties(c) AS props
ORDER BY npi, c.key"""

TREATMENTS_OF = """
MATCH (n:Npi)-[r:OFFERS]->(t:Treatment)
WHERE n.npi IN $npis AND r.source = $source AND r.reference STARTS WITH $prefix
RETURN n.npi AS npi, t.code AS treatment, properties(r) AS fact
ORDER BY npi, treatment, r.location_key"""

ACCESS_OF = """
MATCH (n:Npi)-[:HAS_ACCESS]->(a:Access)
WHERE n.npi IN $npis AND a.source = $source AND a.reference STARTS WITH $prefix
RETURN n.npi AS npi, properties(a) AS props
ORDER BY npi"""

MEMBERS_OF = """
MATCH (n:Npi)-[r:IN_NETWORK]->(w:Network)
WHERE n.npi IN $npis AND r.source = $source AND r.reference STARTS WITH $prefix
RETURN n.npi AS npi, w.id AS network_id, properties(r) AS fact
ORDER BY npi, network_id"""

LOCATIONS_OF = """
MATCH (n:Npi)-[r:PRACTICES_AT]->(l:Location)
WHERE n.npi IN $npis AND r.owner = $source
RETURN n.npi AS npi, properties(r) AS fact,
       l {.line1, .line2, .city, .state, .zip5, .county, .latitude, .longitude, .phone} AS place
ORDER BY npi, r.seq"""

FACT_NPIS = """
MATCH (n:Npi)-[:HAS_CREDENTIAL]->(c:Credential) WHERE c.source = $source AND c.reference STARTS WITH $prefix
RETURN n.npi AS npi
UNION
MATCH (n:Npi)-[r:OFFERS]->(:Treatment) WHERE r.source = $source AND r.reference STARTS WITH $prefix
RETURN n.npi AS npi
UNION
MATCH (n:Npi)-[:HAS_ACCESS]->(a:Access) WHERE a.source = $source AND a.reference STARTS WITH $prefix
RETURN n.npi AS npi
UNION
MATCH (n:Npi)-[r:IN_NETWORK]->(:Network) WHERE r.source = $source AND r.reference STARTS WITH $prefix
RETURN n.npi AS npi
UNION
MATCH (n:Npi)-[r:PRACTICES_AT]->(:Location) WHERE r.owner = $source
RETURN n.npi AS npi"""

DELETE_CREDENTIALS_OF = """
MATCH (n:Npi)-[:HAS_CREDENTIAL]->(c:Credential)
WHERE n.npi IN $npis AND c.source = $source AND c.reference STARTS WITH $prefix
DETACH DELETE c"""

DELETE_TREATMENTS_OF = """
MATCH (n:Npi)-[r:OFFERS]->(:Treatment)
WHERE n.npi IN $npis AND r.source = $source AND r.reference STARTS WITH $prefix
DELETE r"""

DELETE_ACCESS_OF = """
MATCH (n:Npi)-[:HAS_ACCESS]->(a:Access)
WHERE n.npi IN $npis AND a.source = $source AND a.reference STARTS WITH $prefix
DETACH DELETE a"""

DELETE_MEMBERS_OF = """
MATCH (n:Npi)-[r:IN_NETWORK]->(:Network)
WHERE n.npi IN $npis AND r.source = $source AND r.reference STARTS WITH $prefix
DELETE r"""

# a membership another source holds stays as it is; an unknown network matches nothing
INSERT_MEMBERS_OF = """
UNWIND $rows AS row
MATCH (n:Npi {npi: row.npi})
MATCH (w:Network {id: row.network_id})
WHERE NOT EXISTS { MATCH (n)-[:IN_NETWORK]->(w) }
CREATE (n)-[r:IN_NETWORK]->(w)
SET r = row.fact"""


# --------------------------------------------------------------- conversions
def record_params(r: SourceRecord) -> dict:
    return {
        "ref": r.ref,
        "props": {
            "ref": r.ref,
            "source": r.source,
            "record_id": r.record_id,
            "kind": r.kind,
            "fields": json.dumps(dict(r.fields), sort_keys=True, ensure_ascii=False),
            "content_hash": r.content_hash,
            "retrieved": r.evidence.retrieved.isoformat(),
            "method": r.evidence.method,
            "confidence": float(r.evidence.confidence),
            "file": r.evidence.reference,
            "line": int(r.line),
            "run_id": r.run_id,
        },
    }


def _record_evidence(p: dict) -> Evidence:
    return Evidence(p["source"], date.fromisoformat(p["retrieved"]), p["method"], float(p["confidence"]), p.get("file"))


def source_record(p: dict) -> SourceRecord:
    return SourceRecord(
        source=p["source"],
        record_id=p["record_id"],
        kind=p["kind"],
        fields=json.loads(p["fields"]),
        evidence=_record_evidence(p),
        content_hash=p["content_hash"],
        line=int(p["line"]),
        run_id=p["run_id"],
        retired_on=rows.day(p.get("retired_on")),
    )


def link_params(link: ResolutionLink) -> dict:
    return {
        "ref": link.ref,
        "props": {
            "ref": link.ref,
            "entity_id": link.entity_id,
            "npi": link.npi,
            "status": link.status.value,
            "probability": float(link.probability),
            "method": link.method,
            "decided_at": link.decided_at,
        },
    }


def resolution_link(p: dict) -> ResolutionLink:
    return ResolutionLink(
        p["ref"],
        p["entity_id"],
        p.get("npi"),
        LinkStatus(p["status"]),
        float(p["probability"]),
        p["method"],
        p["decided_at"],
    )


# ------------------------------------------------------ transaction functions
def record_sources(tx) -> list[RecordSource]:
    out = []
    for r in tx.run(SOURCES, {}).data():
        newest = txf.one(tx, NEWEST_FILE, {"source": r["source"], "as_of": r["as_of"]}) or {}
        out.append(
            RecordSource(
                r["source"],
                r["kind"],
                newest.get("file") or "",
                date.fromisoformat(r["as_of"]),
                newest.get("method") or "",
                int(r["current"]),
                int(r["retired"]),
            )
        )
    return out


def write_records(tx, batch: list[dict], checkpoint: dict | None) -> None:
    """A batch of records and its checkpoint, in one transaction."""
    if batch:
        txf.execute(tx, WRITE_RECORDS, {"rows": batch})
    if checkpoint is not None:
        found = txf.one(tx, q.CHECKPOINT, checkpoint)
        if not found or not found["found"]:
            raise NotFound("no ingest run " + repr(checkpoint["run_id"]) + " to checkpoint")


def source_facts(tx, params: dict) -> dict[str, SourceFacts]:
    found: dict[str, dict[str, list]] = {}

    def add(npi: str, section: str, fact: Any) -> None:
        found.setdefault(npi, {}).setdefault(section, []).append(fact)

    for r in tx.run(CREDENTIALS_OF, params).data():
        add(r["npi"], "credentials", rows.credential(r["props"]))
    for r in tx.run(TREATMENTS_OF, params).data():
        add(r["npi"], "treatments", rows.treatment(r))
    for r in tx.run(ACCESS_OF, params).data():
        add(r["npi"], "access", rows.access(r["props"]))
    for r in tx.run(MEMBERS_OF, params).data():
        add(r["npi"], "memberships", rows.network_member(r["network_id"], r))
    for r in tx.run(LOCATIONS_OF, {"source": params["source"], "npis": params["npis"]}).data():
        add(r["npi"], "locations", rows.provider_location(r))
    return {npi: SourceFacts(**{k: tuple(v) for k, v in held.items()}) for npi, held in found.items()}


def replace_source_facts(tx, source: str, facts: dict[str, SourceFacts]) -> int:
    """Replace the facts of ``source`` of the NPIs the store holds, in one transaction."""
    found = txf.one(tx, q.KNOWN_NPIS, {"npis": list(facts)})
    known = sorted(found["known"]) if found else []
    if not known:
        return 0
    params = {"source": source, "prefix": fact_prefix(source), "npis": known}
    for statement in (DELETE_CREDENTIALS_OF, DELETE_TREATMENTS_OF, DELETE_ACCESS_OF, DELETE_MEMBERS_OF):
        txf.execute(tx, statement, params)
    placed = rows.owned_locations_batch({npi: list(facts[npi].locations) for npi in known}, source)
    for place in placed["locations"]:  # the phone is the placement's: the address's stays the registry's
        place["phone"] = None
    txf.execute(tx, q.DELETE_OWNED_LOCATIONS, {"owned": placed["owned"]})
    held = [facts[npi] for npi in known]
    writes = (  # (query, its list parameter, the rows)
        (
            q.UPSERT_CREDENTIALS,
            "rows",
            [rows.credential_params(npi, c) for npi in known for c in facts[npi].credentials],
        ),
        (q.UPSERT_TREATMENTS, "rows", [rows.treatment_params(t) for f in held for t in f.treatments]),
        (q.UPSERT_ACCESS, "rows", [rows.access_params(a) for f in held for a in f.access]),
        (INSERT_MEMBERS_OF, "rows", [rows.member_params(m) for f in held for m in f.memberships]),
        (q.MERGE_LOCATIONS, "locations", placed["locations"]),
        (q.CREATE_PRACTICES_AT, "placed", placed["placed"]),
    )
    for query, name, batch in writes:
        if batch:
            txf.execute(tx, query, {name: batch})
    return len(known)


class Neo4jRecords:
    """The source-record primitives of :class:`~.neo4j.Neo4jStore`."""

    def _run(self, write: bool, work: Callable[..., Any], *args: Any) -> Any:  # pragma: no cover
        raise NotImplementedError  # Neo4jStore's

    def _stored_records(self, refs: list[str]) -> dict[str, StoredRecord]:
        found = self._run(False, txf.data, STORED_RECORDS, {"refs": refs})
        return {
            r["ref"]: StoredRecord(
                r["content_hash"], _record_evidence(r), r["run_id"], int(r["line"]), r["retired_on"] is not None
            )
            for r in found
        }

    def _write_source_records(self, records: list[SourceRecord], checkpoint) -> None:
        self._run(True, write_records, [record_params(r) for r in records], rows.checkpoint_params(checkpoint))

    def _retire_source_records(self, source: str, run_id: str, on: date) -> int:
        params = {"source": source, "run_id": run_id, "on": on.isoformat()}
        return self._run(True, txf.count_of, RETIRE, params, "retired")

    def _source_records(self, refs: list[str]) -> dict[str, SourceRecord]:
        found = [source_record(r["props"]) for r in self._run(False, txf.data, RECORDS, {"refs": refs})]
        return {r.ref: r for r in found}

    def _source_record_page(self, source: str, after: str, limit: int, include_retired: bool) -> list[SourceRecord]:
        params = {"source": source, "after": after, "all": include_retired, "limit": limit}
        return [source_record(r["props"]) for r in self._run(False, txf.data, RECORD_PAGE, params)]

    def _record_sources(self) -> list[RecordSource]:
        return self._run(False, record_sources)

    def _write_resolution_links(self, links: list[ResolutionLink]) -> int:
        return self._run(True, txf.written, WRITE_LINKS, {"rows": [link_params(link) for link in links]})

    def _resolution_links(self, refs: list[str]) -> dict[str, ResolutionLink]:
        found = self._run(False, txf.data, LINKS, {"refs": refs})
        return {r["props"]["ref"]: resolution_link(r["props"]) for r in found}

    def _resolution_link_page(self, after: str, limit: int) -> list[ResolutionLink]:
        found = self._run(False, txf.data, LINK_PAGE, {"after": after, "limit": limit})
        return [resolution_link(r["props"]) for r in found]

    def _delete_resolution_links(self, refs: list[str]) -> int:
        return self._run(True, txf.count_of, DELETE_LINKS, {"refs": refs}, "deleted")

    def _withdraw_model_matches(self, match_ids: list[str]) -> int:
        return self._run(True, txf.count_of, WITHDRAW_MATCHES, {"ids": match_ids}, "withdrawn")

    def _source_facts(self, source: str, npis: list[str]) -> dict[str, SourceFacts]:
        return self._run(False, source_facts, {"source": source, "prefix": fact_prefix(source), "npis": npis})

    def _source_fact_npis(self, source: str) -> list[str]:
        found = self._run(False, txf.data, FACT_NPIS, {"source": source, "prefix": fact_prefix(source)})
        return sorted({r["npi"] for r in found})

    def _replace_source_facts(self, source: str, facts: dict[str, SourceFacts]) -> int:
        return self._run(True, replace_source_facts, source, facts)
