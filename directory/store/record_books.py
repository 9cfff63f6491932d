"""The store port's source-record half (issue 9 points 1 and 2): every record
loaded from a roster, licence board file or site list, where entity resolution
put each record, and the facts each source gives the providers its records
are linked to. ``Store`` inherits it; adapters implement its primitives like
the others (one round trip each).

Records (:class:`~directory.source_records.SourceRecord`) are kept by ``source:record_id``:

* :meth:`upsert_source_records` writes a batch of one load (its run id and each
  record's row); a record already written by the same run from another row is
  a duplicate record id, not written (the first row wins) and handed back;
* a record not held by the latest load of its source is *retired*
  (:meth:`retire_source_records`): kept, with the date, but no longer current.
  A later file that holds it again restores it.

Links (:class:`~directory.source_records.ResolutionLink`) are kept one per record
reference; :meth:`save_resolution_links` writes only those that changed, so a
link keeps the time it was first decided while it stays the same.

Facts of a source (credentials, treatment offerings, access facts, network
memberships, placements at a location) are the rows whose evidence source is
the source's name and whose reference is one of its records (``source:...``),
and the placements it owns: :meth:`replace_source_facts` replaces them as a set
per provider, and facts held by any other source are never touched (a network
membership another source already holds stays as it is).
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..errors import InputError
from ..model import Evidence, UpsertStats
from ..source_records import RecordSource, ResolutionLink, SourceFacts, SourceRecord

if TYPE_CHECKING:  # base imports this module
    from .base import RunCheckpoint

#: Records or links per page of the paged reads.
PAGE_SIZE = 10_000


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """What a write of a record is compared with."""

    content_hash: str
    evidence: Evidence
    run_id: str
    line: int
    retired: bool


@dataclass(frozen=True, slots=True)
class RecordWrite:
    """What :meth:`RecordBooks.upsert_source_records` did with a batch."""

    stats: UpsertStats
    duplicates: tuple[SourceRecord, ...] = ()  # record ids this run already wrote from another row


def fact_prefix(source: str) -> str:
    """The reference prefix of every fact a source's records give."""
    return source + ":"


def _same_link(a: ResolutionLink, b: ResolutionLink) -> bool:
    return (a.entity_id, a.npi, a.status, round(a.probability, 6), a.method) == (
        b.entity_id,
        b.npi,
        b.status,
        round(b.probability, 6),
        b.method,
    )


