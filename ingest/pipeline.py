"""Load an NPPES main file into a store: read -> screen (structure, scope) ->
validate and normalize -> write in batches, with run bookkeeping.

A run is identified by the source and a cheap fingerprint of the file (size,
mtime, SHA-256 of its first and last MiB). If an earlier run of the same file
did not complete, the store hands it back and the load resumes after its last
checkpoint: earlier rows are read again only to rebuild the duplicate-NPI
state and are not written or counted twice, so a crash and a re-run end in the
same store as one clean run. A completed file loaded again reopens its run
from the start; its report shows every loaded row unchanged and the store's
counts stay the same.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from datetime import UTC, date, datetime
from pathlib import Path

from directory import settings
from directory.errors import InputError
from directory.model import Evidence, IngestRun
from directory.reference import nucc_taxonomies
from directory.store.base import RunCheckpoint, Store

from . import parallel as parallel_stages
from .batches import BatchWriter, ProgressCallback
from .normalize import ZipGeocoder
from .nppes import MainFile
from .prescreen import out_of_scope_test
from .quarantine import BadRowPolicy
from .report import IngestReport
from .scope import Scope
from .stages import screen, validate
from .zipped import member_fingerprint

log = logging.getLogger(__name__)

SOURCE = "nppes"
METHOD = "bulk_file"
_EDGE = 1 << 20  # bytes hashed at each end of the file


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


def _open_run(store: Store, fresh: IngestRun) -> IngestRun:
    """Start the run of a file, or reopen the earlier one of the same file.

    An unfinished run is handed back by the store with its checkpoint. A
    completed run of the same file is reopened from the start under the same
    id: its quarantine rows are rewritten in place, so loading a file twice
    leaves the store (run books included) exactly as loading it once."""
    previous = next((r for r in store.runs(SOURCE) if r.run_id == fresh.run_id), None)
    if previous is not None and previous.status == "completed":
        store.upsert_providers([], checkpoint=RunCheckpoint(fresh.run_id, 0, {}))
        store.finish_run(fresh.run_id, "running", {})
    return store.start_run(fresh)


def load_taxonomies(store: Store) -> int:
    """Write the bundled NUCC code set to the store; returns how many codes."""
    return store.upsert_taxonomies(nucc_taxonomies())


def ingest_nppes(
    store: Store,
    path: str | os.PathLike[str],
    *,
    scope: Scope | str = "default",
    policy: BadRowPolicy | str = BadRowPolicy.QUARANTINE,
    batch_size: int | None = None,
    progress: ProgressCallback | None = None,
    progress_every: int = 100_000,
    checkpoint_every: int = 300_000,  # rows; fewer, bigger commits are much cheaper in a national load
    today: date | None = None,
    parallel: bool | None = None,
    member: str | None = None,
) -> IngestReport:
    """Load an NPPES main file; returns the run's report (already checked).

    File-level problems raise SourceFormatError before anything is written.
    ``progress`` is called every ``progress_every`` rows with a snapshot of the
    report. ``today`` bounds dates (a date after it is impossible).
    ``parallel`` reads and normalizes in a forked child while this process
    writes (default: for files of 64 MiB and more, with two cores or more).
    ``member``: load the CSV of that name inside the zip at ``path`` (streamed)."""
    scope = Scope.parse(scope)
    policy = BadRowPolicy.parse(policy)
    batch_size = batch_size or settings.get_int("batch_size")
    today = today or date.today()
    started = time.perf_counter()
    with MainFile(path, member) as main:  # header checked here, before any write
        evidence = Evidence(source=SOURCE, retrieved=main.date, method=METHOD, confidence=1.0, reference=main.name)
        file_key = fingerprint(main.path) if member is None else member_fingerprint(main.path, member)
        load_taxonomies(store)
        fresh = IngestRun(
            run_id=f"{SOURCE}-{file_key[:16]}",
            source=SOURCE,
            file_name=main.name,
            file_sha256=file_key,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            finished_at=None,
            status="running",
            counts={},
            scope=scope.signature,
        )
        run = _open_run(store, fresh)
        if run.resume_line > 0 and run.scope and run.scope != fresh.scope:
            raise InputError(
                f"{main.name}: run {run.run_id} stopped after line {run.resume_line} while loading with scope "
                f"{run.scope.split(':')[0]!r} ({run.scope}); finish it with that scope, not "
                f"{scope.name!r} ({fresh.scope}), so that the store ends as one uninterrupted load would leave it"
            )
        if scope.codes is not None:  # keep what the store holds (empty on a first load)
            scope = scope.with_known(npi for page in store.provider_npi_pages(50_000) for npi in page)
        report = IngestReport(
            run_id=run.run_id,
            source=SOURCE,
            file=main.name,
            file_date=main.date.isoformat(),
            scope=scope.name,
            policy=policy.value,
        )
        resume_line = 0
        if run.resume_line > 0:
            resume_line = run.resume_line
            report.restore(run.counts)
            report.resumed_from_line = resume_line
            log.info("resuming run %s after line %d", run.run_id, resume_line)
        writer = BatchWriter(
            store,
            report,
            evidence,
            policy=policy,
            batch_size=batch_size,
            resume_line=resume_line,
            checkpoint_every=checkpoint_every,
            progress=progress,
            progress_every=progress_every,
        )
        if parallel is None:
            parallel = parallel_stages.worth_it(main.path)
        if parallel and parallel_stages.available():
            outcomes = parallel_stages.outcomes_from_child(
                main.path, scope, evidence, today, resume_line=resume_line, member=member
            )
        else:
            rows = main.rows(skip=out_of_scope_test(main.columns, scope))
            screened = screen(rows, main.columns, scope.matcher(main.columns), resume_line=resume_line)
            outcomes = validate(screened, main.columns, evidence, today, resume_line=resume_line, geocode=ZipGeocoder())
        try:
            with store.bulk_load():  # the name index is rebuilt once, at the end
                writer.consume(outcomes)
        except BaseException:
            report.status = "failed"
            try:
                store.finish_run(run.run_id, "failed", writer.committed_counts)
            except Exception:  # the store may be what failed; keep the original error
                log.exception("could not mark run %s failed", run.run_id)
            raise
        finally:
            outcomes.close()  # stops the reading child, if any
    report.elapsed_seconds = time.perf_counter() - started
    report.status = "completed"
    report.check()
    store.finish_run(run.run_id, "completed", report.counts())
    log.info(
        "ingested %s: %d read, %d loaded, %d filtered, %d quarantined",
        report.file,
        report.read,
        report.loaded,
        report.filtered_total,
        report.quarantined_total,
    )
    return report
