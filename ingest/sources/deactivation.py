"""The monthly NPPES deactivation report: an .xlsx (or the CMS zip holding
one, ``NPPES_Deactivated_NPI_Report_<MMDDYY>_V2.zip``) whose sheet
``DeactivatedNPIs`` has a title row (``NPPES Deactivated Records as of …``),
the header ``NPI`` | ``NPPES Deactivation Date``, then an NPI and a
``MM/DD/YYYY`` date per row, both as text.

It is the full current list, not a delta: every listed NPI the store holds
gets that deactivation date (:meth:`Store.deactivate`, idempotent, so applying
the report again changes nothing; an interrupted run resumes after its last
checkpoint); an NPI the store lacks is filtered ``npi_not_in_store``; a bad
NPI or date is quarantined with its reason. NPIs the report does not list are left alone (a
reactivation arrives through the main file's reactivation date). The sheet is
streamed (openpyxl read-only), so memory stays flat for its ~350,000 rows.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Generator, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from directory.errors import SourceFormatError
from directory.model import Evidence
from directory.npi import is_valid_npi
from directory.store.base import Store

from ..batches import Kind, Outcome, Sink, bump
from ..normalize import RowRejected, parse_date
from ..nppes import RawRow
from ..quarantine import BadRowPolicy, FilterReason, Problem, ReasonCode
from ..report import IngestReport
from ..zipped import open_zip
from .base import Source, SourceFile, file_key, load
from .sinks import deactivate_known

SOURCE = "nppes_deactivation"
#: Rows per write when the caller gives no batch size.
BATCH_SIZE = 5000
SHEET = "DeactivatedNPIs"
HEADER = ("NPI", "NPPES Deactivation Date")
TITLE = "NPPES Deactivated Records"
_NAME_DATE = re.compile(r"_(\d{2})(\d{2})(\d{2})_V\d", re.IGNORECASE)


def report_date(path: Path) -> date:
    """The date in the report's name (``..._111025_V2``), else the file's modification date."""
    match = _NAME_DATE.search(path.name)
    if match:
        month, day_, year = (int(g) for g in match.groups())
        try:
            return date(2000 + year, month, day_)
        except ValueError:
            pass
    return date.fromtimestamp(path.stat().st_mtime)


@contextlib.contextmanager
def _workbook_path(path: Path) -> Iterator[Path]:
    """The .xlsx itself, or the one inside the CMS zip copied out by streaming."""
    if path.suffix.lower() != ".zip":
        yield path
        return
    with open_zip(path) as archive:
        books = [n for n in archive.namelist() if n.lower().endswith(".xlsx")]
        if len(books) != 1:
            raise SourceFormatError(f"{path.name} should hold one .xlsx report, it holds {len(books)}")
        with tempfile.TemporaryDirectory(prefix="provnet-deact-") as folder:
            target = Path(folder) / Path(books[0]).name
            try:
                with archive.open(books[0]) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            except (zipfile.BadZipFile, EOFError) as exc:
                raise SourceFormatError(f"{books[0]} in {path.name} is damaged ({exc})") from exc
            yield target


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%m/%d/%Y")
    if isinstance(value, float) and value.is_integer():  # an NPI typed as a number
        value = int(value)
    return str(value).strip()


def _rows(book_path: Path, name: str) -> Generator[tuple[int, list[str]], None, None]:
    """(sheet row number, cell texts) after the title and header are checked."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(book_path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise SourceFormatError(f"{name} is not a readable .xlsx workbook ({exc})") from exc
    try:
        if SHEET not in book.sheetnames:
            raise SourceFormatError(f"{name} has no sheet {SHEET!r} (sheets: {', '.join(book.sheetnames)})")
        cells = book[SHEET].iter_rows(values_only=True)
        title = [_text(v) for v in next(cells, ())]
        if not title or not title[0].startswith(TITLE):
            raise SourceFormatError(f"{name}: row 1 should be the title {TITLE!r} …, found {title[:1]}")
        header = tuple(t for t in (_text(v) for v in next(cells, ())) if t)
        if header != HEADER:
            raise SourceFormatError(
                f"{name}: row 2 should be the header {' | '.join(HEADER)}, found {' | '.join(header)}"
            )
        for number, values in enumerate(cells, start=3):
            yield number, [_text(v) for v in values]
    finally:
        book.close()


