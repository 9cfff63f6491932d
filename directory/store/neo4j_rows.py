"""Conversions between domain dataclasses and the Neo4j adapter's parameters
and property maps. Parameters hold only what Bolt carries as plain values
(str, int, float, bool, None, list, dict): dates go as ISO strings, enums as
their values, JSON documents as strings. An empty list is sent as None (the
property is then absent) so no property ever holds an untyped empty array."""

from __future__ import annotations

import json
from datetime import date

from ..model import (
    AccessFacts,
    Affiliation,
    Credential,
    CredentialKind,
    Employer,
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
    Plan,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
    QuarantinedRow,
    Taxonomy,
    Treatment,
    TreatmentOffering,
)
from . import network_codec
from .base import RunCheckpoint
from .names import index_words


def iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _uid(*parts) -> str:
    """An unambiguous identity string for a fact keyed by several values."""
    return json.dumps(list(parts), separators=(",", ":"))


def evidence_params(e: Evidence) -> dict:
    """Evidence as properties; ``file`` and ``link_probability`` are null (no
    property) unless the fact came from a source record, and always sent, so that
    ``SET r += ...`` removes a value an earlier write left."""
    return {
        "source": e.source,
        "retrieved": e.retrieved.isoformat(),
        "method": e.method,
        "confidence": float(e.confidence),
        "reference": e.reference,
        "file": e.file,
        "link_probability": None if e.link_probability is None else float(e.link_probability),
    }


def evidence(p: dict) -> Evidence:
    probability = p.get("link_probability")
    return Evidence(
        p["source"],
        date.fromisoformat(p["retrieved"]),
        p["method"],
        float(p["confidence"]),
        p.get("reference"),
        p.get("file"),
        None if probability is None else float(probability),
    )


# ---------------------------------------------------------------- reference
def taxonomy_params(t: Taxonomy) -> dict:
    return {
        "code": t.code,
        "display_name": t.display_name,
        "grouping": t.grouping,
        "classification": t.classification,
        "specialization": t.specialization,
    }


def taxonomy(r: dict) -> Taxonomy:
    return Taxonomy(
        r["code"], r["display_name"], r["grouping"] or "", r["classification"] or "", r["specialization"] or ""
    )


# ---------------------------------------------------------------- providers
def legal_names(r: ProviderRecord) -> list[str]:
    """Names a provider is searched by, besides its other names."""
    if r.entity_type is EntityType.ORGANIZATION:
        return [r.organization_name] if r.organization_name else []
    short = " ".join(p for p in (r.first_name, r.last_name) if p)
    full = " ".join(p for p in (r.first_name, r.middle_name, r.last_name) if p)
    return [n for n in dict.fromkeys((full, short)) if n]


def provider_params(r: ProviderRecord, digest: str) -> dict:
    names = legal_names(r)
    is_org = r.entity_type is EntityType.ORGANIZATION
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
        "sole_proprietor": r.sole_proprietor,
        "organization_name": r.organization_name,
        "is_subpart": r.is_subpart,
        "parent_organization_name": r.parent_organization_name,
        "enumeration_date": iso(r.enumeration_date),
        "last_update": iso(r.last_update),
        "deactivation_date": iso(r.deactivation_date),
        "deactivation_reason": r.deactivation_reason,
        "reactivation_date": iso(r.reactivation_date),
        "replacement_npi": r.replacement_npi,
        "display_name": r.display_name,
        "content_hash": digest,
        "names": names or None,
        # subparts are linked to parents by legal business name, case-insensitively
        "lbn_key": r.organization_name.upper() if is_org and r.organization_name else None,
        "parent_lbn_key": r.parent_organization_name.upper() if r.parent_organization_name else None,
        **evidence_params(r.evidence),
    }


