"""Streaming reader of the NPPES main file (``npidata_pfile_*.csv``).

The file is read as bytes, one physical line at a time, and decoded per line,
so one badly encoded row is reported (and kept) instead of ending the run.
Columns are found by header name: both header versions (V2, 330 columns with
``Provider Sex Code`` and ``Certification Date``; V1, 329 columns with
``Provider Gender Code``) are accepted in any column order. Everything wrong
with the file as a whole (missing, empty, not an NPPES header) is raised as
:class:`SourceFormatError` when the file is opened, before any row is read.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, TYPE_CHECKING

from directory.errors import SourceFormatError
from directory.pickling import fast_pickling

from .quarantine import MAX_FIELD_LENGTH, Problem, ReasonCode

if TYPE_CHECKING:
    from .zipped import MemberStream

V2_HEADER_FILE = "npidata_pfile_v2_fileheader.csv"
TAXONOMY_SLOTS = 15
_SEX_V2 = "Provider Sex Code"
_SEX_V1 = "Provider Gender Code"
_CERTIFICATION = "Certification Date"
_FILE_DATE = re.compile(r"(\d{8})-(\d{8})")

# csv's own limit would raise on one long field and is far above anything NPPES holds.
csv.field_size_limit(max(csv.field_size_limit(), 1 << 20))


@lru_cache(maxsize=1)
def v2_columns() -> tuple[str, ...]:
    """The exact V2 header, from the copy shipped in ``ingest/data``."""
    text = resources.files("ingest").joinpath("data", V2_HEADER_FILE).read_text(encoding="utf-8")
    return tuple(next(csv.reader(text.splitlines())))


@lru_cache(maxsize=1)
def v1_columns() -> tuple[str, ...]:
    """V1: ``Provider Gender Code`` for ``Provider Sex Code``, no ``Certification Date``."""
    return tuple(_SEX_V1 if c == _SEX_V2 else c for c in v2_columns() if c != _CERTIFICATION)


@dataclass(frozen=True, slots=True)
class TaxonomySlot:
    code: int
    license_number: int
    license_state: int
    primary_switch: int


@dataclass(frozen=True, slots=True)
class Columns:
    """Indexes of the columns ingest reads, resolved once from the header."""

    version: str  # "V1" or "V2"
    count: int
    npi: int
    entity_type: int
    replacement_npi: int
    organization_name: int
    last_name: int
    first_name: int
    middle_name: int
    prefix: int
    suffix: int
    credential: int
    other_organization_name: int
    other_organization_type: int
    other_last_name: int
    other_first_name: int
    other_middle_name: int
    other_prefix: int
    other_suffix: int
    other_credential: int
    other_last_name_type: int
    practice_line1: int
    practice_line2: int
    practice_city: int
    practice_state: int
    practice_postal: int
    practice_country: int
    practice_phone: int
    enumeration_date: int
    last_update: int
    deactivation_reason: int
    deactivation_date: int
    reactivation_date: int
    sex: int
    sole_proprietor: int
    is_subpart: int
    parent_organization_name: int
    certification_date: int | None
    taxonomy_slots: tuple[TaxonomySlot, ...]

    @property
    def taxonomy_codes(self) -> tuple[int, ...]:
        return tuple(s.code for s in self.taxonomy_slots)

    #: (name, index) of every date column, derived from the fields above
    date_columns: tuple[tuple[str, int], ...] = field(default=(), init=False)

    def __post_init__(self) -> None:
        found = (
            ("enumeration_date", self.enumeration_date),
            ("last_update", self.last_update),
            ("deactivation_date", self.deactivation_date),
            ("reactivation_date", self.reactivation_date),
            ("certification_date", self.certification_date),
        )
        object.__setattr__(self, "date_columns", tuple((name, i) for name, i in found if i is not None))


_SIMPLE = {
    "npi": "NPI",
    "entity_type": "Entity Type Code",
    "replacement_npi": "Replacement NPI",
    "organization_name": "Provider Organization Name (Legal Business Name)",
    "last_name": "Provider Last Name (Legal Name)",
    "first_name": "Provider First Name",
    "middle_name": "Provider Middle Name",
    "prefix": "Provider Name Prefix Text",
    "suffix": "Provider Name Suffix Text",
    "credential": "Provider Credential Text",
    "other_organization_name": "Provider Other Organization Name",
    "other_organization_type": "Provider Other Organization Name Type Code",
    "other_last_name": "Provider Other Last Name",
    "other_first_name": "Provider Other First Name",
    "other_middle_name": "Provider Other Middle Name",
    "other_prefix": "Provider Other Name Prefix Text",
    "other_suffix": "Provider Other Name Suffix Text",
    "other_credential": "Provider Other Credential Text",
    "other_last_name_type": "Provider Other Last Name Type Code",
    "practice_line1": "Provider First Line Business Practice Location Address",
    "practice_line2": "Provider Second Line Business Practice Location Address",
    "practice_city": "Provider Business Practice Location Address City Name",
    "practice_state": "Provider Business Practice Location Address State Name",
    "practice_postal": "Provider Business Practice Location Address Postal Code",
    "practice_country": "Provider Business Practice Location Address Country Code (If outside U.S.)",
    "practice_phone": "Provider Business Practice Location Address Telephone Number",
    "enumeration_date": "Provider Enumeration Date",
    "last_update": "Last Update Date",
    "deactivation_reason": "NPI Deactivation Reason Code",
    "deactivation_date": "NPI Deactivation Date",
    "reactivation_date": "NPI Reactivation Date",
    "sole_proprietor": "Is Sole Proprietor",
    "is_subpart": "Is Organization Subpart",
    "parent_organization_name": "Parent Organization LBN",
}


def resolve_columns(header: list[str]) -> Columns:
    """Map a header row to column indexes; SourceFormatError unless it is a V1
    or V2 NPPES main-file header (in any column order)."""
    names = [h.strip() for h in header]
    if "NPI" not in names or "Entity Type Code" not in names:
        raise SourceFormatError(
            f"not an NPPES main file: the header has no 'NPI' and 'Entity Type Code' columns "
            f"(it starts {', '.join(repr(n) for n in names[:3])})"
        )
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise SourceFormatError(f"NPPES header repeats columns: {', '.join(duplicated)}")
    given = set(names)
    version = "V1" if _SEX_V1 in given else "V2"
    expected = set(v1_columns() if version == "V1" else v2_columns())
    missing, unknown = sorted(expected - given), sorted(given - expected)
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing {len(missing)} column(s): {', '.join(missing[:5])}")
        if unknown:
            parts.append(f"unknown column(s): {', '.join(unknown[:5])}")
        raise SourceFormatError(f"not a {version} NPPES main-file header: {'; '.join(parts)}")
    index = {n: i for i, n in enumerate(names)}
    slots = tuple(
        TaxonomySlot(
            code=index[f"Healthcare Provider Taxonomy Code_{k}"],
            license_number=index[f"Provider License Number_{k}"],
            license_state=index[f"Provider License Number State Code_{k}"],
            primary_switch=index[f"Healthcare Provider Primary Taxonomy Switch_{k}"],
        )
        for k in range(1, TAXONOMY_SLOTS + 1)
    )
    return Columns(
        version=version,
        count=len(names),
        sex=index[_SEX_V1 if version == "V1" else _SEX_V2],
        certification_date=index.get(_CERTIFICATION),
        taxonomy_slots=slots,
        **{attr: index[name] for attr, name in _SIMPLE.items()},
    )


@fast_pickling  # sent to the writer in a parallel load
@dataclass(slots=True)
class RawRow:
    """One record of the file as read: its fields, where it is, and the text
    to keep if it is rejected."""

    line: int  # physical line the record starts on (the header is line 1)
    end_line: int  # physical line it ends on (records may span lines inside quotes)
    #: None for a run of one-line records (``line`` to ``end_line``) that the
    #: ``skip`` test of :meth:`MainFile.rows` passed unparsed
    fields: list[str] | None
    raw: str
    problem: Problem | None = None


def file_date(path: Path) -> date:
    """The date a file speaks for: the end date in its name
    (``npidata_pfile_20050523-20251109.csv``), else its modification date."""
    match = _FILE_DATE.search(path.name)
    if match:
        text = match.group(2)
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            pass
    return date.fromtimestamp(path.stat().st_mtime)


class MainFile:
    """An open NPPES main file whose header has been checked.

    Use as a context manager; :meth:`rows` streams the records."""

    #: Header row -> columns (anything with ``count``); SourceFormatError if
    #: wrong. The reference files of a bundle subclass with their own.
    resolve_header = staticmethod(resolve_columns)
    #: What the file is called in error messages.
    label = "NPPES"

    def __init__(self, path: str | os.PathLike[str], member: str | None = None):
        """``member``: the CSV of that name inside the zip at ``path``, streamed."""
        self.path = Path(path)
        self.member = member
        #: the file's own name: the CSV's, also when it is a zip member
        self.name = member or self.path.name
        self._file: IO[bytes] | MemberStream
        if member is not None:
            from .zipped import open_member  # only when reading a zip

            self._file = open_member(self.path, member)
        elif not self.path.exists():
            raise SourceFormatError(f"{self.label} file not found: {self.path}")
        elif not self.path.is_file():
            raise SourceFormatError(f"not a file: {self.path}")
        elif self.path.stat().st_size == 0:
            raise SourceFormatError(f"{self.label} file is empty: {self.path}")
        else:
            self._file = open(self.path, "rb")  # noqa: SIM115 - closed by close()
        try:
            first = self._file.readline()
            try:
                text = first.decode("utf-8")
            except UnicodeDecodeError:
                raise SourceFormatError(f"{self.label} header is not UTF-8 text: {self.path}") from None
            text = text.removeprefix("\ufeff")  # a byte order mark some tools write
            if not text.strip():
                raise SourceFormatError(f"{self.label} file has no header line: {self.path}")
            try:
                header = next(csv.reader([text], strict=True))
            except csv.Error as exc:
                raise SourceFormatError(f"{self.label} header is not CSV ({exc}): {self.path}") from exc
            self.columns = self.resolve_header(header)
        except BaseException:
            self._file.close()
            raise
        self.date = file_date(Path(member) if member and _FILE_DATE.search(member) else self.path)
        self._buf: list[str] = []
        self._line_no = 1  # physical lines consumed so far, header included
        self._bad_utf8: str | None = None
        self._last_had_newline = True
        self._skip: Callable[[bytes], bool] | None = None
        self._skipped = [0, 0]  # first and last line of the current run of skipped lines

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> MainFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _lines(self) -> Iterator[str]:
        buf = self._buf
        skip, skipped = self._skip, self._skipped
        for chunk in self._file:
            self._line_no += 1
            if skip is not None and not buf and skip(chunk):  # only at a record's first line
                if not skipped[0]:
                    skipped[0] = self._line_no
                skipped[1] = self._line_no
                continue
            try:
                text = chunk.decode("utf-8")
            except UnicodeDecodeError as exc:
                if self._bad_utf8 is None:
                    self._bad_utf8 = f"byte {chunk[exc.start]:#04x} at column {exc.start + 1} of line {self._line_no}"
                text = chunk.decode("utf-8", "surrogateescape")
            buf.append(text)
            self._last_had_newline = chunk.endswith(b"\n")
            yield text

    def _raw_text(self) -> str:
        text = "".join(self._buf)
        if self._bad_utf8 is not None:  # keep the undecodable bytes visible and storable
            text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return text

    def rows(self, skip: Callable[[bytes], bool] | None = None) -> Iterator[RawRow]:
        """Every record after the header, each with at most one structural problem.

        ``skip`` (see :mod:`ingest.prescreen`) is asked about each raw line that
        starts a record; the lines it passes are not parsed and come as runs,
        one ``RawRow`` with ``fields`` None per run of consecutive lines."""
        expected = self.columns.count
        buf = self._buf
        self._skip = skip
        skipped = self._skipped
        reader = csv.reader(self._lines())
        start = 2
        while True:
            problem = None
            try:
                fields = next(reader)
            except StopIteration:
                if skipped[0]:
                    yield RawRow(skipped[0], skipped[1], None, "", None)
                return
            except csv.Error as exc:
                fields = []
                problem = Problem(ReasonCode.MALFORMED_CSV, str(exc))
            if skipped[0]:  # the run of skipped lines just before this record
                yield RawRow(skipped[0], skipped[1], None, "", None)
                start = skipped[1] + 1
                skipped[0] = skipped[1] = 0
            raw = buf[0] if len(buf) == 1 and self._bad_utf8 is None else self._raw_text()
            buf.clear()
            if problem is None:
                if self._bad_utf8 is not None:
                    problem = Problem(ReasonCode.INVALID_UTF8, f"invalid UTF-8: {self._bad_utf8}")
                elif len(fields) != expected:
                    if not self._last_had_newline and len(fields) < expected:
                        problem = Problem(
                            ReasonCode.TRUNCATED_ROW,
                            f"last row is cut off: {len(fields)} of {expected} columns and no line end",
                        )
                    else:
                        problem = Problem(ReasonCode.COLUMN_COUNT, f"{len(fields)} columns, expected {expected}")
                elif len(raw) > MAX_FIELD_LENGTH + 3 * expected:  # only then can one field be too long
                    problem = _oversized(fields)
            self._bad_utf8 = None
            end = self._line_no
            if not fields and problem is None:  # a blank line is no record
                start = end + 1
                continue
            yield RawRow(start, end, fields, raw, problem)
            start = end + 1


def _oversized(fields: list[str]) -> Problem | None:
    for i, value in enumerate(fields):
        if len(value) > MAX_FIELD_LENGTH:
            return Problem(
                ReasonCode.OVERSIZED_FIELD, f"column {i + 1} holds {len(value)} characters (limit {MAX_FIELD_LENGTH})"
            )
    return None


def read_main_file(path: str | os.PathLike[str]) -> Iterator[RawRow]:
    """Stream the records of an NPPES main file. The header is checked before
    this returns, so a file-level SourceFormatError comes at once."""
    main = MainFile(path)

    def generate() -> Iterator[RawRow]:
        with main:
            yield from main.rows()

    return generate()
