"""Source records, resolution links and each source's facts on the embedded
store (see :mod:`.record_books`): tables, statements, and the primitives
``SQLiteStore`` inherits. Each primitive is one transaction.

A record's canonical fields are one JSON object (``fields``); its evidence is
the columns ``retrieved, method, confidence, file`` (the source is the record's
own). A source's facts are found by their evidence source and a reference that
starts with ``<source>:`` (placements by ``owner_source``), as the port says.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import AbstractContextManager
from datetime import date

from ..model import Evidence
from ..source_records import LinkStatus, RecordSource, ResolutionLink, SourceFacts, SourceRecord
from . import sqlite_rows as rows
from . import sqlite_sql as q
from .record_books import StoredRecord, fact_prefix

#: Created by ``init_schema`` (new tables, and indexes on older ones: no migration needed).
RECORD_TABLES: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS source_record (
        source TEXT NOT NULL, record_id TEXT NOT NULL, kind TEXT NOT NULL, fields TEXT NOT NULL,
        content_hash TEXT NOT NULL, retrieved TEXT NOT NULL, method TEXT NOT NULL, confidence REAL NOT NULL,
        file TEXT, line INTEGER NOT NULL, run_id TEXT NOT NULL, retired_on TEXT,
        PRIMARY KEY (source, record_id)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS source_record_newest ON source_record (source, retrieved)",
    """CREATE TABLE IF NOT EXISTS resolution_link (
        ref TEXT PRIMARY KEY, entity_id TEXT NOT NULL, npi TEXT, status TEXT NOT NULL,
        probability REAL NOT NULL, method TEXT NOT NULL, decided_at TEXT NOT NULL) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS resolution_link_entity ON resolution_link (entity_id)",
    "CREATE INDEX IF NOT EXISTS resolution_link_npi ON resolution_link (npi)",
    # a source's facts are read and replaced by (source, npi)
    "CREATE INDEX IF NOT EXISTS credential_source ON credential (source, npi)",
    "CREATE INDEX IF NOT EXISTS treatment_offering_source ON treatment_offering (source, npi)",
    "CREATE INDEX IF NOT EXISTS access_facts_source ON access_facts (source, npi)",
    "CREATE INDEX IF NOT EXISTS network_member_source ON network_member (source, npi)",
)
WIPE_RECORDS: tuple[str, ...] = ("DELETE FROM resolution_link", "DELETE FROM source_record")

# ------------------------------------------------------------------ records
_WANTED = """WITH wanted AS (
    SELECT json_extract(value, '$[0]') AS source, json_extract(value, '$[1]') AS record_id FROM json_each(?))"""
STORED_RECORDS = (
    _WANTED
    + """
SELECT r.source, r.record_id, r.content_hash, r.retrieved, r.method, r.confidence, r.file, r.line, r.run_id,
    r.retired_on
FROM wanted w JOIN source_record r ON r.source = w.source AND r.record_id = w.record_id"""
)
RECORDS = (
    _WANTED
    + """
SELECT r.* FROM wanted w JOIN source_record r ON r.source = w.source AND r.record_id = w.record_id"""
)
UPSERT_RECORD = """
INSERT INTO source_record (source, record_id, kind, fields, content_hash, retrieved, method, confidence, file,
    line, run_id, retired_on)
VALUES (:source, :record_id, :kind, :fields, :content_hash, :retrieved, :method, :confidence, :file,
    :line, :run_id, NULL)
ON CONFLICT (source, record_id) DO UPDATE SET kind = excluded.kind, fields = excluded.fields,
    content_hash = excluded.content_hash, retrieved = excluded.retrieved, method = excluded.method,
    confidence = excluded.confidence, file = excluded.file, line = excluded.line, run_id = excluded.run_id,
    retired_on = NULL"""
RETIRE = """
UPDATE source_record SET retired_on = :on
WHERE source = :source AND retired_on IS NULL AND run_id <> :run_id"""
RECORD_PAGE = """
SELECT * FROM source_record
WHERE source = :source AND record_id > :after AND (:all OR retired_on IS NULL)
ORDER BY record_id LIMIT :limit"""
SOURCES = """
SELECT source, min(kind) AS kind, max(retrieved) AS as_of,
    sum(retired_on IS NULL) AS current, sum(retired_on IS NOT NULL) AS retired
FROM source_record GROUP BY source ORDER BY source"""
NEWEST_FILE = """
SELECT file, method FROM source_record WHERE source = ? AND retrieved = ? ORDER BY run_id DESC, record_id LIMIT 1"""

