"""CMS's HSD (Health Service Delivery) reference file, as a counties input.

CMS publishes it each year as an Excel workbook. The layout read here is the
one a public loader of the 12-17-2025 file documents (we could not open CMS's
own file from here, so this is the layout as far as it could be confirmed): the
sheets ``Minimum Provider #s`` and ``Minimum Facility #s`` have a title row,
then a header row with ``COUNTY``, ``ST``, ``COUNTY DESIGNATION``, ``TOTAL
BENEFICIARIES``, ``95th PERCENTILE BASE POPULATION RATIO``, ``BENEFICIARIES
REQUIRED TO COVER`` and one column per specialty holding that county's minimum
number (headers such as ``Clinical Psychology (see Notes)``), then the counties.

Accepted here: the workbook itself (``.xlsx``; every sheet with that header is
read) or one sheet saved as CSV. The header row is found by its content, rows
whose ``ST`` is not a state code (notes, blank rows) are skipped, and the
minimum numbers of our five specialties are kept per county: they replace the
ratio in :mod:`.compute`.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ...errors import InputError, SourceFormatError
from .inputs import Counties, County, CsvText, county_key, county_type

ID_COLUMNS = ("COUNTY", "ST", "COUNTY DESIGNATION")
#: HSD column header (normalized) -> our specialty name
SPECIALTY_COLUMNS = {
    "PSYCHIATRY": "Psychiatry",
    "CLINICAL PSYCHOLOGY": "Clinical Psychology",
    "CLINICAL SOCIAL WORK": "Clinical Social Work",
    "INPATIENT PSYCHIATRIC FACILITY SERVICES": "Inpatient Psychiatric Facility",
    "OUTPATIENT BEHAVIORAL HEALTH": "Outpatient Behavioral Health",
}
#: How far down a sheet the header row may be.
HEADER_SEARCH_ROWS = 10


def _norm(header: object) -> str:
    # headers carry line breaks inside them, e.g. "Clinical Social Work (see\nNotes)"
    text = re.sub(r"\(see notes\)", "", " ".join(str(header or "").split()), flags=re.IGNORECASE)
    return " ".join(text.split()).upper()


def _header_at(rows: list[list[object]]) -> int | None:
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if set(ID_COLUMNS) <= {_norm(c) for c in row}:
            return i
    return None


def is_hsd_layout(text: str) -> bool:
    head: list[list[object]] = [
        list(r) for r in csv.reader(io.StringIO("\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])))
    ]
    return _header_at(head) is not None


def _read_table(rows: list[list[object]], source: str, found: dict[tuple[str, str], County]) -> int:
    """Counties of one sheet into ``found``; returns how many rows were read."""
    at = _header_at(rows)
    if at is None:
        return 0
    header = [_norm(c) for c in rows[at]]
    col = {name: header.index(name) for name in ID_COLUMNS}
    specialties = {i: SPECIALTY_COLUMNS[h] for i, h in enumerate(header) if h in SPECIALTY_COLUMNS}
    read = 0
    for line, row in enumerate(rows[at + 1 :], start=at + 2):
        cells = [("" if c is None else str(c).strip()) for c in row] + [""] * len(header)
        state, name = cells[col["ST"]].upper(), cells[col["COUNTY"]]
        if not re.fullmatch(r"[A-Z]{2}", state) or not name:
            continue  # notes, blank and sub-header rows
        kind = county_type(cells[col["COUNTY DESIGNATION"]], source, line, "COUNTY DESIGNATION")
        required = []
        for i, specialty in specialties.items():
            value = cells[i]
            if not value:
                continue
            try:
                number = float(value)
            except ValueError:
                raise InputError(f"{source}, line {line}, column {rows[at][i]!r}: {value!r} is not a number") from None
            if number < 0 or number != int(number):
                raise InputError(f"{source}, line {line}, column {rows[at][i]!r}: {value!r} is not a whole number")
            required.append((specialty, int(number)))
        key = county_key(state, name)
        before = found.get(key)
        merged = dict(before.required) if before else {}
        merged.update(required)  # the facility sheet adds its columns to the provider sheet's
        found[key] = County(state, name, kind, tuple(sorted(merged.items())))
        read += 1
    return read


def read_hsd_counties(csv_text: CsvText) -> Counties:
    """One HSD sheet saved as CSV."""
    found: dict[tuple[str, str], County] = {}
    rows: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(csv_text.text))]
    if not _read_table(rows, csv_text.source, found):
        raise SourceFormatError(f"{csv_text.source}: no counties under the HSD header {', '.join(ID_COLUMNS)}")
    return Counties(found, csv_text.source)


def read_hsd_workbook(path: str | Path) -> Counties:
    """The HSD reference workbook (``.xlsx``): every sheet with the HSD header."""
    from openpyxl import load_workbook

    p = Path(path)
    try:
        book = load_workbook(p, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError(f"file not found: {p}") from None
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise SourceFormatError(f"{p}: not an Excel workbook: {exc}") from None
    found: dict[tuple[str, str], County] = {}
    try:
        for sheet in book.worksheets:
            _read_table([list(r) for r in sheet.iter_rows(values_only=True)], f"{p} [{sheet.title}]", found)
    finally:
        book.close()
    if not found:
        raise SourceFormatError(f"{p}: no sheet with the HSD header {', '.join(ID_COLUMNS)}")
    return Counties(found, str(p))


def load_counties(path: str | Path) -> Counties:
    """A counties input by path: the simple CSV, an HSD sheet as CSV, or the HSD workbook."""
    from .inputs import read_counties

    if str(path).lower().endswith((".xlsx", ".xlsm")):
        return read_hsd_workbook(path)
    return read_counties(CsvText.of(path))
