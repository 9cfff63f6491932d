"""GraphQL types of the facts around a provider, each with its evidence."""

from __future__ import annotations

from datetime import date

import strawberry

from directory import model
from scoring import Expertise, Vetting

from ..evidence import Evidence, FactKind
from ..limits import bounded_list
from .enums import CheckStatus, CredentialKind, Treatment

OTHER_NAME_TYPES = {
    "1": "former name",
    "2": "professional name",
    "3": "doing business as",
    "4": "former legal business name",
    "5": "other",
}


@strawberry.type(description="A practice location of a provider.")
class ProviderLocation:
    key: str = strawberry.field(description="Stable identity of the address.")
    line1: str
    line2: str
    city: str
    state: str
    zip5: str
    county: str | None
    latitude: float | None
    longitude: float | None
    phone: str | None
    primary: bool
    evidence: Evidence

    @classmethod
    def of(cls, pl: model.ProviderLocation, today: date) -> ProviderLocation:
        loc = pl.location
        return cls(
            key=loc.key,
            line1=loc.line1,
            line2=loc.line2,
            city=loc.city,
            state=loc.state,
            zip5=loc.zip5,
            county=loc.county,
            latitude=loc.latitude,
            longitude=loc.longitude,
            phone=loc.phone,
            primary=pl.primary,
            evidence=Evidence.of(pl.evidence, FactKind.LOCATION, f"location {loc.key}", today),
        )


@strawberry.type(description="A NUCC taxonomy code held by a provider, with the licence NPPES lists for it.")
class ProviderTaxonomy:
    code: str
    display_name: str | None
    primary: bool
    license_number: str | None
    license_state: str | None
    evidence: Evidence

    @classmethod
    def of(cls, t: model.ProviderTaxonomy, today: date) -> ProviderTaxonomy:
        return cls(
            code=t.code,
            display_name=t.display_name,
            primary=t.primary,
            license_number=t.license_number,
            license_state=t.license_state,
            evidence=Evidence.of(t.evidence, FactKind.TAXONOMY, f"taxonomy {t.code}", today),
        )


@strawberry.type(description="A NUCC taxonomy code.")
class Taxonomy:
    code: str
    display_name: str
    grouping: str
    classification: str
    specialization: str


@strawberry.type(description="A state licence or a board certification.")
class Credential:
    kind: CredentialKind
    number: str | None
    state: str | None
    status: str | None = strawberry.field(description="active, expired, restricted, revoked or unknown.")
    expires: date | None
    board: str | None
    specialty: str | None
    certified_on: date | None
    evidence: Evidence

    @classmethod
    def of(cls, c: model.Credential, today: date) -> Credential:
        return cls(
            kind=c.kind,
            number=c.number,
            state=c.state,
            status=c.status,
            expires=c.expires,
            board=c.board,
            specialty=c.specialty,
            certified_on=c.certified_on,
            evidence=Evidence.of(c.evidence, FactKind.CREDENTIAL, f"credential {c.key}", today),
        )


@strawberry.type(description="A treatment a provider offers, where, and the evidence for it.")
class TreatmentOffering:
    treatment: Treatment
    detail: str | None = strawberry.field(description="Device, protocol, REMS site id ...")
    telehealth: bool
    location_key: str | None
    evidence: Evidence

    @classmethod
    def of(cls, o: model.TreatmentOffering, today: date) -> TreatmentOffering:
        return cls(
            treatment=o.treatment,
            detail=o.detail,
            telehealth=o.telehealth,
            location_key=o.location_key,
            evidence=Evidence.of(o.evidence, FactKind.TREATMENT, f"treatment {o.treatment.value}", today),
        )


@strawberry.type(description="What a patient needs to know to book; null fields are unknown.")
class AccessFacts:
    accepting_new_patients: bool | None
    telehealth: bool | None
    languages: list[str]
    wait_days: int | None = strawberry.field(description="Days to a routine appointment.")
    evidence: Evidence

    @classmethod
    def of(cls, a: model.AccessFacts, today: date) -> AccessFacts:
        return cls(
            accepting_new_patients=a.accepting_new_patients,
            telehealth=a.telehealth,
            languages=list(a.languages),
            wait_days=a.wait_days,
            evidence=Evidence.of(a.evidence, FactKind.ACCESS, "access facts", today),
        )


@strawberry.type(description="Another name of a provider (former, professional, doing business as ...).")
class OtherName:
    name: str
    type_code: str | None
    type_label: str | None
    evidence: Evidence

    @classmethod
    def of(cls, n: model.OtherName, today: date) -> OtherName:
        return cls(
            name=n.name,
            type_code=n.type_code,
            type_label=OTHER_NAME_TYPES.get(n.type_code or ""),
            evidence=Evidence.of(n.evidence, FactKind.OTHER_NAME, f"other name {n.name}", today),
        )


@strawberry.type(description="An exclusion from federal or state health programmes (LEIE, SAM ...).")
class Exclusion:
    source: str
    exclusion_type: str
    excluded_on: date
    reinstated_on: date | None
    in_force: bool
    evidence: Evidence

    @classmethod
    def of(cls, e: model.Exclusion, today: date) -> Exclusion:
        return cls(
            source=e.source,
            exclusion_type=e.exclusion_type,
            excluded_on=e.excluded_on,
            reinstated_on=e.reinstated_on,
            in_force=e.reinstated_on is None or e.reinstated_on > today,
            evidence=Evidence.of(e.evidence, FactKind.EXCLUSION, f"exclusion {e.source} {e.exclusion_type}", today),
        )


@strawberry.type(description="One check of the vetting checklist.")
class VettingCheck:
    name: str
    status: CheckStatus
    reason: str


@strawberry.type(description="The vetting checklist of a provider.")
class VettingResult:
    passed: bool = strawberry.field(description="No check failed, and NPI, licence and exclusions are known good.")
    checks: list[VettingCheck] = bounded_list(10)  # scoring.vet makes six

    @classmethod
    def of(cls, v: Vetting) -> VettingResult:
        return cls(
            passed=v.passed, checks=[VettingCheck(name=c.name, status=c.status, reason=c.reason) for c in v.checks]
        )


@strawberry.type(description="Points towards the TRD expertise score and why.")
class ExpertiseReason:
    points: float
    text: str


@strawberry.type(description="TRD expertise, 0..100, with the reasons behind it.")
class TrdExpertise:
    score: float
    reasons: list[ExpertiseReason] = bounded_list(10)  # one per treatment, taxonomy and board at most

    @classmethod
    def of(cls, e: Expertise) -> TrdExpertise:
        return cls(score=e.score, reasons=[ExpertiseReason(points=r.points, text=r.text) for r in e.reasons])
