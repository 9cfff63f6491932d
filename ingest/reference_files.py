"""Readers of the three reference files in every NPPES zip: ``pl_pfile``
(secondary practice locations), ``othername_pfile`` (other organization names)
and ``endpoint_pfile`` (electronic endpoints, counted but not loaded).

They are read by the main file's reader (:class:`ingest.nppes.MainFile`: bytes
decoded per line, so one bad row is kept, not fatal; column count, truncated
last row, oversized field) with their own header check: the header must be
exactly the one CMS ships (``ingest/data/*_fileheader.csv``), in order, or the
file is refused before anything is written. Row parsers turn a row's fields
into a domain fact or raise :class:`RowRejected` with a reason code.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from directory.errors import SourceFormatError
from directory.model import Evidence, Location, OtherName, ProviderLocation
from directory.npi import is_valid_npi

from .normalize import RowRejected, ZipGeocoder, normalize_address_line, normalize_organization_name, zip5_of
from .nppes import MainFile
from .quarantine import Problem, ReasonCode

PL, OTHERNAME, ENDPOINT = "pl", "othername", "endpoint"
HEADER_FILES = {
    PL: "pl_pfile_fileheader.csv",
    OTHERNAME: "othername_pfile_fileheader.csv",
    ENDPOINT: "endpoint_pfile_fileheader.csv",
}
#: Other-name type codes of organizations: 3 doing business as, 4 former legal
#: business name, 5 other (1 and 2 are individuals' and live in the main file).
ORGANIZATION_NAME_TYPES = frozenset({"3", "4", "5"})


@cache
def reference_header(kind: str) -> tuple[str, ...]:
    """The exact header of a reference file, from the copy in ``ingest/data``."""
    text = resources.files("ingest").joinpath("data", HEADER_FILES[kind]).read_text(encoding="utf-8")
    return tuple(next(csv.reader(text.splitlines())))


@dataclass(frozen=True, slots=True)
class ReferenceColumns:
    kind: str
    names: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.names)


def check_header(kind: str, header: list[str]) -> ReferenceColumns:
    """The header as shipped, or SourceFormatError saying what differs."""
    expected = reference_header(kind)
    given = tuple(header)
    if given == expected:
        return ReferenceColumns(kind, expected)
    label = HEADER_FILES[kind].removesuffix("_fileheader.csv")
    if "Entity Type Code" in given:
        raise SourceFormatError(f"this is an NPPES main-file header, not the {label} header")
    missing = [c for c in expected if c not in given]
    unknown = [c for c in given if c not in expected]
    if not missing and not unknown and len(given) == len(expected):
        at = next(i for i, (a, b) in enumerate(zip(given, expected, strict=True)) if a != b)
        raise SourceFormatError(
            f"{label} header has its columns out of order: column {at + 1} is {given[at]!r}, expected {expected[at]!r}"
        )
    parts = []
    if missing:
        parts.append(f"missing {', '.join(repr(c) for c in missing[:4])}")
    if unknown:
        parts.append(f"unknown {', '.join(repr(c) for c in unknown[:4])}")
    if not parts:
        parts.append(f"{len(given)} columns, expected {len(expected)}")
    raise SourceFormatError(f"not the {label} header ({'; '.join(parts)})")


class ReferenceFile(MainFile):
    """An open reference file whose header has been checked; ``kind`` is set by subclasses."""

    kind = ""

    def resolve_header(self, header: list[str]) -> ReferenceColumns:  # type: ignore[override]
        return check_header(self.kind, header)


class PlFile(ReferenceFile):
    kind = PL


class OtherNameFile(ReferenceFile):
    kind = OTHERNAME


class EndpointFile(ReferenceFile):
    kind = ENDPOINT


FILE_CLASSES: dict[str, type[ReferenceFile]] = {PL: PlFile, OTHERNAME: OtherNameFile, ENDPOINT: EndpointFile}


# ---------------------------------------------------------------- row parsers
def row_npi(fields: list[str]) -> str:
    """The NPI of a reference row (always the first column); RowRejected if bad."""
    npi = fields[0].strip()
    if not npi:
        raise RowRejected(Problem(ReasonCode.MISSING_NPI, "the NPI column is empty"))
    if not is_valid_npi(npi):
        raise RowRejected(Problem(ReasonCode.INVALID_NPI, f"{npi!r} is not a valid NPI (10 digits, Luhn check digit)"))
    return npi


def secondary_location(fields: list[str], evidence: Evidence, geocode: ZipGeocoder) -> ProviderLocation:
    """A pl_pfile row -> a secondary (not primary) practice location, geocoded to its ZIP."""
    line1 = normalize_address_line(fields[1])
    city = normalize_address_line(fields[3])
    if not line1 or not city:
        missing = "address line 1" if not line1 else "city"
        raise RowRejected(Problem(ReasonCode.MISSING_VALUE, f"secondary practice location has no {missing}"))
    zip5 = zip5_of(fields[5])
    found = geocode(zip5) if zip5 else None
    point, county = (found[0], found[1]) if found else (None, None)
    phone = fields[7].strip() or None
    location = Location(
        line1=line1,
        line2=normalize_address_line(fields[2]),
        city=city,
        state=normalize_address_line(fields[4]),
        zip5=zip5,
        county=county,
        latitude=point.latitude if point else None,
        longitude=point.longitude if point else None,
        phone=phone,
    )
    return ProviderLocation(location=location, primary=False, evidence=evidence)


def other_organization_name(fields: list[str], evidence: Evidence, geocode: ZipGeocoder | None = None) -> OtherName:
    """An othername_pfile row -> an OtherName (type 3 DBA, 4 former LBN, 5 other)."""
    name = normalize_organization_name(fields[1])
    if not name:
        raise RowRejected(Problem(ReasonCode.MISSING_VALUE, "the other organization name is empty"))
    code = fields[2].strip()
    if code not in ORGANIZATION_NAME_TYPES:
        raise RowRejected(
            Problem(ReasonCode.INVALID_NAME_TYPE, f"other organization name type code {code!r} is not 3, 4 or 5")
        )
    return OtherName(name=name, type_code=code, evidence=evidence)