# -------------------------------------------------------------------- links
UPSERT_LINK = """
INSERT INTO resolution_link (ref, entity_id, npi, status, probability, method, decided_at)
VALUES (:ref, :entity_id, :npi, :status, :probability, :method, :decided_at)
ON CONFLICT (ref) DO UPDATE SET entity_id = excluded.entity_id, npi = excluded.npi, status = excluded.status,
    probability = excluded.probability, method = excluded.method, decided_at = excluded.decided_at"""
LINKS = "SELECT * FROM resolution_link WHERE ref IN (SELECT value FROM json_each(?))"
LINK_PAGE = "SELECT * FROM resolution_link WHERE ref > ? ORDER BY ref LIMIT ?"
DELETE_LINKS = "DELETE FROM resolution_link WHERE ref IN (SELECT value FROM json_each(?))"
WITHDRAW_MATCHES = """
DELETE FROM match_decision WHERE match_id IN (SELECT value FROM json_each(?)) AND decided_by = 'model'"""

# ------------------------------------------------------- a source's facts
_OF_SOURCE = """source = :source AND substr(reference, 1, length(:prefix)) = :prefix
    AND npi IN (SELECT value FROM json_each(:npis))"""
CREDENTIALS_OF = "SELECT * FROM credential WHERE " + _OF_SOURCE + " ORDER BY npi, key"
TREATMENTS_OF = "SELECT * FROM treatment_offering WHERE " + _OF_SOURCE + " ORDER BY npi, treatment, location_key"
ACCESS_OF = "SELECT * FROM access_facts WHERE " + _OF_SOURCE + " ORDER BY npi"
MEMBERS_OF = "SELECT * FROM network_member WHERE " + _OF_SOURCE + " ORDER BY npi, network_id"
LOCATIONS_OF = """
SELECT pl.npi, pl.is_primary, pl.source, pl.retrieved, pl.method, pl.confidence, pl.reference,
    pl.file, pl.link_probability, l.line1, l.line2, l.city, l.state, l.zip5, l.county, l.latitude, l.longitude,
    coalesce(pl.phone, l.phone) AS phone
FROM provider_location pl JOIN location l ON l.id = pl.location_id
WHERE pl.owner_source = :source AND pl.npi IN (SELECT value FROM json_each(:npis))
ORDER BY pl.npi, pl.seq"""
_ANY = "source = :source AND substr(reference, 1, length(:prefix)) = :prefix"
FACT_NPIS = (
    "SELECT npi FROM credential WHERE "
    + _ANY
    + " UNION SELECT npi FROM treatment_offering WHERE "
    + _ANY
    + " UNION SELECT npi FROM access_facts WHERE "
    + _ANY
    + " UNION SELECT npi FROM network_member WHERE "
    + _ANY
    + " UNION SELECT npi FROM provider_location WHERE owner_source = :source ORDER BY npi"
)
DELETE_CREDENTIALS_OF = "DELETE FROM credential WHERE " + _OF_SOURCE
DELETE_TREATMENTS_OF = "DELETE FROM treatment_offering WHERE " + _OF_SOURCE
DELETE_ACCESS_OF = "DELETE FROM access_facts WHERE " + _OF_SOURCE
DELETE_MEMBERS_OF = "DELETE FROM network_member WHERE " + _OF_SOURCE
# a membership another source holds stays as it is; an unknown network is skipped
INSERT_MEMBER_OF = """
INSERT INTO network_member (network_id, npi, added_on, source, retrieved, method, confidence, reference, file,
    link_probability)
SELECT :network_id, :npi, :added_on, :source, :retrieved, :method, :confidence, :reference, :file, :link_probability
WHERE EXISTS (SELECT 1 FROM network WHERE id = :network_id) AND EXISTS (SELECT 1 FROM provider WHERE npi = :npi)
ON CONFLICT (network_id, npi) DO NOTHING"""


def _split(ref: str) -> list[str]:
    source, _, record_id = ref.partition(":")
    return [source, record_id]


