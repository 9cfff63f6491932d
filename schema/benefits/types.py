"""GraphQL types of the benefit gap audit (``directory.services.benefit_gap``)."""

from __future__ import annotations

import strawberry

from directory.services import benefit_gap

from ..errors import ErrorCode
from ..limits import bounded_list
from ..providers.enums import Treatment  # registered there: one definition

#: Plans or networks one audit names; treatments audited; ZIP lists.
MAX_ITEMS = 20
MAX_TREATMENTS = len(benefit_gap.TRD_TREATMENTS)
MAX_ZIPS = benefit_gap.MAX_ZIPS
DEFAULT_GAPS = 100


@strawberry.input(description="Employees living in one ZIP code: a count, nothing about any person.")
class EmployeesInZip:
    zip: str
    count: int


@strawberry.type
class TreatmentCoverage:
    treatment: Treatment
    employees: int = strawberry.field(description="Employees assessed (located, with a distance).")
    covered: int = strawberry.field(description="With an in-network, in-person provider of it within reach.")
    share: float = strawberry.field(description="covered / employees, 0..1.")
    providers: int = strawberry.field(description="In-network providers offering it in person.")


@strawberry.type(description="A ZIP code where some TRD treatment has no in-network provider within reach.")
class ZipGap:
    zip: str
    state: str | None
    county: str | None
    county_type: str | None
    employees: int
    max_miles: float
    missing: list[Treatment] = bounded_list(MAX_TREATMENTS)


@strawberry.type
class ZipCount:
    zip: str
    employees: int
    county: str | None = None


@strawberry.type(description="The benefit gap audit of some plans and networks for employees counted by ZIP.")
class BenefitGapAudit:
    plan_ids: list[str] = bounded_list(MAX_ITEMS)
    network_ids: list[str] = bounded_list(MAX_ITEMS * 11, "Every network audited: the plans' and those given.")
    employees: int
    assessed: int = strawberry.field(description="Employees in ZIPs located and given a distance.")
    distance: str = strawberry.field(description="How the distance was chosen.")
    treatments: list[TreatmentCoverage] = bounded_list(MAX_TREATMENTS)
    unlocated: list[ZipCount] = bounded_list(MAX_ZIPS, "ZIPs the offline table does not know.")
    unassessed: list[ZipCount] = bounded_list(MAX_ZIPS, "ZIPs in counties without a type (give radiusMiles).")
    result: strawberry.Private[benefit_gap.BenefitGapAudit]

    @classmethod
    def of(cls, a: benefit_gap.BenefitGapAudit) -> BenefitGapAudit:
        return cls(
            plan_ids=list(a.plan_ids),
            network_ids=list(a.network_ids),
            employees=a.employees,
            assessed=a.assessed,
            distance=a.distance,
            treatments=[
                TreatmentCoverage(
                    treatment=t.treatment,
                    employees=t.employees,
                    covered=t.covered,
                    share=t.share,
                    providers=t.providers,
                )
                for t in a.treatments
            ],
            unlocated=[ZipCount(zip=z, employees=n) for z, n in a.unlocated],
            unassessed=[ZipCount(zip=z, employees=n, county=c) for z, c, n in a.unassessed],
            result=a,
        )

    @strawberry.field(description=f"ZIPs with a gap, most employees first; `first` at most {MAX_ZIPS}.")
    def gaps(self, first: int = DEFAULT_GAPS, offset: int = 0) -> list[ZipGap]:
        from .. import arguments as arg

        arg.page(first, offset, MAX_ZIPS)
        return [
            ZipGap(
                zip=g.zip,
                state=g.state,
                county=g.county,
                county_type=g.county_type,
                employees=g.employees,
                max_miles=g.max_miles,
                missing=list(g.missing),
            )
            for g in self.result.gaps[offset : offset + first]
        ]

    @strawberry.field(description="How many ZIPs have a gap.")
    def gap_count(self) -> int:
        return len(self.result.gaps)


@strawberry.type(description="Why an audit was refused.")
class BenefitGapError:
    code: ErrorCode
    message: str


@strawberry.type(description="The audit, or why it was refused (`errors` not empty: no audit).")
class BenefitGapPayload:
    audit: BenefitGapAudit | None
    errors: list[BenefitGapError] = bounded_list(1)
