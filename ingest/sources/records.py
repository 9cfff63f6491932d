"""Source records: a roster, licence board file or site list read through a
column mapping (:mod:`ingest.mapping`) and kept, row by row, as
:class:`~directory.source_records.SourceRecord`\\ s of the source it is loaded under.

:class:`MappedSource` is the part the three kinds share; each kind's module
(``roster``, ``licences``, ``sites``) says what its rows must hold to name
someone, and its default method and confidence. What happens to a row:

* a row that cannot be read (wrong number of cells, not CSV, not UTF-8) is
  quarantined with its reason code; so is a row that names no one (the kind's
  own rule: ``missing_value``) and a record id already used by an earlier row of
  the file (``duplicate_record_id``; the first row wins);
* a value that cannot be read (an ambiguous or impossible date, a foreign ZIP, a
  phone that is not ten digits) is left out of the record and the row loaded
  with a warning (kept in the quarantine list with its reason code): what the
  row says of who the provider is still counts;
* every other row is loaded: inserted, updated (other fields than its source
  held, or back after being retired) or unchanged.

**A file is a snapshot of its source.** When a load completes, the records of
the source that the file did not hold (nor any earlier attempt of the same
load) are retired: kept with the date, no longer resolved, exported or used for
facts. A file older than the newest one loaded under the same source is refused,
and so is a source name used by another kind. Provenance: the source name, the
file, the as-of date (``as_of``, default the file's modification date), the
method and confidence of the kind (or as given).

Loading writes records only; ``ingest.resolution.resolve_store`` links them to
providers, and :func:`directory.services.source_facts.materialise` turns the
linked ones into facts (the CLI runs it after each load, so a retired record's
facts go at once).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from directory.errors import InputError
from directory.model import Evidence, QuarantinedRow
from directory.source_records import SourceRecord
from directory.store.base import Store
from directory.store.hashing import record_hash

from ..batches import Kind, Outcome, Sink, bump
from ..mapping import ColumnMapping, MappedRow, load_mapping, read_rows
from ..nppes import RawRow
from ..quarantine import Problem, ReasonCode
from ..report import IngestReport
from .base import Source, SourceFile, file_key

#: Names other loaders use for their own facts: a record source may not take one.
RESERVED_SOURCES = frozenset(
    {"nppes", "nppes_pl", "nppes_othername", "nppes_deactivation", "npi_registry_api", "catalog"}
)
#: A source name: it starts each record's reference, ``source:record_id``.
SOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
#: Problems that mean the row itself could not be read (anything else is a value's).
ROW_PROBLEMS = frozenset({ReasonCode.COLUMN_COUNT, ReasonCode.MALFORMED_CSV, ReasonCode.INVALID_UTF8})
#: Records per batch: small rows, one transaction each with its checkpoint.
BATCH_SIZE = 5000
#: Report detail: records of the source the completed load retired.
RETIRED = "retired"


def check_source_name(name: str) -> str:
    name = (name or "").strip()
    if not SOURCE_NAME.match(name):
        raise InputError(
            f"source name {name[:100]!r}: use letters, digits, '.', '_' and '-' (at most 80, no ':'), "
            "e.g. northwind-roster"
        )
    if name in RESERVED_SOURCES:
        raise InputError(f"source name {name!r} is used by provnet's own loaders; choose another")
    return name


class MappedSource(Source):
    """One file of a source of records, read through its column mapping."""

    #: The mapping kind (ingest.mapping.FIELDS) of the records.
    kind: ClassVar[str]
    #: Evidence of the records unless given: method and confidence.
    default_method: ClassVar[str]
    default_confidence: ClassVar[float]
    batch_size = BATCH_SIZE

    def __init__(
        self,
        path: str | os.PathLike[str],
        mapping: str | os.PathLike[str] | dict | ColumnMapping,
        source: str,
        *,
        as_of: date | None = None,
        method: str | None = None,
        confidence: float | None = None,
        sheet: str | None = None,
        today: date | None = None,
    ):
        self.path = Path(path)
        self.mapping = mapping if isinstance(mapping, ColumnMapping) else load_mapping(mapping, self.kind)
        if self.mapping.kind != self.kind:
            raise InputError(f"a {self.mapping.kind} mapping cannot read a {self.kind} file")
        self.name = check_source_name(source)
        self.as_of, self.sheet, self.today = as_of, sheet, today
        self.method = (method or self.default_method).strip()
        self.confidence = self.default_confidence if confidence is None else float(confidence)
        if not self.method:
            raise InputError("the method of a source needs a name")
        if not 0.0 < self.confidence <= 1.0:
            raise InputError(f"confidence {self.confidence} is not in (0, 1]")
        self.unit = "row" if self.path.suffix.lower() in (".xlsx", ".xlsm") else "line"  # type: ignore[misc]

    # ------------------------------------------------------------ the kind's
    def names_someone(self, values: Mapping[str, str]) -> Problem | None:
        """None when the row's values say who it is about, else why not."""
        raise NotImplementedError

    # --------------------------------------------------------------- Source
    @property
    def scope_name(self) -> str:
        return self.kind

    @property
    def scope_signature(self) -> str:
        """A run stopped midway resumes only with the same mapping, kind and provenance."""
        what = {
            "kind": self.kind,
            "columns": self.mapping.columns,
            "values": self.mapping.values,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "method": self.method,
            "confidence": self.confidence,
            "sheet": self.sheet,
        }
        digest = hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()[:16]
        return f"{self.kind}:{digest}"

    @contextlib.contextmanager
    def open(self, store: Store) -> Iterator[SourceFile]:
        if not self.path.is_file():
            raise FileNotFoundError(2, "No such file", str(self.path))
        as_of = self.as_of or date.fromtimestamp(self.path.stat().st_mtime)
        for held in store.record_sources():
            if held.source != self.name:
                continue
            if held.kind != self.kind:
                raise InputError(
                    f"source {self.name!r} holds {held.kind} records; load a {self.kind} file under another name"
                )
            if as_of < held.as_of:
                raise InputError(
                    f"{self.path.name} is as of {as_of.isoformat()}, older than {held.file} "
                    f"({held.as_of.isoformat()}), the newest file of source {self.name!r}: a file is a snapshot "
                    "of its source, so an older one would retire newer records"
                )
        self.evidence = Evidence(self.name, as_of, self.method, self.confidence, self.path.name)
        self.rows = read_rows(self.path, self.mapping, today=self.today or date.today(), sheet=self.sheet)
        try:
            yield SourceFile(self.path.name, file_key(self.path), as_of)
        finally:
            close = getattr(self.rows, "close", None)
            if close is not None:
                close()

    def outcomes(self, store: Store, resume_line: int) -> Iterator[Outcome]:
        LOAD, REJECT = Kind.LOAD, Kind.REJECT
        seen: dict[str, int] = {}  # record id -> its row (a resumed run's earlier rows: the store checks those)
        for row in self.rows:
            if row.line <= resume_line:
                continue
            raw = RawRow(row.line, row.line, None, row.raw)
            broken = next((p for p in row.problems if p.code in ROW_PROBLEMS), None)
            if broken is not None:
                yield REJECT, raw, broken
                continue
            missing = self.names_someone(row.values)
            if missing is not None:
                yield REJECT, raw, missing
                continue
            first = seen.setdefault(row.record_id, row.line)
            if first != row.line:
                yield REJECT, raw, duplicate(row.record_id, first)
                continue
            yield LOAD, raw, (self.record(row), list(row.problems))

    def record(self, row: MappedRow) -> SourceRecord:
        values = dict(sorted(row.values.items()))
        values.pop("record_id", None)  # it is the record's id, not one of its fields
        return SourceRecord(
            self.name, row.record_id, self.kind, values, self.evidence, record_hash(self.kind, values), row.line
        )

    def sink(self, store: Store, report: IngestReport, batch_size: int) -> Sink:
        return RecordSink(store, report)

    def completed(self, store: Store, report: IngestReport) -> None:
        retired = store.retire_source_records(self.name, report.run_id, date.today())
        if retired:
            bump(report.details, RETIRED, retired)