def record_params(r: SourceRecord) -> dict:
    return {
        "source": r.source,
        "record_id": r.record_id,
        "kind": r.kind,
        "fields": json.dumps(dict(r.fields), sort_keys=True, ensure_ascii=False),
        "content_hash": r.content_hash,
        "retrieved": r.evidence.retrieved.isoformat(),
        "method": r.evidence.method,
        "confidence": float(r.evidence.confidence),
        "file": r.evidence.reference,
        "line": r.line,
        "run_id": r.run_id,
    }


def _record_evidence(row: sqlite3.Row) -> Evidence:
    return Evidence(row["source"], date.fromisoformat(row["retrieved"]), row["method"], row["confidence"], row["file"])


def source_record(row: sqlite3.Row) -> SourceRecord:
    return SourceRecord(
        source=row["source"],
        record_id=row["record_id"],
        kind=row["kind"],
        fields=json.loads(row["fields"]),
        evidence=_record_evidence(row),
        content_hash=row["content_hash"],
        line=row["line"],
        run_id=row["run_id"],
        retired_on=rows.day(row["retired_on"]),
    )


def link_params(link: ResolutionLink) -> dict:
    return {
        "ref": link.ref,
        "entity_id": link.entity_id,
        "npi": link.npi,
        "status": link.status.value,
        "probability": float(link.probability),
        "method": link.method,
        "decided_at": link.decided_at,
    }


def resolution_link(row: sqlite3.Row) -> ResolutionLink:
    return ResolutionLink(
        row["ref"],
        row["entity_id"],
        row["npi"],
        LinkStatus(row["status"]),
        row["probability"],
        row["method"],
        row["decided_at"],
    )


