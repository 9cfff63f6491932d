"""The inputs of a network adequacy assessment, each a CSV the user can replace:

* standards ``specialty,county_type,max_minutes,max_miles,min_per_1000`` (and,
  optionally, ``min_providers``, a floor for the minimum number, and
  ``telehealth_credit``, percentage points, 10 when absent);
* counties ``state,county,county_type``, or CMS's HSD reference-file layout
  (see :mod:`.hsd`);
* members ``zip,count`` or ``member_id,zip``: never names or other
  patient-level data, and files with such columns are refused;
* specialty mapping ``taxonomy_code,specialty``.

The bundled defaults live in ``directory/data/adequacy`` (their sources are in
the README there). Every reader names the file, line and column of bad input.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from importlib import resources
from pathlib import Path

from ...errors import InputError, SourceFormatError
from ...reference import nucc_codes

#: CMS county designations, in order of density.
COUNTY_TYPES: tuple[str, ...] = ("Large Metro", "Metro", "Micro", "Rural", "CEAC")
_COUNTY_TYPE = {t.upper(): t for t in COUNTY_TYPES} | {"LARGE METROPOLITAN": "Large Metro", "METROPOLITAN": "Metro"}
#: Percentage points added for telehealth providers when a standards file has no telehealth_credit column.
DEFAULT_TELEHEALTH_CREDIT = 10.0

STANDARDS_FILE = "standards.csv"
COUNTIES_FILE = "counties_sample.csv"
SPECIALTIES_FILE = "specialties.csv"

#: Header words that mark patient-level data; a members file holding any is refused.
_PERSONAL = re.compile(
    r"(^|_)(name|names|first|last|middle|surname|given|family|dob|birth|birthdate|ssn|social|address|street|"
    r"phone|email|mrn|gender|sex|age|diagnosis)($|_)"
)
_ZIP = re.compile(r"\d{5}(-?\d{4})?")


def _where(source: str, line: int, column: str | None = None) -> str:
    return f"{source}, line {line}" + (f", column {column!r}" if column else "")


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


@dataclass(frozen=True, slots=True)
class CsvText:
    """A CSV file's text and the name its errors use."""

    text: str
    source: str

    @classmethod
    def of(cls, path: str | Path) -> CsvText:
        p = Path(path)
        try:
            return cls(p.read_text(encoding="utf-8-sig"), str(p))
        except FileNotFoundError:
            raise InputError(f"file not found: {p}") from None
        except UnicodeDecodeError as exc:
            raise SourceFormatError(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None

    @classmethod
    def bundled(cls, name: str) -> CsvText:
        ref = resources.files("directory").joinpath("data", "adequacy", name)
        return cls(ref.read_text(encoding="utf-8"), f"bundled {name}")


def _rows(csv_text: CsvText, required: Sequence[str], optional: Sequence[str] = ()) -> Iterator[tuple[int, dict]]:
    """(line number, row by normalized header) of each non-blank data line."""
    reader = csv.reader(io.StringIO(csv_text.text))
    try:
        header = next(reader)
    except StopIteration:
        raise SourceFormatError(f"{csv_text.source}: empty file, expected a header {','.join(required)}") from None
    keys = [_key(h) for h in header]
    missing = [c for c in required if c not in keys]
    if missing:
        raise SourceFormatError(
            f"{_where(csv_text.source, 1)}: header lacks {', '.join(missing)} (expected {','.join(required)})"
        )
    wanted = set(required) | set(optional)
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(keys):
            raise SourceFormatError(
                f"{_where(csv_text.source, number)}: {len(values)} values under {len(keys)} columns"
            )
        yield number, {k: v.strip() for k, v in zip(keys, values) if k in wanted}


def county_type(value: str, source: str, line: int, column: str = "county_type") -> str:
    found = _COUNTY_TYPE.get(" ".join(value.split()).upper())
    if found is None:
        raise InputError(f"{_where(source, line, column)}: {value!r} is not one of {', '.join(COUNTY_TYPES)}")
    return found


def _number(value: str, source: str, line: int, column: str, *, positive: bool) -> Fraction:
    try:
        number = Fraction(value)
    except (ValueError, ZeroDivisionError):
        raise InputError(f"{_where(source, line, column)}: {value!r} is not a number") from None
    if number < 0 or (positive and number == 0):
        raise InputError(f"{_where(source, line, column)}: {value} must be {'positive' if positive else '0 or more'}")
    return number


# ------------------------------------------------------------------ standards
@dataclass(frozen=True, slots=True)
class Standard:
    """One (specialty, county type) row of the standards."""

    specialty: str
    county_type: str
    max_minutes: float
    max_miles: float
    #: exact (from the decimal text), so 0.15 x 20,000 / 1,000 is 3, not 3.0000000000000004
    min_per_1000: Fraction
    min_providers: int = 0
    telehealth_credit: float = DEFAULT_TELEHEALTH_CREDIT


@dataclass(frozen=True)
class Standards:
    rows: dict[tuple[str, str], Standard]
    source: str

    @property
    def specialties(self) -> tuple[str, ...]:
        """In the order the file lists them."""
        return tuple(dict.fromkeys(s for s, _ in self.rows))

    def get(self, specialty: str, kind: str) -> Standard | None:
        return self.rows.get((specialty, kind))


def read_standards(csv_text: CsvText) -> Standards:
    required = ("specialty", "county_type", "max_minutes", "max_miles", "min_per_1000")
    rows: dict[tuple[str, str], Standard] = {}
    src = csv_text.source
    for line, row in _rows(csv_text, required, ("min_providers", "telehealth_credit")):
        specialty = " ".join(row["specialty"].split())
        if not specialty:
            raise InputError(f"{_where(src, line, 'specialty')}: empty")
        kind = county_type(row["county_type"], src, line)
        floor = row.get("min_providers") or "0"
        credit = row.get("telehealth_credit")
        minimum = _number(floor, src, line, "min_providers", positive=False)
        if minimum.denominator != 1:
            raise InputError(f"{_where(src, line, 'min_providers')}: {floor!r} is not a whole number")
        standard = Standard(
            specialty=specialty,
            county_type=kind,
            max_minutes=float(_number(row["max_minutes"], src, line, "max_minutes", positive=True)),
            max_miles=float(_number(row["max_miles"], src, line, "max_miles", positive=True)),
            min_per_1000=_number(row["min_per_1000"] or "0", src, line, "min_per_1000", positive=False),
            min_providers=int(minimum),
            telehealth_credit=DEFAULT_TELEHEALTH_CREDIT
            if not credit
            else float(_number(credit, src, line, "telehealth_credit", positive=False)),
        )
        if (specialty, kind) in rows:
            raise InputError(f"{_where(src, line)}: a second row for {specialty} in {kind} counties")
        rows[(specialty, kind)] = standard
    if not rows:
        raise InputError(f"{src}: no standards")
    return Standards(rows, src)


# ------------------------------------------------------------------- counties
def county_key(state: str, county: str) -> tuple[str, str]:
    """How counties are matched across sources: ``New York County`` (zipcodes),
    ``New York`` (CMS files) and ``NEW YORK`` are one county of NY."""
    name = re.sub(r"[.']", "", county.upper())
    name = re.sub(r"\bSAINT\b", "ST", " ".join(name.split()))
    name = re.sub(r" (COUNTY|PARISH|BOROUGH|CENSUS AREA|CITY AND BOROUGH|MUNICIPALITY)$", "", name)
    return state.strip().upper(), name


@dataclass(frozen=True, slots=True)
class County:
    state: str
    county: str
    county_type: str
    #: minimum numbers given per county (an HSD reference file), by specialty; they replace the ratio
    required: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Counties:
    by_key: dict[tuple[str, str], County]
    source: str

    def find(self, state: str | None, county: str | None) -> County | None:
        if not state or not county:
            return None
        return self.by_key.get(county_key(state, county))


def read_counties(csv_text: CsvText) -> Counties:
    """``state,county,county_type``; a file in the HSD reference layout is read by :mod:`.hsd`."""
    from .hsd import is_hsd_layout, read_hsd_counties

    if is_hsd_layout(csv_text.text):
        return read_hsd_counties(csv_text)
    src = csv_text.source
    found: dict[tuple[str, str], County] = {}
    for line, row in _rows(csv_text, ("state", "county", "county_type")):
        state = row["state"].upper()
        if not re.fullmatch(r"[A-Z]{2}", state):
            raise InputError(f"{_where(src, line, 'state')}: {row['state']!r} is not a two-letter state code")
        if not row["county"]:
            raise InputError(f"{_where(src, line, 'county')}: empty")
        key = county_key(state, row["county"])
        if key in found:
            raise InputError(f"{_where(src, line, 'county')}: {row['county']} ({state}) is listed twice")
        found[key] = County(state, row["county"], county_type(row["county_type"], src, line))
    if not found:
        raise InputError(f"{src}: no counties")
    return Counties(found, src)


# ------------------------------------------------------------------ specialties
@dataclass(frozen=True)
class SpecialtyMap:
    by_code: dict[str, tuple[str, ...]]
    source: str

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(sorted(self.by_code))

    def codes_of(self, specialty: str) -> tuple[str, ...]:
        return tuple(sorted(c for c, specs in self.by_code.items() if specialty in specs))


def read_specialties(csv_text: CsvText) -> SpecialtyMap:
    src = csv_text.source
    known = nucc_codes()
    found: dict[str, list[str]] = {}
    for line, row in _rows(csv_text, ("taxonomy_code", "specialty")):
        code = row["taxonomy_code"].upper()
        if code not in known:
            raise InputError(f"{_where(src, line, 'taxonomy_code')}: {row['taxonomy_code']!r} is not a NUCC code")
        specialty = " ".join(row["specialty"].split())
        if not specialty:
            raise InputError(f"{_where(src, line, 'specialty')}: empty")
        specs = found.setdefault(code, [])
        if specialty not in specs:
            specs.append(specialty)
    if not found:
        raise InputError(f"{src}: no taxonomy codes")
    return SpecialtyMap({c: tuple(s) for c, s in found.items()}, src)


# -------------------------------------------------------------------- members
@dataclass(frozen=True)
class Members:
    """Members by ZIP code: a count per ZIP, nothing about any person."""

    counts: dict[str, int]
    source: str
    layout: str  # "zip,count" or "member_id,zip"
    rows: int = field(default=0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _check_member_header(header: list[str], source: str) -> str:
    keys = [_key(h) for h in header]
    for column, key in zip(header, keys):
        if _PERSONAL.search(key):
            raise InputError(
                f"{_where(source, 1, column)}: looks like patient-level data; a members file holds only "
                "zip,count or member_id,zip (opaque ids), never names"
            )
    if sorted(keys) == ["count", "zip"]:
        return "zip,count"
    if sorted(keys) == ["member_id", "zip"]:
        return "member_id,zip"
    raise SourceFormatError(
        f"{_where(source, 1)}: expected the header zip,count or member_id,zip, got {','.join(header)}"
    )


def read_members(path: str | Path) -> Members:
    """A members file; member-level files of millions of rows are read as columns."""
    import pandas as pd

    p = Path(path)
    source = str(p)
    try:
        with p.open(encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f), None)
    except FileNotFoundError:
        raise InputError(f"file not found: {p}") from None
    except UnicodeDecodeError as exc:
        raise SourceFormatError(f"{p}: not UTF-8 text ({exc.reason})") from None
    if not header:
        raise SourceFormatError(f"{source}: empty file, expected zip,count or member_id,zip")
    layout = _check_member_header(header, source)
    names = [_key(h) for h in header]
    try:
        frame = pd.read_csv(
            p, dtype=str, keep_default_na=False, header=0, names=names, encoding="utf-8-sig", skip_blank_lines=True
        )
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise SourceFormatError(f"{source}: not a CSV file pandas can read: {exc}") from None
    zips = frame["zip"].str.strip()
    bad = ~zips.str.fullmatch(_ZIP.pattern)
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise InputError(f"{_where(source, i + 2, 'zip')}: {frame['zip'].iat[i]!r} is not a 5-digit ZIP code")
    zips = zips.str.slice(0, 5)
    if layout == "zip,count":
        counts = pd.to_numeric(frame["count"].str.strip(), errors="coerce")
        bad = counts.isna() | (counts < 0) | (counts % 1 != 0)
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise InputError(f"{_where(source, i + 2, 'count')}: {frame['count'].iat[i]!r} is not a whole number >= 0")
        grouped = counts.astype("int64").groupby(zips.to_numpy()).sum()
    else:
        ids = frame["member_id"].str.strip()
        empty = ids == ""
        if empty.any():
            i = int(empty.to_numpy().argmax())
            raise InputError(f"{_where(source, i + 2, 'member_id')}: empty")
        twice = ids.duplicated()
        if twice.any():
            i = int(twice.to_numpy().argmax())
            raise InputError(f"{_where(source, i + 2, 'member_id')}: member {ids.iat[i]!r} is listed twice")
        grouped = zips.value_counts()
    return Members({str(z): int(n) for z, n in grouped.items() if n > 0}, source, layout, len(frame))


def members_from_pairs(pairs: Iterable[tuple[str, int]], source: str = "request") -> Members:
    """Members given as (zip, count) pairs, e.g. in an API request."""
    counts: dict[str, int] = {}
    for i, (zip_code, count) in enumerate(pairs, start=1):
        z = str(zip_code).strip()
        if not _ZIP.fullmatch(z):
            raise InputError(f"{source}, pair {i}: {zip_code!r} is not a 5-digit ZIP code")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise InputError(f"{source}, pair {i}: count {count!r} must be a whole number >= 0")
        counts[z[:5]] = counts.get(z[:5], 0) + count
    return Members({z: n for z, n in counts.items() if n > 0}, source, "zip,count", len(counts))


def default_standards() -> Standards:
    return read_standards(CsvText.bundled(STANDARDS_FILE))


def default_counties() -> Counties:
    return read_counties(CsvText.bundled(COUNTIES_FILE))


def default_specialties() -> SpecialtyMap:
    return read_specialties(CsvText.bundled(SPECIALTIES_FILE))
