"""Load a bundle's reference files into the store as secondary facts of the
providers it already holds.

* ``pl_pfile``: secondary practice locations, owned by source ``nppes_pl``;
* ``othername_pfile``: other organization names, owned by ``nppes_othername``
  (organizations only);
* ``endpoint_pfile``: read and counted, every row filtered ``file_not_loaded``.

Each NPI's facts from a file replace, as a set, what the same source said
before (:meth:`Store.replace_secondary_locations`), so re-loading changes
nothing and the main file's own facts are never touched. Rows of an NPI the
store lacks are filtered ``npi_not_in_store``. Writes happen at NPI group
boundaries (CMS sorts these files by NPI) with the run checkpoint in the same
transaction, so an interrupted load resumes where it stopped; an NPI met again
later in the file is merged with what was already written for it.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from directory.errors import SourceFormatError
from directory.model import EntityType, Evidence, QuarantinedRow
from directory.store.base import RunCheckpoint, Store

from .normalize import RowRejected, ZipGeocoder
from .nppes import RawRow
from .quarantine import BadRowPolicy, FilterReason, Problem
from .reference_files import (
    ENDPOINT,
    FILE_CLASSES,
    OTHERNAME,
    PL,
    other_organization_name,
    row_npi,
    secondary_location,
)
from .report import IngestReport
from .runs import file_key, open_run
from .stages import NpiSeen

log = logging.getLogger(__name__)

METHOD = "bulk_file"


@dataclass(frozen=True, slots=True)
class SecondaryKind:
    kind: str
    source: str  # evidence source and owner of the facts
    parse: Callable | None  # (fields, evidence, geocode) -> fact; None: the file is not loaded
    organizations_only: bool = False


KINDS = {
    PL: SecondaryKind(PL, "nppes_pl", secondary_location),
    OTHERNAME: SecondaryKind(OTHERNAME, "nppes_othername", other_organization_name, organizations_only=True),
    ENDPOINT: SecondaryKind(ENDPOINT, "nppes_endpoint", None),
}


def _signature(kind: str, facts: list) -> tuple:
    """What decides whether a stored set equals a new one."""
    if kind == PL:
        return tuple(sorted({(f.location.key, f.primary, f.evidence) for f in facts}, key=repr))
    return tuple(sorted(((f.name, f.type_code, f.evidence) for f in facts), key=repr))


class _Writer:
    """Counts every row once and writes NPI groups with the checkpoint."""

    def __init__(
        self,
        store: Store,
        kind: SecondaryKind,
        report: IngestReport,
        *,
        policy: BadRowPolicy,
        batch_size: int,
        resume_line: int,
    ):
        self.store, self.kind, self.report, self.policy = store, kind, report, policy
        self.batch_size = max(1, batch_size)
        self._pending: dict[str, list] = {}
        self._rows: dict[str, int] = {}
        self._pending_rows = 0
        self._merge: set[str] = set()  # NPIs already written earlier in this run
        self._quarantine: list[QuarantinedRow] = []
        self._last_line = resume_line
        self._last_npi: str | None = None
        self._since_flush = 0

    def add(self, row: RawRow, npi: str, fact, first: bool) -> None:
        if npi != self._last_npi and self._pending_rows >= self.batch_size:
            self.flush()
        self._last_npi = npi
        if npi not in self._pending and not first:
            self._merge.add(npi)
        self._pending.setdefault(npi, []).append(fact)
        self._rows[npi] = self._rows.get(npi, 0) + 1
        self._pending_rows += 1
        self._count(row)

    def filter(self, row: RawRow, reason: FilterReason) -> None:
        self.report.filtered[reason.value] = self.report.filtered.get(reason.value, 0) + 1
        self._count(row)
        if not self._pending and self._since_flush >= self.batch_size:
            self.flush()  # a long run of filtered rows still moves the checkpoint

    def reject(self, row: RawRow, problem: Problem) -> None:
        report = self.report
        report.quarantined[problem.code.value] = report.quarantined.get(problem.code.value, 0) + 1
        if self.policy is not BadRowPolicy.IGNORE:
            self._quarantine.append(
                QuarantinedRow(
                    report.run_id, report.source, row.line, problem.code.value, problem.detail, row.raw.rstrip("\r\n")
                )
            )
        self._count(row)
        if self.policy is BadRowPolicy.FAIL_FAST:
            self.flush()
            raise SourceFormatError(
                f"{report.file} line {row.line}: {problem.code.value}: {problem.detail} "
                f"(policy fail_fast; the row is kept in quarantine of run {report.run_id})"
            )

    def _count(self, row: RawRow) -> None:
        self.report.read += 1
        self._since_flush += 1
        self._last_line = row.end_line

    def flush(self) -> None:
        """Write the pending NPI groups (all complete) and checkpoint after them."""
        store, report, kind = self.store, self.report, self.kind
        if self._quarantine:
            store.quarantine(self._quarantine)
            self._quarantine = []
        changed: dict[str, list] = {}
        if self._pending:
            npis = sorted(self._pending)
            if kind.organizations_only:
                known = {n: p.entity_type for n, p in store.providers(npis).items()}
            else:
                known = {n: None for n in store.stored_versions(npis)}
            stored = (store.locations_for if kind.kind == PL else store.other_names_for)(list(known))
            for npi in npis:
                rows = self._rows[npi]
                if npi not in known:
                    self._bump_filtered(FilterReason.NPI_NOT_IN_STORE, rows)
                    continue
                if known[npi] is EntityType.INDIVIDUAL:
                    self._bump_filtered(FilterReason.NOT_AN_ORGANIZATION, rows)
                    continue
                old = [f for f in stored.get(npi, []) if f.evidence.source == kind.source]
                new = self._pending[npi]
                if npi in self._merge:
                    new = old + new
                if _signature(kind.kind, new) == _signature(kind.kind, old):
                    report.unchanged += rows
                    continue
                changed[npi] = new
                if old:
                    report.updated += rows
                else:
                    report.inserted += rows
        checkpoint = RunCheckpoint(report.run_id, self._last_line, report.counts())
        write = store.replace_secondary_locations if kind.kind == PL else store.replace_other_names
        write(changed, kind.source, checkpoint=checkpoint)
        self._pending, self._rows, self._pending_rows, self._merge = {}, {}, 0, set()
        self._since_flush = 0

    def _bump_filtered(self, reason: FilterReason, rows: int) -> None:
        self.report.filtered[reason.value] = self.report.filtered.get(reason.value, 0) + rows


def load_reference_file(
    store: Store,
    kind: str,
    path: str | os.PathLike[str],
    *,
    member: str | None = None,
    policy: BadRowPolicy | str = BadRowPolicy.QUARANTINE,
    batch_size: int = 5000,
    today: date | None = None,
) -> IngestReport:
    """Load one reference file (``kind`` "pl", "othername" or "endpoint"), a
    plain CSV or the ``member`` of the zip at ``path``; returns its checked report.
    A wrong header raises SourceFormatError before anything is written."""
    spec = KINDS[kind]
    policy = BadRowPolicy.parse(policy)
    started = time.perf_counter()
    del today  # dates in these files are not read; kept for a uniform signature
    with FILE_CLASSES[kind](path, member) as ref:
        evidence = Evidence(spec.source, ref.date, METHOD, 1.0, ref.name)
        run = open_run(store, spec.source, ref.name, file_key(path, member))
        report = IngestReport(
            run_id=run.run_id,
            source=spec.source,
            file=ref.name,
            file_date=ref.date.isoformat(),
            scope="in_store",
            policy=policy.value,
        )
        resume_line = run.resume_line
        if resume_line > 0:
            report.restore(run.counts)
            report.resumed_from_line = resume_line
        writer = _Writer(store, spec, report, policy=policy, batch_size=batch_size, resume_line=resume_line)
        seen = NpiSeen() if spec.parse is not None else None
        geocode = ZipGeocoder()
        try:
            for row in ref.rows():
                replay = row.end_line <= resume_line
                if row.problem is not None:
                    if not replay:
                        writer.reject(row, row.problem)
                    continue
                if spec.parse is None:
                    if not replay:
                        writer.filter(row, FilterReason.FILE_NOT_LOADED)
                    continue
                try:
                    npi = row_npi(row.fields)
                    if replay:
                        seen.add(npi)
                        continue
                    fact = spec.parse(row.fields, evidence, geocode)
                except RowRejected as rejected:
                    if not replay:
                        writer.reject(row, rejected.problem)
                    continue
                writer.add(row, npi, fact, first=seen.add(npi))
            writer.flush()
        except BaseException:
            report.status = "failed"
            try:
                store.finish_run(run.run_id, "failed", store_counts(store, run.run_id))
            except Exception:  # the store may be what failed; keep the original error
                log.exception("could not mark run %s failed", run.run_id)
            raise
    report.elapsed_seconds = time.perf_counter() - started
    report.status = "completed"
    report.check()
    store.finish_run(run.run_id, "completed", report.counts())
    log.info(
        "loaded %s: %d read, %d loaded, %d filtered, %d quarantined",
        report.file,
        report.read,
        report.loaded,
        report.filtered_total,
        report.quarantined_total,
    )
    return report


def store_counts(store: Store, run_id: str) -> dict[str, int]:
    """The counts of the run's last checkpoint (what a failed run keeps, so a
    resume counts every row once)."""
    return next((r.counts for r in store.runs() if r.run_id == run_id), {})
