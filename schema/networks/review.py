"""Queries of a network's curation, for the tenant that owns it and admins
(schema/auth.py): candidates in its regions, what changed since its last
review, its history, and its members as CSV. The rules are the services'; an
employer network of another tenant looks exactly like a missing one, a payer
network's curation is FORBIDDEN to anyone but its payer and admins. Store
calls run in worker threads (``info.context.run``)."""

from __future__ import annotations

import strawberry

from directory import model
from directory.model import VettingStatus
from directory.services import member_export, member_review, network_candidates
from directory.services.network_lifecycle import last_review

from .. import arguments as arg
from ..auth import require_curation, visible_network
from .curation import (
    DEFAULT_CANDIDATES,
    DEFAULT_HISTORY,
    DEFAULT_REVIEW,
    MAX_CANDIDATES,
    MAX_REVIEW,
    CandidatePage,
    ChangesSinceReview,
    MemberExport,
    MemberSinceReview,
    NetworkCandidate,
    NetworkEvent,
    history_page,
)

#: ``first`` of exportNetworkMembers: rows per page, default and maximum.
DEFAULT_EXPORT, MAX_EXPORT = 1000, 5000


async def owned_network(info: strawberry.Info, network_id: str, what: str) -> model.Network:
    """The network, if the caller may read its ``what`` (NotFound or AccessDenied otherwise)."""
    wanted = arg.identifier(network_id, "networkId")
    principal = info.context.principal
    network = visible_network(principal, await info.context.loaders.networks.load(wanted), wanted)
    require_curation(principal, network, what)
    return network


def _cursor(after: str | None) -> str | None:
    return None if after is None else arg.text(after, "after", arg.MAX_CURSOR)


@strawberry.type
class NetworkReviewQueries:
    @strawberry.field(
        description="Providers in the network's regions who meet its vetting criteria (verified; with "
        "`includeNeedsReview`, also those who only need review) and are not members yet, searched region by "
        f"region and judged a page at a time: `first` at most {MAX_CANDIDATES}, `after` a previous endCursor. "
        "For the tenant that owns the network and admins; ARCHIVED for an archived network."
    )
    async def network_candidates(
        self,
        info: strawberry.Info,
        network_id: strawberry.ID,
        first: int = DEFAULT_CANDIDATES,
        after: str | None = None,
        include_needs_review: bool = False,
    ) -> CandidatePage:
        arg.page(first, 0, MAX_CANDIDATES)
        cursor = _cursor(after)
        network = await owned_network(info, network_id, "candidates")
        statuses = [VettingStatus.VERIFIED] + ([VettingStatus.NEEDS_REVIEW] if include_needs_review else [])
        page = await info.context.run(
            network_candidates.candidates_page,
            info.context.store,
            network,
            info.context.today,
            first=first,
            after=cursor,
            statuses=statuses,
        )
        return CandidatePage(
            candidates=[NetworkCandidate.of(c) for c in page.candidates],
            end_cursor=page.end_cursor,
            has_next_page=page.has_next_page,
            scanned=page.scanned,
        )

    @strawberry.field(
        description="What changed since the last review (markNetworkReviewed), member by member in NPI order: "
        "each member's current vetting against the result the review saw (a member never reviewed: its first "
        "result). A new exclusion, an expired licence, a fact gone stale show as check changes. With "
        f"`includeUnchanged`, every member is listed. `first` at most {MAX_REVIEW}; `after` a previous endCursor. "
        "For the tenant that owns the network and admins."
    )
    async def network_changes_since_review(
        self,
        info: strawberry.Info,
        network_id: strawberry.ID,
        first: int = DEFAULT_REVIEW,
        after: str | None = None,
        include_unchanged: bool = False,
    ) -> ChangesSinceReview:
        arg.page(first, 0, MAX_REVIEW)
        cursor = _cursor(after)
        network = await owned_network(info, network_id, "reviews")
        store = info.context.store
        page = await info.context.run(
            member_review.changes_since_review,
            store,
            network,
            info.context.today,
            first=first,
            after=cursor,
            only_changed=not include_unchanged,
        )
        last = await info.context.run(last_review, store, network.id)
        return ChangesSinceReview(
            last_review=None if last is None else NetworkEvent.of(last),
            members=[MemberSinceReview.of(r) for r in page.items],
            end_cursor=page.end_cursor,
            has_next_page=page.has_next_page,
            scanned=page.scanned,
        )

    @strawberry.field(
        description="The network's history, newest first: created, renamed, regions and criteria changed, members "
        "added and removed (with the decision and note), reviewed, archived. `first` at most 200; `before` an "
        "event's seq. For the tenant that owns the network and admins."
    )
    async def network_history(
        self, info: strawberry.Info, network_id: strawberry.ID, first: int = DEFAULT_HISTORY, before: int | None = None
    ) -> list[NetworkEvent]:
        network = await owned_network(info, network_id, "history")
        return await history_page(info, network, first, before)

    @strawberry.field(
        description="The network's members as CSV in NPI order (columns: "
        + ",".join(member_export.COLUMNS)
        + f"): `first` rows at most {MAX_EXPORT}, `after` a previous endCursor. For the tenant that owns the "
        "network and admins."
    )
    async def export_network_members(
        self, info: strawberry.Info, network_id: strawberry.ID, first: int = DEFAULT_EXPORT, after: str | None = None
    ) -> MemberExport:
        arg.page(first, 0, MAX_EXPORT)
        start = None if after is None else arg.npi(after)
        network = await owned_network(info, network_id, "members")
        page = await info.context.run(
            member_export.export_page, info.context.store, network, info.context.today, first=first, after=start
        )
        return MemberExport(csv=page.text, rows=page.rows, end_cursor=page.end_cursor, has_next_page=page.has_next_page)
