"""The OIG LEIE files: which one a file is, and one row as an
:class:`~directory.model.ExclusionRecord` (or a reason code).

OIG publishes, on its "LEIE Downloadable Databases" page
(oig.hhs.gov/exclusions/exclusions_list.asp), three kinds of CSV file in one
18-column layout, the header unquoted and every value of a row quoted
(the record layout is OIG's ``leie_record_layout.pdf``)::

    LASTNAME,FIRSTNAME,MIDNAME,BUSNAME,GENERAL,SPECIALTY,UPIN,NPI,DOB,ADDRESS,CITY,STATE,ZIP,EXCLTYPE,EXCLDATE,REINDATE,WAIVERDATE,WVRSTATE
    "","","","#1 MARKETING SERVICE, INC","OTHER BUSINESS","SOBER HOME","","0000000000","",
    "239 BRIGHTON BEACH AVENUE","BROOKLYN","NY","11235","1128a1","20200319","00000000","00000000",""

(one line in the file, broken here); the header and this row as they were
published in 2026 are quoted in public notes on the file, and the names and
layout of the three files on OIG's own page.

* ``UPDATED.csv``: the full list, every exclusion in force (about 83,000 rows);
  reinstated parties are not in it;
* ``YYMMEXCL.csv`` (``downloadables/YYYY/YYMMEXCL.csv``, e.g. ``2510EXCL.csv``):
  the exclusions of one month;
* ``YYMMREIN.csv``: the reinstatements of one month (REINDATE filled in).

The kind is read from the name (any case) and checked against the content:
the first rows of a reinstatement file carry a REINDATE, those of the other
two do not. A file of another name needs the kind given. Dates are
``YYYYMMDD``, ``00000000`` (or empty) when there is none; NPI is
``0000000000`` when unknown (most rows before 2008); DOB is ``YYYYMMDD`` or empty.
"""

from __future__ import annotations

import calendar
import csv
import enum
import hashlib
import re
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

from directory.errors import InputError, SourceFormatError
from directory.model import Evidence, ExclusionRecord
from directory.npi import is_valid_npi

from ..normalize import RowRejected
from ..quarantine import Problem, ReasonCode

COLUMNS = (
    "LASTNAME",
    "FIRSTNAME",
    "MIDNAME",
    "BUSNAME",
    "GENERAL",
    "SPECIALTY",
    "UPIN",
    "NPI",
    "DOB",
    "ADDRESS",
    "CITY",
    "STATE",
    "ZIP",
    "EXCLTYPE",
    "EXCLDATE",
    "REINDATE",
    "WAIVERDATE",
    "WVRSTATE",
)
LIST_NAME = "LEIE"
_SUPPLEMENT = re.compile(r"^(\d{2})(\d{2})(EXCL|REIN)\.CSV$")
_EARLIEST_YEAR = 1900
#: Rows read to check a file's content against its kind.
PEEK_ROWS = 20


class FileKind(enum.Enum):
    FULL = "full"  # UPDATED.csv: every exclusion in force
    EXCLUSIONS = "exclusions"  # YYMMEXCL.csv: a month's new exclusions
    REINSTATEMENTS = "reinstatements"  # YYMMREIN.csv: a month's reinstatements


def kind_from_name(name: str) -> tuple[FileKind | None, date | None]:
    """(kind, last day of the month of a supplement) from a file name; (None, None) if unknown."""
    upper = Path(name).name.upper()
    if upper == "UPDATED.CSV":
        return FileKind.FULL, None
    found = _SUPPLEMENT.match(upper)
    if not found:
        return None, None
    year, month = 2000 + int(found.group(1)), int(found.group(2))
    if not 1 <= month <= 12:
        return None, None
    kind = FileKind.EXCLUSIONS if found.group(3) == "EXCL" else FileKind.REINSTATEMENTS
    return kind, date(year, month, calendar.monthrange(year, month)[1])


def _blank_date(text: str) -> bool:
    return not text or set(text) == {"0"}


def peek_reinstatements(path: Path) -> bool | None:
    """Whether the first rows carry a REINDATE (all of them), not (none of
    them); None when there are no rows or they disagree."""
    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as f:
            reader = csv.DictReader(f)
            seen = []
            for i, row in enumerate(reader):
                if i >= PEEK_ROWS:
                    break
                seen.append(not _blank_date((row.get("REINDATE") or "").strip()))
    except (OSError, csv.Error):
        return None
    if not seen:
        return None
    if all(seen):
        return True
    return False if not any(seen) else None


