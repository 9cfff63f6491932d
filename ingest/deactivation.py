"""The monthly NPPES deactivation report: an .xlsx (or the CMS zip holding
one, ``NPPES_Deactivated_NPI_Report_<MMDDYY>_V2.zip``) whose sheet
``DeactivatedNPIs`` has a title row (``NPPES Deactivated Records as of …``),
the header ``NPI`` | ``NPPES Deactivation Date``, then an NPI and a
``MM/DD/YYYY`` date per row, both as text.

It is the full current list, not a delta: every listed NPI the store holds
gets that deactivation date (:meth:`Store.deactivate`, idempotent, so applying
the report again changes nothing and an interrupted run can simply run again);
an NPI the store lacks is filtered ``npi_not_in_store``; a bad NPI or date is
quarantined with its reason. NPIs the report does not list are left alone (a
reactivation arrives through the main file's reactivation date). The sheet is
streamed (openpyxl read-only), so memory stays flat for its ~350,000 rows.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from directory.errors import SourceFormatError
from directory.model import Evidence, QuarantinedRow
from directory.npi import is_valid_npi
from directory.store.base import RunCheckpoint, Store

from .normalize import RowRejected, parse_date
from .quarantine import BadRowPolicy, FilterReason, Problem, ReasonCode
from .report import IngestReport
from .runs import file_key, open_run
from .zipped import open_zip

log = logging.getLogger(__name__)

SOURCE = "nppes_deactivation"
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


@contextmanager
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


def _rows(book_path: Path, name: str) -> Iterator[tuple[int, list[str]]]:
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


def apply_deactivation_report(
    store: Store,
    path: str | os.PathLike[str],
    *,
    policy: BadRowPolicy | str = BadRowPolicy.QUARANTINE,
    batch_size: int = 5000,
    today: date | None = None,
) -> IngestReport:
    """Apply a deactivation report; returns its checked report. A wrong sheet,
    title or header raises SourceFormatError before anything is written."""
    path = Path(path)
    if not path.is_file():
        raise SourceFormatError(f"deactivation report not found: {path}")
    policy = BadRowPolicy.parse(policy)
    today = today or date.today()
    started = time.perf_counter()
    with _workbook_path(path) as book:
        rows = _rows(book, path.name)
        first = next(rows, None)  # the title and header are checked before the run starts
        run = open_run(store, SOURCE, path.name, file_key(path))
        evidence = Evidence(SOURCE, report_date(path), "bulk_file", 1.0, path.name)
        report = IngestReport(
            run_id=run.run_id,
            source=SOURCE,
            file=path.name,
            file_date=evidence.retrieved.isoformat(),
            scope="in_store",
            policy=policy.value,
        )
        pending: dict[str, date] = {}
        rows_of: dict[str, int] = {}
        pending_rows = 0
        quarantined: list[QuarantinedRow] = []
        last_row = 0

        def flush() -> None:
            nonlocal pending, rows_of, pending_rows, quarantined
            if quarantined:
                store.quarantine(quarantined)
                quarantined = []
            if pending:
                known = store.stored_versions(list(pending))
                changed = store.deactivate({n: pending[n] for n in known}, evidence) if known else 0
                missing = sum(rows for npi, rows in rows_of.items() if npi not in known)
                report.updated += changed
                report.unchanged += pending_rows - changed - missing
                if missing:
                    report.filtered[FilterReason.NPI_NOT_IN_STORE.value] = (
                        report.filtered.get(FilterReason.NPI_NOT_IN_STORE.value, 0) + missing
                    )
            store.upsert_providers([], checkpoint=RunCheckpoint(run.run_id, last_row, report.counts()))
            pending, rows_of, pending_rows = {}, {}, 0

        try:
            for number, cells in itertools.chain([first] if first else [], rows):
                if not any(cells):
                    continue  # a blank row is no record
                report.read += 1
                last_row = number
                problem = _problem(cells, today)
                if problem is None:
                    npi = cells[0]  # listed twice in a batch: the later date wins
                    pending[npi] = parse_date(cells[1], "deactivation_date", today)
                    rows_of[npi] = rows_of.get(npi, 0) + 1
                    pending_rows += 1
                else:
                    report.quarantined[problem.code.value] = report.quarantined.get(problem.code.value, 0) + 1
                    if policy is not BadRowPolicy.IGNORE:
                        quarantined.append(
                            QuarantinedRow(
                                run.run_id, SOURCE, number, problem.code.value, problem.detail, ",".join(cells)
                            )
                        )
                    if policy is BadRowPolicy.FAIL_FAST:
                        flush()
                        raise SourceFormatError(f"{path.name} row {number}: {problem.code.value}: {problem.detail}")
                if pending_rows + len(quarantined) >= batch_size:
                    flush()
            flush()
        except BaseException:
            report.status = "failed"
            try:
                store.finish_run(run.run_id, "failed", report.counts())
            except Exception:
                log.exception("could not mark run %s failed", run.run_id)
            raise
    report.elapsed_seconds = time.perf_counter() - started
    report.status = "completed"
    report.check()
    store.finish_run(run.run_id, "completed", report.counts())
    log.info(
        "deactivation report %s: %d read, %d deactivated, %d already so, %d not in store, %d quarantined",
        path.name,
        report.read,
        report.updated,
        report.unchanged,
        report.filtered_total,
        report.quarantined_total,
    )
    return report


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
