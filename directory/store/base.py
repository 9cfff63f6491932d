"""The store port: domain operations every backend offers.

The public methods here hold the logic that is the same for every backend
(de-duplicating ids, hashing records to skip unchanged ones, ranking and paging
search results, counting round trips). Each adapter implements the ``_``-prefixed
primitives, and each primitive is **one round trip** to the backend (one SQLite
transaction or one Neo4j managed transaction). No query text crosses this port.

Semantics every adapter must honour (the contract suite in
``tests/store/test_contract*.py`` checks them on both backends; the matching
half of the port is in :mod:`.matching`):

* ``upsert_providers`` is idempotent: a record whose content hash matches the
  stored one is *unchanged* and not written. A record older than the stored one
  (``last_update`` earlier) is skipped as unchanged too, so an old file cannot
  roll the store back.
* Writing a provider replaces the facts it owns **from the same source**
  (locations, taxonomies, other names whose evidence.source equals the record's
  evidence.source); facts from other sources are kept.
* NPI is unique across individuals and organizations.
* Search excludes deactivated providers unless ``include_deactivated``.
* A batch and its ingest checkpoint are written in the same transaction, so a
  crash leaves the store at a batch boundary.
"""

from __future__ import annotations

import abc
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from ..errors import InputError
from ..model import (
    AccessFacts,
    Affiliation,
    CoverageProvider,
    CoverageQuery,
    Credential,
    Employer,
    Evidence,
    Exclusion,
    ExclusionListLoad,
    Network,
    NetworkMember,
    OtherName,
    Payer,
    Plan,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
    SearchCriteria,
    SearchHit,
    SearchPage,
    Taxonomy,
    TreatmentOffering,
    UpsertStats,
)
from .books import Books
from .hashing import content_hash
from .keys import KeyBook
from .matching import Matching
from .names import query_words
from .network_books import NetworkBooks
from .port_exclusions import ExclusionRecords
from .port_outcomes import OutcomeReports
from .ranking import (
    MAX_CANDIDATES,
    Candidate,
    decode_cursor,
    page_of,
    rank,
)
from .record_books import RecordBooks
from .vetting_books import VettingBooks

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StoredVersion:
    content_hash: str
    last_update: date | None


@dataclass(frozen=True, slots=True)
class RunCheckpoint:
    """Progress of an ingest run, committed with the batch it follows."""

    run_id: str
    resume_line: int
    counts: dict[str, int]


