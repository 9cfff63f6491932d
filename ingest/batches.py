"""The last stage of a load: counts every outcome and writes in fixed-size batches.

A provider batch and the run checkpoint (line reached, counts) commit in one
transaction. Quarantined rows and deactivations are written before the
checkpoint that covers them (and whenever batch_size of them are pending); both
are idempotent, so replaying them after a crash changes nothing. The counts of
a checkpoint count the batch it commits as ``carried_over``: its inserted/updated split is only known after the commit,
and the next checkpoint replaces it with the real split.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterable
from datetime import date

from directory.errors import SourceFormatError
from directory.model import Evidence, ProviderRecord, QuarantinedRow
from directory.store.base import RunCheckpoint, Store

from .nppes import RawRow
from .quarantine import BadRowPolicy, FilterReason, Problem
from .report import CARRIED_OVER, IngestReport
from .stages import Kind, Outcome

log = logging.getLogger(__name__)

ProgressCallback = Callable[[IngestReport], None]


#: The first provider batch; each next one doubles up to batch_size. In a
#: parallel load the writer is the slower process and would otherwise sit idle
#: until the reader has found a whole batch (about 8 s of a national load).
FIRST_BATCH = 1000


def _bump(counts: dict[str, int], key: str, by: int = 1) -> None:
    counts[key] = counts.get(key, 0) + by


class BatchWriter:
    def __init__(
        self,
        store: Store,
        report: IngestReport,
        evidence: Evidence,
        *,
        policy: BadRowPolicy,
        batch_size: int,
        resume_line: int = 0,
        checkpoint_every: int = 100_000,
        progress: ProgressCallback | None = None,
        progress_every: int = 100_000,
    ):
        self.store, self.report, self.evidence, self.policy = store, report, evidence, policy
        self.batch_size = max(1, batch_size)
        self._batch_limit = min(self.batch_size, FIRST_BATCH)
        self.checkpoint_every = max(self.batch_size, checkpoint_every)
        self.progress, self.progress_every = progress, max(1, progress_every)
        self._started = time.perf_counter()
        self._records: list[ProviderRecord] = []
        self._digests: list[str] = []  # content hash of each record, from validate
        self._quarantine: list[QuarantinedRow] = []
        self._deactivations: list[tuple[RawRow, str, date]] = []
        self._last_line = resume_line  # end line of the last row handled
        self._since_checkpoint = 0
        #: counts as of the last committed checkpoint: what a failed run records,
        #: so that resuming from that checkpoint counts every row once.
        self.committed_counts = report.counts()

    # ----------------------------------------------------------------- intake
    def consume(self, outcomes: Iterable[Outcome]) -> None:
        report = self.report
        LOAD, FILTER, DEACTIVATE, REJECT = Kind.LOAD, Kind.FILTER, Kind.DEACTIVATE, Kind.REJECT
        next_progress = (report.read // self.progress_every + 1) * self.progress_every
        for kind, row, payload in outcomes:
            rows = 1
            if kind == FILTER:
                reason, rows = payload
                _bump(report.filtered, reason.value, rows)
            elif kind == LOAD:
                record, warnings, digest = payload
                if warnings:
                    self._warn(row, warnings)
                self._records.append(record)
                self._digests.append(digest)
            elif kind == DEACTIVATE:
                npi, when = payload
                self._deactivations.append((row, npi, when))
                if len(self._deactivations) >= self.batch_size:
                    self._apply_deactivations()
            elif kind == REJECT:
                self._reject(row, payload)
            else:  # a stage forgot to resolve a row: a bug, not bad input
                raise AssertionError(f"unresolved outcome {kind!r} at line {row.line}")
            if len(self._quarantine) >= self.batch_size:
                self._write_quarantine()
            report.read += rows
            self._last_line = row.end_line
            self._since_checkpoint += rows
            if len(self._records) >= self._batch_limit or self._since_checkpoint >= self.checkpoint_every:
                self.flush()
            if report.read >= next_progress:
                next_progress = (report.read // self.progress_every + 1) * self.progress_every
                if self.progress is not None:
                    self.progress(self.snapshot())
        self.flush()

    def _warn(self, row: RawRow, warnings: list[Problem]) -> None:
        for w in warnings:
            _bump(self.report.warnings, w.code.value)
        if self.policy is not BadRowPolicy.IGNORE:
            detail = "warning, row loaded without it: " + "; ".join(w.detail for w in warnings)
            self._quarantine.append(self._quarantined(row, warnings[0].code.value, detail))

    def _reject(self, row: RawRow, problem: Problem) -> None:
        if self.policy is BadRowPolicy.FAIL_FAST:
            self.flush()  # commit the good rows before this one, checkpoint just before it
        _bump(self.report.quarantined, problem.code.value)
        if self.policy is BadRowPolicy.IGNORE:
            return
        self._quarantine.append(self._quarantined(row, problem.code.value, problem.detail))
        if self.policy is BadRowPolicy.FAIL_FAST:
            self._write_quarantine()
            raise SourceFormatError(
                f"{self.report.file} line {row.line}: {problem.code.value}: {problem.detail} "
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
            r, filtered=dict(r.filtered), quarantined=dict(r.quarantined), warnings=dict(r.warnings)
        )

    def _write_quarantine(self) -> None:
        if self._quarantine:
            self.store.quarantine(self._quarantine)
            self._quarantine = []

    def _apply_deactivations(self) -> None:
        if not self._deactivations:
            return
        wanted = {npi: when for _, npi, when in self._deactivations}
        known = self.store.stored_versions(list(wanted))
        changed = self.store.deactivate({npi: wanted[npi] for npi in known}, self.evidence) if known else 0
        report = self.report
        report.updated += changed
        report.unchanged += len(known) - changed
        unknown = len(wanted) - len(known)
        if unknown:
            _bump(report.filtered, FilterReason.DEACTIVATED_UNKNOWN_NPI.value, unknown)
        self._deactivations = []

    def flush(self) -> None:
        """Write everything pending and checkpoint at the last row handled."""
        self._write_quarantine()
        self._apply_deactivations()
        records, self._records = self._records, []
        digests, self._digests = self._digests, []
        counts = self.report.counts()
        counts[CARRIED_OVER] = counts.get(CARRIED_OVER, 0) + len(records)
        checkpoint = RunCheckpoint(self.report.run_id, self._last_line, counts)
        stats = self.store.upsert_providers(records, checkpoint=checkpoint, digests=digests)
        self.report.inserted += stats.inserted
        self.report.updated += stats.updated
        self.report.unchanged += stats.unchanged
        self._since_checkpoint = 0
        self.committed_counts = self.report.counts()
        self._batch_limit = min(self.batch_size, 2 * self._batch_limit)
        if records:
            log.debug("committed %d records up to line %d", len(records), self._last_line)
