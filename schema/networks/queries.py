"""Queries of payers, plans, employers and networks; each list is filtered to what the caller may see."""

from __future__ import annotations

import strawberry

from directory.errors import NotFound
from directory.model import NetworkStatus

from .. import arguments as arg
from ..auth import can_see_employer, visible_network
from .types import (
    DEFAULT_MEMBERS,
    DEFAULT_PAGE,
    MAX_MEMBERS,
    MAX_PAGE,
    Employer,
    Network,
    NetworkKind,
    NetworkMember,
    Payer,
    Plan,
    by_id,
    members_page,
)


@strawberry.type
class NetworkQueries:
    @strawberry.field(description=f"Payers by id; `first` at most {MAX_PAGE}.")
    async def payers(self, info: strawberry.Info, first: int = DEFAULT_PAGE, offset: int = 0) -> list[Payer]:
        arg.page(first, offset, MAX_PAGE)
        found = sorted(await info.context.loaders.payers.get(), key=by_id)[offset : offset + first]
        return [Payer(id=strawberry.ID(p.id), name=p.name) for p in found]

    @strawberry.field(description=f"Plans by id, all or of one payer; `first` at most {MAX_PAGE}.")
    async def plans(
        self, info: strawberry.Info, payer_id: strawberry.ID | None = None, first: int = DEFAULT_PAGE, offset: int = 0
    ) -> list[Plan]:
        arg.page(first, offset, MAX_PAGE)
        payer = arg.optional_identifier(payer_id, "payerId")
        found = sorted(await info.context.loaders.all_plans.get(), key=by_id)
        return [Plan.of(p) for p in found if payer is None or p.payer_id == payer][offset : offset + first]

    @strawberry.field(
        description=f"Employers the caller may see, by id: an employer sees itself, an admin all; "
        f"`first` at most {MAX_PAGE}."
    )
    async def employers(self, info: strawberry.Info, first: int = DEFAULT_PAGE, offset: int = 0) -> list[Employer]:
        arg.page(first, offset, MAX_PAGE)
        principal = info.context.principal
        found = sorted(await info.context.loaders.employers.get(), key=by_id)
        seen = [
            Employer(id=strawberry.ID(e.id), name=e.name, plan_ids=list(e.plan_ids))
            for e in found
            if can_see_employer(principal, e.id)
        ]
        return seen[offset : offset + first]

    @strawberry.field(
        description="Networks the caller may see, by id, optionally of one kind and one status (ACTIVE: the ones "
        f"that take changes; ARCHIVED ones keep their history); `first` at most {MAX_PAGE}."
    )
    async def networks(
        self,
        info: strawberry.Info,
        kind: NetworkKind | None = None,
        first: int = DEFAULT_PAGE,
        offset: int = 0,
        status: NetworkStatus | None = None,
    ) -> list[Network]:
        arg.page(first, offset, MAX_PAGE)
        found = [
            n
            for n in await info.context.loaders.all_networks.get()
            if (kind is None or n.kind is kind) and (status is None or n.status is status)
        ]
        return [Network.of(n) for n in sorted(info.context.visible(found), key=by_id)][offset : offset + first]

    @strawberry.field(
        description="One network; null when the caller may see none by that id (an employer network of another "
        "tenant looks exactly like a missing one)."
    )
    async def network(self, info: strawberry.Info, id: strawberry.ID) -> Network | None:
        wanted = arg.identifier(id, "id")
        try:
            found = visible_network(info.context.principal, await info.context.loaders.networks.load(wanted), wanted)
        except NotFound:
            return None
        return Network.of(found)

    @strawberry.field(
        description="Members of a network in NPI order, with who added each and why: for the tenant that owns the "
        f"network and admins (see Network.members); `first` at most {MAX_MEMBERS}."
    )
    async def network_members(
        self, info: strawberry.Info, network_id: strawberry.ID, first: int = DEFAULT_MEMBERS, offset: int = 0
    ) -> list[NetworkMember]:
        arg.page(first, offset, MAX_MEMBERS)
        wanted = arg.identifier(network_id, "networkId")
        found = visible_network(info.context.principal, await info.context.loaders.networks.load(wanted), wanted)
        return await members_page(info, found, first, offset)