def resolve_kind(path: Path, given: FileKind | None) -> tuple[FileKind, date | None]:
    """The file's kind (given, else from its name) checked against its content,
    and a supplement's month end; InputError when it cannot be told or disagrees."""
    named, month_end = kind_from_name(path.name)
    kind = given or named
    if kind is None:
        raise InputError(
            f"{path.name}: not an OIG LEIE file name (UPDATED.csv, YYMMEXCL.csv, YYMMREIN.csv); "
            "say which it is with --kind full|exclusions|reinstatements"
        )
    reinstating = peek_reinstatements(path)
    if kind is FileKind.REINSTATEMENTS and reinstating is False:
        raise SourceFormatError(f"{path.name}: a reinstatement file, but its first rows have no REINDATE")
    if kind is not FileKind.REINSTATEMENTS and reinstating is True:
        raise SourceFormatError(
            f"{path.name}: read as {kind.value}, but its first rows all carry a REINDATE (a reinstatement file?)"
        )
    return kind, month_end


def _date(row: Mapping[str, str], column: str, latest: date) -> date | None:
    text = row[column]
    if _blank_date(text):
        return None
    if len(text) != 8 or not text.isdigit():
        raise RowRejected(Problem(ReasonCode.INVALID_DATE, f"{column} {text!r} is not YYYYMMDD"))
    try:
        value = date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise RowRejected(Problem(ReasonCode.IMPOSSIBLE_DATE, f"{column} {text!r} is not a calendar date")) from None
    if value.year < _EARLIEST_YEAR or value > latest:
        raise RowRejected(
            Problem(ReasonCode.IMPOSSIBLE_DATE, f"{column} {text!r} is before {_EARLIEST_YEAR} or after {latest}")
        )
    return value


def _digest(parts: list[str]) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=10).hexdigest()


def parse_row(row: Mapping[str, str], kind: FileKind, evidence: Evidence) -> ExclusionRecord:
    """One row (column -> stripped text) as a record listed (or reinstated) by
    the file of ``evidence``; RowRejected with a reason code for a bad row.

    ``last_listed`` is the file's date for an exclusion row and None for a
    reinstatement row; the loader merges either with what the store holds."""
    as_of = evidence.retrieved
    last, first, middle, business = (row[c] for c in ("LASTNAME", "FIRSTNAME", "MIDNAME", "BUSNAME"))
    if not (last or first or business):
        raise RowRejected(Problem(ReasonCode.MISSING_VALUE, "the row names no one: LASTNAME, FIRSTNAME, BUSNAME empty"))
    npi_text = row["NPI"]
    npi = None if not npi_text or set(npi_text) == {"0"} else npi_text
    if npi is not None and not is_valid_npi(npi):
        raise RowRejected(
            Problem(ReasonCode.INVALID_NPI, f"NPI {npi_text!r} is not a valid NPI (10 digits, Luhn check digit)")
        )
    excltype = row["EXCLTYPE"]
    if not excltype:
        raise RowRejected(Problem(ReasonCode.MISSING_VALUE, "EXCLTYPE is empty"))
    # an exclusion takes effect 20 days after notice: a row may date a little ahead of its file
    horizon = as_of + timedelta(days=366)
    excluded_on = _date(row, "EXCLDATE", horizon)
    if excluded_on is None:
        raise RowRejected(Problem(ReasonCode.MISSING_VALUE, f"EXCLDATE {row['EXCLDATE']!r}: no exclusion date"))
    birth_date = _date(row, "DOB", as_of)
    reinstated_on = _date(row, "REINDATE", horizon)
    waiver_date = _date(row, "WAIVERDATE", horizon)
    if reinstated_on is not None and reinstated_on < excluded_on:
        raise RowRejected(
            Problem(ReasonCode.IMPOSSIBLE_DATE, f"REINDATE {row['REINDATE']!r} is before EXCLDATE {row['EXCLDATE']!r}")
        )
    if kind is FileKind.REINSTATEMENTS and reinstated_on is None:
        raise RowRejected(Problem(ReasonCode.MISSING_VALUE, "a reinstatement row without REINDATE"))
    names = [last.upper(), first.upper(), middle.upper(), business.upper(), row["DOB"] if birth_date else ""]
    names += [npi or "", excltype.upper(), excluded_on.isoformat()]
    place = [row["ADDRESS"].upper(), row["CITY"].upper(), row["STATE"].upper(), row["ZIP"]]
    return ExclusionRecord(
        list_name=LIST_NAME,
        key=_digest(names + place),
        identity=_digest(names),
        exclusion_type=excltype,
        excluded_on=excluded_on,
        evidence=evidence,
        last_name=last,
        first_name=first,
        middle_name=middle,
        business_name=business,
        general=row["GENERAL"],
        specialty=row["SPECIALTY"],
        upin=row["UPIN"],
        npi=npi,
        birth_date=birth_date,
        address=row["ADDRESS"],
        city=row["CITY"],
        state=row["STATE"].upper(),
        zip=row["ZIP"],
        reinstated_on=reinstated_on if kind is FileKind.REINSTATEMENTS else None,
        waiver_date=waiver_date,
        waiver_state=row["WVRSTATE"],
        last_listed=None if kind is FileKind.REINSTATEMENTS else as_of,
    )
