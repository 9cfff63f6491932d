"""The embedded store: one SQLite file through the standard library.

WAL journal, foreign keys on; writes on one connection behind a lock, reads on
a connection per thread (:mod:`.sqlite_readers`), so reads run beside each other
and beside a write. Each primitive of the port is one transaction, so a crash
leaves the store at a primitive's boundary. Schema in :mod:`.sqlite_schema`, statements in
:mod:`.sqlite_sql`, the search query in :mod:`.sqlite_search`, row conversions
in :mod:`.sqlite_rows`, vetting criteria and results in :mod:`.sqlite_vetting`, the
curation of networks (creating, archiving, decisions, reviews, history) in
:mod:`.sqlite_networks`, source records, resolution links and each source's facts in
:mod:`.sqlite_records`.

Facts from other sources (credentials, treatments, access facts, affiliations,
exclusions) are written only for NPIs the store knows; the count returned says
how many were written.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from ..errors import ConstraintViolation, NotFound, StoreError, StoreUnavailable
from ..model import (
    AccessFacts,
    Affiliation,
    ApiKey,
    CoverageProvider,
    CoverageQuery,
    Credential,
    Employer,
    Evidence,
    Exclusion,
    ExclusionListLoad,
    IngestRun,
    MatchRecord,
    MatchStatus,
    Network,
    NetworkMember,
    OtherName,
    Payer,
    Plan,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
    QuarantinedRow,
    SearchCriteria,
    Taxonomy,
    TreatmentOffering,
)
from . import network_codec
from . import sqlite_coverage as coverage
from . import sqlite_keys as keys
from . import sqlite_rows as rows
from . import sqlite_sql as q
from .base import RunCheckpoint, Store, StoredVersion
from .names import words_json
from .ranking import Candidate
from .sqlite_exclusions import SQLiteExclusionRecords
from .sqlite_matching import SQLiteMatching
from .sqlite_networks import SQLiteNetworks
from .sqlite_outcomes import SQLiteOutcomeReports
from .sqlite_readers import Readers
from .sqlite_records import SQLiteRecords
from .sqlite_schema import (
    CATCH_UP_NAME_INDEX,
    COUNTS,
    DDL,
    DEFER_NAME_INDEX,
    DEFERRED_NAME_INDEX,
    MIGRATIONS,
    SCHEMA_VERSION,
    WIPE,
)
from .sqlite_search import SEARCH, SEARCH_ALL, haversine_sql, search_params
from .sqlite_vetting import SQLiteVetting

log = logging.getLogger(__name__)

_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=15000",
    "PRAGMA cache_size=-262144",  # 256 MiB: a national load dirties index pages all over; they stay hot
    "PRAGMA temp_store=MEMORY",
)


def _ids(values) -> str:
    return json.dumps(list(values))


def _grouped(cursor, convert) -> dict[str, list]:
    out: dict[str, list] = {}
    for row in cursor:
        out.setdefault(row["npi"], []).append(convert(row))
    return out


class SQLiteStore(
    SQLiteVetting,
    SQLiteExclusionRecords,
    SQLiteOutcomeReports,
    SQLiteMatching,
    SQLiteNetworks,
    SQLiteRecords,
    Store,
):
    """The embedded store on one file (or ``:memory:``)."""

    backend = "sqlite"

    def __init__(self, path: str | os.PathLike = ":memory:") -> None:
        super().__init__()
        self.path = str(path)
        self._lock = threading.Lock()
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            conn = self._connect()
            for pragma in _PRAGMAS:
                conn.execute(pragma)
        except (sqlite3.Error, OSError) as exc:
            raise StoreUnavailable(f"cannot open SQLite store {self.path!r}: {exc}") from exc
        self._conn: sqlite3.Connection | None = conn
        # an in-memory database exists in its one connection only
        self._readers = None if self.path == ":memory:" else Readers(self._connect)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.create_function("haversine", 4, haversine_sql, deterministic=True)
        conn.create_function("name_words", 1, words_json, deterministic=True)
        return conn

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"

    @contextmanager
    def _tx(self, write: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction: a write under the lock, a read on this thread's read
        connection; driver errors leave as StoreError."""
        if not write and self._readers is not None:
            try:
                reader = self._readers.get()
            except sqlite3.Error as exc:
                raise StoreUnavailable(f"cannot open SQLite store {self.path!r}: {exc}") from exc
            with self._transaction(reader, "BEGIN") as in_tx:
                yield in_tx
            return
        with self._lock:
            writer = self._conn
            if writer is None:
                raise StoreUnavailable("the SQLite store is closed")
            with self._transaction(writer, "BEGIN IMMEDIATE" if write else "BEGIN") as in_tx:
                yield in_tx

    @contextmanager
    def _transaction(self, conn: sqlite3.Connection, begin: str) -> Iterator[sqlite3.Connection]:
        try:
            conn.execute(begin)
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"cannot begin a transaction on {self.path!r}: {exc}") from exc
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.IntegrityError):
                raise ConstraintViolation(str(exc)) from exc
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"SQLite error: {exc}") from exc
            raise

    # ------------------------------------------------------------ lifecycle
    def _init_schema(self) -> None:
        with self._tx() as conn:
            for statement in DDL:
                conn.execute(statement)
            found = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
            if found is not None and found > SCHEMA_VERSION:
                raise StoreError(f"store schema version {found} is newer than this provnet ({SCHEMA_VERSION})")
            if found is not None and found < SCHEMA_VERSION:  # the tables existed: bring them up to date
                for version in range(found + 1, SCHEMA_VERSION + 1):
                    for statement in MIGRATIONS[version]:
                        conn.execute(statement)
                for statement in DDL:  # what a migration dropped to rebuild a table (views, triggers) comes back
                    conn.execute(statement)
            if found != SCHEMA_VERSION:
                conn.execute("DELETE FROM schema_version")
                conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
            self._catch_up_names(conn)  # a bulk load that was cut off

    def _wipe(self) -> None:
        with self._tx() as conn:
            for statement in WIPE:
                conn.execute(statement)
            self._catch_up_names(conn)

    def _begin_bulk(self) -> None:
        with self._tx() as conn:
            for statement in DEFER_NAME_INDEX:
                conn.execute(statement)

    def _end_bulk(self) -> None:
        with self._tx() as conn:
            self._catch_up_names(conn)

    @staticmethod
    def _catch_up_names(conn: sqlite3.Connection) -> None:
        if conn.execute(DEFERRED_NAME_INDEX).fetchone() is not None:
            started = time.perf_counter()
            words = conn.execute(CATCH_UP_NAME_INDEX[0]).rowcount
            for statement in CATCH_UP_NAME_INDEX[1:]:
                conn.execute(statement)
            log.info("name word index caught up: %d words in %.1f s", words, time.perf_counter() - started)

    def _close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
        if self._readers is not None:
            self._readers.close()

    # ------------------------------------------------------------ reference
    def _upsert_taxonomies(self, taxonomies: list[Taxonomy]) -> int:
        params = [(t.code, t.display_name, t.grouping, t.classification, t.specialization) for t in taxonomies]
        with self._tx() as conn:
            conn.executemany(q.UPSERT_TAXONOMY, params)
        return len(params)

    def _taxonomies(self, codes: list[str] | None) -> dict[str, Taxonomy]:
        with self._tx(write=False) as conn:
            cur = conn.execute(q.TAXONOMIES, {"codes": None if codes is None else _ids(codes)})
            return {
                r["code"]: Taxonomy(
                    r["code"], r["display_name"], r["grouping"], r["classification"], r["specialization"]
                )
                for r in cur
            }

    # ------------------------------------------------------------ providers
    def _stored_versions(self, npis: list[str]) -> dict[str, StoredVersion]:
        with self._tx(write=False) as conn:
            cur = conn.execute(q.STORED_VERSIONS, (_ids(npis),))
            return {r["npi"]: StoredVersion(r["content_hash"], rows.day(r["last_update"])) for r in cur}

    def _write_providers(self, records: list[tuple[ProviderRecord, str]], checkpoint: RunCheckpoint | None) -> None:
        providers: list[dict] = []
        owned: list[tuple[str, str]] = []
        locations: dict[str, dict] = {}
        placed: list[dict] = []
        coded: list[dict] = []
        named: list[dict] = []
        for record, digest in records:
            providers.append(rows.provider_params(record, digest))
            owner = record.evidence.source
            owned.append((record.npi, owner))
            placed += rows.placements(record.npi, owner, record.locations, locations)
            coded += rows.taxonomy_rows(record.npi, owner, record.taxonomies)
            named += rows.other_name_rows(record.npi, owner, record.other_names)
        with self._tx() as conn:
            # facts and names to replace exist only for NPIs already stored
            known = {r[0] for r in conn.execute(q.PROVIDER_NPIS, (_ids(r.npi for r, _ in records),))}
            stored = [pair for pair in owned if pair[0] in known]
            conn.executemany(q.UPSERT_PROVIDER, providers)
            conn.executemany(q.UPSERT_LOCATION, list(locations.values()))
            conn.executemany(q.DELETE_OWNED_LOCATIONS, stored)
            conn.executemany(q.DELETE_OWNED_TAXONOMIES, stored)
            conn.executemany(q.DELETE_OWNED_OTHER_NAMES, stored)
            conn.executemany(q.INSERT_PROVIDER_LOCATION, placed)
            conn.executemany(q.INSERT_PROVIDER_TAXONOMY, coded)
            conn.executemany(q.INSERT_OTHER_NAME, named)
            self._refresh_names(conn, records, known)
            self._save_checkpoint(conn, checkpoint)

    @staticmethod
    def _refresh_names(conn: sqlite3.Connection, records: list[tuple[ProviderRecord, str]], known: set[str]) -> None:
        """Rebuild the search names of the written providers and their words:
        legal names plus other names of every source (only a stored provider
        can have names from other sources, or old rows to delete). During a
        bulk load the words wait in name_word_pending (see DEFER_NAME_INDEX)."""
        names: dict[str, dict[str, str]] = {}
        for record, _ in records:
            legal = rows.legal_name(record)
            mine = names[record.npi] = {legal.upper(): legal} if legal else {}
            if record.npi not in known:
                for other in record.other_names:
                    mine.setdefault(other.name.upper(), other.name)
        if known:
            stored = _ids(sorted(known))
            for row in conn.execute(q.OTHER_NAMES_OF, (stored,)):
                names[row["npi"]].setdefault(row["name"].upper(), row["name"])
            conn.execute(q.DELETE_NAME_WORDS, (stored,))
            conn.execute(q.DELETE_NAMES, (stored,))
        conn.executemany(q.INSERT_NAME, [(npi, n) for npi, ns in names.items() for n in ns.values()])
        deferred = conn.execute(DEFERRED_NAME_INDEX).fetchone() is not None
        conn.execute(q.PEND_NAME_WORDS if deferred else q.INSERT_NAME_WORDS, (_ids(names),))

    def _checkpoint(self, checkpoint: RunCheckpoint) -> None:
        with self._tx() as conn:
            self._save_checkpoint(conn, checkpoint)

    def _deactivate(self, deactivations: dict[str, date], evidence: Evidence) -> int:
        note = json.dumps(rows.evidence_params(evidence))
        params = [{"day": when.isoformat(), "note": note, "npi": npi} for npi, when in sorted(deactivations.items())]
        with self._tx() as conn:
            return conn.executemany(q.DEACTIVATE, params).rowcount

    def _providers(self, npis: list[str]) -> dict[str, ProviderRecord]:
        with self._tx(write=False) as conn:
            return {r["npi"]: rows.provider(r) for r in conn.execute(q.PROVIDERS, (_ids(npis),))}

    def _provider_npis(self, after: str, limit: int) -> list[str]:
        with self._tx(write=False) as conn:
            return [r["npi"] for r in conn.execute(q.NPI_PAGE, (after, limit))]

    def _read_grouped(self, query: str, npis: list[str], convert) -> dict[str, list]:
        with self._tx(write=False) as conn:
            return _grouped(conn.execute(query, (_ids(npis),)), convert)

    def _locations_for(self, npis: list[str]) -> dict[str, list[ProviderLocation]]:
        return self._read_grouped(q.LOCATIONS_FOR, npis, rows.provider_location)

    def _taxonomies_for(self, npis: list[str]) -> dict[str, list[ProviderTaxonomy]]:
        return self._read_grouped(q.TAXONOMIES_FOR, npis, rows.provider_taxonomy)

    def _other_names_for(self, npis: list[str]) -> dict[str, list[OtherName]]:
        return self._read_grouped(q.OTHER_NAMES_FOR, npis, rows.other_name)

    def _credentials_for(self, npis: list[str]) -> dict[str, list[Credential]]:
        return self._read_grouped(q.CREDENTIALS_FOR, npis, rows.credential)

    def _treatments_for(self, npis: list[str]) -> dict[str, list[TreatmentOffering]]:
        return self._read_grouped(q.TREATMENTS_FOR, npis, rows.treatment)

    def _access_facts_for(self, npis: list[str]) -> dict[str, list[AccessFacts]]:
        return self._read_grouped(q.ACCESS_FOR, npis, rows.access)

    def _networks_for(self, npis: list[str]) -> dict[str, list[Network]]:
        return self._read_grouped(q.NETWORKS_FOR, npis, rows.network)

    def _affiliations_for(self, npis: list[str]) -> dict[str, list[Affiliation]]:
        return self._read_grouped(q.AFFILIATIONS_FOR, npis, rows.affiliation)

    def _exclusions_for(self, npis: list[str]) -> dict[str, list[Exclusion]]:
        return self._read_grouped(q.EXCLUSIONS_FOR, npis, rows.exclusion)

    def _subparts_of(self, npis: list[str]) -> dict[str, list[str]]:
        return self._read_grouped(q.SUBPARTS_OF, npis, lambda r: r["subpart_npi"])

    def _parents_of(self, npis: list[str]) -> dict[str, list[str]]:
        return self._read_grouped(q.PARENTS_OF, npis, lambda r: r["parent_npi"])

    # ---------------------------------------- secondary facts (other owners)
    def _replace_owned_locations(
        self, locations: dict[str, list[ProviderLocation]], source: str, checkpoint: RunCheckpoint | None
    ) -> int:
        with self._tx() as conn:
            known = sorted(r["npi"] for r in conn.execute(q.PROVIDER_NPIS, (_ids(locations),)))
            places: dict[str, dict] = {}
            placed = [row for npi in known for row in rows.placements(npi, source, locations[npi], places)]
            conn.executemany(q.UPSERT_LOCATION, list(places.values()))
            conn.executemany(q.DELETE_OWNED_LOCATIONS, [(npi, source) for npi in known])
            conn.executemany(q.INSERT_PROVIDER_LOCATION, placed)
            self._save_checkpoint(conn, checkpoint)
        return len(known)

    def _replace_owned_other_names(
        self, names: dict[str, list[OtherName]], source: str, checkpoint: RunCheckpoint | None
    ) -> int:
        with self._tx() as conn:
            found = [rows.provider(r) for r in conn.execute(q.PROVIDERS, (_ids(names),))]
            known = sorted(r.npi for r in found)
            conn.executemany(q.DELETE_OWNED_OTHER_NAMES, [(npi, source) for npi in known])
            conn.executemany(
                q.INSERT_OTHER_NAME, [row for npi in known for row in rows.other_name_rows(npi, source, names[npi])]
            )
            self._refresh_names(conn, [(r, "") for r in found], set(known))
            self._save_checkpoint(conn, checkpoint)
        return len(known)

    def _sweep_owned_facts(self, source: str, reference: str) -> int:
        with self._tx() as conn:
            npis = [r["npi"] for r in conn.execute(q.SWEPT_NAME_NPIS, (source, reference))]
            removed = conn.execute(q.SWEEP_LOCATIONS, (source, reference)).rowcount
            removed += conn.execute(q.SWEEP_OTHER_NAMES, (source, reference)).rowcount
            if npis:
                found = [(rows.provider(r), "") for r in conn.execute(q.PROVIDERS, (_ids(npis),))]
                self._refresh_names(conn, found, set(npis))
        return removed

    @staticmethod
    def _save_checkpoint(conn: sqlite3.Connection, checkpoint: RunCheckpoint | None) -> None:
        if checkpoint is None:
            return
        cur = conn.execute(q.CHECKPOINT, (checkpoint.resume_line, json.dumps(checkpoint.counts), checkpoint.run_id))
        if cur.rowcount == 0:
            raise NotFound(f"no ingest run {checkpoint.run_id!r} to checkpoint")

    # ------------------------------------------------ facts from other sources
    def _write_many(self, query: str, params: list) -> int:
        with self._tx() as conn:
            return conn.executemany(query, params).rowcount

    def _upsert_credentials(self, credentials: list[tuple[str, Credential]]) -> int:
        return self._write_many(q.UPSERT_CREDENTIAL, [rows.credential_params(npi, c) for npi, c in credentials])

    def _upsert_treatments(self, offerings: list[TreatmentOffering]) -> int:
        return self._write_many(q.UPSERT_TREATMENT, [rows.treatment_params(t) for t in offerings])

    def _upsert_access(self, facts: list[AccessFacts]) -> int:
        return self._write_many(q.UPSERT_ACCESS, [rows.access_params(a) for a in facts])

    def _upsert_affiliations(self, affiliations: list[Affiliation]) -> int:
        return self._write_many(
            q.UPSERT_AFFILIATION,
            [
                {
                    "individual_npi": a.individual_npi,
                    "organization_npi": a.organization_npi,
                    "role": a.role,
                    **rows.evidence_params(a.evidence),
                }
                for a in affiliations
            ],
        )

    def _upsert_exclusions(self, exclusions: list[Exclusion]) -> int:
        return self._write_many(q.UPSERT_EXCLUSION, [rows.exclusion_params(x) for x in exclusions])

    def _record_exclusion_lists(self, loads: list[ExclusionListLoad]) -> int:
        params = [
            {"list_name": x.list_name, "as_of": x.as_of.isoformat(), **rows.evidence_params(x.evidence)} for x in loads
        ]
        return self._write_many(q.UPSERT_EXCLUSION_LIST, params)

    def _exclusion_lists(self) -> list[ExclusionListLoad]:
        with self._tx(write=False) as conn:
            return [rows.exclusion_list(r) for r in conn.execute(q.EXCLUSION_LISTS)]

    # ------------------------------------------------ payers, plans, networks
    def _upsert_payers(self, payers: list[Payer]) -> int:
        return self._write_many(q.UPSERT_PAYER, [(p.id, p.name) for p in payers])

    def _upsert_employers(self, employers: list[Employer]) -> int:
        with self._tx() as conn:
            conn.executemany(q.UPSERT_EMPLOYER, [(e.id, e.name) for e in employers])
            conn.execute(q.DELETE_EMPLOYER_PLANS, (_ids(e.id for e in employers),))
            conn.executemany(
                q.INSERT_EMPLOYER_PLAN,
                [(e.id, plan_id, seq) for e in employers for seq, plan_id in enumerate(dict.fromkeys(e.plan_ids))],
            )
        return len(employers)

    def _upsert_networks(self, networks: list[Network]) -> int:
        return self._write_many(
            q.UPSERT_NETWORK,
            [
                (n.id, n.name, n.kind.value, n.owner_id, n.status.value, network_codec.regions_json(n.regions))
                for n in networks
            ],
        )

    def _upsert_plans(self, plans: list[Plan]) -> int:
        with self._tx() as conn:
            conn.executemany(q.UPSERT_PLAN, [(p.id, p.payer_id, p.name, p.product_type) for p in plans])
            conn.execute(q.DELETE_PLAN_NETWORKS, (_ids(p.id for p in plans),))
            conn.executemany(
                q.INSERT_PLAN_NETWORK,
                [(p.id, network_id, seq) for p in plans for seq, network_id in enumerate(dict.fromkeys(p.network_ids))],
            )
        return len(plans)

    def _payers(self) -> list[Payer]:
        with self._tx(write=False) as conn:
            return [Payer(r["id"], r["name"]) for r in conn.execute(q.PAYERS)]

    def _employers(self) -> list[Employer]:
        with self._tx(write=False) as conn:
            return [Employer(r["id"], r["name"], tuple(json.loads(r["plan_ids"]))) for r in conn.execute(q.EMPLOYERS)]

    def _networks(self, ids: list[str] | None) -> list[Network]:
        with self._tx(write=False) as conn:
            return [rows.network(r) for r in conn.execute(q.NETWORKS, {"ids": None if ids is None else _ids(ids)})]

    def _plans(self, ids: list[str] | None) -> list[Plan]:
        with self._tx(write=False) as conn:
            cur = conn.execute(q.PLANS, {"ids": None if ids is None else _ids(ids)})
            return [
                Plan(r["id"], r["payer_id"], r["name"], r["product_type"], tuple(json.loads(r["network_ids"])))
                for r in cur
            ]

    @staticmethod
    def _require_network(conn: sqlite3.Connection, network_ids: list[str]) -> None:
        found = {r["id"] for r in conn.execute(q.NETWORK_IDS, (_ids(network_ids),))}
        missing = sorted(set(network_ids) - found)
        if missing:
            raise NotFound(f"no network {', '.join(missing)}")

    def _add_network_members(self, members: list[NetworkMember]) -> int:
        network_ids = sorted({m.network_id for m in members})
        npis = sorted({m.npi for m in members})
        with self._tx() as conn:
            self._require_network(conn, network_ids)
            known = {r["npi"] for r in conn.execute(q.PROVIDER_NPIS, (_ids(npis),))}
            missing = sorted(set(npis) - known)
            if missing:
                raise NotFound(f"no provider with NPI {', '.join(missing[:10])}")
            before = conn.execute(q.COUNT_MEMBERS, (_ids(network_ids),)).fetchone()[0]
            conn.executemany(
                q.UPSERT_MEMBER,
                [
                    {
                        "network_id": m.network_id,
                        "npi": m.npi,
                        "added_on": rows.iso(m.added_on),
                        **rows.evidence_params(m.evidence),
                        **network_codec.decision_params(m),
                    }
                    for m in members
                ],
            )
            return conn.execute(q.COUNT_MEMBERS, (_ids(network_ids),)).fetchone()[0] - before

    def _remove_network_members(self, network_id: str, npis: list[str]) -> int:
        with self._tx() as conn:
            self._require_network(conn, [network_id])
            return conn.execute(q.DELETE_MEMBERS, (network_id, _ids(npis))).rowcount

    def _network_members(self, network_id: str) -> list[NetworkMember]:
        with self._tx(write=False) as conn:
            self._require_network(conn, [network_id])
            return [rows.network_member(r) for r in conn.execute(q.MEMBERS, (network_id,))]

    # ------------------------------------------------------ network adequacy
    def _coverage_inputs(self, query: CoverageQuery) -> list[CoverageProvider]:
        with self._tx(write=False) as conn:
            return coverage.read(conn, query)

    # -------------------------------------------------------------- API keys
    def _add_api_key(self, key: ApiKey) -> None:
        with self._tx() as conn:
            keys.add(conn, key)

    def _api_key(self, key_id: str) -> ApiKey | None:
        with self._tx(write=False) as conn:
            return keys.get(conn, key_id)

    def _api_keys(self) -> list[ApiKey]:
        with self._tx(write=False) as conn:
            return keys.every(conn)

    def _revoke_api_key(self, key_id: str, at: datetime) -> ApiKey:
        with self._tx() as conn:
            return keys.revoke(conn, key_id, at)

    def _record_api_key_use(self, key_id: str, at: datetime) -> None:
        with self._tx() as conn:
            keys.used(conn, key_id, at)

    # ---------------------------------------------------------------- search
    def _search_candidates(self, criteria: SearchCriteria, limit: int) -> list[Candidate]:
        params = search_params(criteria, limit)
        with self._tx(write=False) as conn:
            found = conn.execute(SEARCH_ALL if params["drive"] == "all" else SEARCH, params).fetchall()
        return [
            Candidate(
                npi=r["npi"],
                display_name=r["display_name"],
                entity_type_code=r["entity_type"],
                distance_miles=r["distance"],
                nearest_location_key=r["location_key"],
                names=tuple(json.loads(r["names"])) if r["names"] else (),
                accepting=rows.truth(r["accepting"]),
            )
            for r in found
        ]

    # ---------------------------------------------------- entity resolution
    def _save_matches(self, matches: list[MatchRecord]) -> int:
        return self._write_many(q.UPSERT_MATCH, [rows.match_params(m) for m in matches])

    def _matches(
        self, status: MatchStatus | None, ids: list[str] | None, record: str | None, limit: int | None
    ) -> list[MatchRecord]:
        params = {
            "status": None if status is None else status.value,
            "ids": None if ids is None else _ids(ids),
            "record": record,
            "limit": -1 if limit is None else limit,
        }
        with self._tx(write=False) as conn:
            return [rows.match(r) for r in conn.execute(q.MATCHES, params)]

    def _decide_match(self, match_id: str, status: MatchStatus, decided_by: str, decided_at: str) -> MatchRecord:
        with self._tx() as conn:
            if conn.execute(q.DECIDE_MATCH, (status.value, decided_by, decided_at, match_id)).rowcount == 0:
                raise NotFound(f"no match {match_id!r}")
            return rows.match(conn.execute(q.MATCH_BY_ID, (match_id,)).fetchone())

    # ---------------------------------------------------------- ingest books
    def _start_run(self, run: IngestRun) -> IngestRun:
        with self._tx() as conn:
            unfinished = conn.execute(q.UNFINISHED_RUN, (run.source, run.file_sha256)).fetchone()
            if unfinished is not None:
                conn.execute(q.RESUME_RUN, (run.scope, unfinished["run_id"]))
                log.debug(
                    "reopened ingest run %s, committed up to line %d", unfinished["run_id"], unfinished["resume_line"]
                )
                return rows.run(conn.execute(q.RUN_BY_ID, (unfinished["run_id"],)).fetchone())
            conn.execute(
                q.INSERT_RUN,
                (
                    run.run_id,
                    run.source,
                    run.file_name,
                    run.file_sha256,
                    run.started_at,
                    run.finished_at,
                    run.status,
                    json.dumps(run.counts),
                    run.resume_line,
                    run.scope,
                ),
            )
            return run

    def _finish_run(self, run_id: str, status: str, counts: dict[str, int]) -> None:
        finished = datetime.now(UTC).isoformat(timespec="seconds")
        with self._tx() as conn:
            if conn.execute(q.FINISH_RUN, (status, finished, json.dumps(counts), run_id)).rowcount == 0:
                raise NotFound(f"no ingest run {run_id!r}")

    def _runs(self, source: str | None) -> list[IngestRun]:
        with self._tx(write=False) as conn:
            return [rows.run(r) for r in conn.execute(q.RUNS, {"source": source})]

    def _quarantine(self, quarantined: list[QuarantinedRow]) -> int:
        return self._write_many(
            q.QUARANTINE, [(r.run_id, r.line_number, r.source, r.reason, r.detail, r.raw) for r in quarantined]
        )

    def _quarantined(self, run_id: str | None, limit: int) -> list[QuarantinedRow]:
        with self._tx(write=False) as conn:
            return [rows.quarantined(r) for r in conn.execute(q.QUARANTINED, {"run_id": run_id, "limit": limit})]

    def _counts(self) -> dict[str, int]:
        with self._tx(write=False) as conn:
            return dict(conn.execute(COUNTS).fetchone())
