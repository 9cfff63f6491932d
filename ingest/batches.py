"""The last stage of every load: counts each outcome once, applies the bad-row
policy and writes in fixed-size batches through the source's :class:`Sink`.

A source yields outcomes, ``(kind, row, payload)`` tuples (:class:`Kind`):
plain tuples and int kinds because a national NPPES file makes a million of
them. FILTER and REJECT are settled here; every other kind is the sink's.
Quarantined rows are written before the checkpoint that covers them (and
whenever batch_size of them are pending); writes are idempotent, so replaying
them after a crash changes nothing.

A checkpoint records the line reached and the report's counts as of that line;
the sink commits it with its batch (in one transaction where the store port
takes a checkpoint with the write). :attr:`BatchWriter.committed_counts` is
what a failed run records, so that a resume from that checkpoint counts every
row once.
"""

from __future__ import annotations

import abc
import dataclasses
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from directory.errors import SourceFormatError
from directory.model import QuarantinedRow
from directory.store.base import RunCheckpoint, Store

from .nppes import RawRow
from .quarantine import BadRowPolicy, Problem
from .report import IngestReport

log = logging.getLogger(__name__)

ProgressCallback = Callable[[IngestReport], None]

#: The first batch; each next one doubles up to batch_size. In a parallel
#: NPPES load the writer is the slower process and would otherwise sit idle
#: until the reader has found a whole batch (about 8 s of a national load).
FIRST_BATCH = 1000


class Kind:
    """What became of a row; plain ints because they are compared per row."""

    LOAD = 1  # payload: (item, warnings, ...): the sink's item, then Problems of warning level (or ())
    DEACTIVATE = 2  # NPPES sparse row; payload: (npi, deactivation date)
    FILTER = 3  # payload: (FilterReason, number of rows); row is the last of them
    REJECT = 4  # payload: Problem
    CANDIDATE = 6  # NPPES: in scope, not yet validated (between screen and validate)
    SPARSE = 7  # NPPES: NPI + deactivation date only, not yet validated


#: (kind, row, payload), a plain tuple: one is built per row.
Outcome = tuple


def bump(counts: dict[str, int], key: str, by: int = 1) -> None:
    counts[key] = counts.get(key, 0) + by


class Sink(abc.ABC):
    """Where the loaded rows of a source go.

    The writer hands over every outcome that is neither filtered nor rejected
    (:meth:`add`) and calls :meth:`write` when a batch is due: after a row once
    :attr:`pending` reaches the batch size, when ``checkpoint_every`` rows
    passed while :attr:`settled`, and at the end. A sink counts what the store
    did with its rows (inserted, updated, unchanged, or filtered when the store
    lacks what they need) on the report. A sink that must keep a group of rows
    together (the NPI groups of a reference file) calls :attr:`commit` itself
    before the first row of a new group; ``commit`` writes everything pending
    and checkpoints at the last row counted."""

    #: rows waiting to be written
    pending: int = 0
    #: set by the writer: write what is pending now (see the class docstring)
    commit: Callable[[], None]

    def __init__(self, store: Store, report: IngestReport) -> None:
        self.store, self.report = store, report

    @property
    def settled(self) -> bool:
        """Whether a checkpoint may be taken now (False inside a group)."""
        return True

    @abc.abstractmethod
    def add(self, kind: int, row: RawRow, payload: Any) -> None: ...

    @abc.abstractmethod
    def write(self, line: int) -> None:
        """Write what is pending and checkpoint at ``line`` (see :meth:`checkpoint_at`)."""

    def checkpoint_at(self, line: int, counts: dict[str, int] | None = None) -> RunCheckpoint:
        """The checkpoint after ``line``: the report's counts unless given."""
        return RunCheckpoint(self.report.run_id, line, self.report.counts() if counts is None else counts)


