"""One way to load a source: :class:`Source` says how to read and map an
input, :func:`load` does everything else, the same way for every source.

A source module subclasses :class:`Source` (or :class:`~ingest.sources.tabular.CsvSource`
for a CSV file with named columns) and only reads and maps:

* :meth:`Source.open` checks the input's shape (header, sheet, JSON) before
  anything is written and says what it is (:class:`SourceFile`);
* :meth:`Source.outcomes` streams ``(kind, row, payload)`` outcomes
  (:class:`ingest.batches.Kind`): a row to load, filtered with a
  :class:`~ingest.quarantine.FilterReason`, or rejected with a
  :class:`~ingest.quarantine.Problem` (a reason code);
* :meth:`Source.sink` says where loaded rows go (:mod:`ingest.sources.sinks`).

:func:`load` owns the run:

* **run identity**: ``<source>-<first 16 hex digits of the input's key>``, the
  key a cheap fingerprint (:func:`file_key`). An unfinished run of the same
  input resumes after its checkpoint (rows up to it are not counted again); a
  completed one is reopened from the start, so loading twice leaves the store
  and the run books as loading once. A run stopped midway under another scope
  (:attr:`Source.scope_signature`) is refused before any write;
* **rows**: the bad-row policy (quarantine, fail fast, ignore), batches written
  with their checkpoint (:class:`ingest.batches.BatchWriter`) and the report,
  where every row read is loaded, filtered or quarantined (:meth:`IngestReport.check`);
* **the end**: :meth:`Source.completed` does what only the whole input says
  (a snapshot's retirements); a completed run records its counts; a failed one those of its
  last committed checkpoint, so a resume counts every row once. When the
  source itself fails (a damaged file, the API down) what it handed over
  before is written first.
"""

from __future__ import annotations

import abc
import contextlib
import hashlib
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import ClassVar

from directory import settings
from directory.errors import InputError
from directory.model import IngestRun
from directory.store.base import RunCheckpoint, Store

from ..batches import BatchWriter, Outcome, ProgressCallback, Sink
from ..quarantine import BadRowPolicy
from ..report import IngestReport
from ..zipped import member_fingerprint

log = logging.getLogger(__name__)

_EDGE = 1 << 20  # bytes hashed at each end of a file