def provider(p: dict) -> ProviderRecord:
    return ProviderRecord(
        npi=p["npi"],
        entity_type=EntityType(p["entity_type"]),
        evidence=evidence(p),
        last_name=p.get("last_name"),
        first_name=p.get("first_name"),
        middle_name=p.get("middle_name"),
        prefix=p.get("prefix"),
        suffix=p.get("suffix"),
        credential_text=p.get("credential_text"),
        sex=p.get("sex"),
        sole_proprietor=p.get("sole_proprietor"),
        organization_name=p.get("organization_name"),
        is_subpart=p.get("is_subpart"),
        parent_organization_name=p.get("parent_organization_name"),
        enumeration_date=day(p.get("enumeration_date")),
        last_update=day(p.get("last_update")),
        deactivation_date=day(p.get("deactivation_date")),
        deactivation_reason=p.get("deactivation_reason"),
        reactivation_date=day(p.get("reactivation_date")),
        replacement_npi=p.get("replacement_npi"),
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
        "latitude": None if loc.latitude is None else float(loc.latitude),
        "longitude": None if loc.longitude is None else float(loc.longitude),
        "phone": loc.phone,
    }


def provider_batch(records: list[tuple[ProviderRecord, str]]) -> dict:
    """Every parameter list of one provider write (see ``_write_batch``)."""
    providers: list[dict] = []
    owned: list[dict] = []
    placed: list[dict] = []
    coded: list[dict] = []
    named: list[dict] = []
    worded: list[dict] = []
    locations: dict[str, dict] = {}
    individuals: list[str] = []
    organizations: list[str] = []
    for record, digest in records:
        props = provider_params(record, digest)
        providers.append({"npi": record.npi, "props": props})
        if words := index_words(props["names"] or ()):
            worded.append({"npi": record.npi, "words": words})
        (organizations if record.entity_type is EntityType.ORGANIZATION else individuals).append(record.npi)
        owner = record.evidence.source
        owned.append({"npi": record.npi, "owner": owner})
        seen: dict[str, dict] = {}
        for seq, pl in enumerate(record.locations):
            key = pl.location.key
            locations[key] = location_params(pl.location)
            if key in seen:  # listed twice: one fact, primary if either is
                seen[key]["fact"]["is_primary"] = seen[key]["fact"]["is_primary"] or bool(pl.primary)
                continue
            seen[key] = {
                "npi": record.npi,
                "key": key,
                "fact": {
                    "owner": owner,
                    "seq": seq,
                    "is_primary": bool(pl.primary),
                    "phone": pl.location.phone,  # as this source gave it: sources may disagree
                    **evidence_params(pl.evidence),
                },
            }
        placed.extend(seen.values())
        for seq, t in enumerate(record.taxonomies):
            coded.append(
                {
                    "npi": record.npi,
                    "code": t.code,
                    "fact": {
                        "owner": owner,
                        "seq": seq,
                        "is_primary": bool(t.primary),
                        "license_number": t.license_number,
                        "license_state": t.license_state,
                        **evidence_params(t.evidence),
                    },
                }
            )
        named.extend(other_name_row(record.npi, owner, seq, o) for seq, o in enumerate(record.other_names))
    return {
        "npis": [r.npi for r, _ in records],
        "providers": providers,
        "individuals": individuals,
        "organizations": organizations,
        "owned": owned,
        "locations": list(locations.values()),
        "placed": placed,
        "coded": coded,
        "named": named,
        "worded": worded,
    }


