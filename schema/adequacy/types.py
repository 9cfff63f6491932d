"""GraphQL types of network adequacy: a result per county and specialty with
its reasons, the uncovered ZIPs, the providers that would close the gap, the
HSD-style provider table and a PNG map."""

from __future__ import annotations

import base64

import strawberry

from directory.services import adequacy
from directory.services.adequacy.fixes import MAX_PICKS
from directory.services.adequacy.maps import county_map_png

from .. import arguments as arg
from ..errors import ErrorCode
from ..limits import bounded_list

#: Pages of results, uncovered ZIPs and HSD rows: a large state has about 300 county and specialty results.
DEFAULT_PAGE = 100
MAX_PAGE = 1000
DEFAULT_ZIPS = 20
#: Reasons one result gives, lines of the method.
MAX_REASONS = 10
MAX_METHOD_LINES = 20


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
    reasons: list[str] = bounded_list(MAX_REASONS)
    uncovered: strawberry.Private[list[UncoveredZip]]
    fixes: list[FixProvider] = bounded_list(MAX_PICKS, "Providers outside the network that close the gap, in order.")
    needed_to_pass: int | None = strawberry.field(
        description="How many of `fixes`, in order, make the county pass; null when they cannot."
    )

    @strawberry.field(description=f"ZIPs with uncovered members, most members first; `first` at most {MAX_PAGE}.")
    def uncovered_zips(self, first: int = DEFAULT_ZIPS, offset: int = 0) -> list[UncoveredZip]:
        arg.page(first, offset, MAX_PAGE)
        return self.uncovered[offset : offset + first]

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
            uncovered=[UncoveredZip(zip=z, members=n) for z, n in c.uncovered],
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
    method: list[str] = bounded_list(MAX_METHOD_LINES)
    cells: strawberry.Private[list[CountyAdequacy]]
    assessment: strawberry.Private[adequacy.Assessment]

    @strawberry.field(description=f"One result per county and specialty; `first` at most {MAX_PAGE}.")
    def results(self, first: int = DEFAULT_PAGE, offset: int = 0) -> list[CountyAdequacy]:
        arg.page(first, offset, MAX_PAGE)
        return self.cells[offset : offset + first]

    @strawberry.field(
        description="The HSD-style provider table: each counted provider per county and specialty; "
        f"`first` at most {MAX_PAGE}."
    )
    async def hsd_providers(
        self, info: strawberry.Info, first: int = DEFAULT_PAGE, offset: int = 0
    ) -> list[HsdProvider]:
        arg.page(first, offset, MAX_PAGE)
        rows = await info.context.run(adequacy.hsd_rows, self.assessment)
        return [HsdProvider(**{**row, "telehealth": row["telehealth"] == "Y"}) for row in rows[offset : offset + first]]

    @strawberry.field(description="A PNG map (base64) of one county's covered and uncovered ZIPs for a specialty.")
    async def map_png(self, info: strawberry.Info, state: str, county: str, specialty: str) -> str:
        state = arg.text(state, "state", 2)
        county, specialty = arg.text(county, "county", 100), arg.text(specialty, "specialty", 100)
        png = await info.context.run(county_map_png, self.assessment, state, county, specialty)
        return base64.b64encode(png).decode()


@strawberry.type
class AdequacyError:
    code: ErrorCode
    message: str


@strawberry.type(description="The report, or why it was refused (then `report` is null).")
class AdequacyPayload:
    report: AdequacyReport | None
    errors: list[AdequacyError] = bounded_list(1)