class DeactivationReport(Source):
    """The deactivation report at ``path`` (.xlsx, or the CMS zip holding one).
    ``today`` bounds dates (a date after it is impossible)."""

    name = SOURCE
    unit = "row"
    batch_size = BATCH_SIZE

    def __init__(self, path: str | os.PathLike[str], *, today: date | None = None):
        self.path = Path(path)
        self.today = today or date.today()

    @contextlib.contextmanager
    def open(self, store: Store) -> Iterator[SourceFile]:
        if not self.path.is_file():
            raise SourceFormatError(f"deactivation report not found: {self.path}")
        with _workbook_path(self.path) as book:
            rows = _rows(book, self.path.name)
            try:
                first = next(rows, None)  # the title and header are checked before the run starts
                self.rows = itertools.chain([first] if first else [], rows)
                self.evidence = Evidence(SOURCE, report_date(self.path), "bulk_file", 1.0, self.path.name)
                yield SourceFile(self.path.name, file_key(self.path), self.evidence.retrieved)
            finally:
                rows.close()  # closes the workbook

    def outcomes(self, store: Store, resume_line: int) -> Iterator[Outcome]:
        LOAD, REJECT = Kind.LOAD, Kind.REJECT
        today = self.today
        for number, cells in self.rows:
            if number <= resume_line or not any(cells):
                continue  # before the checkpoint, or a blank row (no record)
            row = RawRow(number, number, cells, ",".join(cells))
            problem = _problem(cells, today)
            if problem is not None:
                yield REJECT, row, problem
                continue
            when = parse_date(cells[1], "deactivation_date", today)
            assert when is not None  # _problem refused an empty date
            yield LOAD, row, ((cells[0], when), ())

    def sink(self, store: Store, report: IngestReport, batch_size: int) -> DeactivationSink:
        return DeactivationSink(store, report, self.evidence)


class DeactivationSink(Sink):
    """(NPI, date) rows: each NPI the store holds gets its date (idempotent),
    then the checkpoint; listed twice in a batch, the later date wins."""

    def __init__(self, store: Store, report: IngestReport, evidence: Evidence):
        super().__init__(store, report)
        self.evidence = evidence
        self._dates: dict[str, date] = {}
        self._rows_of: dict[str, int] = {}

    def add(self, kind: int, row: RawRow, payload: Any) -> None:
        npi, when = payload[0]
        self._dates[npi] = when
        self._rows_of[npi] = self._rows_of.get(npi, 0) + 1
        self.pending += 1

    def write(self, line: int) -> None:
        report = self.report
        if self._dates:
            changed, known = deactivate_known(self.store, self._dates, self.evidence)
            missing = sum(rows for npi, rows in self._rows_of.items() if npi not in known)
            report.updated += changed
            report.unchanged += self.pending - changed - missing
            if missing:
                bump(report.filtered, FilterReason.NPI_NOT_IN_STORE.value, missing)
        self._dates, self._rows_of, self.pending = {}, {}, 0
        self.store.checkpoint(self.checkpoint_at(line))


def apply_deactivation_report(
    store: Store,
    path: str | os.PathLike[str],
    *,
    policy: BadRowPolicy | str = BadRowPolicy.QUARANTINE,
    batch_size: int | None = None,
    today: date | None = None,
) -> IngestReport:
    """Apply a deactivation report; returns its checked report. A wrong sheet,
    title or header raises SourceFormatError before anything is written."""
    return load(store, DeactivationReport(path, today=today), policy=policy, batch_size=batch_size)


def _problem(cells: list[str], today: date) -> Problem | None:
    if len([c for c in cells[2:] if c]) > 0:
        return Problem(ReasonCode.COLUMN_COUNT, f"{len(cells)} cells, expected 2 (NPI, date)")
    npi = cells[0] if cells else ""
    when = cells[1] if len(cells) > 1 else ""
    if not npi:
        return Problem(ReasonCode.MISSING_NPI, "the NPI cell is empty")
    if not is_valid_npi(npi):
        return Problem(ReasonCode.INVALID_NPI, f"{npi!r} is not a valid NPI (10 digits, Luhn check digit)")
    if not when:
        return Problem(ReasonCode.MISSING_VALUE, "the deactivation date is empty")
    try:
        parse_date(when, "deactivation_date", today)
    except RowRejected as rejected:
        return rejected.problem
    return None
