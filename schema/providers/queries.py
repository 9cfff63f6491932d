"""Provider queries: search, detail, and the vocabularies a client needs to build a search."""

from __future__ import annotations

import dataclasses

import strawberry

from directory.errors import NotFound
from directory.services.matching import search_providers
from directory.store.ranking import decode_cursor, encode_cursor

from .. import arguments as arg
from ..auth import visible_network
from ..limits import bounded_list
from ..matching.enums import UnknownFact
from .enums import TREATMENT_LABELS, SearchOrder, Treatment
from .facts import Taxonomy
from .inputs import ProviderSearchInput, to_criteria
from .types import PageInfo, Provider, ProviderConnection, ProviderEdge, load_provider

#: The NUCC code set has about 900 codes.
MAX_TAXONOMY_PAGE = 1000


@strawberry.type(description="A treatment of the controlled vocabulary, with a label for pickers.")
class TreatmentInfo:
    treatment: Treatment
    label: str


@strawberry.type
class ProviderQueries:
    @strawberry.field(
        description="Find providers, in the order `orderBy` says (see SearchOrder). A provider whose "
        "`acceptingNewPatients` is unknown is kept when that filter is set, after the known ones, and flagged."
    )
    async def search_providers(
        self,
        info: strawberry.Info,
        filter: ProviderSearchInput,
        first: int = 20,
        after: str | None = None,
        order_by: SearchOrder = SearchOrder.RELEVANCE,
    ) -> ProviderConnection:
        criteria = dataclasses.replace(to_criteria(filter, first, after), order_by=order_by)
        if criteria.network_id is not None:  # an employer network exists for its owner only
            network = await info.context.loaders.networks.load(criteria.network_id)
            visible_network(info.context.principal, network, criteria.network_id)
        if criteria.plan_id is not None and await info.context.loaders.plans.load(criteria.plan_id) is None:
            raise NotFound(f"no plan {arg.quote(criteria.plan_id)}")
        start = decode_cursor(criteria.after, criteria) if criteria.after else 0
        page = await info.context.run(search_providers, info.context.store, criteria, info.context.today)
        edges = [
            ProviderEdge(
                cursor=encode_cursor(start + i + 1, criteria),
                distance_miles=hit.distance_miles,
                name_score=hit.name_score,
                expertise=hit.expertise,
                unknown=[UnknownFact(u) for u in hit.unknown],
                npi=hit.npi,
            )
            for i, hit in enumerate(page.hits)
        ]
        return ProviderConnection(
            edges=edges,
            total_count=page.total,
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
        )

    @strawberry.field(description="One provider by NPI; null when the directory does not hold it.")
    async def provider(self, info: strawberry.Info, npi: str) -> Provider | None:
        return await load_provider(info, arg.npi(npi))

    @strawberry.field(
        description=f"NUCC taxonomy codes whose code or name contains `search`; `first` at most {MAX_TAXONOMY_PAGE}."
    )
    async def taxonomies(self, info: strawberry.Info, search: str | None = None, first: int = 50) -> list[Taxonomy]:
        arg.page(first, 0, MAX_TAXONOMY_PAGE)
        needle = (arg.optional_text(search, "search", arg.MAX_SEARCH) or "").strip().upper()
        codes = await info.context.run(info.context.store.taxonomies)
        found = []
        for t in sorted(codes.values(), key=lambda t: t.code):
            if needle in t.code.upper() or needle in t.display_name.upper():
                found.append(
                    Taxonomy(
                        code=t.code,
                        display_name=t.display_name,
                        grouping=t.grouping,
                        classification=t.classification,
                        specialization=t.specialization,
                    )
                )
                if len(found) >= first:
                    break
        return found

    @bounded_list(len(Treatment), "The treatments providers can be searched by.")
    def treatments(self) -> list[TreatmentInfo]:
        return [TreatmentInfo(treatment=t, label=TREATMENT_LABELS.get(t, t.value)) for t in Treatment]
