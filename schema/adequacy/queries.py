"""Network adequacy for payers and employers: their own networks only (an admin
may ask about any). The rules and arithmetic are the service's
(:mod:`directory.services.adequacy`); this resolver checks the caller, bounds
the request and maps the result."""

from __future__ import annotations

import strawberry

from directory.errors import AccessDenied, InputError, NotFound, ProvnetError
from directory.services import adequacy

from .. import arguments as arg
from ..auth import can_change_networks, require_manage, visible_network
from ..errors import ErrorCode, code_for
from .types import AdequacyError, AdequacyPayload, AdequacyReport, CountyAdequacy, ZipMembers

#: Most (zip, count) pairs one request may carry.
MAX_MEMBER_ZIPS = 5000


def _refuse(code: ErrorCode, message: str) -> AdequacyPayload:
    return AdequacyPayload(report=None, errors=[AdequacyError(code=code, message=message)])


def _assess(store, network_id: str, members: adequacy.Members, today) -> adequacy.Assessment:
    travel, speeds = adequacy.travel_from_settings()
    return adequacy.assess(
        store,
        network_id,
        members=members,
        standards=adequacy.default_standards(),
        counties=adequacy.default_counties(),
        specialties=adequacy.default_specialties(),
        travel=travel,
        speeds=speeds,
        today=today,
    )


@strawberry.type
class AdequacyQueries:
    @strawberry.field(
        description="Network adequacy (42 CFR 422.116) of a network the caller manages for members given as "
        f"(zip, count) pairs (at most {MAX_MEMBER_ZIPS}), with the bundled standards, counties and specialties."
    )
    async def network_adequacy(
        self, info: strawberry.Info, network_id: strawberry.ID, members: list[ZipMembers]
    ) -> AdequacyPayload:
        principal = info.context.principal
        if not can_change_networks(principal):
            return _refuse(ErrorCode.FORBIDDEN, "a navigator may not assess networks")
        if not members or len(members) > MAX_MEMBER_ZIPS:
            return _refuse(ErrorCode.INVALID_INPUT, f"members must hold 1 to {MAX_MEMBER_ZIPS} (zip, count) pairs")
        try:  # an employer network of another tenant is refused exactly like a missing one
            network_id = strawberry.ID(arg.identifier(network_id, "networkId"))
            found = visible_network(principal, await info.context.loaders.networks.load(network_id), network_id)
            require_manage(principal, found)
        except (InputError, NotFound, AccessDenied) as exc:
            return _refuse(code_for(exc) or ErrorCode.FORBIDDEN, str(exc))
        try:
            pairs = adequacy.members_from_pairs(((m.zip[:10], m.count) for m in members), "members")
            result = await info.context.run(_assess, info.context.store, found.id, pairs, info.context.today)
        except InputError as exc:
            return _refuse(ErrorCode.INVALID_INPUT, str(exc))
        except NotFound as exc:
            return _refuse(ErrorCode.NOT_FOUND, str(exc))
        except ProvnetError:
            raise  # the store or the router failed: masked as unexpected
        return AdequacyPayload(
            report=AdequacyReport(
                network_id=strawberry.ID(found.id),
                members=sum(z.members for z in result.zips),
                passed=sum(c.passed for c in result.cells),
                failed=sum(not c.passed for c in result.cells),
                method=[f"{k}: {v}" for k, v in result.method.items()],
                cells=[CountyAdequacy.of(c) for c in result.cells],
                assessment=result,
            ),
            errors=[],
        )