def owned_locations_batch(locations: dict[str, list[ProviderLocation]], owner: str) -> dict:
    """Parameters of a secondary-location write (see ``neo4j._replace_owned``).
    Rows of NPIs the store lacks match nothing, so they need no filtering here."""
    places: dict[str, dict] = {}
    placed: list[dict] = []
    for npi in sorted(locations):
        seen: dict[str, dict] = {}
        for seq, pl in enumerate(locations[npi]):
            key = pl.location.key
            places[key] = location_params(pl.location)
            if key in seen:  # listed twice: one fact, primary if either is
                seen[key]["fact"]["is_primary"] = seen[key]["fact"]["is_primary"] or bool(pl.primary)
                continue
            seen[key] = {
                "npi": npi,
                "key": key,
                "fact": {
                    "owner": owner,
                    "seq": seq,
                    "is_primary": bool(pl.primary),
                    "phone": pl.location.phone,  # as this source gave it: sources may disagree
                    **evidence_params(pl.evidence),
                },
            }
        placed.extend(seen.values())
    npis = sorted(locations)
    return {
        "npis": npis,
        "owned": [{"npi": n, "owner": owner} for n in npis],
        "locations": list(places.values()),
        "placed": placed,
        "named": [],
    }


def other_name_row(npi: str, owner: str, seq: int, o: OtherName) -> dict:
    """A row of ``CREATE_OTHER_NAMES``: the node's properties and its name's
    words (None when it has none: an empty list is not a property value)."""
    props = {"npi": npi, "owner": owner, "seq": seq, "name": o.name, "type_code": o.type_code}
    return {"npi": npi, "props": {**props, **evidence_params(o.evidence)}, "words": index_words([o.name]) or None}


def name_word_rows(found: list[dict]) -> tuple[list[dict], list[dict]]:
    """The word links of a page of ``NAME_WORD_PAGE`` rows: (legal-name words by
    NPI, other-name words by NPI, owner and seq), lists of words never empty."""
    worded, others = [], []
    for row in found:
        if words := index_words(row["names"] or ()):
            worded.append({"npi": row["npi"], "words": words})
        for other in row["others"]:
            if words := index_words([other["name"] or ""]):
                others.append({"npi": row["npi"], "owner": other["owner"], "seq": other["seq"], "words": words})
    return worded, others


def owned_names_batch(names: dict[str, list[OtherName]], owner: str) -> dict:
    """Parameters of a secondary other-name write (see ``neo4j._replace_owned``)."""
    npis = sorted(names)
    named = [other_name_row(npi, owner, seq, o) for npi in npis for seq, o in enumerate(names[npi])]
    return {
        "npis": npis,
        "owned": [{"npi": n, "owner": owner} for n in npis],
        "locations": [],
        "placed": [],
        "named": named,
    }


def checkpoint_params(checkpoint: RunCheckpoint | None) -> dict | None:
    if checkpoint is None:
        return None
    return {
        "run_id": checkpoint.run_id,
        "resume_line": int(checkpoint.resume_line),
        "counts": json.dumps(checkpoint.counts, sort_keys=True),
    }


def provider_location(r: dict) -> ProviderLocation:
    place, fact = r["place"], r["fact"]
    loc = Location(
        line1=place["line1"],
        city=place["city"],
        state=place["state"],
        zip5=place["zip5"],
        line2=place.get("line2") or "",
        county=place.get("county"),
        latitude=place.get("latitude"),
        longitude=place.get("longitude"),
        phone=fact.get("phone") or place.get("phone"),
    )
    return ProviderLocation(location=loc, primary=bool(fact["is_primary"]), evidence=evidence(fact))


def provider_taxonomy(r: dict) -> ProviderTaxonomy:
    fact = r["fact"]
    return ProviderTaxonomy(
        code=r["code"],
        primary=bool(fact["is_primary"]),
        license_number=fact.get("license_number"),
        license_state=fact.get("license_state"),
        evidence=evidence(fact),
        display_name=r.get("display_name"),
    )


def other_name(p: dict) -> OtherName:
    return OtherName(name=p["name"], type_code=p.get("type_code"), evidence=evidence(p))


# ------------------------------------------------- facts from other sources
def credential_params(npi: str, c: Credential) -> dict:
    uid = _uid(npi, c.key, c.evidence.source)
    return {
        "npi": npi,
        "uid": uid,
        "props": {
            "uid": uid,
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
        },
    }


