"""Column mappings: read a roster, licence board file or site list whose columns
are named by whoever wrote it, as rows of canonical fields.

A mapping is JSON::

    {"columns": {"<canonical field>": "<column in the file>", ...},
     "values":  {"<canonical field>": {"<value in the file>": "<canonical value>"}}}

Fields the file lacks are left out. :func:`load_mapping` checks it against the
canonical fields of the source kind (:data:`FIELDS`); :func:`read_rows` opens a
CSV (delimiter sniffed, else comma; UTF-8 with or without BOM; quoted fields)
or an XLSX (openpyxl, read-only and streamed), checks that every mapped column
is in the header, and yields one :class:`MappedRow` per data row with its
values canonical:

* values are mapped first (exact, then case-insensitive), then parsed by the
  field's type: dates (US or ISO, see :func:`ingest.field_values.parse_date`),
  ZIPs repaired, phones as ten digits, states as USPS codes, flags as
  ``true``/``false``;
* a free-text ``full_name`` fills ``last_name``, ``first_name``,
  ``middle_name``, ``suffix`` and ``credential`` where those are not mapped;
  a one-line ``address`` fills ``address_line_1`` and ``address_line_2``;
* a value that cannot be read is dropped and the row carries a
  :class:`~ingest.quarantine.Problem`; warning codes (a foreign ZIP, a phone
  that is not ten digits) keep the row, the others (a malformed or ambiguous
  date, a short row) reject it under the caller's bad-row policy.

``record_id`` identifies a row within its source (``source:record_id`` is the
record's reference everywhere); a file without one uses the data row's number.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from directory.errors import ConfigurationError, SourceFormatError

from . import field_values as fv
from .normalize import RowRejected
from .quarantine import Problem, ReasonCode

__all__ = [
    "FIELDS",
    "KINDS",
    "ColumnMapping",
    "MappedRow",
    "load_mapping",
    "map_row",
    "read_rows",
]

# field types
TEXT, NPI, DATE_PAST, DATE_ANY, ZIP, PHONE, STATE, FLAG, FULL_NAME, ADDRESS = (
    "text",
    "npi",
    "date_past",
    "date_any",
    "zip",
    "phone",
    "state",
    "flag",
    "full_name",
    "address",
)
_SITE = {
    "record_id": TEXT,
    "site_name": TEXT,
    "address": ADDRESS,
    "address_line_1": TEXT,
    "address_line_2": TEXT,
    "city": TEXT,
    "state": STATE,
    "zip": ZIP,
    "phone": PHONE,
    "npi": NPI,
}
#: Canonical fields of each source kind and how each is parsed.
FIELDS: dict[str, dict[str, str]] = {
    "roster": {
        "record_id": TEXT,
        "npi": NPI,
        "provider_type": TEXT,  # individual | organization (map the file's codes with "values")
        "full_name": FULL_NAME,
        "last_name": TEXT,
        "first_name": TEXT,
        "middle_name": TEXT,
        "suffix": TEXT,
        "credential": TEXT,
        "organization_name": TEXT,
        "specialty": TEXT,
        "taxonomy_code": TEXT,
        "address": ADDRESS,
        "address_line_1": TEXT,
        "address_line_2": TEXT,
        "city": TEXT,
        "state": STATE,
        "zip": ZIP,
        "phone": PHONE,
        "license_number": TEXT,
        "license_state": STATE,
        "network_id": TEXT,
        "accepting_new_patients": FLAG,
        "telehealth": FLAG,
        "effective_date": DATE_ANY,
        "end_date": DATE_ANY,
    },
    "licences": {
        "record_id": TEXT,
        "license_number": TEXT,
        "license_type": TEXT,
        "last_name": TEXT,
        "first_name": TEXT,
        "middle_name": TEXT,
        "suffix": TEXT,
        "state": STATE,  # the issuing state
        "status": TEXT,
        "issue_date": DATE_PAST,
        "expiration_date": DATE_ANY,
        "city": TEXT,
        "address_state": STATE,
        "zip": ZIP,
        "npi": NPI,
    },
    "tms": {**_SITE, "device": TEXT, "protocols": TEXT},
    "esketamine_rems": {**_SITE, "setting_type": TEXT, "certification_date": DATE_PAST},
    "iv_ketamine": {**_SITE, "medical_director": TEXT, "protocol_attested_on": DATE_PAST},
}
KINDS = tuple(FIELDS)
_NAME_PARTS = ("last_name", "first_name", "middle_name", "suffix", "credential")
_FLAGS = {
    "Y": "true",
    "YES": "true",
    "TRUE": "true",
    "T": "true",
    "1": "true",
    "N": "false",
    "NO": "false",
    "FALSE": "false",
    "F": "false",
    "0": "false",
}
_STATE_NAMES = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA", "COLORADO": "CO",
    "CONNECTICUT": "CT", "DELAWARE": "DE", "DISTRICT OF COLUMBIA": "DC", "FLORIDA": "FL", "GEORGIA": "GA",
    "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL", "INDIANA": "IN", "IOWA": "IA", "KANSAS": "KS",
    "KENTUCKY": "KY", "LOUISIANA": "LA", "MAINE": "ME", "MARYLAND": "MD", "MASSACHUSETTS": "MA",
    "MICHIGAN": "MI", "MINNESOTA": "MN", "MISSISSIPPI": "MS", "MISSOURI": "MO", "MONTANA": "MT",
    "NEBRASKA": "NE", "NEVADA": "NV", "NEW HAMPSHIRE": "NH", "NEW JERSEY": "NJ", "NEW MEXICO": "NM",
    "NEW YORK": "NY", "NORTH CAROLINA": "NC", "NORTH DAKOTA": "ND", "OHIO": "OH", "OKLAHOMA": "OK",
    "OREGON": "OR", "PENNSYLVANIA": "PA", "RHODE ISLAND": "RI", "SOUTH CAROLINA": "SC", "SOUTH DAKOTA": "SD",
    "TENNESSEE": "TN", "TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT", "VIRGINIA": "VA", "WASHINGTON": "WA",
    "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY", "PUERTO RICO": "PR", "GUAM": "GU",
    "VIRGIN ISLANDS": "VI",
}  # fmt: skip
_DELIMITERS = ",;\t|"


@dataclass(frozen=True)
class ColumnMapping:
    """A checked mapping for one source kind."""

    kind: str
    columns: dict[str, str]  # canonical field -> column in the file
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> file value -> canonical value

    def __post_init__(self) -> None:
        # case-insensitive lookups, built once
        folded = {f: {k.strip().casefold(): v for k, v in table.items()} for f, table in self.values.items()}
        object.__setattr__(self, "_folded", folded)

    def map_value(self, canonical: str, value: str) -> str:
        table = self.values.get(canonical)
        if not table:
            return value
        if value in table:
            return table[value]
        return self._folded[canonical].get(value.strip().casefold(), value)  # type: ignore[attr-defined]


def load_mapping(source: str | os.PathLike[str] | dict | list, kind: str) -> ColumnMapping:
    """A mapping from a JSON file (or an already parsed dict), checked against
    the canonical fields of ``kind``; ConfigurationError names whatever is wrong."""
    if kind not in FIELDS:
        raise ConfigurationError(f"unknown source kind {kind!r}: use one of {', '.join(KINDS)}")
    where = "mapping"
    data: object
    if isinstance(source, dict | list):  # already parsed
        data = source
    else:
        where = str(source)
        try:
            data = json.loads(Path(source).read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise ConfigurationError(f"mapping file not found: {source}") from None
        except json.JSONDecodeError as exc:
            raise ConfigurationError(f"{where}: not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigurationError(f"{where}: a mapping is a JSON object with 'columns' (and 'values')")
    unknown_keys = sorted(set(data) - {"columns", "values"})
    if unknown_keys:
        raise ConfigurationError(f"{where}: unknown key(s) {', '.join(unknown_keys)}; a mapping has columns, values")
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise ConfigurationError(f"{where}: 'columns' must be an object of canonical field -> column name")
    known = FIELDS[kind]
    unknown = sorted(set(columns) - set(known))
    if unknown:
        raise ConfigurationError(
            f"{where}: unknown canonical field(s) for {kind}: {', '.join(unknown)} (known: {', '.join(known)})"
        )
    bad = sorted(k for k, v in columns.items() if not isinstance(v, str) or not v.strip())
    if bad:
        raise ConfigurationError(f"{where}: field(s) {', '.join(bad)} must name a column (a non-empty string)")
    values = data.get("values", {})
    if not isinstance(values, dict):
        raise ConfigurationError(f"{where}: 'values' must be an object of field -> {{file value: canonical value}}")
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigurationError(f"{where}: 'values' names unknown canonical field(s) for {kind}: {', '.join(unknown)}")
    unmapped = sorted(set(values) - set(columns))
    if unmapped:
        raise ConfigurationError(f"{where}: 'values' for field(s) not in 'columns': {', '.join(unmapped)}")
    for name, table in values.items():
        if not isinstance(table, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in table.items()):
            raise ConfigurationError(f"{where}: values of {name} must map strings to strings")
    return ColumnMapping(kind, {k: v.strip() for k, v in columns.items()}, {k: dict(v) for k, v in values.items()})


@dataclass
class MappedRow:
    line: int  # the row's number in the file (the header is 1), its last physical line for CSV
    record_id: str
    values: dict[str, str]  # canonical field -> canonical value ("" never stored)
    problems: list[Problem] = field(default_factory=list)
    raw: str = ""  # the row as read (its cells as one CSV line), kept when it is quarantined

    @property
    def rejected(self) -> bool:
        """A problem that is not a warning: the bad-row policy decides."""
        return any(not p.is_warning for p in self.problems)


# -------------------------------------------------------------------- one row
def map_row(
    mapping: ColumnMapping, cells: dict[str, str], *, today: date, row_number: int = 0, line: int = 0
) -> MappedRow:
    """One row of cells (canonical field -> raw cell text) as canonical values."""
    types = FIELDS[mapping.kind]
    out: dict[str, str] = {}
    problems: list[Problem] = []
    for name, raw in cells.items():
        value = mapping.map_value(name, raw.strip())
        if not value:
            continue
        kind = types[name]
        try:
            parsed = _parse(kind, name, value, today)
        except RowRejected as rejected:
            problems.append(rejected.problem)
            continue
        if parsed:
            out[name] = parsed
    if "full_name" in out and not any(p in mapping.columns for p in _NAME_PARTS):
        parts = fv.parse_person_name(out["full_name"])
        for name, value in zip(_NAME_PARTS, (parts.last, parts.first, parts.middle, parts.suffix, parts.credential)):
            if value:
                out[name] = value
    if "address" in out and "address_line_1" not in mapping.columns:
        line1, line2 = fv.split_address(out["address"])
        out["address_line_1"] = line1
        if line2 and not out.get("address_line_2"):
            out["address_line_2"] = line2
    record_id = out.get("record_id") or str(row_number)
    return MappedRow(line or row_number + 1, record_id, out, problems)


def _parse(kind: str, name: str, value: str, today: date) -> str:
    if kind == TEXT or kind == FULL_NAME or kind == ADDRESS:
        return " ".join(value.split())
    if kind == NPI:
        return value.replace(" ", "").replace("-", "")
    if kind in (DATE_PAST, DATE_ANY):
        found = fv.parse_date(value, today=today, future_ok=kind == DATE_ANY, field=name)
        return found.isoformat() if found else ""
    if kind == ZIP:
        return fv.zip_code(value)
    if kind == PHONE:
        return fv.phone(value)
    if kind == STATE:
        upper = " ".join(value.upper().replace(".", " ").split())
        return _STATE_NAMES.get(upper, upper)
    if kind == FLAG:
        return _FLAGS.get(value.strip().upper(), value)
    raise AssertionError(kind)


# ------------------------------------------------------------------ the files
def read_rows(
    path: str | os.PathLike[str], mapping: ColumnMapping, *, today: date | None = None, sheet: str | None = None
) -> Iterator[MappedRow]:
    """Stream the rows of a CSV or XLSX file as canonical rows. The header is
    checked (every mapped column present) before this returns."""
    path = Path(path)
    if not path.is_file():
        raise SourceFormatError(f"file not found: {path}")
    today = today or date.today()
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        header, rows = _open_xlsx(path, sheet, mapping)
    else:
        header, rows = _open_csv(path, mapping)
    index = _column_index(header, mapping, path)
    width = len(header)

    def generate() -> Iterator[MappedRow]:
        for number, (line, cells, problem) in enumerate(rows, start=1):
            if problem is None and len(cells) > width and not any(c.strip() for c in cells[width:]):
                cells = cells[:width]  # a trailing delimiter
            if problem is None and len(cells) != width:
                if not any(c.strip() for c in cells):
                    continue  # a blank line is no row
                problem = Problem(ReasonCode.COLUMN_COUNT, f"{len(cells)} columns, the header has {width}")
            if problem is not None:
                yield MappedRow(line, str(number), {}, [problem], _raw(cells))
                continue
            row = map_row(mapping, {f: cells[i] for f, i in index.items()}, today=today, row_number=number, line=line)
            row.raw = _raw(cells)
            yield row

    return generate()


def _raw(cells: list[str]) -> str:
    """The cells of a row as one CSV line (what quarantine keeps of it)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


