"""The benefit gap audit for employers (the plans they offer and their own
networks), payers (their own plans and networks) and admins (any): the share
of employees with an in-network provider of each TRD treatment within reach,
and where the gaps are. The rules are ``directory.services.benefit_gap``'s;
this resolver checks the caller (schema/auth.py), bounds the request and maps
the result. Employees come as (zip, count) pairs: nothing about any person."""

from __future__ import annotations

import strawberry

from directory.errors import AccessDenied, InputError, NotFound
from directory.services import adequacy, benefit_gap

from .. import arguments as arg
from ..auth import can_audit_plan, can_change_networks, require_manage, visible_network
from ..errors import ErrorCode, code_for
from .types import (
    MAX_ITEMS,
    BenefitGapAudit,
    BenefitGapError,
    BenefitGapPayload,
    EmployeesInZip,
)


def _refuse(code: ErrorCode, message: str) -> BenefitGapPayload:
    return BenefitGapPayload(audit=None, errors=[BenefitGapError(code=code, message=message)])


def _audit(store, plan_ids, network_ids, employees, radius):
    return benefit_gap.audit(
        store,
        plan_ids=plan_ids,
        network_ids=network_ids,
        employees=employees,
        standards=adequacy.default_standards(),
        counties=adequacy.default_counties(),
        radius_miles=radius,
    )


@strawberry.type
class BenefitQueries:
    @strawberry.field(
        description="The benefit gap audit of plans and networks the caller may audit (an employer: the plans it "
        "offers and its own networks; a payer: its own; an admin: any): for employees given as (zip, count) pairs "
        f"(at most {benefit_gap.MAX_ZIPS}), the share within reach of an in-network, in-person provider of each TRD "
        "treatment, and the ZIPs with gaps. Reach: `radiusMiles` (at most 250) or, by default, the Psychiatry "
        "distance of the ZIP's county type in the bundled adequacy standards and counties."
    )
    async def benefit_gap_audit(
        self,
        info: strawberry.Info,
        employees: list[EmployeesInZip],
        plan_ids: list[strawberry.ID] | None = None,
        network_ids: list[strawberry.ID] | None = None,
        radius_miles: float | None = None,
    ) -> BenefitGapPayload:
        principal = info.context.principal
        if not can_change_networks(principal):
            return _refuse(ErrorCode.FORBIDDEN, "a navigator may not audit benefits")
        if not employees or len(employees) > benefit_gap.MAX_ZIPS:
            return _refuse(
                ErrorCode.INVALID_INPUT, f"employees must hold 1 to {benefit_gap.MAX_ZIPS} (zip, count) pairs"
            )
        try:
            arg.items(plan_ids, "planIds", MAX_ITEMS)
            arg.items(network_ids, "networkIds", MAX_ITEMS)
            plans = [arg.identifier(p, "planIds") for p in plan_ids or []]
            networks = [arg.identifier(n, "networkIds") for n in network_ids or []]
            found_plans = {p.id: p for p in await info.context.loaders.plans.load_many(plans) if p is not None}
            for plan_id in plans:  # plans are public: one the caller may not audit is FORBIDDEN, not hidden
                if plan_id not in found_plans:
                    raise NotFound(f"no plan {arg.quote(plan_id)}")
                if not can_audit_plan(principal, found_plans[plan_id], await info.context.loaders.employers.get()):
                    raise AccessDenied(f"{principal.label} may not audit plan {plan_id!r}")
            for network_id in networks:  # another tenant's employer network looks missing
                found = visible_network(principal, await info.context.loaders.networks.load(network_id), network_id)
                require_manage(principal, found)
            pairs = adequacy.members_from_pairs(((e.zip[:10], e.count) for e in employees), "employees")
            result = await info.context.run(_audit, info.context.store, plans, networks, pairs, radius_miles)
        except (InputError, NotFound, AccessDenied) as exc:
            return _refuse(code_for(exc) or ErrorCode.FORBIDDEN, str(exc))
        return BenefitGapPayload(audit=BenefitGapAudit.of(result), errors=[])