def credential(p: dict) -> Credential:
    return Credential(
        kind=CredentialKind(p["kind"]),
        evidence=evidence(p),
        number=p.get("number"),
        state=p.get("state"),
        status=p.get("status"),
        expires=day(p.get("expires")),
        board=p.get("board"),
        specialty=p.get("specialty"),
        certified_on=day(p.get("certified_on")),
    )


def treatment_params(t: TreatmentOffering) -> dict:
    location_key = t.location_key or ""  # '' when unknown, so it can be part of the key
    return {
        "npi": t.npi,
        "treatment": t.treatment.value,
        "location_key": location_key,
        "source": t.evidence.source,
        "fact": {
            "location_key": location_key,
            "telehealth": bool(t.telehealth),
            "detail": t.detail,
            **evidence_params(t.evidence),
        },
    }


def treatment(r: dict) -> TreatmentOffering:
    fact = r["fact"]
    return TreatmentOffering(
        npi=r["npi"],
        treatment=Treatment(r["treatment"]),
        evidence=evidence(fact),
        location_key=fact.get("location_key") or None,
        telehealth=bool(fact.get("telehealth")),
        detail=fact.get("detail"),
    )


def access_params(a: AccessFacts) -> dict:
    return {
        "npi": a.npi,
        "props": {
            "uid": f"{a.npi}|{a.evidence.source}",  # one Access node per (NPI, source)
            "npi": a.npi,
            "accepting_new_patients": a.accepting_new_patients,
            "telehealth": a.telehealth,
            "languages": list(a.languages) or None,
            "wait_days": None if a.wait_days is None else int(a.wait_days),
            **evidence_params(a.evidence),
        },
    }


def access(p: dict) -> AccessFacts:
    return AccessFacts(
        npi=p["npi"],
        evidence=evidence(p),
        accepting_new_patients=p.get("accepting_new_patients"),
        telehealth=p.get("telehealth"),
        languages=tuple(p.get("languages") or ()),
        wait_days=p.get("wait_days"),
    )


def affiliation_params(a: Affiliation) -> dict:
    return {
        "individual_npi": a.individual_npi,
        "organization_npi": a.organization_npi,
        "source": a.evidence.source,
        "fact": {"role": a.role, **evidence_params(a.evidence)},
    }


def affiliation(r: dict) -> Affiliation:
    return Affiliation(r["individual_npi"], r["organization_npi"], evidence(r["fact"]), r["fact"]["role"])


def exclusion_params(x: Exclusion) -> dict:
    excluded_on = x.excluded_on.isoformat()
    uid = _uid(x.npi, x.source, x.exclusion_type, excluded_on)
    return {
        "npi": x.npi,
        "uid": uid,
        "props": {
            "uid": uid,
            "npi": x.npi,
            "list_name": x.source,
            "exclusion_type": x.exclusion_type,
            "excluded_on": excluded_on,
            "reinstated_on": iso(x.reinstated_on),
            **evidence_params(x.evidence),
        },
    }


def exclusion(p: dict) -> Exclusion:
    return Exclusion(
        npi=p["npi"],
        source=p["list_name"],
        exclusion_type=p["exclusion_type"],
        excluded_on=date.fromisoformat(p["excluded_on"]),
        evidence=evidence(p),
        reinstated_on=day(p.get("reinstated_on")),
    )


def exclusion_list_params(x: ExclusionListLoad) -> dict:
    return {
        "list_name": x.list_name,
        "props": {"list_name": x.list_name, "as_of": x.as_of.isoformat(), **evidence_params(x.evidence)},
    }


def exclusion_list(p: dict) -> ExclusionListLoad:
    return ExclusionListLoad(p["list_name"], date.fromisoformat(p["as_of"]), evidence(p))


# ------------------------------------------------- payers, plans, networks
def employer_params(e: Employer) -> dict:
    return {"id": e.id, "name": e.name, "plan_ids": list(dict.fromkeys(e.plan_ids)) or None}


