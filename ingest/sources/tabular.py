"""A CSV file with named columns, mapped row by row: the shape of most sources
(payer rosters, licence-board files, treatment-site lists, the OIG LEIE file).

A subclass names its source and the columns it needs, and maps one row (a
mapping of column name to stripped text) to :class:`~ingest.sources.sinks.Facts`,
a :class:`~ingest.quarantine.FilterReason` (a good row not loaded), or raises
:class:`~ingest.normalize.RowRejected` with a reason code. Everything else
(run, resume, policy, batches, report) is :func:`ingest.sources.load`'s.

The file is read by the NPPES reader's machinery (bytes decoded per line, so
a badly encoded or short row is quarantined, not fatal); the header must name
every column of :attr:`CsvSource.columns`, in any order, or the file is
refused before anything is written.
"""

from __future__ import annotations

import abc
import contextlib
import enum
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import ClassVar, TypeVar

from directory.errors import SourceFormatError
from directory.model import Evidence
from directory.npi import is_valid_npi
from directory.store.base import Store

from ..batches import Kind, Outcome
from ..normalize import RowRejected
from ..nppes import MainFile
from ..quarantine import FilterReason, Problem, ReasonCode
from ..report import IngestReport
from .base import Source, SourceFile, file_key
from .sinks import Facts, FactSink

E = TypeVar("E", bound=enum.Enum)


@dataclass(frozen=True, slots=True)
class CsvColumns:
    count: int
    index: dict[str, int]  # the columns a source reads -> position


class CsvFile(MainFile):
    """An open CSV file whose header names every column in ``required``."""

    def __init__(self, path: str | os.PathLike[str], member: str | None, required: tuple[str, ...], label: str):
        self.required, self.label = required, label
        super().__init__(path, member)

    def resolve_header(self, header: list[str]) -> CsvColumns:  # type: ignore[override]
        names = [h.strip() for h in header]
        missing = [c for c in self.required if c not in names]
        if missing:
            raise SourceFormatError(
                f"not a {self.label} file: the header lacks {', '.join(repr(c) for c in missing)} "
                f"(it has {', '.join(repr(n) for n in names[:6])}{' ...' if len(names) > 6 else ''})"
            )
        self.named = CsvColumns(len(names), {c: names.index(c) for c in self.required})
        return self.named


class CsvSource(Source):
    """A CSV file (or a zip member) mapped by :meth:`map`; see the module docstring."""

    #: Columns the header must name (others are ignored).
    columns: ClassVar[tuple[str, ...]]
    #: Evidence of every fact: method and confidence (the source is :attr:`name`).
    method: ClassVar[str] = "bulk_file"
    confidence: ClassVar[float] = 1.0
    #: What the file is called in error messages.
    label: ClassVar[str] = "CSV"

    def __init__(self, path: str | os.PathLike[str], *, member: str | None = None, retrieved: date | None = None):
        """``retrieved``: the date the file speaks for (default: the end date of
        a ``<start>-<end>`` period in its name, else its modification date)."""
        self.path, self.member, self.retrieved = path, member, retrieved

    @abc.abstractmethod
    def map(self, row: Mapping[str, str]) -> Facts | FilterReason:
        """One row (column name -> stripped text) -> its facts, or why it is not
        loaded; raise RowRejected (see :meth:`npi`, :meth:`required`) for a bad row.
        ``self.evidence`` is the evidence of this file."""

    @contextlib.contextmanager
    def open(self, store: Store) -> Iterator[SourceFile]:
        file = CsvFile(self.path, self.member, self.columns, self.label)
        with file:
            self.file = file
            retrieved = self.retrieved or file.date
            self.evidence = Evidence(self.name, retrieved, self.method, self.confidence, file.name)
            yield SourceFile(file.name, file_key(self.path, self.member), retrieved)

    def outcomes(self, store: Store, resume_line: int) -> Iterator[Outcome]:
        LOAD, FILTER, REJECT = Kind.LOAD, Kind.FILTER, Kind.REJECT
        index = self.file.named.index
        for row in self.file.rows():
            if row.end_line <= resume_line:
                continue
            if row.problem is not None:
                yield REJECT, row, row.problem
                continue
            fields = row.fields
            assert fields is not None  # only a skip test (not used here) leaves rows unparsed
            try:
                mapped = self.map({name: fields[i].strip() for name, i in index.items()})
            except RowRejected as rejected:
                yield REJECT, row, rejected.problem
                continue
            if isinstance(mapped, FilterReason):
                yield FILTER, row, (mapped, 1)
            else:
                yield LOAD, row, (mapped, ())

    def sink(self, store: Store, report: IngestReport, batch_size: int) -> FactSink:
        return FactSink(store, report)

    # ------------------------------------------------------------ for map()
    @staticmethod
    def npi(row: Mapping[str, str], column: str = "NPI") -> str:
        """The valid NPI in ``column``, else RowRejected (missing_npi, invalid_npi)."""
        value = row[column]
        if not value:
            raise RowRejected(Problem(ReasonCode.MISSING_NPI, f"the {column} column is empty"))
        if not is_valid_npi(value):
            raise RowRejected(
                Problem(ReasonCode.INVALID_NPI, f"{value!r} is not a valid NPI (10 digits, Luhn check digit)")
            )
        return value

    @staticmethod
    def required(row: Mapping[str, str], column: str) -> str:
        """The text in ``column``, else RowRejected (missing_value)."""
        value = row[column]
        if not value:
            raise RowRejected(Problem(ReasonCode.MISSING_VALUE, f"the {column} column is empty"))
        return value

    @staticmethod
    def choice(row: Mapping[str, str], column: str, vocabulary: type[E]) -> E:
        """The member of ``vocabulary`` whose value is in ``column`` (case-blind),
        else RowRejected (missing_value, invalid_value)."""
        value = CsvSource.required(row, column)
        for member in vocabulary:
            if str(member.value).lower() == value.lower():
                return member
        known = ", ".join(str(m.value) for m in vocabulary)
        raise RowRejected(Problem(ReasonCode.INVALID_VALUE, f"{column} {value!r} is not one of {known}"))
