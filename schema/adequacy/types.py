"""GraphQL types of network adequacy: a result per county and specialty with
its reasons, the uncovered ZIPs, the providers that would close the gap, the
HSD-style provider table and a PNG map."""

from __future__ import annotations

import base64

import strawberry

from directory.services import adequacy
from directory.services.adequacy.maps import county_map_png

from ..errors import ErrorCode


@strawberry.input(description="Members living in one ZIP code: a count, nothing about any person.")
class ZipMembers:
    zip: str
    count: int


@strawberry.type
class UncoveredZip:
    zip: str
    members: int


@strawberry.type(description="A provider of the directory, outside the network, that would close part of a gap.")
class FixProvider:
    npi: str
    name: str
    vetted: bool = strawberry.field(description="The vetting checklist passes.")
    reason: str = strawberry.field(description="`coverage` or `minimum number`.")
    adds_members: int
    covered_after: int
    percent_after: float
    providers_after: int

    @classmethod
    def of(cls, p: adequacy.Pick) -> FixProvider:
        return cls(
            npi=p.npi,
            name=p.name,
            vetted=p.vetted,
            reason=p.reason,
            adds_members=p.adds_members,
            covered_after=p.covered_after,
            percent_after=p.percent_after,
            providers_after=p.providers_after,
        )


@strawberry.type(description="One county and specialty against 42 CFR 422.116, with every step shown.")
class CountyAdequacy:
    state: str
    county: str
    county_type: str
    specialty: str
    members: int
    covered: int
    percent_covered: float
    telehealth_credit: float
    required_percent: float
    providers: int
    required_providers: int
    passed: bool
    max_miles: float
    max_minutes: float
    reasons: list[str]
    uncovered_zips: list[UncoveredZip]
    fixes: list[FixProvider]
    needed_to_pass: int | None = strawberry.field(
        description="How many of `fixes`, in order, make the county pass; null when they cannot."
    )

    @classmethod
    def of(cls, c: adequacy.Cell) -> CountyAdequacy:
        return cls(
            state=c.state,
            county=c.county,
            county_type=c.county_type,
            specialty=c.specialty,
            members=c.members,
            covered=c.covered,
            percent_covered=c.percent_covered,
            telehealth_credit=c.telehealth_credit,
            required_percent=c.required_percent,
            providers=c.providers,
            required_providers=c.required_providers,
            passed=c.passed,
            max_miles=c.max_miles,
            max_minutes=c.max_minutes,
            reasons=list(c.reasons),
            uncovered_zips=[UncoveredZip(zip=z, members=n) for z, n in c.uncovered],
            fixes=[FixProvider.of(p) for p in c.fixes.picks] if c.fixes else [],
            needed_to_pass=c.fixes.needed_to_pass if c.fixes else (0 if c.passed else None),
        )


@strawberry.type(description="A row of the HSD-style provider table.")
class HsdProvider:
    provider_name: str
    npi: str
    specialty: str
    address: str
    city: str
    state: str
    zip: str
    county: str
    county_type: str
    telehealth: bool


@strawberry.type
class AdequacyReport:
    network_id: strawberry.ID
    members: int
    passed: int
    failed: int
    method: list[str]
    results: list[CountyAdequacy]
    assessment: strawberry.Private[adequacy.Assessment]

    @strawberry.field(description="The HSD-style provider table: each counted provider per county and specialty.")
    def hsd_providers(self) -> list[HsdProvider]:
        return [
            HsdProvider(**{**row, "telehealth": row["telehealth"] == "Y"}) for row in adequacy.hsd_rows(self.assessment)
        ]

    @strawberry.field(description="A PNG map (base64) of one county's covered and uncovered ZIPs for a specialty.")
    def map_png(self, state: str, county: str, specialty: str) -> str:
        return base64.b64encode(county_map_png(self.assessment, state[:2], county[:100], specialty[:100])).decode()


@strawberry.type
class AdequacyError:
    code: ErrorCode
    message: str


@strawberry.type(description="The report, or why it was refused (then `report` is null).")
class AdequacyPayload:
    report: AdequacyReport | None
    errors: list[AdequacyError]
