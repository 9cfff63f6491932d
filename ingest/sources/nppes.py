"""The NPPES main file (``npidata_pfile_*.csv``, V1 or V2, plain or a zip
member) as a source: read -> screen (structure, scope) -> validate and
normalize (``ingest.stages``), in a forked child for a big file
(``ingest.parallel``) -> provider records (:class:`~ingest.sources.sinks.ProviderSink`).

An interrupted load resumes after its last checkpoint: earlier rows are read
again only to rebuild the duplicate-NPI state and are not written or counted
twice, so a crash and a re-run end in the same store as one clean run. A
completed file loaded again reopens its run from the start; its report shows
every loaded row unchanged and the store's counts stay the same.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import date

from directory.model import Evidence
from directory.reference import nucc_taxonomies
from directory.store.base import Store

from .. import parallel as parallel_stages
from ..batches import Outcome, ProgressCallback
from ..normalize import ZipGeocoder
from ..nppes import MainFile
from ..prescreen import out_of_scope_test
from ..quarantine import BadRowPolicy
from ..report import IngestReport
from ..scope import Scope
from ..stages import screen, validate
from .base import Source, SourceFile, file_key, load
from .sinks import ProviderSink

SOURCE = "nppes"
METHOD = "bulk_file"


def load_taxonomies(store: Store) -> int:
    """Write the bundled NUCC code set to the store; returns how many codes."""
    return store.upsert_taxonomies(nucc_taxonomies())


class NppesMainFile(Source):
    """An NPPES main file. ``parallel`` reads and normalizes in a forked child
    while this process writes (default: for files of 64 MiB and more, with two
    cores or more). ``today`` bounds dates (a date after it is impossible)."""

    name = SOURCE
    bulk = True  # the name index is rebuilt once, at the end
    checkpoint_every = 300_000  # rows; fewer, bigger commits are much cheaper in a national load

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        member: str | None = None,
        scope: Scope | str = "default",
        today: date | None = None,
        parallel: bool | None = None,
    ):
        self.path, self.member = path, member
        self.scope = Scope.parse(scope)
        self.today = today or date.today()
        self.parallel = parallel

    @property
    def scope_name(self) -> str:
        return self.scope.name

    @property
    def scope_signature(self) -> str:
        return self.scope.signature

    @contextlib.contextmanager
    def open(self, store: Store) -> Iterator[SourceFile]:
        with MainFile(self.path, self.member) as main:  # header checked here, before any write
            self.main = main
            self.evidence = Evidence(SOURCE, main.date, METHOD, confidence=1.0, reference=main.name)
            yield SourceFile(main.name, file_key(main.path, self.member), main.date)

    def outcomes(self, store: Store, resume_line: int) -> Iterator[Outcome]:
        load_taxonomies(store)
        scope = self.scope
        if scope.codes is not None:  # keep what the store holds (empty on a first load)
            scope = scope.with_known(npi for page in store.provider_npi_pages(50_000) for npi in page)
        main = self.main
        parallel = parallel_stages.worth_it(main.path) if self.parallel is None else self.parallel
        if parallel and parallel_stages.available():
            return parallel_stages.outcomes_from_child(
                main.path, scope, self.evidence, self.today, resume_line=resume_line, member=self.member
            )
        rows = main.rows(skip=out_of_scope_test(main.columns, scope))
        screened = screen(rows, main.columns, scope.matcher(main.columns), resume_line=resume_line)
        return validate(
            screened, main.columns, self.evidence, self.today, resume_line=resume_line, geocode=ZipGeocoder()
        )

    def sink(self, store: Store, report: IngestReport, batch_size: int) -> ProviderSink:
        return ProviderSink(store, report, self.evidence, batch_size=batch_size)


def ingest_nppes(
    store: Store,
    path: str | os.PathLike[str],
    *,
    scope: Scope | str = "default",
    policy: BadRowPolicy | str = BadRowPolicy.QUARANTINE,
    batch_size: int | None = None,
    progress: ProgressCallback | None = None,
    progress_every: int = 100_000,
    checkpoint_every: int | None = None,
    today: date | None = None,
    parallel: bool | None = None,
    member: str | None = None,
) -> IngestReport:
    """Load an NPPES main file; returns the run's report (already checked).

    File-level problems raise SourceFormatError before anything is written.
    ``progress`` is called every ``progress_every`` rows with a snapshot of the
    report. ``member``: load the CSV of that name inside the zip at ``path``
    (streamed). See :class:`NppesMainFile` for ``today`` and ``parallel``."""
    source = NppesMainFile(path, member=member, scope=scope, today=today, parallel=parallel)
    return load(
        store,
        source,
        policy=policy,
        batch_size=batch_size,
        checkpoint_every=checkpoint_every,
        progress=progress,
        progress_every=progress_every,
    )
