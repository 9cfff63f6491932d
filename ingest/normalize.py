"""Pure functions from NPPES text to domain values, and one row to a
:class:`ProviderRecord`.

Nothing here touches a store or a file. Every text function is cached because
the same values (credentials, cities, dates, ZIP codes) repeat millions of
times in a national file.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import zipcodes

from directory.geo import zip_centroid
from directory.model import (
    EntityType,
    Evidence,
    GeoPoint,
    Location,
    OtherName,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
)
from directory.reference import nucc_codes

from .nppes import Columns
from .quarantine import Problem, ReasonCode

_WORD = re.compile(r"[^\W\d_]+")
_ROMAN = frozenset({"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"})
_FLAGS = {"Y": True, "N": False}
_EARLIEST_YEAR = 1900


class RowRejected(Exception):
    """A row cannot become a record; carries the reason."""

    def __init__(self, problem: Problem):
        super().__init__(problem.detail)
        self.problem = problem


# ---------------------------------------------------------------- text values
def _cap_word(match: re.Match[str]) -> str:
    word = match.group()
    if len(word) > 2 and word.startswith("mc"):  # McDonald
        return "Mc" + word[2:].capitalize()
    return word.capitalize()


@lru_cache(maxsize=65536)
def normalize_person_name(text: str) -> str | None:
    """Collapse whitespace; title-case names written in one case (O'Brien,
    McDonald, Smith-Jones). Mixed-case input is kept: it was written on purpose."""
    name = " ".join(text.split())
    if not name:
        return None
    if name.isupper() or name.islower():
        name = _WORD.sub(_cap_word, name.lower())
    return name


@lru_cache(maxsize=4096)
def normalize_affix(text: str) -> str | None:
    """Name prefix or suffix: "DR." -> "Dr.", "JR." -> "Jr.", roman numerals upper."""
    affix = " ".join(text.split())
    if not affix:
        return None
    if affix.upper().rstrip(".") in _ROMAN:
        return affix.upper()
    if affix.isupper() or affix.islower():
        affix = _WORD.sub(lambda m: m.group().capitalize(), affix.lower())
    return affix


@lru_cache(maxsize=65536)
def normalize_credential(text: str) -> str | None:
    """ "M.D." -> "MD", "m.d" -> "MD", "MD, PhD" -> "MD, PHD" (order kept),
    "PMHNP-BC" unchanged."""
    parts = []
    for part in re.split(r"[,;]", text):
        part = " ".join(part.replace(".", "").upper().split())
        tokens = part.split(" ")
        if len(tokens) > 1 and all(len(t) == 1 for t in tokens):  # "M D" from "M. D."
            part = "".join(tokens)
        if part:
            parts.append(part)
    return ", ".join(parts) or None


def normalize_organization_name(text: str) -> str | None:
    name = " ".join(text.split())
    return name or None


@lru_cache(maxsize=65536)
def normalize_address_line(text: str) -> str:
    return " ".join(text.upper().split())


def zip5_of(postal: str) -> str:
    """ZIP5 from a 5- or 9-digit postal code; "" for anything else (foreign, malformed)."""
    postal = postal.strip()
    if len(postal) in (5, 9) and postal.isdigit():
        return postal[:5]
    return ""


class ZipGeocoder:
    """ZIP5 -> (centroid, county, state), as :func:`directory.geo.zip_centroid`
    answers. A long run asks about tens of thousands of ZIPs and each first
    lookup there scans the package's table, so after ``bulk_after`` distinct
    ZIPs the whole table is indexed once (well under a second)."""

    def __init__(self, bulk_after: int = 2000):
        self._cache: dict[str, tuple[GeoPoint, str | None, str | None] | None] = {}
        self._bulk_after = bulk_after
        self._bulk = False

    def __call__(self, zip5: str) -> tuple[GeoPoint, str | None, str | None] | None:
        try:
            return self._cache[zip5]
        except KeyError:
            pass
        if self._bulk:
            found = None
        else:
            found = zip_centroid(zip5)
            if len(self._cache) >= self._bulk_after:
                self._index_all()
        self._cache[zip5] = found
        return found

    def _index_all(self) -> None:
        for z in zipcodes.list_all():
            code = z["zip_code"]
            if code not in self._cache:
                point = GeoPoint(float(z["lat"]), float(z["long"]))
                self._cache[code] = (point, z.get("county") or None, z.get("state") or None)
        self._bulk = True


# ---------------------------------------------------------------------- dates
_date_cache: dict[str, date] = {}


def parse_date(text: str, column: str, today: date) -> date | None:
    """MM/DD/YYYY -> date; "" -> None; RowRejected for bad or impossible dates."""
    text = text.strip()
    if not text:
        return None
    found = _date_cache.get(text)
    if found is not None:
        if found > today:
            raise RowRejected(Problem(ReasonCode.IMPOSSIBLE_DATE, f"{column} {text!r} is in the future"))
        return found
    if len(text) != 10 or text[2] != "/" or text[5] != "/" or not (text[:2] + text[3:5] + text[6:]).isdigit():
        raise RowRejected(Problem(ReasonCode.INVALID_DATE, f"{column} {text!r} is not MM/DD/YYYY"))
    try:
        value = date(int(text[6:]), int(text[:2]), int(text[3:5]))
    except ValueError:
        raise RowRejected(Problem(ReasonCode.IMPOSSIBLE_DATE, f"{column} {text!r} is not a calendar date")) from None
    if value.year < _EARLIEST_YEAR:
        raise RowRejected(Problem(ReasonCode.IMPOSSIBLE_DATE, f"{column} {text!r} is before {_EARLIEST_YEAR}"))
    if value > today:
        raise RowRejected(Problem(ReasonCode.IMPOSSIBLE_DATE, f"{column} {text!r} is in the future"))
    if len(_date_cache) < 100_000:
        _date_cache[text] = value
    return value


# ------------------------------------------------------------------ one record
def parse_entity_type(text: str) -> EntityType:
    if text == "1":
        return EntityType.INDIVIDUAL
    if text == "2":
        return EntityType.ORGANIZATION
    raise RowRejected(Problem(ReasonCode.BAD_ENTITY_TYPE, f"entity type {text!r} is not 1 or 2"))


def _opt(text: str) -> str | None:
    text = text.strip()
    return text or None


def practice_location(
    fields: list[str], c: Columns, evidence: Evidence, geocode: ZipGeocoder
) -> ProviderLocation | None:
    """The practice location (never the mailing address), geocoded to its ZIP centroid."""
    line1 = normalize_address_line(fields[c.practice_line1])
    city = normalize_address_line(fields[c.practice_city])
    if not line1 and not city:
        return None
    zip5 = zip5_of(fields[c.practice_postal])
    found = geocode(zip5) if zip5 else None
    point, county = (found[0], found[1]) if found else (None, None)
    location = Location(
        line1=line1,
        line2=normalize_address_line(fields[c.practice_line2]),
        city=city,
        state=normalize_address_line(fields[c.practice_state]),
        zip5=zip5,
        county=county,
        latitude=point.latitude if point else None,
        longitude=point.longitude if point else None,
        phone=_opt(fields[c.practice_phone]),
    )
    return ProviderLocation(location=location, primary=True, evidence=evidence)


def taxonomies(fields: list[str], c: Columns, evidence: Evidence) -> tuple[list[ProviderTaxonomy], list[Problem]]:
    """All 15 slots; a code that is not NUCC is dropped with a warning. Exactly
    one is primary: the first switched ``Y``, else the first slot."""
    known = nucc_codes()
    slots: list[tuple[str, str | None, str | None, bool]] = []
    warnings: list[Problem] = []
    for number, slot in enumerate(c.taxonomy_slots, start=1):
        code = fields[slot.code]
        if not code:  # most of the 15 slots are empty
            continue
        code = code.strip().upper()
        if code not in known:
            if not code:
                continue
            warnings.append(
                Problem(ReasonCode.INVALID_TAXONOMY, f"taxonomy slot {number}: {code!r} is not a NUCC code")
            )
            continue
        state = fields[slot.license_state].strip().upper() or None
        slots.append((code, _opt(fields[slot.license_number]), state, fields[slot.primary_switch].strip() == "Y"))
    primary_at = next((i for i, s in enumerate(slots) if s[3]), 0)
    result = [
        ProviderTaxonomy(
            code=code, primary=i == primary_at, license_number=number, license_state=state, evidence=evidence
        )
        for i, (code, number, state, _) in enumerate(slots)
    ]
    return result, warnings


def other_names(fields: list[str], c: Columns, evidence: Evidence) -> list[OtherName]:
    names = []
    org = normalize_organization_name(fields[c.other_organization_name])
    if org:
        names.append(OtherName(org, _opt(fields[c.other_organization_type]), evidence))
    parts = (
        normalize_affix(fields[c.other_prefix]),
        normalize_person_name(fields[c.other_first_name]),
        normalize_person_name(fields[c.other_middle_name]),
        normalize_person_name(fields[c.other_last_name]),
        normalize_affix(fields[c.other_suffix]),
    )
    if parts[3]:  # an individual's former or professional name
        person = " ".join(p for p in parts if p)
        credential = normalize_credential(fields[c.other_credential])
        if credential:
            person = f"{person}, {credential}"
        names.append(OtherName(person, _opt(fields[c.other_last_name_type]), evidence))
    return names


def to_record(
    fields: list[str], c: Columns, evidence: Evidence, today: date, geocode: ZipGeocoder
) -> tuple[ProviderRecord, list[Problem]]:
    """A full row (NPI already checked) -> record and warnings; RowRejected if it cannot load."""
    entity_type = parse_entity_type(fields[c.entity_type])
    dates = {name: parse_date(fields[i], name, today) for name, i in c.date_columns}
    tax, warnings = taxonomies(fields, c, evidence)
    location = practice_location(fields, c, evidence, geocode)
    record = ProviderRecord(
        npi=fields[c.npi],
        entity_type=entity_type,
        evidence=evidence,
        enumeration_date=dates["enumeration_date"],
        last_update=dates["last_update"],
        deactivation_date=dates["deactivation_date"],
        deactivation_reason=_opt(fields[c.deactivation_reason]),
        reactivation_date=dates["reactivation_date"],
        replacement_npi=_opt(fields[c.replacement_npi]),
        locations=[location] if location else [],
        taxonomies=tax,
        other_names=other_names(fields, c, evidence),
    )
    if entity_type is EntityType.INDIVIDUAL:
        record.last_name = normalize_person_name(fields[c.last_name])
        record.first_name = normalize_person_name(fields[c.first_name])
        record.middle_name = normalize_person_name(fields[c.middle_name])
        record.prefix = normalize_affix(fields[c.prefix])
        record.suffix = normalize_affix(fields[c.suffix])
        record.credential_text = normalize_credential(fields[c.credential])
        record.sex = _opt(fields[c.sex])
        record.sole_proprietor = _FLAGS.get(fields[c.sole_proprietor].strip())
    else:
        record.organization_name = normalize_organization_name(fields[c.organization_name])
        record.is_subpart = _FLAGS.get(fields[c.is_subpart].strip())
        record.parent_organization_name = normalize_organization_name(fields[c.parent_organization_name])
    return record, warnings