#: (line, cells, structural problem or None) of each data row
_Rows = Iterator[tuple[int, list[str], Problem | None]]


def _column_index(header: list[str], mapping: ColumnMapping, path: Path) -> dict[str, int]:
    exact = {h: i for i, h in reversed(list(enumerate(header)))}
    folded = {" ".join(h.split()).casefold(): i for i, h in reversed(list(enumerate(header)))}
    index, missing = {}, []
    for canonical, column in mapping.columns.items():
        i = exact.get(column, folded.get(" ".join(column.split()).casefold()))
        if i is None:
            missing.append(column)
        else:
            index[canonical] = i
    if missing:
        shown = ", ".join(repr(h) for h in header[:12]) + (" ..." if len(header) > 12 else "")
        raise SourceFormatError(
            f"{path.name}: mapped column(s) not in the file: {', '.join(repr(m) for m in missing)} (header: {shown})"
        )
    return index


def _open_csv(path: Path, mapping: ColumnMapping) -> tuple[list[str], _Rows]:
    with open(path, "rb") as raw:
        sample_bytes = raw.read(64 * 1024)
    if not sample_bytes.strip():
        raise SourceFormatError(f"{path.name}: the file is empty")
    delimiter = _delimiter(sample_bytes.decode("utf-8-sig", errors="replace"), mapping)
    # undecodable bytes become U+FFFD, so one bad row is reported instead of ending the file
    handle = open(path, encoding="utf-8-sig", errors="replace", newline="")  # noqa: SIM115 - closed by rows()
    reader = csv.reader(handle, delimiter=delimiter)
    header: list[str] = []
    try:
        for header in reader:
            if any(h.strip() for h in header):
                break
    except csv.Error as exc:
        handle.close()
        raise SourceFormatError(f"{path.name}: the header is not CSV ({exc})") from exc
    if not any(h.strip() for h in header):
        handle.close()
        raise SourceFormatError(f"{path.name}: no header row")

    def rows() -> _Rows:
        with handle:
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    yield reader.line_num, [], Problem(ReasonCode.MALFORMED_CSV, str(exc))
                    continue
                if any("\ufffd" in c for c in cells):
                    yield reader.line_num, cells, Problem(ReasonCode.INVALID_UTF8, "the row is not valid UTF-8")
                    continue
                yield reader.line_num, cells, None

    return [h.strip() for h in header], rows()