def network_params(n: Network) -> dict:
    return {
        "id": n.id,
        "name": n.name,
        "kind": n.kind.value,
        "owner_id": n.owner_id,
        "status": n.status.value,
        "regions": network_codec.regions_json(n.regions),
    }


def network(r: dict) -> Network:
    return Network(
        r["id"],
        r["name"],
        NetworkKind(r["kind"]),
        r["owner_id"],
        network_codec.status_of(r.get("status")),
        network_codec.regions_of(r.get("regions")),
    )


def plan_params(p: Plan) -> dict:
    return {
        "id": p.id,
        "payer_id": p.payer_id,
        "name": p.name,
        "product_type": p.product_type,
        "network_ids": list(dict.fromkeys(p.network_ids)) or None,
    }


def plan(r: dict) -> Plan:
    return Plan(r["id"], r["payer_id"], r["name"], r["product_type"], tuple(r["network_ids"] or ()))


def member_params(m: NetworkMember) -> dict:
    """``fact``: what every write of the membership replaces; the decision fields
    beside it are written only when the membership is created."""
    return {
        "network_id": m.network_id,
        "npi": m.npi,
        "fact": {"added_on": iso(m.added_on), **evidence_params(m.evidence)},
        **network_codec.decision_params(m),
    }


def network_member(network_id: str, r: dict) -> NetworkMember:
    fact = r["fact"]
    return NetworkMember(
        network_id, r["npi"], evidence(fact), day(fact.get("added_on")), **network_codec.decision_fields(fact)
    )


# ------------------------------------------------------ entity resolution
def match_params(m: MatchRecord) -> dict:
    return {
        "match_id": m.match_id,
        "props": {
            "match_id": m.match_id,
            "left_ref": m.left,
            "right_ref": m.right,
            "probability": float(m.probability),
            "match_weight": float(m.match_weight),
            "agreement": json.dumps(m.agreement, sort_keys=True),
            "status": m.status.value,
            "decided_by": m.decided_by,
            "decided_at": m.decided_at,
            "npi": m.npi,
        },
    }


def match(p: dict) -> MatchRecord:
    return MatchRecord(
        match_id=p["match_id"],
        left=p["left_ref"],
        right=p["right_ref"],
        probability=p["probability"],
        match_weight=p["match_weight"],
        agreement=json.loads(p["agreement"]),
        status=MatchStatus(p["status"]),
        decided_by=p["decided_by"],
        decided_at=p["decided_at"],
        npi=p.get("npi"),
    )


# ------------------------------------------------------------ ingest books
def run_params(r: IngestRun) -> dict:
    return {
        "run_id": r.run_id,
        "source": r.source,
        "file_name": r.file_name,
        "file_sha256": r.file_sha256,
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "status": r.status,
        "counts": json.dumps(r.counts, sort_keys=True),
        "resume_line": int(r.resume_line),
        "scope": r.scope,
    }


def run(p: dict) -> IngestRun:
    return IngestRun(
        run_id=p["run_id"],
        source=p["source"],
        file_name=p["file_name"],
        file_sha256=p["file_sha256"],
        started_at=p["started_at"],
        finished_at=p.get("finished_at"),
        status=p["status"],
        counts=json.loads(p["counts"]),
        resume_line=int(p.get("resume_line") or 0),
        scope=p.get("scope") or "",
    )


def quarantine_params(r: QuarantinedRow) -> dict:
    uid = _uid(r.run_id, r.line_number)
    return {
        "uid": uid,
        "props": {
            "uid": uid,
            "run_id": r.run_id,
            "line_number": int(r.line_number),
            "source": r.source,
            "reason": r.reason,
            "detail": r.detail,
            "raw": r.raw,
        },
    }


def quarantined(p: dict) -> QuarantinedRow:
    return QuarantinedRow(p["run_id"], p["source"], int(p["line_number"]), p["reason"], p["detail"], p["raw"])
