"""The Neo4j 5 store, through the official driver (5.x or 6.x).

One driver per store; every primitive is one managed transaction
(``execute_read``/``execute_write``, which retry transient errors), except the
schema, whose commands each run in their own transaction, and ``wipe``, which
deletes in batches. Query text is constant (:mod:`.neo4j_cypher`,
:mod:`.neo4j_names`, :mod:`.neo4j_search`); row conversions live in :mod:`.neo4j_rows`.

Graph model (dates are ISO ``YYYY-MM-DD`` strings; every fact carries its
evidence as ``source, retrieved, method, confidence, reference``)::

    (:Npi:Provider | :Npi:Organization {npi, entity_type, names..., content_hash,
        search_name, names, lbn_key, parent_lbn_key, evidence})
    (:Npi)-[:PRACTICES_AT {owner, seq, is_primary, phone, evidence}]->(:Location {key, line1, line2,
        city, state, zip5, county, latitude, longitude, phone, point})
    (:Npi)-[:HAS_TAXONOMY {owner, seq, is_primary, license_number, license_state, evidence}]
        ->(:Taxonomy {code, display_name, grouping, classification, specialization})
    (:Npi)-[:ALSO_KNOWN_AS]->(:OtherName {npi, owner, seq, name, type_code, evidence})
    (:Npi | :OtherName)-[:NAMED]->(:NameWord {word})    the words of its names (.names)
    (:Organization)-[:SUBPART_OF]->(:Organization)      by parent legal business name
    (:Npi)-[:HAS_CREDENTIAL]->(:Credential {uid, npi, key, kind, ..., evidence})
    (:Npi)-[:OFFERS {location_key, source, telehealth, detail, evidence}]->(:Treatment {code})
    (:Npi)-[:HAS_ACCESS]->(:Access {uid, npi, accepting_new_patients, telehealth, languages,
        wait_days, evidence})                          one per (NPI, source)
    (:Npi)-[:AFFILIATED_WITH {source, role, evidence}]->(:Npi)
    (:Npi)-[:EXCLUDED]->(:Exclusion {uid, npi, list_name, exclusion_type, excluded_on,
        reinstated_on, evidence})
    (:ExclusionList {list_name, as_of, evidence}): which lists were loaded, as of when
    (:ExclusionRecord {uid, list_name, key, identity, ...}): a row of a list, see .neo4j_exclusions
    (:Npi)-[:REPORTED]->(:Outcome {uid, npi, period_start, period_end, ...}): see .neo4j_outcomes
    (:Npi)-[:IN_NETWORK {added_on, evidence}]->(:Network {id, name, kind, owner_id})
    (:Payer|Employer {id, name})-[:OFFERS_NETWORK]->(:Network)
    (:Payer)-[:OFFERS_PLAN]->(:Plan {id, payer_id, name, product_type, network_ids})
        -[:USES]->(:Network)
    (:MatchDecision {match_id, left_ref, right_ref, ..., agreement (JSON)})
    (:ApiKey {key_id, role, tenant, label, secret_hash, created_at, ...}): see .neo4j_keys
    (:IngestRun {run_id, ..., counts (JSON), resume_line}), (:Quarantine {uid, run_id,
        line_number, ...}), (:SchemaVersion {id, version})
    (:VettingCriteria), (:VettingResult): see :mod:`.neo4j_vetting`
    (:NetworkEvent): a network's history, see :mod:`.neo4j_networks`; a Network also keeps
        status, regions (JSON) and event_seq, and IN_NETWORK a curator's decision and review
    (:SourceRecord), (:ResolutionLink), and each source's facts: see :mod:`.neo4j_records`

``owner`` is the evidence source of the record that wrote a fact: writing a
record replaces the locations, taxonomies and other names it owns. Names are
searched through the words they link to (unique ``NameWord.word``: a range
index cannot look up an element of a list property); locations through the
point index on ``point``.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime

import neo4j
from neo4j import exceptions as neo4j_errors

from ..errors import (
    ConfigurationError,
    ConstraintViolation,
    NotFound,
    StoreError,
    StoreUnavailable,
)
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
from . import neo4j_coverage as coverage
from . import neo4j_cypher as q
from . import neo4j_keys as keys
from . import neo4j_matching as matching
from . import neo4j_names as qn
from . import neo4j_records as records
from . import neo4j_rows as rows
from . import neo4j_tx as txf
from .base import RunCheckpoint, Store, StoredVersion
from .neo4j_exclusions import Neo4jExclusionRecords
from .neo4j_networks import Neo4jNetworks
from .neo4j_outcomes import Neo4jOutcomeReports
from .neo4j_records import Neo4jRecords
from .neo4j_search import search_params, search_query
from .neo4j_vetting import Neo4jVetting
from .ranking import Candidate

log = logging.getLogger(__name__)

#: 2: names are searched by NameWord nodes, not the full-text index ``provider_names``.
#: 3: one Access node per (NPI, source), so sources that disagree can be seen (MIGRATIONS[3]).
#: 4: networks have a status and regions, memberships a decision and review, networks a history (MIGRATIONS[4]).
SCHEMA_VERSION = 4
#: Seconds ``init_schema`` waits for new indexes to come online.
INDEX_WAIT_SECONDS = 300
#: How long the driver retries a transaction that failed transiently (its default).
MAX_RETRY_SECONDS = 30.0
#: Nodes deleted per transaction by ``wipe``.
WIPE_BATCH = 10_000
#: NPIs whose names are indexed per transaction when a version 1 store is upgraded.
NAME_WORD_BATCH = 5_000
#: Every label the store writes; ``wipe`` deletes nodes carrying any of them.
DATA_LABELS = (
    "Access",
    "ApiKey",
    "Credential",
    "Employer",
    "Exclusion",
    "ExclusionList",
    "ExclusionRecord",
    "IngestRun",
    "Location",
    "MatchDecision",
    "NameWord",
    "Network",
    "NetworkEvent",
    "Npi",
    "Organization",
    "OtherName",
    "Outcome",
    "Payer",
    "Plan",
    "Provider",
    "Quarantine",
    "RankingProfile",
    "ResolutionLink",
    "SourceRecord",
    "Taxonomy",
    "Treatment",
    "VettingCriteria",
    "VettingResult",
)
BOLT_SCHEMES = frozenset({"neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"})
_NO_LIMIT = 2**62


def _translate(exc: Exception) -> StoreError:
    if isinstance(exc, neo4j_errors.AuthError):
        return StoreUnavailable(
            "Neo4j refused the credentials (PROVNET_NEO4J_USER and PROVNET_NEO4J_PASSWORD; "
            f"leave the password unset for a server without authentication): {exc}"
        )
    unavailable = (
        neo4j_errors.ServiceUnavailable,
        neo4j_errors.SessionExpired,
        neo4j_errors.DatabaseUnavailable,
    )
    if isinstance(exc, unavailable):
        return StoreUnavailable(f"Neo4j is unavailable: {exc}")
    if isinstance(exc, neo4j_errors.ConstraintError):
        return ConstraintViolation(f"Neo4j constraint violated: {exc}")
    return StoreError(f"Neo4j error: {exc}")


class Neo4jStore(
    Neo4jVetting,
    Neo4jExclusionRecords,
    Neo4jOutcomeReports,
    matching.Neo4jMatching,
    Neo4jNetworks,
    Neo4jRecords,
    Store,
):
    """The provider graph in a Neo4j 5 database."""

    backend = "neo4j"

    def __init__(self, uri: str, *, user: str, password: str | None, database: str = "neo4j") -> None:
        """``password`` None: connect without authentication (a server with
        ``dbms.security.auth_enabled=false``); else basic auth as ``user``."""
        super().__init__()
        self.uri = uri
        self.database = database
        if uri.partition("://")[0] not in BOLT_SCHEMES:  # the driver also speaks HTTP, which we do not use
            raise ConfigurationError(f"not a Neo4j Bolt URI: {uri!r} (use neo4j:// or bolt://)")
        auth = None if password is None else neo4j.basic_auth(user, password)
        try:
            self._driver = neo4j.GraphDatabase.driver(uri, auth=auth, max_transaction_retry_time=MAX_RETRY_SECONDS)
        except (ValueError, neo4j_errors.ConfigurationError) as exc:
            raise ConfigurationError(f"cannot use Neo4j URI {uri!r}: {exc}") from exc

    def __repr__(self) -> str:
        return f"Neo4jStore({self.uri!r}, database={self.database!r})"

    # ------------------------------------------------------------ plumbing
    def _run(self, write: bool, work, *args):
        try:
            with self._driver.session(database=self.database) as session:
                call = session.execute_write if write else session.execute_read
                return call(work, *args)
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
            raise _translate(exc) from exc

    def _read(self, query: str, params: dict) -> list[dict]:
        return self._run(False, txf.data, query, params)

    def _write_rows(self, query: str, rows_: list[dict]) -> int:
        return self._run(True, txf.written, query, {"rows": rows_})

    def _write_forgetting(self, query: str, rows_: list[dict]) -> int:
        """``_write_rows`` of facts ranking profiles depend on: their NPIs' profiles go in the same transaction."""
        npis = sorted({r["npi"] for r in rows_})
        return self._run(True, matching.forgetting, npis, txf.written, query, {"rows": rows_})

    def _write_all(self, statements: list[tuple[str, dict]]) -> None:
        self._run(True, txf.statements, statements)

    # ------------------------------------------------------------ lifecycle
    def _init_schema(self) -> None:
        found = self._read(q.SCHEMA_VERSION_READ, {})
        version = found[0]["version"] if found else None
        if version is not None and version > SCHEMA_VERSION:
            raise StoreError(f"store schema version {version} is newer than this provnet ({SCHEMA_VERSION})")
        for statement in q.SCHEMA + matching.SCHEMA + records.SCHEMA + qn.SCHEMA_DROPS:  # each in its own transaction
            self._run(True, txf.execute, statement, {})
        self._run(False, txf.execute, q.AWAIT_INDEXES, {"seconds": INDEX_WAIT_SECONDS})
        if version is not None and version < 2:  # index the words of the names stored so far
            after: str | None = ""
            while after is not None:  # pages; the version moves only when all are done, so a rerun redoes them
                after = self._run(True, txf.index_name_words, after, NAME_WORD_BATCH)
        if version is not None:  # the graph existed: bring it up to date
            for step in range(max(version + 1, 3), SCHEMA_VERSION + 1):
                for statement in q.MIGRATIONS[step]:
                    self._run(True, txf.execute, statement, {})
        self._run(True, txf.execute, q.SCHEMA_VERSION_WRITE, {"version": SCHEMA_VERSION})

    def _wipe(self) -> None:
        params = {"labels": list(DATA_LABELS), "batch": WIPE_BATCH}
        while True:  # batches: one transaction for a national graph would not fit in memory
            row = self._run(True, txf.one, q.WIPE_BATCH, params)
            if not row or not row["deleted"]:
                return

    def _close(self) -> None:
        self._driver.close()

    # ------------------------------------------------------------ reference
    def _upsert_taxonomies(self, taxonomies: list[Taxonomy]) -> int:
        return self._write_rows(q.UPSERT_TAXONOMIES, [rows.taxonomy_params(t) for t in taxonomies])

    def _taxonomies(self, codes: list[str] | None) -> dict[str, Taxonomy]:
        found = self._read(q.TAXONOMIES, {"codes": codes})
        return {r["code"]: rows.taxonomy(r) for r in found}

    # ------------------------------------------------------------ providers
    def _stored_versions(self, npis: list[str]) -> dict[str, StoredVersion]:
        found = self._read(q.STORED_VERSIONS, {"npis": npis})
        return {r["npi"]: StoredVersion(r["content_hash"], rows.day(r["last_update"])) for r in found}

    def _write_providers(self, records: list[tuple[ProviderRecord, str]], checkpoint: RunCheckpoint | None) -> None:
        batch = rows.provider_batch(records)
        checkpoint_ = rows.checkpoint_params(checkpoint)
        self._run(True, matching.forgetting, batch["npis"], txf.write_batch, batch, checkpoint_)

    def _checkpoint(self, checkpoint: RunCheckpoint) -> None:
        found = self._run(True, txf.one, q.CHECKPOINT, rows.checkpoint_params(checkpoint))
        if not found or not found["found"]:
            raise NotFound(f"no ingest run {checkpoint.run_id!r} to checkpoint")

    def _deactivate(self, deactivations: dict[str, date], evidence: Evidence) -> int:
        params = {
            "rows": [{"npi": npi, "day": when.isoformat()} for npi, when in sorted(deactivations.items())],
            "note": json.dumps(rows.evidence_params(evidence)),
        }
        found = self._run(True, matching.forgetting, sorted(deactivations), txf.one, q.DEACTIVATE, params)
        return int(found["changed"]) if found else 0

    def _providers(self, npis: list[str]) -> dict[str, ProviderRecord]:
        found = self._read(q.PROVIDERS, {"npis": npis})
        return {r["props"]["npi"]: rows.provider(r["props"]) for r in found}

    def _provider_npis(self, after: str, limit: int) -> list[str]:
        return [r["npi"] for r in self._read(q.NPI_PAGE, {"after": after, "limit": limit})]

    def _locations_for(self, npis: list[str]) -> dict[str, list[ProviderLocation]]:
        return txf.grouped(self._read(q.LOCATIONS_FOR, {"npis": npis}), rows.provider_location)

    def _taxonomies_for(self, npis: list[str]) -> dict[str, list[ProviderTaxonomy]]:
        return txf.grouped(self._read(q.TAXONOMIES_FOR, {"npis": npis}), rows.provider_taxonomy)

    def _other_names_for(self, npis: list[str]) -> dict[str, list[OtherName]]:
        return txf.grouped(self._read(q.OTHER_NAMES_FOR, {"npis": npis}), lambda r: rows.other_name(r["props"]))

    def _credentials_for(self, npis: list[str]) -> dict[str, list[Credential]]:
        return txf.grouped(self._read(q.CREDENTIALS_FOR, {"npis": npis}), lambda r: rows.credential(r["props"]))

    def _treatments_for(self, npis: list[str]) -> dict[str, list[TreatmentOffering]]:
        return txf.grouped(self._read(q.TREATMENTS_FOR, {"npis": npis}), rows.treatment)

    def _access_facts_for(self, npis: list[str]) -> dict[str, list[AccessFacts]]:
        return txf.grouped(self._read(q.ACCESS_FOR, {"npis": npis}), lambda r: rows.access(r["props"]))

    def _networks_for(self, npis: list[str]) -> dict[str, list[Network]]:
        return txf.grouped(self._read(q.NETWORKS_FOR, {"npis": npis}), rows.network)

    def _affiliations_for(self, npis: list[str]) -> dict[str, list[Affiliation]]:
        return txf.grouped(self._read(q.AFFILIATIONS_FOR, {"npis": npis}), rows.affiliation)

    def _exclusions_for(self, npis: list[str]) -> dict[str, list[Exclusion]]:
        return txf.grouped(self._read(q.EXCLUSIONS_FOR, {"npis": npis}), lambda r: rows.exclusion(r["props"]))

    def _subparts_of(self, npis: list[str]) -> dict[str, list[str]]:
        return txf.grouped(self._read(q.SUBPARTS_OF, {"npis": npis}), lambda r: r["subpart_npi"])

    def _parents_of(self, npis: list[str]) -> dict[str, list[str]]:
        return txf.grouped(self._read(q.PARENTS_OF, {"npis": npis}), lambda r: r["parent_npi"])

    # ---------------------------------------- secondary facts (other owners)
    def _replace_owned_locations(
        self, locations: dict[str, list[ProviderLocation]], source: str, checkpoint: RunCheckpoint | None
    ) -> int:
        batch = rows.owned_locations_batch(locations, source)
        checkpoint_ = rows.checkpoint_params(checkpoint)
        return self._run(
            True, matching.forgetting, batch["npis"], txf.replace_owned, q.DELETE_OWNED_LOCATIONS, batch, checkpoint_
        )

    def _replace_owned_other_names(
        self, names: dict[str, list[OtherName]], source: str, checkpoint: RunCheckpoint | None
    ) -> int:
        batch = rows.owned_names_batch(names, source)
        return self._run(True, txf.replace_owned, q.DELETE_OWNED_OTHER_NAMES, batch, rows.checkpoint_params(checkpoint))

    def _sweep_owned_facts(self, source: str, reference: str) -> int:
        return self._run(True, matching.sweep_forgetting, txf.sweep, {"owner": source, "reference": reference})

    # ------------------------------------------------ facts from other sources
    def _upsert_credentials(self, credentials: list[tuple[str, Credential]]) -> int:
        return self._write_forgetting(q.UPSERT_CREDENTIALS, [rows.credential_params(npi, c) for npi, c in credentials])

    def _upsert_treatments(self, offerings: list[TreatmentOffering]) -> int:
        return self._write_forgetting(q.UPSERT_TREATMENTS, [rows.treatment_params(t) for t in offerings])

    def _upsert_access(self, facts: list[AccessFacts]) -> int:
        return self._write_rows(q.UPSERT_ACCESS, [rows.access_params(a) for a in facts])

    def _upsert_affiliations(self, affiliations: list[Affiliation]) -> int:
        return self._write_rows(q.UPSERT_AFFILIATIONS, [rows.affiliation_params(a) for a in affiliations])

    def _upsert_exclusions(self, exclusions: list[Exclusion]) -> int:
        return self._write_forgetting(q.UPSERT_EXCLUSIONS, [rows.exclusion_params(x) for x in exclusions])

    def _record_exclusion_lists(self, loads: list[ExclusionListLoad]) -> int:
        return self._write_rows(q.UPSERT_EXCLUSION_LISTS, [rows.exclusion_list_params(x) for x in loads])

    def _exclusion_lists(self) -> list[ExclusionListLoad]:
        return [rows.exclusion_list(r["props"]) for r in self._read(q.EXCLUSION_LISTS, {})]

    # ------------------------------------------------ payers, plans, networks
    def _upsert_payers(self, payers: list[Payer]) -> int:
        if not payers:
            return 0
        ids = sorted({p.id for p in payers})
        self._write_all(
            [
                (q.UPSERT_PAYERS, {"rows": [{"id": p.id, "name": p.name} for p in payers]}),
                (q.LINK_PAYER_NETWORKS, {"ids": ids}),
                (q.LINK_PAYER_PLANS, {"ids": ids}),
            ]
        )
        return len(payers)

    def _upsert_employers(self, employers: list[Employer]) -> int:
        if not employers:
            return 0
        self._write_all(
            [
                (
                    q.UPSERT_EMPLOYERS,
                    {"rows": [rows.employer_params(e) for e in employers]},
                ),
                (q.LINK_EMPLOYERS, {"ids": sorted({e.id for e in employers})}),
            ]
        )
        return len(employers)

    def _upsert_networks(self, networks: list[Network]) -> int:
        if not networks:
            return 0
        ids = sorted({n.id for n in networks})
        self._write_all(
            [
                (q.UPSERT_NETWORKS, {"rows": [rows.network_params(n) for n in networks]}),
                (q.UNLINK_NETWORK_OWNERS, {"ids": ids}),
                (q.LINK_NETWORK_OWNERS, {"ids": ids}),
                (q.LINK_NETWORK_PLANS, {"ids": ids}),
            ]
        )
        return len(networks)

    def _upsert_plans(self, plans: list[Plan]) -> int:
        if not plans:
            return 0
        ids = sorted({p.id for p in plans})
        self._write_all(
            [
                (q.UPSERT_PLANS, {"rows": [rows.plan_params(p) for p in plans]}),
                (q.UNLINK_PLAN_NETWORKS, {"ids": ids}),
                (q.UNLINK_PLAN_PAYERS, {"ids": ids}),
                (q.LINK_PLANS, {"ids": ids}),
                (q.LINK_PLANS_TO_PAYERS, {"ids": ids}),
            ]
        )
        return len(plans)

    def _payers(self) -> list[Payer]:
        return [Payer(r["id"], r["name"]) for r in self._read(q.PAYERS, {})]

    def _employers(self) -> list[Employer]:
        return [Employer(r["id"], r["name"], tuple(r["plan_ids"] or ())) for r in self._read(q.EMPLOYERS, {})]

    def _networks(self, ids: list[str] | None) -> list[Network]:
        return [rows.network(r) for r in self._read(q.NETWORKS, {"ids": ids})]

    def _plans(self, ids: list[str] | None) -> list[Plan]:
        return [rows.plan(r) for r in self._read(q.PLANS, {"ids": ids})]

    def _add_network_members(self, members: list[NetworkMember]) -> int:
        return self._run(True, txf.add_members, [rows.member_params(m) for m in members])

    def _remove_network_members(self, network_id: str, npis: list[str]) -> int:
        return self._run(True, txf.remove_members, network_id, npis)

    def _network_members(self, network_id: str) -> list[NetworkMember]:
        found = self._run(False, txf.members, network_id)
        return [rows.network_member(network_id, r) for r in found]

    # ------------------------------------------------------ network adequacy
    def _coverage_inputs(self, query: CoverageQuery) -> list[CoverageProvider]:
        return self._run(False, coverage.read, query)

    # -------------------------------------------------------------- API keys
    def _add_api_key(self, key: ApiKey) -> None:
        self._run(True, keys.add, key)

    def _api_key(self, key_id: str) -> ApiKey | None:
        return self._run(False, keys.get, key_id)

    def _api_keys(self) -> list[ApiKey]:
        return self._run(False, keys.every)

    def _revoke_api_key(self, key_id: str, at: datetime) -> ApiKey:
        return self._run(True, keys.revoke, key_id, at)

    def _record_api_key_use(self, key_id: str, at: datetime) -> None:
        self._run(True, keys.used, key_id, at)

    # ---------------------------------------------------------------- search
    def _search_candidates(self, criteria: SearchCriteria, limit: int) -> list[Candidate]:
        params = search_params(criteria, limit)
        query = search_query(params)
        if query is None:
            return []
        return [
            Candidate(
                npi=r["npi"],
                display_name=r["display_name"] or "",
                entity_type_code=int(r["entity_type"]),
                distance_miles=r["distance"],
                nearest_location_key=r["location_key"],
                names=tuple(r["names"] or ()),
                accepting=r.get("accepting"),
            )
            for r in self._read(query, params)
        ]

    # ---------------------------------------------------- entity resolution
    def _save_matches(self, matches: list[MatchRecord]) -> int:
        return self._write_rows(q.UPSERT_MATCHES, [rows.match_params(m) for m in matches])

    def _matches(
        self, status: MatchStatus | None, ids: list[str] | None, record: str | None, limit: int | None
    ) -> list[MatchRecord]:
        params = {
            "status": None if status is None else status.value,
            "ids": ids,
            "record": record,
            "limit": _NO_LIMIT if limit is None else max(0, int(limit)),
        }
        return [rows.match(r["props"]) for r in self._read(q.MATCHES, params)]

    def _decide_match(self, match_id: str, status: MatchStatus, decided_by: str, decided_at: str) -> MatchRecord:
        params = {"match_id": match_id, "status": status.value, "decided_by": decided_by, "decided_at": decided_at}
        found = self._run(True, txf.one, q.DECIDE_MATCH, params)
        if found is None:
            raise NotFound(f"no match {match_id!r}")
        return rows.match(found["props"])

    # ---------------------------------------------------------- ingest books
    def _start_run(self, run: IngestRun) -> IngestRun:
        resumed = self._run(True, txf.start_run, rows.run_params(run))
        if resumed is None:
            return run
        log.debug("reopened ingest run %s, committed up to line %d", resumed["run_id"], resumed.get("resume_line") or 0)
        return rows.run(resumed)

    def _finish_run(self, run_id: str, status: str, counts: dict[str, int]) -> None:
        params = {
            "run_id": run_id,
            "status": status,
            "counts": json.dumps(counts),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        found = self._run(True, txf.one, q.FINISH_RUN, params)
        if not found or not found["found"]:
            raise NotFound(f"no ingest run {run_id!r}")

    def _runs(self, source: str | None) -> list[IngestRun]:
        return [rows.run(r["props"]) for r in self._read(q.RUNS, {"source": source})]

    def _quarantine(self, quarantined: list[QuarantinedRow]) -> int:
        unique: dict[str, dict] = {}
        for row in quarantined:  # the first of a (run, line) wins, as it would in the store
            params = rows.quarantine_params(row)
            unique.setdefault(params["uid"], params)
        return self._run(True, txf.quarantine, list(unique.values()))

    def _quarantined(self, run_id: str | None, limit: int) -> list[QuarantinedRow]:
        found = self._read(q.QUARANTINED, {"run_id": run_id, "limit": max(0, int(limit))})
        return [rows.quarantined(r["props"]) for r in found]

    def _counts(self) -> dict[str, int]:
        return self._run(False, txf.counts)
