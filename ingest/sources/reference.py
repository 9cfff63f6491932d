"""A bundle's reference files as sources: secondary facts of the providers the
store already holds (readers and row parsers in ``ingest.reference_files``).

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

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from directory.model import EntityType, Evidence
from directory.store.base import Store

from ..batches import Kind, Outcome, Sink, bump
from ..normalize import RowRejected, ZipGeocoder
from ..nppes import RawRow
from ..quarantine import BadRowPolicy, FilterReason
from ..reference_files import (
    ENDPOINT,
    FILE_CLASSES,
    OTHERNAME,
    PL,
    other_organization_name,
    row_npi,
    secondary_location,
)
from ..report import IngestReport
from ..stages import NpiSeen
from .base import Source, SourceFile, file_key, load

METHOD = "bulk_file"
#: Rows per write when the caller gives no batch size.
BATCH_SIZE = 5000


@dataclass(frozen=True, slots=True)
class SecondaryKind:
    kind: str
    source: str  # evidence source and owner of the facts
    parse: Callable[..., Any] | None  # (fields, evidence, geocode) -> fact; None: the file is not loaded
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


class SecondarySink(Sink):
    """NPI groups of secondary facts (LOAD payload ``(fact, warnings, npi,
    first row of the NPI in the file)``), written with the checkpoint; a group
    is never split across two writes (see :class:`~ingest.batches.Sink`)."""

    def __init__(self, store: Store, report: IngestReport, kind: SecondaryKind, *, batch_size: int):
        super().__init__(store, report)
        self.kind = kind
        self.batch_size = max(1, batch_size)
        self._pending: dict[str, list] = {}
        self._rows: dict[str, int] = {}
        self._pending_rows = 0
        self._merge: set[str] = set()  # NPIs already written earlier in this run
        self._last_npi: str | None = None

    @property
    def settled(self) -> bool:
        return not self._pending

    def add(self, kind: int, row: RawRow, payload: Any) -> None:
        fact, _, npi, first = payload
        if npi != self._last_npi and self._pending_rows >= self.batch_size:
            self.commit()  # the groups before this one are complete
        self._last_npi = npi
        if npi not in self._pending and not first:
            self._merge.add(npi)
        self._pending.setdefault(npi, []).append(fact)
        self._rows[npi] = self._rows.get(npi, 0) + 1
        self._pending_rows += 1

    def write(self, line: int) -> None:
        """Write the pending NPI groups and checkpoint after them."""
        store, report, kind = self.store, self.report, self.kind
        changed: dict[str, list] = {}
        if self._pending:
            npis = sorted(self._pending)
            known: dict[str, EntityType | None]
            if kind.organizations_only:
                known = {n: p.entity_type for n, p in store.providers(npis).items()}
            else:
                known = {n: None for n in store.stored_versions(npis)}
            stored = (store.locations_for if kind.kind == PL else store.other_names_for)(list(known))
            for npi in npis:
                rows = self._rows[npi]
                if npi not in known:
                    bump(report.filtered, FilterReason.NPI_NOT_IN_STORE.value, rows)
                    continue
                if known[npi] is EntityType.INDIVIDUAL:
                    bump(report.filtered, FilterReason.NOT_AN_ORGANIZATION.value, rows)
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
        checkpoint = self.checkpoint_at(line)
        if kind.kind == PL:
            store.replace_secondary_locations(changed, kind.source, checkpoint=checkpoint)
        else:
            store.replace_other_names(changed, kind.source, checkpoint=checkpoint)
        self._pending, self._rows, self._pending_rows, self._merge = {}, {}, 0, set()


class ReferenceFileSource(Source):
    """One reference file of a bundle (``kind`` "pl", "othername" or
    "endpoint"), a plain CSV or the ``member`` of the zip at ``path``."""

    batch_size = BATCH_SIZE

    def __init__(self, kind: str, path: str | os.PathLike[str], *, member: str | None = None):
        self.spec = KINDS[kind]
        self.name = self.spec.source
        self.path, self.member = path, member

    @contextlib.contextmanager
    def open(self, store: Store) -> Iterator[SourceFile]:
        ref = FILE_CLASSES[self.spec.kind](self.path, self.member)  # header checked here
        with ref:
            self.ref = ref
            self.evidence = Evidence(self.spec.source, ref.date, METHOD, 1.0, ref.name)
            yield SourceFile(ref.name, file_key(self.path, self.member), ref.date)

    def outcomes(self, store: Store, resume_line: int) -> Iterator[Outcome]:
        LOAD, FILTER, REJECT = Kind.LOAD, Kind.FILTER, Kind.REJECT
        parse = self.spec.parse
        if parse is None:  # counted, not loaded
            for row in self.ref.rows():
                if row.end_line > resume_line:
                    if row.problem is not None:
                        yield REJECT, row, row.problem
                    else:
                        yield FILTER, row, (FilterReason.FILE_NOT_LOADED, 1)
            return
        seen = NpiSeen()
        geocode = ZipGeocoder()
        for row in self.ref.rows():
            replay = row.end_line <= resume_line  # only rebuilds which NPIs were met
            if row.problem is not None:
                if not replay:
                    yield REJECT, row, row.problem
                continue
            fields = row.fields
            assert fields is not None  # only a skip test (not used here) leaves rows unparsed
            try:
                npi = row_npi(fields)
                if replay:
                    seen.add(npi)
                    continue
                fact = parse(fields, self.evidence, geocode)
            except RowRejected as rejected:
                if not replay:
                    yield REJECT, row, rejected.problem
                continue
            yield LOAD, row, (fact, (), npi, seen.add(npi))

    def sink(self, store: Store, report: IngestReport, batch_size: int) -> SecondarySink:
        return SecondarySink(store, report, self.spec, batch_size=batch_size)


def load_reference_file(
    store: Store,
    kind: str,
    path: str | os.PathLike[str],
    *,
    member: str | None = None,
    policy: BadRowPolicy | str = BadRowPolicy.QUARANTINE,
    batch_size: int | None = None,
    today: date | None = None,
) -> IngestReport:
    """Load one reference file (``kind`` "pl", "othername" or "endpoint"), a
    plain CSV or the ``member`` of the zip at ``path``, ``batch_size`` rows per
    write (default 5000); returns its checked report. A wrong header raises
    SourceFormatError before anything is written."""
    del today  # dates in these files are not read; kept for a uniform signature
    return load(store, ReferenceFileSource(kind, path, member=member), policy=policy, batch_size=batch_size)
