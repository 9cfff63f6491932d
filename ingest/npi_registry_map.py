"""NPI Registry API results -> :class:`ProviderRecord`, in exactly the normalized
form the NPPES file ingest produces (the same functions from
``ingest.normalize``), plus fetching a list of NPIs (syncing them into the
store is the source :mod:`ingest.sources.npi_registry`).

Differences from a file row are the source's, not ours: the API never returns
deactivated NPIs, and it carries secondary practice locations
(``practiceLocations``, the file's ``pl_pfile``) in the same result, mapped
here as non-primary locations. MAILING addresses are never locations.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime

from directory.errors import InputError, RegistryError
from directory.model import (
    EntityType,
    Evidence,
    Location,
    OtherName,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
)
from directory.npi import is_valid_npi
from directory.reference import nucc_codes

from .normalize import (
    ZipGeocoder,
    normalize_address_line,
    normalize_affix,
    normalize_credential,
    normalize_organization_name,
    normalize_person_name,
    zip5_of,
)
from .npi_registry import NpiRegistryClient

__all__ = ["METHOD", "SOURCE", "checked_npis", "fetch_npis", "to_provider_record"]

log = logging.getLogger(__name__)

SOURCE = "npi_registry_api"
METHOD = "api"

_ENTITY_TYPES = {"NPI-1": EntityType.INDIVIDUAL, "NPI-2": EntityType.ORGANIZATION}
_YES_NO = {"YES": True, "NO": False, "Y": True, "N": False}


def _s(value: object) -> str:
    return "" if value is None else str(value).strip()


def _opt(value: object) -> str | None:
    return _s(value) or None


def _date(basic: Mapping, key: str, npi: str) -> date | None:
    text = _s(basic.get(key))
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise RegistryError(f"NPI {npi}: {key} {text!r} is not YYYY-MM-DD") from None


def phone_digits(text: str) -> str | None:
    """ "212-241-6756" -> "2122416756": the digits-only form NPPES files carry."""
    digits = "".join(ch for ch in text if ch.isdigit())
    return digits or None


def _location(address: Mapping, geocode: ZipGeocoder) -> Location | None:
    """Same rules as the file's practice location: upper-cased lines, ZIP5 and
    its centroid, digits-only phone."""
    line1 = normalize_address_line(_s(address.get("address_1")))
    city = normalize_address_line(_s(address.get("city")))
    if not line1 and not city:
        return None
    zip5 = zip5_of(_s(address.get("postal_code")))
    found = geocode(zip5) if zip5 else None
    point, county = (found[0], found[1]) if found else (None, None)
    return Location(
        line1=line1,
        line2=normalize_address_line(_s(address.get("address_2"))),
        city=city,
        state=normalize_address_line(_s(address.get("state"))),
        zip5=zip5,
        county=county,
        latitude=point.latitude if point else None,
        longitude=point.longitude if point else None,
        phone=phone_digits(_s(address.get("telephone_number"))),
    )


def _locations(result: Mapping, evidence: Evidence, geocode: ZipGeocoder) -> list[ProviderLocation]:
    """LOCATION address first (primary), then ``practiceLocations``; one per address."""
    placed: dict[str, ProviderLocation] = {}
    primary = [a for a in result.get("addresses") or () if _s(a.get("address_purpose")).upper() == "LOCATION"]
    for is_primary, addresses in ((True, primary), (False, result.get("practiceLocations") or ())):
        for address in addresses:
            location = _location(address, geocode)
            if location is not None and location.key not in placed:
                placed[location.key] = ProviderLocation(location=location, primary=is_primary, evidence=evidence)
    return list(placed.values())


def _taxonomies(result: Mapping, evidence: Evidence, npi: str) -> list[ProviderTaxonomy]:
    """As in the file: non-NUCC codes dropped, exactly one primary (the first
    flagged, else the first)."""
    known = nucc_codes()
    slots = []
    for item in result.get("taxonomies") or ():
        code = _s(item.get("code")).upper()
        if not code:
            continue
        if code not in known:
            log.warning("NPI %s: taxonomy %r is not a NUCC code; dropped", npi, code)
            continue
        slots.append(
            (code, _opt(item.get("license")), _s(item.get("state")).upper() or None, item.get("primary") is True)
        )
    primary_at = next((i for i, s in enumerate(slots) if s[3]), 0)
    return [
        ProviderTaxonomy(
            code=code, primary=i == primary_at, license_number=number, license_state=state, evidence=evidence
        )
        for i, (code, number, state, _) in enumerate(slots)
    ]


def _other_names(result: Mapping, evidence: Evidence) -> list[OtherName]:
    """Organizations' other names as they are; a person's as
    "Prefix First Middle Last Suffix, CREDENTIAL" (as the file ingest writes it)."""
    names = []
    for item in result.get("other_names") or ():
        code = _opt(item.get("code"))
        org = normalize_organization_name(_s(item.get("organization_name")))
        if org:
            names.append(OtherName(org, code, evidence))
            continue
        parts = (
            normalize_affix(_s(item.get("prefix") or item.get("name_prefix"))),
            normalize_person_name(_s(item.get("first_name"))),
            normalize_person_name(_s(item.get("middle_name"))),
            normalize_person_name(_s(item.get("last_name"))),
            normalize_affix(_s(item.get("suffix") or item.get("name_suffix"))),
        )
        if parts[3]:
            person = " ".join(p for p in parts if p)
            credential = normalize_credential(_s(item.get("credential")))
            names.append(OtherName(f"{person}, {credential}" if credential else person, code, evidence))
    return names


def to_provider_record(
    result: Mapping, retrieved: date, *, reference: str | None = None, geocode: ZipGeocoder | None = None
) -> ProviderRecord:
    """One API result -> record; RegistryError if it lacks a valid NPI or type."""
    npi = _s(result.get("number"))
    if not is_valid_npi(npi):
        raise RegistryError(f"NPI Registry result has no valid NPI: {npi!r}")
    entity_type = _ENTITY_TYPES.get(_s(result.get("enumeration_type")).upper())
    if entity_type is None:
        raise RegistryError(f"NPI {npi}: unknown enumeration_type {result.get('enumeration_type')!r}")
    basic = result.get("basic") or {}
    evidence = Evidence(source=SOURCE, retrieved=retrieved, method=METHOD, reference=reference or f"npi:{npi}")
    geocode = geocode or ZipGeocoder()
    record = ProviderRecord(
        npi=npi,
        entity_type=entity_type,
        evidence=evidence,
        enumeration_date=_date(basic, "enumeration_date", npi),
        last_update=_date(basic, "last_updated", npi),
        deactivation_date=_date(basic, "deactivation_date", npi),
        deactivation_reason=_opt(basic.get("deactivation_reason_code")),
        reactivation_date=_date(basic, "reactivation_date", npi),
        replacement_npi=_opt(basic.get("replacement_npi")),
        locations=_locations(result, evidence, geocode),
        taxonomies=_taxonomies(result, evidence, npi),
        other_names=_other_names(result, evidence),
    )
    if entity_type is EntityType.INDIVIDUAL:
        record.last_name = normalize_person_name(_s(basic.get("last_name")))
        record.first_name = normalize_person_name(_s(basic.get("first_name")))
        record.middle_name = normalize_person_name(_s(basic.get("middle_name")))
        record.prefix = normalize_affix(_s(basic.get("name_prefix")))
        record.suffix = normalize_affix(_s(basic.get("name_suffix")))
        record.credential_text = normalize_credential(_s(basic.get("credential")))
        record.sex = _opt(basic.get("sex") or basic.get("gender"))
        record.sole_proprietor = _YES_NO.get(_s(basic.get("sole_proprietor")).upper())
    else:
        record.organization_name = normalize_organization_name(_s(basic.get("organization_name")))
        record.is_subpart = _YES_NO.get(_s(basic.get("organizational_subpart")).upper())
        record.parent_organization_name = normalize_organization_name(
            _s(basic.get("parent_organization_legal_business_name"))
        )
    return record


def checked_npis(npis: Iterable[str]) -> list[str]:
    """Unique NPIs in order; InputError naming every invalid one before any request."""
    wanted = list(dict.fromkeys(_s(n) for n in npis))
    bad = [n for n in wanted if not is_valid_npi(n)]
    if bad:
        raise InputError(f"{len(bad)} invalid NPI(s), nothing fetched: {bad[:10]}")
    return wanted


def _utc_today() -> date:
    return datetime.now(UTC).date()


def fetch_npis(
    client: NpiRegistryClient, npis: Iterable[str], retrieved: date | None = None
) -> Iterator[ProviderRecord]:
    """Records for the NPIs the Registry has, in order (absent ones are skipped
    and logged). Evidence references the request URL."""
    retrieved = retrieved or _utc_today()
    geocode = ZipGeocoder()
    for npi in checked_npis(npis):
        page = client.lookup_page(npi)
        if not page.results:
            log.info("NPI %s is not in the NPI Registry (deactivated or unknown)", npi)
            continue
        yield to_provider_record(page.results[0], retrieved, reference=page.url, geocode=geocode)