class Store(
    Books, KeyBook, VettingBooks, ExclusionRecords, OutcomeReports, Matching, NetworkBooks, RecordBooks, abc.ABC
):
    """Domain operations on the provider graph. See the module docstring."""

    #: Short name used in logs and test ids: "sqlite" or "neo4j".
    backend: str = "abstract"

    def __init__(self) -> None:
        self.round_trips = 0

    def _trip(self) -> None:
        self.round_trips += 1

    # ---------------------------------------------------------------- lifecycle
    def init_schema(self) -> None:
        """Create tables/constraints/indexes; safe to call repeatedly."""
        self._trip()
        self._init_schema()

    def wipe(self) -> None:
        """Delete every record (tests and `db reset`); the schema stays."""
        self._trip()
        self._wipe()

    def close(self) -> None:
        self._close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---------------------------------------------------------------- reference
    def upsert_taxonomies(self, taxonomies: Sequence[Taxonomy]) -> int:
        if not taxonomies:
            return 0
        self._trip()
        return self._upsert_taxonomies(list(taxonomies))

    def taxonomies(self, codes: Iterable[str] | None = None) -> dict[str, Taxonomy]:
        """NUCC entries by code; all of them when codes is None."""
        self._trip()
        return self._taxonomies(None if codes is None else sorted(set(codes)))

    # ---------------------------------------------------------------- providers
    def upsert_providers(
        self,
        records: Sequence[ProviderRecord],
        checkpoint: RunCheckpoint | None = None,
        digests: Sequence[str] | None = None,
    ) -> UpsertStats:
        """Insert or update a batch; unchanged and stale records are not written.
        The checkpoint, if given, is committed in the same transaction.
        ``digests``: the :func:`content_hash` of each record, when the caller
        has them (an ingest computes them in its reading process)."""
        by_npi: dict[str, ProviderRecord] = {}
        digest_of: dict[str, str] = {}
        for i, record in enumerate(records):  # last one wins within a batch
            by_npi[record.npi] = record
            if digests is not None:
                digest_of[record.npi] = digests[i]
        if not by_npi and checkpoint is None:
            return UpsertStats()
        stored = self.stored_versions(list(by_npi)) if by_npi else {}
        to_write: list[tuple[ProviderRecord, str]] = []
        inserted = updated = unchanged = 0
        for npi, record in by_npi.items():
            digest = digest_of.get(npi) or content_hash(record)
            old = stored.get(npi)
            if old is None:
                inserted += 1
            elif old.content_hash == digest or (
                old.last_update and record.last_update and record.last_update < old.last_update
            ):
                unchanged += 1
                continue
            else:
                updated += 1
            to_write.append((record, digest))
        if to_write or checkpoint is not None:
            self._trip()
            self._write_providers(to_write, checkpoint)
        return UpsertStats(inserted, updated, unchanged + (len(records) - len(by_npi)))

    def checkpoint(self, checkpoint: RunCheckpoint) -> None:
        """Record an ingest run's progress (line reached, counts) on its own, for
        a source whose writes take no checkpoint (their writes are idempotent,
        so a crash between the two replays the batch). NotFound for an unknown run."""
        self._trip()
        self._checkpoint(checkpoint)

    def stored_versions(self, npis: Sequence[str]) -> dict[str, StoredVersion]:
        self._trip()
        return self._stored_versions(sorted(set(npis)))

    def deactivate(self, deactivations: dict[str, date], evidence: Evidence) -> int:
        """Apply a deactivation report: set the deactivation date of known NPIs
        (a later reactivation date stays). Returns how many records changed."""
        if not deactivations:
            return 0
        self._trip()
        return self._deactivate(dict(deactivations), evidence)

    def providers(self, npis: Iterable[str]) -> dict[str, ProviderRecord]:
        """Core records (no owned facts filled in) by NPI; missing NPIs are absent."""
        self._trip()
        return self._providers(sorted(set(npis)))

    def provider_npis(self, after: str | None = None, limit: int = 10_000) -> list[str]:
        """Every NPI in the store in ascending order, one page at a time: pass
        the last NPI of a page as ``after`` to get the next (keyset paging)."""
        self._trip()
        return self._provider_npis(after or "", max(1, limit))

    def provider_npi_pages(self, limit: int = 10_000) -> Iterator[list[str]]:
        """Every NPI in the store, page after page (``provider_npis`` keyset paging)."""
        after = None
        while npis := self.provider_npis(after, limit):
            after = npis[-1]
            yield npis

    def locations_for(self, npis: Iterable[str]) -> dict[str, list[ProviderLocation]]:
        self._trip()
        return self._locations_for(sorted(set(npis)))

    def taxonomies_for(self, npis: Iterable[str]) -> dict[str, list[ProviderTaxonomy]]:
        """With display_name filled from the NUCC table where known."""
        self._trip()
        return self._taxonomies_for(sorted(set(npis)))

    def other_names_for(self, npis: Iterable[str]) -> dict[str, list[OtherName]]:
        self._trip()
        return self._other_names_for(sorted(set(npis)))

    def credentials_for(self, npis: Iterable[str]) -> dict[str, list[Credential]]:
        self._trip()
        return self._credentials_for(sorted(set(npis)))

    def treatments_for(self, npis: Iterable[str]) -> dict[str, list[TreatmentOffering]]:
        self._trip()
        return self._treatments_for(sorted(set(npis)))

    def access_for(self, npis: Iterable[str]) -> dict[str, AccessFacts]:
        """The access facts of each NPI as the directory shows them: the most
        recently retrieved of its sources' (ties: by source name), the row search
        filters on too. :meth:`access_facts_for` has every source's."""
        return {npi: rows[0] for npi, rows in self.access_facts_for(npis).items() if rows}

    def access_facts_for(self, npis: Iterable[str]) -> dict[str, list[AccessFacts]]:
        """Every source's access facts of each NPI, newest first (ties: by
        source name): one row per (NPI, source), so sources that disagree show."""
        self._trip()
        return self._access_facts_for(sorted(set(npis)))

    def networks_for(self, npis: Iterable[str]) -> dict[str, list[Network]]:
        self._trip()
        return self._networks_for(sorted(set(npis)))

    def affiliations_for(self, npis: Iterable[str]) -> dict[str, list[Affiliation]]:
        """Both directions: an individual's organizations and an organization's members."""
        self._trip()
        return self._affiliations_for(sorted(set(npis)))

    def exclusions_for(self, npis: Iterable[str]) -> dict[str, list[Exclusion]]:
        self._trip()
        return self._exclusions_for(sorted(set(npis)))

    def parents_of(self, npis: Iterable[str]) -> dict[str, list[str]]:
        """Subpart NPI -> NPIs of the parent organization(s) its parent LBN names."""
        self._trip()
        return self._parents_of(sorted(set(npis)))

    def subparts_of(self, npis: Iterable[str]) -> dict[str, list[str]]:
        """Organization NPI -> NPIs of its subparts (linked by parent LBN)."""
        self._trip()
        return self._subparts_of(sorted(set(npis)))

    # secondary facts: owned by a source other than the provider record's own
    def replace_secondary_locations(
        self,
        locations: Mapping[str, Sequence[ProviderLocation]],
        source: str,
        checkpoint: RunCheckpoint | None = None,
    ) -> int:
        """For each NPI given that the store holds, replace the locations owned
        by ``source`` (e.g. "nppes_pl") with these; an empty list removes them.
        The provider record and facts of other owners are not touched, and a
        later write of the record keeps these. Returns how many NPIs were
        written; the checkpoint, if given, commits in the same transaction."""
        self._check_owner(source, locations.values())
        if not locations and checkpoint is None:
            return 0
        self._trip()
        return self._replace_owned_locations({npi: list(v) for npi, v in locations.items()}, source, checkpoint)

    def replace_other_names(
        self,
        names: Mapping[str, Sequence[OtherName]],
        source: str,
        checkpoint: RunCheckpoint | None = None,
    ) -> int:
        """As :meth:`replace_secondary_locations`, for other names (searchable
        like the names the record brings)."""
        self._check_owner(source, names.values())
        if not names and checkpoint is None:
            return 0
        self._trip()
        return self._replace_owned_other_names({npi: list(v) for npi, v in names.items()}, source, checkpoint)

    def sweep_secondary_facts(self, source: str, reference: str) -> int:
        """Remove the locations and other names owned by ``source`` whose
        evidence reference is not ``reference``: after a full file (a monthly
        pl_pfile) was loaded, what it no longer lists. Returns how many went."""
        self._check_owner(source, ())
        self._trip()
        return self._sweep_owned_facts(source, reference)

    @staticmethod
    def _check_owner(source: str, facts: Iterable[Sequence]) -> None:
        if not source or not source.strip():
            raise InputError("secondary facts need the name of the source that owns them")
        for group in facts:
            for fact in group:
                if fact.evidence.source != source:
                    raise InputError(f"a fact of source {fact.evidence.source!r} cannot be written as {source!r}")

    # facts from other sources, each replacing the same (npi, key, source) fact
    def upsert_credentials(self, credentials: Sequence[tuple[str, Credential]]) -> int:
        if not credentials:
            return 0
        self._trip()
        return self._upsert_credentials(list(credentials))

    def upsert_treatments(self, offerings: Sequence[TreatmentOffering]) -> int:
        if not offerings:
            return 0
        self._trip()
        return self._upsert_treatments(list(offerings))

    def upsert_access(self, facts: Sequence[AccessFacts]) -> int:
        """Each row replaces the same (NPI, evidence source) row; other sources' stay."""
        if not facts:
            return 0
        self._trip()
        return self._upsert_access(list(facts))

    def upsert_affiliations(self, affiliations: Sequence[Affiliation]) -> int:
        if not affiliations:
            return 0
        self._trip()
        return self._upsert_affiliations(list(affiliations))

    def upsert_exclusions(self, exclusions: Sequence[Exclusion]) -> int:
        if not exclusions:
            return 0
        self._trip()
        return self._upsert_exclusions(list(exclusions))

    def record_exclusion_lists(self, loads: Sequence[ExclusionListLoad]) -> int:
        """Record that lists were loaded; per list the latest ``as_of`` wins
        (an older file loaded later does not move the date back)."""
        if not loads:
            return 0
        latest: dict[str, ExclusionListLoad] = {}
        for load in loads:
            if load.list_name not in latest or load.as_of >= latest[load.list_name].as_of:
                latest[load.list_name] = load
        self._trip()
        return self._record_exclusion_lists(sorted(latest.values(), key=lambda x: x.list_name))

    def exclusion_lists(self) -> list[ExclusionListLoad]:
        """Every exclusion list loaded, by name."""
        self._trip()
        return self._exclusion_lists()

    # ------------------------------------------------- payers, plans, networks
    def upsert_payers(self, payers: Sequence[Payer]) -> int:
        self._trip()
        return self._upsert_payers(list(payers))

    def upsert_employers(self, employers: Sequence[Employer]) -> int:
        self._trip()
        return self._upsert_employers(list(employers))

    def upsert_networks(self, networks: Sequence[Network]) -> int:
        """Insert or update networks; an existing network keeps its stored
        status and regions (a catalog does not un-archive a network): those
        change through :meth:`update_network`."""
        self._trip()
        return self._upsert_networks(list(networks))

    def upsert_plans(self, plans: Sequence[Plan]) -> int:
        self._trip()
        return self._upsert_plans(list(plans))

    def payers(self) -> list[Payer]:
        self._trip()
        return self._payers()

    def employers(self) -> list[Employer]:
        self._trip()
        return self._employers()

    def networks(self, ids: Iterable[str] | None = None) -> list[Network]:
        self._trip()
        return self._networks(None if ids is None else sorted(set(ids)))

    def plans(self, ids: Iterable[str] | None = None) -> list[Plan]:
        self._trip()
        return self._plans(None if ids is None else sorted(set(ids)))

    def add_network_members(self, members: Sequence[NetworkMember]) -> int:
        """Add (or refresh the evidence of) members; returns how many were new.
        A new member takes the decision fields given; an existing one keeps
        its own (a roster refreshes evidence, it does not decide). Curators'
        changes go through :meth:`change_members`, which records history.
        Raises NotFound if a network or an NPI does not exist."""
        if not members:
            return 0
        self._trip()
        return self._add_network_members(list(members))

    def remove_network_members(self, network_id: str, npis: Iterable[str]) -> int:
        """Returns how many memberships were removed."""
        self._trip()
        return self._remove_network_members(network_id, sorted(set(npis)))

    def network_members(self, network_id: str) -> list[NetworkMember]:
        self._trip()
        return self._network_members(network_id)

    # --------------------------------------------------------- network adequacy
    def coverage_inputs(self, query: CoverageQuery) -> list[CoverageProvider]:
        """Everything network adequacy needs of the providers, in one round trip:
        the active providers holding any of ``query.taxonomy_codes`` with a
        geocoded location in ``query.bbox`` (anywhere when None) and the
        network's members holding one of the codes, each with its matching codes,
        licence states, every geocoded location, telehealth flag and membership.
        Sorted by NPI. Raises NotFound if the network does not exist."""
        codes = tuple(sorted({c.strip() for c in query.taxonomy_codes if c.strip()}))
        if not codes:
            return []
        self._trip()
        return self._coverage_inputs(CoverageQuery(query.network_id, codes, query.bbox))

    # ------------------------------------------------------------------ search
    def search(self, criteria: SearchCriteria) -> SearchPage:
        """One round trip for candidates, then ranking and paging done here so
        both backends order results identically. A name is matched by the
        typo-tolerant rule of :mod:`.names`: every query word equal to a word
        of one of the provider's names, or a prefix of it (3+ characters), or
        one substitution, insertion, deletion or adjacent transposition away
        from it (4+ characters); ordered by :func:`.names.name_score`."""
        return page_of(self.search_hits(criteria), criteria)

    def search_hits(self, criteria: SearchCriteria) -> list[SearchHit]:
        """Every hit of ``criteria`` (at most ``MAX_CANDIDATES``), ranked, in one
        round trip: for an order made above the store (TRD expertise) to page itself."""
        if criteria.name:
            query_words(criteria.name.strip())  # a query too long to look up is refused before the trip
        if criteria.near is not None and criteria.radius_miles is None:
            raise InputError("a search near a point needs radius_miles")
        if criteria.radius_miles is not None and criteria.radius_miles <= 0:
            raise InputError("radius_miles must be positive")
        if criteria.after:
            decode_cursor(criteria.after, criteria)  # a bad cursor fails before the store is asked
        self._trip()
        return rank(criteria, self._search_candidates(criteria, MAX_CANDIDATES))

    def counts(self) -> dict[str, int]:
        """Number of records by kind, for status output and tests."""
        self._trip()
        return self._counts()

    # -------------------------------------------------------------- primitives
    @abc.abstractmethod
    def _init_schema(self) -> None: ...
    @abc.abstractmethod
    def _wipe(self) -> None: ...
    @abc.abstractmethod
    def _close(self) -> None: ...
    @abc.abstractmethod
    def _upsert_taxonomies(self, taxonomies: list[Taxonomy]) -> int: ...
    @abc.abstractmethod
    def _taxonomies(self, codes: list[str] | None) -> dict[str, Taxonomy]: ...
    @abc.abstractmethod
    def _stored_versions(self, npis: list[str]) -> dict[str, StoredVersion]: ...
    @abc.abstractmethod
    def _write_providers(self, records: list[tuple[ProviderRecord, str]], checkpoint: RunCheckpoint | None) -> None: ...
    @abc.abstractmethod
    def _checkpoint(self, checkpoint: RunCheckpoint) -> None: ...
    @abc.abstractmethod
    def _deactivate(self, deactivations: dict[str, date], evidence: Evidence) -> int: ...
    @abc.abstractmethod
    def _providers(self, npis: list[str]) -> dict[str, ProviderRecord]: ...
    @abc.abstractmethod
    def _provider_npis(self, after: str, limit: int) -> list[str]: ...
    @abc.abstractmethod
    def _locations_for(self, npis: list[str]) -> dict[str, list[ProviderLocation]]: ...
    @abc.abstractmethod
    def _taxonomies_for(self, npis: list[str]) -> dict[str, list[ProviderTaxonomy]]: ...
    @abc.abstractmethod
    def _other_names_for(self, npis: list[str]) -> dict[str, list[OtherName]]: ...
    @abc.abstractmethod
    def _credentials_for(self, npis: list[str]) -> dict[str, list[Credential]]: ...
    @abc.abstractmethod
    def _treatments_for(self, npis: list[str]) -> dict[str, list[TreatmentOffering]]: ...
    @abc.abstractmethod
    def _access_facts_for(self, npis: list[str]) -> dict[str, list[AccessFacts]]: ...
    @abc.abstractmethod
    def _networks_for(self, npis: list[str]) -> dict[str, list[Network]]: ...
    @abc.abstractmethod
    def _affiliations_for(self, npis: list[str]) -> dict[str, list[Affiliation]]: ...
    @abc.abstractmethod
    def _exclusions_for(self, npis: list[str]) -> dict[str, list[Exclusion]]: ...
    @abc.abstractmethod
    def _subparts_of(self, npis: list[str]) -> dict[str, list[str]]: ...
    @abc.abstractmethod
    def _parents_of(self, npis: list[str]) -> dict[str, list[str]]: ...
    @abc.abstractmethod
    def _replace_owned_locations(
        self, locations: dict[str, list[ProviderLocation]], source: str, checkpoint: RunCheckpoint | None
    ) -> int: ...
    @abc.abstractmethod
    def _replace_owned_other_names(
        self, names: dict[str, list[OtherName]], source: str, checkpoint: RunCheckpoint | None
    ) -> int: ...
    @abc.abstractmethod
    def _sweep_owned_facts(self, source: str, reference: str) -> int: ...
    @abc.abstractmethod
    def _upsert_credentials(self, credentials: list[tuple[str, Credential]]) -> int: ...
    @abc.abstractmethod
    def _upsert_treatments(self, offerings: list[TreatmentOffering]) -> int: ...
    @abc.abstractmethod
    def _upsert_access(self, facts: list[AccessFacts]) -> int: ...
    @abc.abstractmethod
    def _upsert_affiliations(self, affiliations: list[Affiliation]) -> int: ...
    @abc.abstractmethod
    def _upsert_exclusions(self, exclusions: list[Exclusion]) -> int: ...
    @abc.abstractmethod
    def _record_exclusion_lists(self, loads: list[ExclusionListLoad]) -> int: ...
    @abc.abstractmethod
    def _exclusion_lists(self) -> list[ExclusionListLoad]: ...
    @abc.abstractmethod
    def _upsert_payers(self, payers: list[Payer]) -> int: ...
    @abc.abstractmethod
    def _upsert_employers(self, employers: list[Employer]) -> int: ...
    @abc.abstractmethod
    def _upsert_networks(self, networks: list[Network]) -> int: ...
    @abc.abstractmethod
    def _upsert_plans(self, plans: list[Plan]) -> int: ...
    @abc.abstractmethod
    def _payers(self) -> list[Payer]: ...
    @abc.abstractmethod
    def _employers(self) -> list[Employer]: ...
    @abc.abstractmethod
    def _networks(self, ids: list[str] | None) -> list[Network]: ...
    @abc.abstractmethod
    def _plans(self, ids: list[str] | None) -> list[Plan]: ...
    @abc.abstractmethod
    def _add_network_members(self, members: list[NetworkMember]) -> int: ...
    @abc.abstractmethod
    def _remove_network_members(self, network_id: str, npis: list[str]) -> int: ...
    @abc.abstractmethod
    def _network_members(self, network_id: str) -> list[NetworkMember]: ...
    @abc.abstractmethod
    def _coverage_inputs(self, query: CoverageQuery) -> list[CoverageProvider]:
        """See :meth:`coverage_inputs`; ``query.taxonomy_codes`` is sorted and not empty."""

    @abc.abstractmethod
    def _search_candidates(self, criteria: SearchCriteria, limit: int) -> list[Candidate]:
        """Apply every structured filter of ``criteria`` in one query and return
        up to ``limit`` candidates. Rules:

        * deactivated providers (see ProviderRecord.is_active) only with include_deactivated;
        * treatments: has an offering of any listed treatment;
        * taxonomy_codes: has any listed taxonomy;
        * near + radius_miles: some location of the provider within the radius
          (great-circle miles); distance_miles is the nearest such location. With
          include_telehealth, providers with a telehealth offering of a listed
          treatment (or the shown AccessFacts.telehealth when no treatment is given) also
          match, with distance_miles None when none of their locations is inside;
        * plan_id: member of any network of the plan; network_id: member of it;
        * accepting_new_patients: the access facts shown (the newest row, see
          access_for) do not say otherwise: an unknown value is kept, and
          returned as ``accepting`` None so the base ranks it lower and flags it;
        * entity_type, state (of some location);
        * name: the providers one of whose names matches the query by the rule
          of :mod:`.names` (every query word equal to, a prefix of, or one edit
          from a word of that one name), found exactly in the backend's index of
          name words with the ranges of :func:`.names.lookup_ranges` (never a
          wider full-text or phonetic pre-filter, so the backends agree); a
          name with no word matches nothing. Fill ``names`` with every name of
          the provider (legal names and other names): the base class applies
          the rule to them again and scores them (:func:`.names.name_score`).

        With more than ``limit`` candidates, return the first ``limit`` by
        distance (none last) then NPI, so every backend cuts at the same place.
        """

    @abc.abstractmethod
    def _counts(self) -> dict[str, int]: ...
