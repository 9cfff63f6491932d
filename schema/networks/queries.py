"""Queries of payers, plans, employers and networks; each list is filtered to what the caller may see."""

from __future__ import annotations

import strawberry

from directory.errors import InputError, NotFound

from ..auth import can_see_employer, require_read_network
from .types import Employer, Network, NetworkKind, NetworkMember, Payer, Plan


@strawberry.type
class NetworkQueries:
    @strawberry.field
    def payers(self, info: strawberry.Info) -> list[Payer]:
        return [Payer(id=strawberry.ID(p.id), name=p.name) for p in info.context.loaders.payers()]

    @strawberry.field(description="Plans, all or of one payer.")
    def plans(self, info: strawberry.Info, payer_id: strawberry.ID | None = None) -> list[Plan]:
        return [Plan.of(p) for p in info.context.loaders.all_plans() if payer_id is None or p.payer_id == payer_id]

    @strawberry.field(description="Employers the caller may see: an employer sees itself, an admin all.")
    def employers(self, info: strawberry.Info) -> list[Employer]:
        principal = info.context.principal
        return [
            Employer(id=strawberry.ID(e.id), name=e.name)
            for e in info.context.store.employers()
            if can_see_employer(principal, e.id)
        ]

    @strawberry.field(description="Networks the caller may see, optionally of one kind.")
    def networks(self, info: strawberry.Info, kind: NetworkKind | None = None) -> list[Network]:
        found = [n for n in info.context.store.networks() if kind is None or n.kind is kind]
        return [Network.of(n) for n in info.context.readable(found)]

    @strawberry.field(description="One network; FORBIDDEN for an employer network of another tenant.")
    async def network(self, info: strawberry.Info, id: strawberry.ID) -> Network | None:
        found = await info.context.loaders.networks.load(id)
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
        found = await info.context.loaders.networks.load(network_id)
        if found is None:
            raise NotFound(f"no network {network_id!r}")
        require_read_network(info.context.principal, found)
        members = sorted(info.context.store.network_members(network_id), key=lambda m: m.npi)
        return [NetworkMember.of(m, info.context.today) for m in members[offset : offset + first]]