def _delimiter(sample: str, mapping: ColumnMapping) -> str:
    """The sniffed delimiter when the header it gives holds the mapped columns,
    else the first of comma, semicolon, tab, pipe that does, else comma."""
    candidates: list[str] = []
    try:
        candidates.append(csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter)
    except csv.Error:
        pass
    candidates += [d for d in _DELIMITERS if d not in candidates]
    wanted = {" ".join(c.split()).casefold() for c in mapping.columns.values()}
    head = sample.splitlines()[0] if sample.strip() else ""
    for d in candidates:
        header = {" ".join(h.split()).casefold() for h in next(csv.reader([head], delimiter=d), [])}
        if wanted <= header:
            return d
    return ","


#: Rows of a sheet searched for the header (titles and notes often sit above it).
HEADER_SEARCH_ROWS = 20


def _open_xlsx(path: Path, sheet: str | None, mapping: ColumnMapping) -> tuple[list[str], _Rows]:
    try:
        from openpyxl import load_workbook
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise SourceFormatError("reading .xlsx needs openpyxl") from exc
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors for a bad file
        raise SourceFormatError(f"{path.name}: not a readable XLSX workbook ({exc})") from exc
    try:
        ws = book[sheet] if sheet else book.worksheets[0]
    except KeyError:
        book.close()
        raise SourceFormatError(f"{path.name}: no sheet named {sheet!r} (sheets: {book.sheetnames})") from None
    values = ws.iter_rows(values_only=True)
    # the header is the first row holding every mapped column (a title above it is
    # skipped), else the first row with anything in it
    wanted = {" ".join(c.split()).casefold() for c in mapping.columns.values()}
    header: list[str] = []
    first: tuple[int, list[str]] | None = None
    line = 0
    for cells in values:
        line += 1
        if not any(c is not None and str(c).strip() for c in cells):
            continue
        texts = [_cell_text(c).strip() for c in cells]
        first = first or (line, texts)
        if wanted <= {" ".join(t.split()).casefold() for t in texts}:
            header = texts
            break
        if line >= HEADER_SEARCH_ROWS:
            break
    if not header and first is not None:  # no row holds them all: the first one, for the error to name
        line, header = first
        values = ws.iter_rows(min_row=line + 1, values_only=True)
    while header and not header[-1]:
        header.pop()
    if not header:
        book.close()
        raise SourceFormatError(f"{path.name}: no header row")
    first_data_line = line + 1

    def rows() -> _Rows:
        try:
            for offset, cells in enumerate(values):
                texts = [_cell_text(c) for c in cells]
                while len(texts) > len(header) and not texts[-1].strip():
                    texts.pop()  # trailing empty cells a sheet's used range carries
                if len(texts) < len(header):
                    texts += [""] * (len(header) - len(texts))
                yield first_data_line + offset, texts, None
        finally:
            book.close()

    return header, rows()


def _cell_text(value: object) -> str:
    """A cell as the text a CSV export would hold: whole numbers without ".0",
    dates as ISO (and midnight dropped)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
