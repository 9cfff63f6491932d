"""GraphQL types of the freshness and agreement of a provider's facts
(``Provider.factStatus``): per fact, the value believed, what each source says,
when it was last verified and by whom, stale after 90 days, whether the sources
agree, and a confidence. The rules are ``scoring.fact_status``'s."""

from __future__ import annotations

from datetime import date

import strawberry

from scoring import Agreement, FactKind, FactStatus, SourceClaim

from ..limits import bounded_list

#: Sources shown per fact, strongest first (a fact rarely has more than a handful).
MAX_SOURCES = 10

strawberry.enum(FactKind, name="FactStatusKind", description="What kind of fact a fact status is about.")
strawberry.enum(Agreement, description="Whether the sources of a fact agree.")


@strawberry.type(description="What one source says about a fact.")
class FactSource:
    source: str
    retrieved: date
    method: str
    confidence: float = strawberry.field(description="The source's own confidence, 0..1.")
    current_confidence: float = strawberry.field(description="Today: decayed with age (full for 90 days).")
    value: str
    agrees: bool = strawberry.field(description="With the value believed.")
    reference: str | None

    @classmethod
    def of(cls, c: SourceClaim) -> FactSource:
        return cls(
            source=c.source,
            retrieved=c.retrieved,
            method=c.method,
            confidence=c.confidence,
            current_confidence=c.current_confidence,
            value=c.value,
            agrees=c.agrees,
            reference=c.reference,
        )


@strawberry.type(
    name="FactStatus", description="A fact about a provider: how fresh it is and whether its sources agree."
)
class FactStatusType:
    kind: FactKind
    fact: str = strawberry.field(description="Which fact, e.g. `licence NY 602145`, `accepting new patients`.")
    value: str = strawberry.field(description="The value believed: the one with the most support.")
    sources: list[FactSource] = bounded_list(MAX_SOURCES, "Strongest first.")
    last_verified: date = strawberry.field(description="The latest retrieval of the value believed.")
    verified_by: str = strawberry.field(description="The source of that retrieval.")
    stale: bool = strawberry.field(description="Last verified more than 90 days ago.")
    agreement: Agreement
    confidence: float = strawberry.field(
        description="Support of the value believed x (1 - opposition), from the sources' current confidences."
    )
    verified: bool = strawberry.field(description="Neither stale nor contradicted.")

    @classmethod
    def of(cls, f: FactStatus) -> FactStatusType:
        return cls(
            kind=f.kind,
            fact=f.fact,
            value=f.value,
            sources=[FactSource.of(s) for s in f.sources],
            last_verified=f.last_verified,
            verified_by=f.verified_by,
            stale=f.stale,
            agreement=f.agreement,
            confidence=f.confidence,
            verified=f.verified,
        )
