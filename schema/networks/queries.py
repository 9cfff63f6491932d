"""Queries of payers, plans, employers and networks; each list is filtered to what the caller may see."""

from __future__ import annotations

import strawberry

from directory.errors import InputError, NotFound

from .. import arguments as arg
from ..auth import can_see_employer, require_read_network
from .types import Employer, Network, NetworkKind, NetworkMember, Payer, Plan


@strawberry.type
class NetworkQueries:
    @strawberry.field
    async def payers(self, info: strawberry.Info) -> list[Payer]:
        return [Payer(id=strawberry.ID(p.id), name=p.name) for p in await info.context.loaders.payers.get()]

    @strawberry.field(description="Plans, all or of one payer.")
    async def plans(self, info: strawberry.Info, payer_id: strawberry.ID | None = None) -> list[Plan]:
        payer = arg.optional_identifier(payer_id, "payerId")
        found = await info.context.loaders.all_plans.get()
        return [Plan.of(p) for p in found if payer is None or p.payer_id == payer]

    @strawberry.field(description="Employers the caller may see: an employer sees itself, an admin all.")
    async def employers(self, info: strawberry.Info) -> list[Employer]:
        principal = info.context.principal
        return [
            Employer(id=strawberry.ID(e.id), name=e.name)
            for e in await info.context.loaders.employers.get()
            if can_see_employer(principal, e.id)
        ]

    @strawberry.field(description="Networks the caller may see, optionally of one kind.")
    async def networks(self, info: strawberry.Info, kind: NetworkKind | None = None) -> list[Network]:
        found = [n for n in await info.context.loaders.all_networks.get() if kind is None or n.kind is kind]
        return [Network.of(n) for n in info.context.readable(found)]

    @strawberry.field(description="One network; FORBIDDEN for an employer network of another tenant.")
    async def network(self, info: strawberry.Info, id: strawberry.ID) -> Network | None:
        found = await info.context.loaders.networks.load(arg.identifier(id, "id"))
        if found is None:
            return None
        require_read_network(info.context.principal, found)
        return Network.of(found)

    @strawberry.field(description="Members of a network, in NPI order.")
    async def network_members(
        self, info: strawberry.Info, network_id: strawberry.ID, first: int = 100, offset: int = 0
    ) -> list[NetworkMember]:
        if first < 1 or offset < 0:
            raise InputError("first must be positive and offset not negative")
        wanted = arg.identifier(network_id, "networkId")
        found = await info.context.loaders.networks.load(wanted)
        if found is None:
            raise NotFound(f"no network {arg.quote(wanted)}")
        require_read_network(info.context.principal, found)
        members = sorted(await info.context.run(info.context.store.network_members, wanted), key=lambda m: m.npi)
        return [NetworkMember.of(m, info.context.today) for m in members[offset : offset + first]]
