"""Each source kind's records as :class:`EntityRecord`\\ s.

* ``nppes``: the NPPES main file through the real reader and normalizer
  (``ingest.nppes``, ``ingest.stages``); the record id is the NPI, and a
  deactivated NPI (a row with nothing but the NPI and its date) is a record
  with nothing but its NPI.
* ``roster``, ``licences``, ``tms``, ``esketamine_rems``, ``iv_ketamine``:
  canonical rows from :mod:`ingest.mapping`.

Every record's ref is ``source:record_id``, ``source`` being the name the
source was loaded under; the kind travels in ``EntityRecord.source_kind``, so
the model never depends on what a caller called its files.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from directory.model import EntityType, Evidence

from .records import EntityRecord, from_provider

log = logging.getLogger(__name__)

NPPES = "nppes"
ROSTER = "roster"
LICENCES = "licences"
SITE_KINDS = ("tms", "esketamine_rems", "iv_ketamine")
#: Kinds whose NPI and entity type are the registry's own.
AUTHORITATIVE_KINDS = ("nppes", "npi_registry_api")

_INDIVIDUAL = {"1", "I", "IND", "INDIVIDUAL", "PERSON", "PRACTITIONER", "PROVIDER", "TYPE 1"}
_ORGANIZATION = {"2", "O", "ORG", "ORGANIZATION", "ORGANISATION", "GROUP", "FACILITY", "TYPE 2"}


def _type_of(text: str | None) -> EntityType | None:
    value = (text or "").strip().upper()
    if value in _INDIVIDUAL:
        return EntityType.INDIVIDUAL
    if value in _ORGANIZATION:
        return EntityType.ORGANIZATION
    return None


def _opt(row: Mapping[str, str], name: str) -> str | None:
    value = row.get(name, "")
    return value or None


def _ref(source: str, row: Mapping[str, str], fallback: str) -> str:
    return f"{source}:{row.get('record_id') or fallback}"


def roster_record(source: str, row: Mapping[str, str], row_number: int = 0) -> EntityRecord:
    """A roster row: a person (the default when it names one) or an organization.
    On a person's row ``organization_name`` is the group they practise with,
    kept as ``affiliation``, never as the person's name."""
    person = any(row.get(p) for p in ("last_name", "first_name", "full_name"))
    entity_type = _type_of(row.get("provider_type")) or (
        EntityType.INDIVIDUAL if person else EntityType.ORGANIZATION if row.get("organization_name") else None
    )
    individual = entity_type is EntityType.INDIVIDUAL
    licence = row.get("license_number", "")
    return EntityRecord(
        ref=_ref(source, row, str(row_number)),
        entity_type=entity_type,
        npi=_opt(row, "npi"),
        first_name=_opt(row, "first_name") if individual else None,
        middle_name=_opt(row, "middle_name") if individual else None,
        last_name=_opt(row, "last_name") if individual else None,
        full_name=_opt(row, "full_name") if individual and not row.get("last_name") else None,
        organization_name=None if individual else _opt(row, "organization_name"),
        address_line1=_opt(row, "address_line_1"),
        address_line2=_opt(row, "address_line_2"),
        city=_opt(row, "city"),
        state=_opt(row, "state"),
        zip=_opt(row, "zip"),
        phones=(row["phone"],) if row.get("phone") else (),
        licences=(licence,) if licence else (),
        licence_states=(row.get("license_state", ""),) if licence else (),
        taxonomy_codes=(row["taxonomy_code"],) if row.get("taxonomy_code") else (),
        source_kind=ROSTER,
        suffix=_opt(row, "suffix") if individual else None,
        credential=_opt(row, "credential") if individual else None,
        affiliation=_opt(row, "organization_name") if individual else None,
    )


def licence_record(source: str, row: Mapping[str, str], row_number: int = 0) -> EntityRecord:
    """A state board's licence row: a person. Where they live or practise is
    ``address_state``; without it the issuing state stands in, since a licence
    is held where its holder practises far more often than not."""
    licence = row.get("license_number", "")
    return EntityRecord(
        ref=_ref(source, row, str(row_number)),
        entity_type=EntityType.INDIVIDUAL,
        npi=_opt(row, "npi"),
        first_name=_opt(row, "first_name"),
        middle_name=_opt(row, "middle_name"),
        last_name=_opt(row, "last_name"),
        city=_opt(row, "city"),
        state=_opt(row, "address_state") or _opt(row, "state"),
        zip=_opt(row, "zip"),
        licences=(licence,) if licence else (),
        licence_states=(row.get("state", ""),) if licence else (),
        source_kind=LICENCES,
        suffix=_opt(row, "suffix"),
    )


def site_record(source: str, row: Mapping[str, str], kind: str, row_number: int = 0) -> EntityRecord:
    """A treatment site (TMS, esketamine REMS, IV ketamine): an organization's
    location under whatever name the list gives it."""
    return EntityRecord(
        ref=_ref(source, row, str(row_number)),
        entity_type=EntityType.ORGANIZATION,
        npi=_opt(row, "npi"),
        organization_name=_opt(row, "site_name"),
        address_line1=_opt(row, "address_line_1"),
        address_line2=_opt(row, "address_line_2"),
        city=_opt(row, "city"),
        state=_opt(row, "state"),
        zip=_opt(row, "zip"),
        phones=(row["phone"],) if row.get("phone") else (),
        source_kind=kind,
    )


def record_from_row(kind: str, source: str, row: Mapping[str, str], row_number: int = 0) -> EntityRecord:
    """The EntityRecord of one canonical row of a source of ``kind``."""
    if kind == ROSTER:
        return roster_record(source, row, row_number)
    if kind == LICENCES:
        return licence_record(source, row, row_number)
    if kind in SITE_KINDS:
        return site_record(source, row, kind, row_number)
    raise ValueError(f"no EntityRecord mapping for source kind {kind!r}")


@dataclass
class NppesReadReport:
    loaded: int = 0
    deactivated: int = 0
    rejected: dict[str, int] = field(default_factory=dict)


def nppes_records(
    path: str | os.PathLike[str],
    source: str = NPPES,
    *,
    today: date | None = None,
    report: NppesReadReport | None = None,
) -> Iterator[EntityRecord]:
    """Every NPI of an NPPES main file (V1 or V2) as an EntityRecord, read and
    normalized by the same stages a load uses; rejected rows are counted in
    ``report`` by reason code and left out."""
    from ingest.nppes import MainFile, file_date
    from ingest.stages import Kind, screen, validate

    report = report if report is not None else NppesReadReport()
    main = MainFile(path)
    evidence = Evidence(source, main.date if main.date else file_date(main.path), "bulk_file")

    def generate() -> Iterator[EntityRecord]:
        with main:
            outcomes = validate(
                screen(main.rows(), main.columns, lambda fields: True), main.columns, evidence, today or date.today()
            )
            for kind, _row, payload in outcomes:
                if kind == Kind.LOAD:
                    report.loaded += 1
                    yield from_provider(payload[0], source, source_kind=NPPES)
                elif kind == Kind.DEACTIVATE:
                    report.deactivated += 1
                    yield EntityRecord(
                        ref=f"{source}:{payload[0]}", entity_type=None, npi=payload[0], source_kind=NPPES
                    )
                elif kind == Kind.REJECT:
                    code = payload.code.value
                    report.rejected[code] = report.rejected.get(code, 0) + 1
            if report.rejected:
                log.info("NPPES rows left out of resolution: %s", report.rejected)

    return generate()