class BatchWriter:
    def __init__(
        self,
        store: Store,
        report: IngestReport,
        sink: Sink,
        *,
        policy: BadRowPolicy,
        batch_size: int,
        resume_line: int = 0,
        checkpoint_every: int | None = None,
        progress: ProgressCallback | None = None,
        progress_every: int = 100_000,
        unit: str = "line",
    ):
        self.store, self.report, self.sink, self.policy = store, report, sink, policy
        self.batch_size = max(1, batch_size)
        self._batch_limit = min(self.batch_size, FIRST_BATCH)
        self.checkpoint_every = max(self.batch_size, checkpoint_every or 0)
        self.progress, self.progress_every = progress, max(1, progress_every)
        self.unit = unit
        self._started = time.perf_counter()
        self._quarantine: list[QuarantinedRow] = []
        self._last_line = resume_line  # end line of the last row counted
        self._since_checkpoint = 0
        #: counts as of the last committed checkpoint: what a failed run records,
        #: so that resuming from that checkpoint counts every row once.
        self.committed_counts = report.counts()
        sink.commit = self.flush

    # ----------------------------------------------------------------- intake
    def consume(self, outcomes: Iterable[Outcome]) -> None:
        report, sink = self.report, self.sink
        add = sink.add
        LOAD, FILTER, REJECT = Kind.LOAD, Kind.FILTER, Kind.REJECT
        next_progress = (report.read // self.progress_every + 1) * self.progress_every
        for kind, row, payload in outcomes:
            rows = 1
            if kind == FILTER:
                reason, rows = payload
                bump(report.filtered, reason.value, rows)
            elif kind == REJECT:
                self._reject(row, payload)
            else:
                add(kind, row, payload)  # may commit the rows before this one (see Sink)
                if kind == LOAD and payload[1]:
                    self._warn(row, payload[1])
            if len(self._quarantine) >= self.batch_size:
                self._write_quarantine()
            report.read += rows
            self._last_line = row.end_line
            self._since_checkpoint += rows
            if sink.pending >= self._batch_limit or (self._since_checkpoint >= self.checkpoint_every and sink.settled):
                self.flush()
            if report.read >= next_progress:
                next_progress = (report.read // self.progress_every + 1) * self.progress_every
                if self.progress is not None:
                    self.progress(self.snapshot())
        self.flush()

    def _warn(self, row: RawRow, warnings: list[Problem]) -> None:
        for w in warnings:
            bump(self.report.warnings, w.code.value)
        if self.policy is not BadRowPolicy.IGNORE:
            detail = "warning, row loaded without it: " + "; ".join(w.detail for w in warnings)
            self._quarantine.append(self._quarantined(row, warnings[0].code.value, detail))

    def _reject(self, row: RawRow, problem: Problem) -> None:
        if self.policy is BadRowPolicy.FAIL_FAST:
            # commit the good rows before this one: the checkpoint stays just before
            # it, so the run stops here again until the row is fixed or let through
            self.flush()
        bump(self.report.quarantined, problem.code.value)
        if self.policy is BadRowPolicy.IGNORE:
            return
        self._quarantine.append(self._quarantined(row, problem.code.value, problem.detail))
        if self.policy is BadRowPolicy.FAIL_FAST:
            self._write_quarantine()
            raise SourceFormatError(
                f"{self.report.file} {self.unit} {row.line}: {problem.code.value}: {problem.detail} "
                f"(policy fail_fast; the row is kept in quarantine of run {self.report.run_id})"
            )

    def _quarantined(self, row: RawRow, reason: str, detail: str) -> QuarantinedRow:
        return QuarantinedRow(
            run_id=self.report.run_id,
            source=self.report.source,
            line_number=row.line,
            reason=reason,
            detail=detail,
            raw=row.raw.rstrip("\r\n"),
        )

    # ----------------------------------------------------------------- output
    def snapshot(self) -> IngestReport:
        r = self.report
        r.elapsed_seconds = time.perf_counter() - self._started
        return dataclasses.replace(
            r,
            filtered=dict(r.filtered),
            quarantined=dict(r.quarantined),
            warnings=dict(r.warnings),
            details=dict(r.details),
        )

    def _write_quarantine(self) -> None:
        if self._quarantine:
            self.store.quarantine(self._quarantine)
            self._quarantine = []

    def flush(self) -> None:
        """Write everything pending and checkpoint at the last row counted."""
        self._write_quarantine()
        self.sink.write(self._last_line)
        self._since_checkpoint = 0
        self.committed_counts = self.report.counts()
        self._batch_limit = min(self.batch_size, 2 * self._batch_limit)
