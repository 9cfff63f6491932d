"""Conversions between domain dataclasses and SQLite rows: dates as ISO text,
booleans as 0/1, evidence as five columns. Adapter-private."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

from ..model import (
    AccessFacts,
    Affiliation,
    Credential,
    CredentialKind,
    EntityType,
    Evidence,
    Exclusion,
    ExclusionListLoad,
    IngestRun,
    Location,
    MatchRecord,
    MatchStatus,
    Network,
    NetworkKind,
    NetworkMember,
    OtherName,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
    QuarantinedRow,
    Treatment,
    TreatmentOffering,
)
from . import network_codec


def iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def flag(value: bool | None) -> int | None:
    return None if value is None else int(bool(value))


def truth(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def evidence_params(e: Evidence) -> dict:
    """The evidence columns; ``file`` and ``link_probability`` are kept by the
    tables of facts a source record can give (and ignored by the others' statements)."""
    return {
        "source": e.source,
        "retrieved": e.retrieved.isoformat(),
        "method": e.method,
        "confidence": float(e.confidence),
        "reference": e.reference,
        "file": e.file,
        "link_probability": e.link_probability,
    }


def evidence(row: sqlite3.Row) -> Evidence:
    return Evidence(
        row["source"], date.fromisoformat(row["retrieved"]), row["method"], row["confidence"], row["reference"]
    )


def linked_evidence(row: sqlite3.Row) -> Evidence:
    """The evidence of a row of a table that keeps ``file`` and ``link_probability``
    (credentials, treatments, access facts, memberships, placements at a location)."""
    return Evidence(
        row["source"],
        date.fromisoformat(row["retrieved"]),
        row["method"],
        row["confidence"],
        row["reference"],
        row["file"],
        row["link_probability"],
    )


def legal_name(r: ProviderRecord) -> str:
    """The name a provider is searched by, besides its other names (search
    also scores "first last" without the middle name)."""
    if r.entity_type is EntityType.ORGANIZATION:
        return r.organization_name or ""
    return " ".join(p for p in (r.first_name, r.middle_name, r.last_name) if p)


def provider_params(r: ProviderRecord, digest: str) -> dict:
    return {
        "npi": r.npi,
        "entity_type": r.entity_type.value,
        "last_name": r.last_name,
        "first_name": r.first_name,
        "middle_name": r.middle_name,
        "prefix": r.prefix,
        "suffix": r.suffix,
        "credential_text": r.credential_text,
        "sex": r.sex,
        "sole_proprietor": flag(r.sole_proprietor),
        "organization_name": r.organization_name,
        "is_subpart": flag(r.is_subpart),
        "parent_organization_name": r.parent_organization_name,
        "enumeration_date": iso(r.enumeration_date),
        "last_update": iso(r.last_update),
        "deactivation_date": iso(r.deactivation_date),
        "deactivation_reason": r.deactivation_reason,
        "reactivation_date": iso(r.reactivation_date),
        "replacement_npi": r.replacement_npi,
        "display_name": r.display_name,
        "content_hash": digest,
        **evidence_params(r.evidence),
    }


def provider(row: sqlite3.Row) -> ProviderRecord:
    return ProviderRecord(
        npi=row["npi"],
        entity_type=EntityType(row["entity_type"]),
        evidence=evidence(row),
        last_name=row["last_name"],
        first_name=row["first_name"],
        middle_name=row["middle_name"],
        prefix=row["prefix"],
        suffix=row["suffix"],
        credential_text=row["credential_text"],
        sex=row["sex"],
        sole_proprietor=truth(row["sole_proprietor"]),
        organization_name=row["organization_name"],
        is_subpart=truth(row["is_subpart"]),
        parent_organization_name=row["parent_organization_name"],
        enumeration_date=day(row["enumeration_date"]),
        last_update=day(row["last_update"]),
        deactivation_date=day(row["deactivation_date"]),
        deactivation_reason=row["deactivation_reason"],
        reactivation_date=day(row["reactivation_date"]),
        replacement_npi=row["replacement_npi"],
    )


def location_params(loc: Location) -> dict:
    return {
        "key": loc.key,
        "line1": loc.line1,
        "line2": loc.line2,
        "city": loc.city,
        "state": loc.state,
        "zip5": loc.zip5,
        "county": loc.county,
        "latitude": loc.latitude,
        "longitude": loc.longitude,
        "phone": loc.phone,
    }


def placements(npi: str, owner: str, located: list[ProviderLocation], places: dict[str, dict]) -> list[dict]:
    """provider_location rows of one provider (a location listed twice is one
    row, primary if either is); the location rows go into ``places`` by key."""
    seen: dict[str, dict] = {}
    for seq, pl in enumerate(located):
        key = pl.location.key
        places[key] = location_params(pl.location)
        if key in seen:
            seen[key]["is_primary"] |= int(pl.primary)
            continue
        seen[key] = {
            "npi": npi,
            "owner": owner,
            "key": key,
            "is_primary": int(pl.primary),
            "seq": seq,
            "phone": pl.location.phone,
            **evidence_params(pl.evidence),
        }
    return list(seen.values())


def taxonomy_rows(npi: str, owner: str, taxonomies: list[ProviderTaxonomy]) -> list[dict]:
    return [
        {
            "npi": npi,
            "owner": owner,
            "seq": seq,
            "code": t.code,
            "is_primary": int(t.primary),
            "license_number": t.license_number,
            "license_state": t.license_state,
            **evidence_params(t.evidence),
        }
        for seq, t in enumerate(taxonomies)
    ]


def other_name_rows(npi: str, owner: str, names: list[OtherName]) -> list[dict]:
    return [
        {
            "npi": npi,
            "owner": owner,
            "seq": seq,
            "name": o.name,
            "type_code": o.type_code,
            **evidence_params(o.evidence),
        }
        for seq, o in enumerate(names)
    ]


def provider_location(row: sqlite3.Row) -> ProviderLocation:
    loc = Location(
        line1=row["line1"],
        city=row["city"],
        state=row["state"],
        zip5=row["zip5"],
        line2=row["line2"],
        county=row["county"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        phone=row["phone"],
    )
    return ProviderLocation(location=loc, primary=bool(row["is_primary"]), evidence=linked_evidence(row))


def provider_taxonomy(row: sqlite3.Row) -> ProviderTaxonomy:
    return ProviderTaxonomy(
        code=row["code"],
        primary=bool(row["is_primary"]),
        license_number=row["license_number"],
        license_state=row["license_state"],
        evidence=evidence(row),
        display_name=row["display_name"],
    )


def other_name(row: sqlite3.Row) -> OtherName:
    return OtherName(name=row["name"], type_code=row["type_code"], evidence=evidence(row))


def credential_params(npi: str, c: Credential) -> dict:
    return {
        "npi": npi,
        "key": c.key,
        "kind": c.kind.value,
        "number": c.number,
        "state": c.state,
        "status": c.status,
        "expires": iso(c.expires),
        "board": c.board,
        "specialty": c.specialty,
        "certified_on": iso(c.certified_on),
        **evidence_params(c.evidence),
    }


def credential(row: sqlite3.Row) -> Credential:
    return Credential(
        kind=CredentialKind(row["kind"]),
        evidence=linked_evidence(row),
        number=row["number"],
        state=row["state"],
        status=row["status"],
        expires=day(row["expires"]),
        board=row["board"],
        specialty=row["specialty"],
        certified_on=day(row["certified_on"]),
    )


def treatment_params(t: TreatmentOffering) -> dict:
    return {
        "npi": t.npi,
        "treatment": t.treatment.value,
        "location_key": t.location_key or "",
        "telehealth": int(bool(t.telehealth)),
        "detail": t.detail,
        **evidence_params(t.evidence),
    }


def treatment(row: sqlite3.Row) -> TreatmentOffering:
    return TreatmentOffering(
        npi=row["npi"],
        treatment=Treatment(row["treatment"]),
        evidence=linked_evidence(row),
        location_key=row["location_key"] or None,
        telehealth=bool(row["telehealth"]),
        detail=row["detail"],
    )


def access_params(a: AccessFacts) -> dict:
    return {
        "npi": a.npi,
        "accepting": flag(a.accepting_new_patients),
        "telehealth": flag(a.telehealth),
        "languages": json.dumps(list(a.languages)),
        "wait_days": a.wait_days,
        **evidence_params(a.evidence),
    }


def access(row: sqlite3.Row) -> AccessFacts:
    return AccessFacts(
        npi=row["npi"],
        evidence=linked_evidence(row),
        accepting_new_patients=truth(row["accepting_new_patients"]),
        telehealth=truth(row["telehealth"]),
        languages=tuple(json.loads(row["languages"])),
        wait_days=row["wait_days"],
    )


def affiliation(row: sqlite3.Row) -> Affiliation:
    return Affiliation(row["individual_npi"], row["organization_npi"], evidence(row), row["role"])


def exclusion_params(x: Exclusion) -> dict:
    return {
        "npi": x.npi,
        "list_name": x.source,
        "exclusion_type": x.exclusion_type,
        "excluded_on": iso(x.excluded_on),
        "reinstated_on": iso(x.reinstated_on),
        **evidence_params(x.evidence),
    }


def exclusion(row: sqlite3.Row) -> Exclusion:
    return Exclusion(
        npi=row["npi"],
        source=row["list_name"],
        exclusion_type=row["exclusion_type"],
        excluded_on=date.fromisoformat(row["excluded_on"]),
        evidence=evidence(row),
        reinstated_on=day(row["reinstated_on"]),
    )


def exclusion_list(row: sqlite3.Row) -> ExclusionListLoad:
    return ExclusionListLoad(row["list_name"], date.fromisoformat(row["as_of"]), evidence(row))


def network(row: sqlite3.Row) -> Network:
    return Network(
        row["id"],
        row["name"],
        NetworkKind(row["kind"]),
        row["owner_id"],
        network_codec.status_of(row["status"]),
        network_codec.regions_of(row["regions"]),
    )


def network_member(row: sqlite3.Row) -> NetworkMember:
    return NetworkMember(
        row["network_id"],
        row["npi"],
        linked_evidence(row),
        day(row["added_on"]),
        **network_codec.decision_fields(dict(row)),
    )


def match_params(m: MatchRecord) -> dict:
    return {
        "match_id": m.match_id,
        "left_ref": m.left,
        "right_ref": m.right,
        "probability": m.probability,
        "match_weight": m.match_weight,
        "agreement": json.dumps(m.agreement, sort_keys=True),
        "status": m.status.value,
        "decided_by": m.decided_by,
        "decided_at": m.decided_at,
        "npi": m.npi,
    }


def match(row: sqlite3.Row) -> MatchRecord:
    return MatchRecord(
        match_id=row["match_id"],
        left=row["left_ref"],
        right=row["right_ref"],
        probability=row["probability"],
        match_weight=row["match_weight"],
        agreement=json.loads(row["agreement"]),
        status=MatchStatus(row["status"]),
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
        npi=row["npi"],
    )


def run(row: sqlite3.Row) -> IngestRun:
    return IngestRun(
        run_id=row["run_id"],
        source=row["source"],
        file_name=row["file_name"],
        file_sha256=row["file_sha256"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        status=row["status"],
        counts=json.loads(row["counts"]),
        resume_line=row["resume_line"],
        scope=row["scope"],
    )


def quarantined(row: sqlite3.Row) -> QuarantinedRow:
    return QuarantinedRow(row["run_id"], row["source"], row["line_number"], row["reason"], row["detail"], row["raw"])
