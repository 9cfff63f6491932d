"""The OIG LEIE source: the full list (``UPDATED.csv``) and its monthly
supplements (``YYMMEXCL.csv``, ``YYMMREIN.csv``), see :mod:`.leie_rows` for the
files. ``provnet ingest leie PATH``.

Every good row becomes an :class:`~directory.model.ExclusionRecord` in the
store, matched to the directory's providers or not, and each row is matched
(``directory.services.exclusions``): certain matches attach the exclusion to the
provider, uncertain ones wait in the review queue. A row that names no provider
is counted as filtered ``no_directory_match``, and its record is kept, so that
``provnet exclusions match`` (after an NPPES load) or a later load can link it.

How a row meets what the store holds (dates are those of the files: a full
file's is its ``--as-of`` or modification date, a supplement's the last day of
its month):

* an **exclusion row** (full file or EXCL supplement) lists its record in
  force as of the file's date (``last_listed``); a record reinstated by news
  of a later or the same date stays reinstated, an older reinstatement is
  undone (the party was excluded again);
* a **reinstatement row** (REIN supplement) sets the reinstatement date of its
  record, found by key or, when a profile correction changed the address, by
  identity (names, date of birth, NPI, type, date); the exclusions attached
  from it keep their history with that date, so vetting stops failing. A
  record listed by a newer file than the supplement is left in force. A
  reinstatement of a row never loaded is kept as a reinstated record;
* after a **full file**, every record in force that it (or a newer file) did
  not list is reinstated as of the file's date (the full file lists every
  exclusion in force). A sweep that would reinstate more than a tenth of the
  file's rows (and over :data:`SWEEP_GUARD` records) is refused as a sign of a
  cut-off or wrong file, and said so in the report;
* the list load is recorded (``LEIE`` as of the file's date) after a full
  file, and after an EXCL supplement that follows the recorded date without a
  gap; never after a REIN supplement, which alone says nothing about who is
  not excluded.

Re-running a file changes nothing; an interrupted run resumes after its last
checkpoint.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from directory.errors import SourceFormatError
from directory.model import Evidence, ExclusionListLoad, ExclusionRecord
from directory.services import exclusions
from directory.store.base import Store

from ..batches import Kind, Outcome, Sink, bump
from ..normalize import RowRejected
from ..nppes import RawRow
from ..quarantine import FilterReason
from ..report import IngestReport
from .base import Source, SourceFile, file_key, load
from .leie_rows import COLUMNS, LIST_NAME, FileKind, parse_row, resolve_kind
from .tabular import CsvFile

log = logging.getLogger(__name__)

SOURCE = exclusions.SOURCE
#: A sweep reinstating more records than this, and more than a tenth of the
#: file's rows, is refused (a cut-off download, a supplement read as full).
SWEEP_GUARD = 500


#: What a record says, as against when it was last listed and by which file.
_CONTENT = tuple(f.name for f in dataclasses.fields(ExclusionRecord) if f.name not in ("last_listed", "evidence"))


def _same_content(old: ExclusionRecord, new: ExclusionRecord) -> bool:
    """Equal but for when the record was last listed and by which file."""
    return all(getattr(old, name) == getattr(new, name) for name in _CONTENT)


def merge_listing(old: ExclusionRecord | None, row: ExclusionRecord) -> ExclusionRecord:
    """A record as the store should hold it after an exclusion row lists it."""
    if old is None:
        return row
    listed = row.evidence.retrieved
    if old.reinstated_on is None and listed >= old.evidence.retrieved and (old.last_listed or listed) <= listed:
        return row  # the common case: in force, listed again by a file as new or newer
    last_listed = max(d for d in (old.last_listed, row.last_listed) if d is not None)
    reinstated_on = None
    if old.reinstated_on is not None and listed <= max(old.reinstated_on, old.evidence.retrieved):
        reinstated_on = old.reinstated_on  # the reinstatement is news of a later (or the same) date
    base = row if listed >= old.evidence.retrieved else old  # the newer file's text
    return dataclasses.replace(base, last_listed=last_listed, reinstated_on=reinstated_on)


def merge_reinstatement(old: ExclusionRecord, row: ExclusionRecord) -> ExclusionRecord:
    """A record as the store should hold it after a reinstatement row names it."""
    if old.last_listed is not None and old.last_listed > row.evidence.retrieved:
        return old  # a newer file lists it in force
    if old.reinstated_on == row.reinstated_on:
        return old
    return dataclasses.replace(old, reinstated_on=row.reinstated_on, evidence=row.evidence)


class LeieSink(Sink):
    """Records a batch at a time: merge with the store, write, match, count
    (see the module docstring); after the last row, the sweep and the list load."""

    def __init__(self, store: Store, report: IngestReport, source: LeieFile):
        super().__init__(store, report)
        self.source = source
        self._rows: list[ExclusionRecord] = []
        self._ended = False

    def add(self, kind: int, row: RawRow, payload: Any) -> None:
        if kind != Kind.LOAD:
            raise AssertionError(f"the LEIE source yields LOAD, FILTER or REJECT, not {kind!r} (line {row.line})")
        self._rows.append(payload[0])
        self.pending += 1

    def write(self, line: int) -> None:
        rows, self._rows = self._rows, []
        self.pending = 0
        if rows:
            self._write(rows)
        if self.source.finished and not self._ended:
            self._ended = True
            self._end()
        self.store.checkpoint(self.checkpoint_at(line))

    def _write(self, rows: list[ExclusionRecord]) -> None:
        store, report = self.store, self.report
        identities = [r.identity for r in rows if r.reinstated_on is not None]
        stored = {r.key: r for r in store.exclusion_records(LIST_NAME, [r.key for r in rows], identities)}
        merged: dict[str, ExclusionRecord] = {}
        outcomes: list[tuple[list[str], str]] = []  # per row: its record keys, inserted/updated/unchanged
        for row in rows:
            if row.reinstated_on is None:
                old = merged.get(row.key) or stored.get(row.key)
                new = merge_listing(old, row)
                merged[row.key] = new
                status = "inserted" if old is None else "unchanged" if _same_content(old, new) else "updated"
                outcomes.append(([row.key], status))
                continue
            known = {**stored, **merged}
            same = [r for r in known.values() if r.identity == row.identity]
            targets = [known[row.key]] if row.key in known else same
            if not targets:
                merged[row.key] = row
                outcomes.append(([row.key], "inserted"))
                bump(report.details, "reinstatements.of_unknown_rows")
                continue
            changed = False
            for old in targets:
                new = merge_reinstatement(old, row)
                merged[old.key] = new
                changed |= new != old
            outcomes.append(([t.key for t in targets], "updated" if changed else "unchanged"))
            bump(report.details, "reinstatements.applied" if changed else "reinstatements.already_applied")
        written = [r for key, r in merged.items() if stored.get(key) != r]
        store.upsert_exclusion_records(written)
        reinstated = {
            key: r.reinstated_on
            for key, r in merged.items()
            if r.reinstated_on is not None and (key not in stored or stored[key].reinstated_on != r.reinstated_on)
        }
        store.reinstate_exclusion_records(LIST_NAME, reinstated)  # and the exclusions attached from them
        linked = exclusions.link(store, list(merged.values()))
        for name, n in linked.counts.items():
            bump(report.details, name, n)
        for keys, status in outcomes:
            if all(linked.status.get(k) == "none" for k in keys):
                bump(report.filtered, FilterReason.NO_DIRECTORY_MATCH.value)
            elif status == "inserted":
                report.inserted += 1
            elif status == "updated" or any(k in linked.changed for k in keys):
                report.updated += 1
            else:
                report.unchanged += 1

    def _end(self) -> None:
        source, report, store = self.source, self.report, self.store
        as_of = source.as_of_date
        evidence = source.evidence
        if source.kind is FileKind.FULL:
            gone = exclusions.absent(store, as_of)
            listed = report.loaded + report.filtered.get(FilterReason.NO_DIRECTORY_MATCH.value, 0)
            if len(gone) > SWEEP_GUARD and len(gone) * 10 > listed:
                log.warning(
                    "%s lists %d rows but %d records in force are not among them: not reinstating them "
                    "(a cut-off download, or not the full file?)",
                    report.file,
                    listed,
                    len(gone),
                )
                bump(report.details, "sweep.refused", len(gone))
            else:
                bump(report.details, "reinstated.absent_from_full_file", exclusions.sweep(store, as_of, gone))
            store.record_exclusion_lists([ExclusionListLoad(LIST_NAME, as_of, evidence)])
            bump(report.details, "list_load.recorded")
        elif source.kind is FileKind.EXCLUSIONS:
            current = next((x for x in store.exclusion_lists() if x.list_name == LIST_NAME), None)
            month_start = as_of.replace(day=1)
            if current is not None and month_start <= current.as_of + timedelta(days=1) and as_of > current.as_of:
                store.record_exclusion_lists([ExclusionListLoad(LIST_NAME, as_of, evidence)])
                bump(report.details, "list_load.recorded")
            else:
                bump(report.details, "list_load.not_recorded")


class LeieFile(Source):
    """One LEIE file; ``kind`` as the name says unless given, ``as_of`` the
    date it speaks for (default: a supplement's month end, else the file's
    modification date)."""

    name = SOURCE
    batch_size = 20_000  # each batch reads the directory's names once: few, large batches

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        kind: FileKind | str | None = None,
        as_of: date | None = None,
    ):
        self.path = Path(path)
        self.given_kind = None if kind is None else FileKind(kind)
        self.as_of = as_of
        self.finished = False

    @property
    def scope_name(self) -> str:
        return "every row (matched or not)"

    @contextlib.contextmanager
    def open(self, store: Store) -> Iterator[SourceFile]:
        file = CsvFile(self.path, None, COLUMNS, "OIG LEIE")
        with file:
            self.kind, month_end = resolve_kind(self.path, self.given_kind)
            self.as_of_date = self.as_of or month_end or file.date
            self.evidence = Evidence(SOURCE, self.as_of_date, "bulk_file", 1.0, file.name)
            self.file = file
            self.finished = False
            yield SourceFile(file.name, file_key(self.path), self.as_of_date)

    def outcomes(self, store: Store, resume_line: int) -> Iterator[Outcome]:
        LOAD, REJECT = Kind.LOAD, Kind.REJECT
        index = self.file.named.index
        kind, evidence = self.kind, self.evidence
        for row in self.file.rows():
            if row.end_line <= resume_line:
                continue
            if row.problem is not None:
                yield REJECT, row, row.problem
                continue
            fields = row.fields
            assert fields is not None  # no skip test is used, so every row is parsed
            try:
                record = parse_row({name: fields[i].strip() for name, i in index.items()}, kind, evidence)
            except RowRejected as rejected:
                yield REJECT, row, rejected.problem
                continue
            yield LOAD, row, (record, ())
        self.finished = True  # the writer's last flush then ends the load (LeieSink._end)

    def sink(self, store: Store, report: IngestReport, batch_size: int) -> LeieSink:
        return LeieSink(store, report, self)


def load_leie(
    store: Store,
    path: str | os.PathLike[str],
    *,
    kind: FileKind | str | None = None,
    as_of: date | None = None,
    policy: str = "quarantine",
    batch_size: int | None = None,
) -> IngestReport:
    """Load one LEIE file (see the module docstring); returns the run's report."""
    if not Path(path).exists():
        raise SourceFormatError(f"OIG LEIE file not found: {path}")
    return load(store, LeieFile(path, kind=kind, as_of=as_of), policy=policy, batch_size=batch_size)
