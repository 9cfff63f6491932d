"""Vetting queries: a member's history in a network (its owner's and admins'),
and the default criteria (public: navigators' general vetting uses them)."""

from __future__ import annotations

import strawberry

from directory.services import network_vetting as service
from directory.services.criteria import criteria_of

from .. import arguments as arg
from ..auth import require_vetting, visible_network
from .types import DEFAULT_HISTORY, MAX_HISTORY, VettingCriteria, VettingOutcome


@strawberry.type
class VettingQueries:
    @strawberry.field(
        description="A provider's recorded vetting results for a network, newest first: for the tenant that owns "
        f"the network and admins; `first` at most {MAX_HISTORY}."
    )
    async def vetting_history(
        self, info: strawberry.Info, network_id: strawberry.ID, npi: str, first: int = DEFAULT_HISTORY
    ) -> list[VettingOutcome]:
        arg.page(first, 0, MAX_HISTORY)
        wanted, provider = arg.identifier(network_id, "networkId"), arg.npi(npi)
        network = visible_network(info.context.principal, await info.context.loaders.networks.load(wanted), wanted)
        require_vetting(info.context.principal, network)
        found = await info.context.run(service.history, info.context.store, network.id, provider, first)
        return [VettingOutcome.of(r) for r in found]

    @strawberry.field(description="The default vetting criteria: they apply where a network has none of its own.")
    async def default_vetting_criteria(self, info: strawberry.Info) -> VettingCriteria:
        return VettingCriteria.of(await info.context.run(criteria_of, info.context.store, None))
