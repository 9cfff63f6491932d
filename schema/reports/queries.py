"""Reports on a network for the tenant that owns it (payers first) and admins:
members by specialty and county, listings with stale or contradicted facts,
and the directory-accuracy summary. The rules and definitions are
``directory.services.network_reports``'s; access goes through schema/auth.py
(another tenant's employer network looks missing, another payer's network is
FORBIDDEN); store calls run in worker threads."""

from __future__ import annotations

import strawberry

from directory.services import network_reports as service
from scoring import FactKind

from .. import arguments as arg
from ..networks.review import owned_network
from ..providers import freshness  # noqa: F401 - registers FactKind (FactStatusKind), which `kinds` names
from .types import (
    DEFAULT_ISSUES,
    DEFAULT_ROWS,
    MAX_ISSUES,
    MAX_ROWS,
    CompositionRow,
    DirectoryAccuracy,
    FieldAccuracy,
    ListingIssues,
    NetworkComposition,
    SpecialtyCount,
    StaleListings,
)


@strawberry.type
class ReportQueries:
    @strawberry.field(
        description="The network's members counted by specialty (the adequacy specialty mapping of NUCC codes) and "
        f"by the counties of their practice locations; `first` rows at most {MAX_ROWS}. For the tenant that owns "
        "the network and admins."
    )
    async def network_composition(
        self, info: strawberry.Info, network_id: strawberry.ID, first: int = DEFAULT_ROWS, offset: int = 0
    ) -> NetworkComposition:
        arg.page(first, offset, MAX_ROWS)
        network = await owned_network(info, network_id, "composition")
        found = await info.context.run(service.composition, info.context.store, network)
        return NetworkComposition(
            network_id=strawberry.ID(network.id),
            members=found.members,
            by_specialty=[SpecialtyCount(specialty=s, providers=n) for s, n in found.by_specialty],
            rows=[
                CompositionRow(specialty=r.specialty, state=r.state, county=r.county, providers=r.providers)
                for r in found.rows[offset : offset + first]
            ],
            total_rows=len(found.rows),
        )

    @strawberry.field(
        description="Members whose facts are stale (not verified within 90 days) or contradicted between sources, "
        f"in NPI order, each with those facts; `first` at most {MAX_ISSUES}, `after` a previous endCursor; "
        "`kinds` narrows to some kinds of fact. For the tenant that owns the network and admins."
    )
    async def stale_listings(
        self,
        info: strawberry.Info,
        network_id: strawberry.ID,
        first: int = DEFAULT_ISSUES,
        after: str | None = None,
        stale: bool = True,
        contradicted: bool = True,
        kinds: list[FactKind] | None = None,
    ) -> StaleListings:
        arg.page(first, 0, MAX_ISSUES)
        start = None if after is None else arg.npi(after)
        arg.items(kinds, "kinds", len(FactKind))
        network = await owned_network(info, network_id, "listings")
        page = await info.context.run(
            service.stale_or_contradicted,
            info.context.store,
            network,
            info.context.today,
            first=first,
            after=start,
            stale=stale,
            contradicted=contradicted,
            kinds=kinds,
        )
        return StaleListings(
            listings=[ListingIssues.of(i) for i in page.items],
            end_cursor=page.end_cursor,
            has_next_page=page.has_next_page,
            scanned=page.scanned,
        )

    @strawberry.field(
        description="The network's directory accuracy: the share of listings with a verified address, phone, "
        "accepting-new-patients status and treatment facts (verified: confirmed within 90 days and not "
        "contradicted; see `definition`). For the tenant that owns the network and admins."
    )
    async def directory_accuracy(self, info: strawberry.Info, network_id: strawberry.ID) -> DirectoryAccuracy:
        network = await owned_network(info, network_id, "directory accuracy")
        found = await info.context.run(service.directory_accuracy, info.context.store, network, info.context.today)
        return DirectoryAccuracy(
            network_id=strawberry.ID(network.id),
            as_of=found.as_of,
            listings=found.listings,
            fields=[FieldAccuracy.of(f) for f in found.fields],
            fully_verified=found.fully_verified,
            share_fully_verified=found.share_fully_verified,
        )