def duplicate(record_id: str, first: int | None = None) -> Problem:
    where = f" (row {first})" if first is not None else ""
    return Problem(
        ReasonCode.DUPLICATE_RECORD_ID,
        f"record id {record_id!r} is on an earlier row of the file{where}; the first row is kept",
    )


class RecordSink(Sink):
    """Source records (LOAD payload ``(record, warnings)``), a batch at a time.

    The source rejects a record id already on an earlier row; the store
    catches the ones a resumed run no longer sees (the first row was written
    before the interruption), and those are quarantined here. The batch is
    written, its duplicates quarantined, then the checkpoint taken: the writes
    are idempotent, so a crash before the checkpoint replays the batch (its rows
    then count as unchanged)."""

    def __init__(self, store: Store, report: IngestReport):
        super().__init__(store, report)
        self._records: list[SourceRecord] = []
        self._raw: dict[int, str] = {}

    def add(self, kind: int, row: RawRow, payload: Any) -> None:
        if kind != Kind.LOAD:
            raise AssertionError(f"a record source yields LOAD or REJECT, not {kind!r} (line {row.line})")
        self._records.append(dataclasses.replace(payload[0], run_id=self.report.run_id))
        self._raw[row.line] = row.raw
        self.pending += 1

    def write(self, line: int) -> None:
        records, self._records = self._records, []
        raw, self._raw = self._raw, {}
        self.pending = 0
        if records:
            done = self.store.upsert_source_records(records)
            report = self.report
            report.inserted += done.stats.inserted
            report.updated += done.stats.updated
            report.unchanged += done.stats.unchanged
            if done.duplicates:
                bump(report.quarantined, ReasonCode.DUPLICATE_RECORD_ID.value, len(done.duplicates))
                if report.policy != "ignore":
                    self.store.quarantine(
                        [
                            QuarantinedRow(
                                report.run_id,
                                report.source,
                                d.line,
                                ReasonCode.DUPLICATE_RECORD_ID.value,
                                duplicate(d.record_id).detail,
                                raw.get(d.line, ""),
                            )
                            for d in done.duplicates
                        ]
                    )
        self.store.checkpoint(self.checkpoint_at(line))