class RecordBooks(abc.ABC):
    def _trip(self) -> None:  # pragma: no cover - Store counts round trips
        raise NotImplementedError

    # ------------------------------------------------------------- records
    def upsert_source_records(
        self, records: Sequence[SourceRecord], checkpoint: RunCheckpoint | None = None
    ) -> RecordWrite:
        """Write a batch of records of one load (see the module docstring); the
        checkpoint, if given, commits in the same transaction. A record is
        *inserted* (new), *updated* (other fields, or restored from retirement)
        or *unchanged* (the same fields; a newer as-of date or another run is
        still recorded, so the record counts as held by this load)."""
        by_ref: dict[str, SourceRecord] = {}
        duplicates: list[SourceRecord] = []
        for r in records:
            first = by_ref.get(r.ref)
            if first is not None and first.line != r.line:
                duplicates.append(r)
            else:
                by_ref[r.ref] = r
        stored = self.stored_records(list(by_ref)) if by_ref else {}
        writes: list[SourceRecord] = []
        inserted = updated = unchanged = 0
        for ref, r in by_ref.items():
            old = stored.get(ref)
            if old is None:
                inserted += 1
            elif old.run_id == r.run_id and old.line != r.line:
                duplicates.append(r)
                continue
            elif old.content_hash != r.content_hash or old.retired:
                updated += 1
            else:
                unchanged += 1
                if old.evidence == r.evidence and old.run_id == r.run_id:
                    continue
            writes.append(r)
        if writes or checkpoint is not None:
            self._trip()
            self._write_source_records(writes, checkpoint)
        return RecordWrite(UpsertStats(inserted, updated, unchanged), tuple(duplicates))

    def stored_records(self, refs: Sequence[str]) -> dict[str, StoredRecord]:
        self._trip()
        return self._stored_records(sorted(set(refs)))

    def retire_source_records(self, source: str, run_id: str, on: date) -> int:
        """Retire the current records of ``source`` that the load ``run_id`` did
        not hold (as of ``on``); returns how many."""
        self._trip()
        return self._retire_source_records(source, run_id, on)

    def source_records(self, refs: Iterable[str]) -> dict[str, SourceRecord]:
        """Records by reference, current or retired; unknown references are absent."""
        wanted = sorted(set(refs))
        if not wanted:
            return {}
        self._trip()
        return self._source_records(wanted)

    def source_record_page(
        self, source: str, after: str = "", limit: int = PAGE_SIZE, *, include_retired: bool = False
    ) -> list[SourceRecord]:
        """The records of ``source`` by record id after ``after`` (keyset paging)."""
        self._trip()
        return self._source_record_page(source, after, max(1, limit), include_retired)

    def iter_source_records(self, source: str, *, include_retired: bool = False) -> Iterator[SourceRecord]:
        """Every record of ``source``, page after page."""
        after = ""
        while page := self.source_record_page(source, after, include_retired=include_retired):
            yield from page
            after = page[-1].record_id

    def record_sources(self) -> list[RecordSource]:
        """Every source of records, by name: its kind, newest file, counts."""
        self._trip()
        return self._record_sources()

    # --------------------------------------------------------------- links
    def save_resolution_links(self, links: Sequence[ResolutionLink]) -> int:
        """Store links, replacing the one of each reference; a link equal to the
        stored one (entity, NPI, status, probability, method) is not written, so it
        keeps the time it was decided. Returns how many were written."""
        by_ref = {link.ref: link for link in links}
        if not by_ref:
            return 0
        stored = self.resolution_links(list(by_ref))
        changed = [link for ref, link in by_ref.items() if ref not in stored or not _same_link(stored[ref], link)]
        if not changed:
            return 0
        self._trip()
        return self._write_resolution_links(changed)

    def resolution_links(self, refs: Iterable[str]) -> dict[str, ResolutionLink]:
        wanted = sorted(set(refs))
        if not wanted:
            return {}
        self._trip()
        return self._resolution_links(wanted)

    def resolution_link_page(self, after: str = "", limit: int = PAGE_SIZE) -> list[ResolutionLink]:
        """Links by reference after ``after`` (keyset paging)."""
        self._trip()
        return self._resolution_link_page(after, max(1, limit))

    def iter_resolution_links(self) -> Iterator[ResolutionLink]:
        after = ""
        while page := self.resolution_link_page(after):
            yield from page
            after = page[-1].ref

    def delete_resolution_links(self, refs: Iterable[str]) -> int:
        wanted = sorted(set(refs))
        if not wanted:
            return 0
        self._trip()
        return self._delete_resolution_links(wanted)

    def withdraw_model_matches(self, match_ids: Iterable[str]) -> int:
        """Remove the model's decisions among ``match_ids``: pairs a later resolve
        no longer merges or queues (its records changed or retired). A person's
        decision is never removed. Returns how many went."""
        wanted = sorted(set(match_ids))
        if not wanted:
            return 0
        self._trip()
        return self._withdraw_model_matches(wanted)

    # ------------------------------------------------------ a source's facts
    def source_facts(self, source: str, npis: Iterable[str]) -> dict[str, SourceFacts]:
        """The facts ``source`` holds about each NPI (NPIs it holds none about are absent)."""
        wanted = sorted(set(npis))
        if not wanted:
            return {}
        self._trip()
        return self._source_facts(source, wanted)

    def source_fact_npis(self, source: str) -> list[str]:
        """Every NPI ``source`` holds a fact about, sorted."""
        self._trip()
        return self._source_fact_npis(source)

    def replace_source_facts(self, source: str, facts: Mapping[str, SourceFacts]) -> int:
        """For each NPI given that the store holds, the facts of ``source`` become
        exactly these (an empty SourceFacts withdraws them); returns how many
        NPIs were written. Every fact must carry ``source`` as its evidence
        source and one of its records as reference (InputError otherwise)."""
        prefix = fact_prefix(source)
        for npi, held in facts.items():
            evidence: list[Evidence] = [f.evidence for f in held.credentials]
            evidence += [f.evidence for f in held.locations]
            owners: list[str] = []
            for each in (held.treatments, held.access, held.memberships):
                for fact in each:
                    evidence.append(fact.evidence)
                    owners.append(fact.npi)
            for ev in evidence:
                if ev.source != source or not (ev.reference or "").startswith(prefix):
                    raise InputError(f"a fact of {ev.source!r} ({ev.reference}) cannot be written as {source!r}")
            if any(owner != npi for owner in owners):
                raise InputError(f"facts of another NPI given for {npi}")
        if not facts:
            return 0
        self._trip()
        return self._replace_source_facts(source, {npi: facts[npi] for npi in sorted(facts)})

    # ----------------------------------------------------------- primitives
    @abc.abstractmethod
    def _stored_records(self, refs: list[str]) -> dict[str, StoredRecord]: ...
    @abc.abstractmethod
    def _write_source_records(self, records: list[SourceRecord], checkpoint: RunCheckpoint | None) -> None: ...
    @abc.abstractmethod
    def _retire_source_records(self, source: str, run_id: str, on: date) -> int: ...
    @abc.abstractmethod
    def _source_records(self, refs: list[str]) -> dict[str, SourceRecord]: ...
    @abc.abstractmethod
    def _source_record_page(self, source: str, after: str, limit: int, include_retired: bool) -> list[SourceRecord]: ...
    @abc.abstractmethod
    def _record_sources(self) -> list[RecordSource]: ...
    @abc.abstractmethod
    def _write_resolution_links(self, links: list[ResolutionLink]) -> int: ...
    @abc.abstractmethod
    def _resolution_links(self, refs: list[str]) -> dict[str, ResolutionLink]: ...
    @abc.abstractmethod
    def _resolution_link_page(self, after: str, limit: int) -> list[ResolutionLink]: ...
    @abc.abstractmethod
    def _delete_resolution_links(self, refs: list[str]) -> int: ...
    @abc.abstractmethod
    def _withdraw_model_matches(self, match_ids: list[str]) -> int: ...
    @abc.abstractmethod
    def _source_facts(self, source: str, npis: list[str]) -> dict[str, SourceFacts]: ...
    @abc.abstractmethod
    def _source_fact_npis(self, source: str) -> list[str]: ...
    @abc.abstractmethod
    def _replace_source_facts(self, source: str, facts: dict[str, SourceFacts]) -> int:
        """See :meth:`replace_source_facts`; the facts are checked, NPIs sorted."""