def fingerprint(path: str | os.PathLike[str]) -> str:
    """SHA-256 over size, mtime and the first and last MiB: cheap for a 10 GB file."""
    path = Path(path)
    stat = path.stat()
    digest = hashlib.sha256(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    with open(path, "rb") as f:
        digest.update(f.read(_EDGE))
        if stat.st_size > _EDGE:
            f.seek(max(_EDGE, stat.st_size - _EDGE))
            digest.update(f.read(_EDGE))
    return digest.hexdigest()


def file_key(path: str | os.PathLike[str], member: str | None = None) -> str:
    """Cheap identity of a file, or of a zip member (from the zip's directory)."""
    return fingerprint(path) if member is None else member_fingerprint(path, member)


@dataclass(frozen=True, slots=True)
class SourceFile:
    """What one input of a source is, as :meth:`Source.open` found it."""

    name: str  # shown in reports and kept with the run (a weekly's order is read from it)
    key: str  # cheap fingerprint: the run's identity
    date: date  # the date the data speaks for (the evidence's retrieval date)


class Source(abc.ABC):
    """One input of one source. A subclass reads and maps; :func:`load` does the rest."""

    #: The run's source and the owner of the facts it writes ("nppes_pl").
    name: str
    #: What the report calls a row's position: "line", "row" (a sheet), "NPI".
    unit: ClassVar[str] = "line"
    #: Wrap the load in ``store.bulk_load()`` (a national file: indexes catch up once).
    bulk: ClassVar[bool] = False
    #: Rows per batch when the caller gives none (None: the ``batch_size`` setting).
    batch_size: int | None = None
    #: Rows between checkpoints when batches stay small (None: every batch).
    checkpoint_every: int | None = None

    @property
    def scope_name(self) -> str:
        """Which rows the source keeps, as the report says it."""
        return "in_store"

    @property
    def scope_signature(self) -> str:
        """What the scope keeps, kept with the run: a run stopped midway is
        resumed only under the same one. Empty: the source has no scope."""
        return ""

    @abc.abstractmethod
    def open(self, store: Store) -> contextlib.AbstractContextManager[SourceFile]:
        """Open the input and check its shape (against the store too, as the
        catalog checks its references); SourceFormatError (or InputError) here
        means nothing is written, not even a run. The input stays open inside the block."""

    @abc.abstractmethod
    def outcomes(self, store: Store, resume_line: int) -> Iterator[Outcome]:
        """The outcome of every row after ``resume_line``, streamed. Called
        inside the block of :meth:`open`, after the run is open."""

    @abc.abstractmethod
    def sink(self, store: Store, report: IngestReport, batch_size: int) -> Sink:
        """Where the loaded rows go (``batch_size``: the load's, for a sink
        that batches a second kind of write of its own)."""

    def completed(self, store: Store, report: IngestReport) -> None:
        """After every row is written, before the run is marked completed: what
        only a whole input says (a snapshot retires what it no longer holds).
        Must be idempotent: a run that fails here is resumed at its end and
        calls it again. Default: nothing."""


def open_run(store: Store, source: Source, file: SourceFile) -> IngestRun:
    """Start the run of an input, or reopen the earlier one of the same input.

    An unfinished run is handed back by the store with its checkpoint. A
    completed run is reopened from the start under the same id: its quarantine
    rows are rewritten in place, so loading an input twice leaves the store
    (run books included) exactly as loading it once. Resuming under another
    scope is refused (InputError) before anything else is written."""
    fresh = IngestRun(
        run_id=f"{source.name}-{file.key[:16]}",
        source=source.name,
        file_name=file.name,
        file_sha256=file.key,
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        finished_at=None,
        status="running",
        counts={},
        scope=source.scope_signature,
    )
    previous = next((r for r in store.runs(source.name) if r.run_id == fresh.run_id), None)
    if previous is not None and previous.status == "completed":
        store.checkpoint(RunCheckpoint(fresh.run_id, 0, {}))
        store.finish_run(fresh.run_id, "running", {})
    run = store.start_run(fresh)
    if run.resume_line > 0 and run.scope and fresh.scope and run.scope != fresh.scope:
        raise InputError(
            f"{file.name}: run {run.run_id} stopped after {source.unit} {run.resume_line} while loading with scope "
            f"{run.scope.split(':')[0]!r} ({run.scope}); finish it with that scope, not "
            f"{source.scope_name!r} ({fresh.scope}), so that the store ends as one uninterrupted load would leave it"
        )
    return run


class _Watched:
    """The source's outcomes, noting whether the source itself raised (then
    what it handed over is still written) or the writer did."""

    def __init__(self, outcomes: Iterator[Outcome]):
        self.outcomes = outcomes
        self.failed = False

    def __iter__(self) -> Iterator[Outcome]:
        try:
            yield from self.outcomes
        except Exception:
            self.failed = True
            raise


def load(
    store: Store,
    source: Source,
    *,
    policy: BadRowPolicy | str = BadRowPolicy.QUARANTINE,
    batch_size: int | None = None,
    checkpoint_every: int | None = None,
    progress: ProgressCallback | None = None,
    progress_every: int = 100_000,
) -> IngestReport:
    """Load one input of a source; returns the run's report (already checked).

    ``progress`` is called every ``progress_every`` rows with a snapshot of
    the report. See the module docstring for runs, resumes and failures."""
    policy = BadRowPolicy.parse(policy)
    batch_size = batch_size or source.batch_size or settings.get_int("batch_size")
    started = time.perf_counter()
    with source.open(store) as file:
        run = open_run(store, source, file)
        report = IngestReport(
            run_id=run.run_id,
            source=source.name,
            file=file.name,
            file_date=file.date.isoformat(),
            scope=source.scope_name,
            policy=policy.value,
        )
        if run.resume_line > 0:
            report.restore(run.counts)
            report.resumed_from_line = run.resume_line
            log.info("resuming run %s after %s %d", run.run_id, source.unit, run.resume_line)
        sink = source.sink(store, report, batch_size)
        writer = BatchWriter(
            store,
            report,
            sink,
            policy=policy,
            batch_size=batch_size,
            resume_line=run.resume_line,
            checkpoint_every=checkpoint_every or source.checkpoint_every,
            progress=progress,
            progress_every=progress_every,
            unit=source.unit,
        )
        watched: _Watched | None = None
        try:
            watched = _Watched(source.outcomes(store, run.resume_line))
            with store.bulk_load() if source.bulk else contextlib.nullcontext():
                try:
                    writer.consume(watched)
                except Exception:
                    if watched.failed:  # keep what the source handed over before it failed
                        _write_what_was_read(writer, run.run_id)
                    raise
            source.completed(store, report)
        except BaseException:
            report.status = "failed"
            try:
                store.finish_run(run.run_id, "failed", writer.committed_counts)
            except Exception:  # the store may be what failed; keep the original error
                log.exception("could not mark run %s failed", run.run_id)
            raise
        finally:
            if watched is not None:
                close = getattr(watched.outcomes, "close", None)
                if close is not None:
                    close()  # stops a reading child process, if any
    report.elapsed_seconds = time.perf_counter() - started
    report.status = "completed"
    report.check()
    store.finish_run(run.run_id, "completed", report.counts())
    log.info(
        "loaded %s %s: %d read, %d loaded, %d filtered, %d quarantined",
        source.name,
        report.file,
        report.read,
        report.loaded,
        report.filtered_total,
        report.quarantined_total,
    )
    return report


def _write_what_was_read(writer: BatchWriter, run_id: str) -> None:
    try:
        writer.flush()
    except Exception:  # the store may be failing too; the source's error is the one to report
        log.exception("could not write what run %s read before its source failed", run_id)
