"""The Evidence type every domain uses: where a fact came from and how far to trust it today."""

from __future__ import annotations

import enum
from datetime import date

import strawberry

from directory.model import Evidence as EvidenceRecord
from scoring import fact_confidence, needs_reverification


@strawberry.enum(description="What kind of fact a piece of evidence backs.")
class FactKind(enum.Enum):
    RECORD = "record"
    LOCATION = "location"
    TAXONOMY = "taxonomy"
    OTHER_NAME = "other_name"
    CREDENTIAL = "credential"
    TREATMENT = "treatment"
    ACCESS = "access"
    AFFILIATION = "affiliation"
    EXCLUSION = "exclusion"
    NETWORK_MEMBERSHIP = "network_membership"
    OUTCOME = "outcome"


@strawberry.type(description="Provenance of one fact: its source, when the source said it, how, and how sure it is.")
class Evidence:
    kind: FactKind
    fact: str = strawberry.field(description="Which fact this backs, e.g. `taxonomy 2084P0800X`.")
    source: str = strawberry.field(description="e.g. nppes, npi_registry_api, rems_list, roster:acme.")
    retrieved: date = strawberry.field(description="When the source said it.")
    method: str = strawberry.field(description="e.g. bulk_file, api, attestation, entity_resolution.")
    confidence: float = strawberry.field(description="The source's own confidence, 0..1.")
    reference: str | None = strawberry.field(
        description="File, URL or row the fact came from; `source:record_id` for a fact a source record gives."
    )
    file: str | None = strawberry.field(description="The file of the source record the fact came from.")
    link_probability: float | None = strawberry.field(
        description="How sure entity resolution is that the source record is this provider, when less than "
        "certain (the confidence already includes it)."
    )
    current_confidence: float = strawberry.field(
        description="Confidence today: the source's confidence decayed with age (full for 90 days)."
    )
    needs_reverification: bool = strawberry.field(description="Older than the 90-day verification window.")

    @classmethod
    def of(cls, evidence: EvidenceRecord, kind: FactKind, fact: str, today: date) -> Evidence:
        return cls(
            kind=kind,
            fact=fact,
            source=evidence.source,
            retrieved=evidence.retrieved,
            method=evidence.method,
            confidence=evidence.confidence,
            reference=evidence.reference,
            file=evidence.file,
            link_probability=evidence.link_probability,
            current_confidence=fact_confidence(evidence, today),
            needs_reverification=needs_reverification(evidence, today),
        )