class SQLiteRecords:
    """The source-record primitives of :class:`~.sqlite.SQLiteStore`."""

    def _tx(self, write: bool = True) -> AbstractContextManager[sqlite3.Connection]:  # pragma: no cover
        raise NotImplementedError  # SQLiteStore's

    @staticmethod
    def _save_checkpoint(conn: sqlite3.Connection, checkpoint) -> None:  # pragma: no cover
        raise NotImplementedError  # SQLiteStore's

    # ------------------------------------------------------------- records
    def _stored_records(self, refs: list[str]) -> dict[str, StoredRecord]:
        with self._tx(write=False) as conn:
            return {
                f"{r['source']}:{r['record_id']}": StoredRecord(
                    r["content_hash"], _record_evidence(r), r["run_id"], r["line"], r["retired_on"] is not None
                )
                for r in conn.execute(STORED_RECORDS, (json.dumps([_split(ref) for ref in refs]),))
            }

    def _write_source_records(self, records: list[SourceRecord], checkpoint) -> None:
        with self._tx() as conn:
            conn.executemany(UPSERT_RECORD, [record_params(r) for r in records])
            self._save_checkpoint(conn, checkpoint)

    def _retire_source_records(self, source: str, run_id: str, on: date) -> int:
        with self._tx() as conn:
            return conn.execute(RETIRE, {"source": source, "run_id": run_id, "on": on.isoformat()}).rowcount

    def _source_records(self, refs: list[str]) -> dict[str, SourceRecord]:
        with self._tx(write=False) as conn:
            found = [source_record(r) for r in conn.execute(RECORDS, (json.dumps([_split(ref) for ref in refs]),))]
        return {r.ref: r for r in found}

    def _source_record_page(self, source: str, after: str, limit: int, include_retired: bool) -> list[SourceRecord]:
        params = {"source": source, "after": after, "all": int(include_retired), "limit": limit}
        with self._tx(write=False) as conn:
            return [source_record(r) for r in conn.execute(RECORD_PAGE, params)]

    def _record_sources(self) -> list[RecordSource]:
        out = []
        with self._tx(write=False) as conn:
            for r in conn.execute(SOURCES).fetchall():
                newest = conn.execute(NEWEST_FILE, (r["source"], r["as_of"])).fetchone()
                out.append(
                    RecordSource(
                        r["source"],
                        r["kind"],
                        newest["file"] or "",
                        date.fromisoformat(r["as_of"]),
                        newest["method"],
                        int(r["current"]),
                        int(r["retired"]),
                    )
                )
        return out

    # --------------------------------------------------------------- links
    def _write_resolution_links(self, links: list[ResolutionLink]) -> int:
        with self._tx() as conn:
            conn.executemany(UPSERT_LINK, [link_params(link) for link in links])
        return len(links)

    def _resolution_links(self, refs: list[str]) -> dict[str, ResolutionLink]:
        with self._tx(write=False) as conn:
            return {r["ref"]: resolution_link(r) for r in conn.execute(LINKS, (json.dumps(refs),))}

    def _resolution_link_page(self, after: str, limit: int) -> list[ResolutionLink]:
        with self._tx(write=False) as conn:
            return [resolution_link(r) for r in conn.execute(LINK_PAGE, (after, limit))]

    def _delete_resolution_links(self, refs: list[str]) -> int:
        with self._tx() as conn:
            return conn.execute(DELETE_LINKS, (json.dumps(refs),)).rowcount

    def _withdraw_model_matches(self, match_ids: list[str]) -> int:
        with self._tx() as conn:
            return conn.execute(WITHDRAW_MATCHES, (json.dumps(match_ids),)).rowcount

    # ------------------------------------------------------ a source's facts
    def _source_facts(self, source: str, npis: list[str]) -> dict[str, SourceFacts]:
        params = {"source": source, "prefix": fact_prefix(source), "npis": json.dumps(npis)}
        found: dict[str, dict[str, list]] = {}

        def add(npi: str, section: str, fact) -> None:
            found.setdefault(npi, {}).setdefault(section, []).append(fact)

        with self._tx(write=False) as conn:
            for r in conn.execute(CREDENTIALS_OF, params):
                add(r["npi"], "credentials", rows.credential(r))
            for r in conn.execute(TREATMENTS_OF, params):
                add(r["npi"], "treatments", rows.treatment(r))
            for r in conn.execute(ACCESS_OF, params):
                add(r["npi"], "access", rows.access(r))
            for r in conn.execute(MEMBERS_OF, params):
                add(r["npi"], "memberships", rows.network_member(r))
            for r in conn.execute(LOCATIONS_OF, {"source": source, "npis": params["npis"]}):
                add(r["npi"], "locations", rows.provider_location(r))
        return {npi: SourceFacts(**{k: tuple(v) for k, v in held.items()}) for npi, held in found.items()}

    def _source_fact_npis(self, source: str) -> list[str]:
        with self._tx(write=False) as conn:
            return [r[0] for r in conn.execute(FACT_NPIS, {"source": source, "prefix": fact_prefix(source)})]

    def _replace_source_facts(self, source: str, facts: dict[str, SourceFacts]) -> int:
        with self._tx() as conn:
            known = sorted(r["npi"] for r in conn.execute(q.PROVIDER_NPIS, (json.dumps(list(facts)),)))
            params = {"source": source, "prefix": fact_prefix(source), "npis": json.dumps(known)}
            for statement in (DELETE_CREDENTIALS_OF, DELETE_TREATMENTS_OF, DELETE_ACCESS_OF, DELETE_MEMBERS_OF):
                conn.execute(statement, params)
            conn.executemany(q.DELETE_OWNED_LOCATIONS, [(npi, source) for npi in known])
            places: dict[str, dict] = {}
            placed = [row for npi in known for row in rows.placements(npi, source, list(facts[npi].locations), places)]
            for place in places.values():  # the phone is the placement's: the address's stays the registry's
                place["phone"] = None
            held = [facts[npi] for npi in known]
            conn.executemany(
                q.UPSERT_CREDENTIAL, [rows.credential_params(npi, c) for npi in known for c in facts[npi].credentials]
            )
            conn.executemany(q.UPSERT_TREATMENT, [rows.treatment_params(t) for f in held for t in f.treatments])
            conn.executemany(q.UPSERT_ACCESS, [rows.access_params(a) for f in held for a in f.access])
            conn.executemany(
                INSERT_MEMBER_OF,
                [
                    {
                        "network_id": m.network_id,
                        "npi": m.npi,
                        "added_on": rows.iso(m.added_on),
                        **rows.evidence_params(m.evidence),
                    }
                    for f in held
                    for m in f.memberships
                ],
            )
            conn.executemany(q.UPSERT_LOCATION, list(places.values()))
            conn.executemany(q.INSERT_PROVIDER_LOCATION, placed)
        return len(known)
