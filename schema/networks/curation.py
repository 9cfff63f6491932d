"""GraphQL types of network curation: regions, the history of events, member
decisions, candidates, what changed since the last review, the CSV export,
and the payloads of the lifecycle mutations. The rules are the services'
(``directory.services.network_lifecycle``, ``networks``, ``network_candidates``,
``member_review``, ``member_export``); these map their records."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from directory import model
from directory.model import MemberDecision, NetworkEventKind
from directory.services import member_review, network_candidates
from directory.services import regions as regions_of

from ..limits import bounded_list
from .types import Network, NetworkError

if TYPE_CHECKING:
    from ..providers.types import Provider
    from ..vetting.types import VettingChange, VettingOutcome

ProviderRef = Annotated["Provider", strawberry.lazy("schema.providers.types")]
VettingOutcomeRef = Annotated["VettingOutcome", strawberry.lazy("schema.vetting.types")]
VettingChangeRef = Annotated["VettingChange", strawberry.lazy("schema.vetting.types")]

#: ``first`` of networkHistory and Network.history; of networkCandidates; of networkChangesSinceReview.
DEFAULT_HISTORY, MAX_HISTORY = 50, 200
DEFAULT_CANDIDATES, MAX_CANDIDATES = 20, network_candidates.MAX_PAGE
DEFAULT_REVIEW, MAX_REVIEW = 20, member_review.MAX_PAGE
#: Changes between two results (the status and each check at most), as vetting's.
MAX_CHANGES = 9
#: Regions of a network (directory.services.regions.MAX_REGIONS).
MAX_REGIONS = regions_of.MAX_REGIONS

strawberry.enum(NetworkEventKind, description="What an entry of a network's history records.")


@strawberry.type(description="Where a vetted network looks for candidates: a state, or a ZIP code and a radius.")
class Region:
    state: str | None
    zip: str | None
    radius_miles: float | None
    label: str

    @classmethod
    def of(cls, r: model.Region) -> Region:
        return cls(state=r.state, zip=r.zip5, radius_miles=r.radius_miles, label=regions_of.label(r))


@strawberry.input(description="A region: `state` (two letters), or `zip` with `radiusMiles` (at most 250).")
class RegionInput:
    state: str | None = None
    zip: str | None = None
    radius_miles: float | None = None

    def to_region(self) -> model.Region:
        return regions_of.region(
            None if self.state is None else self.state[:10],
            None if self.zip is None else self.zip[:10],
            self.radius_miles,
        )


def regions_from(values: list[RegionInput]) -> tuple[model.Region, ...]:
    """The regions of an argument, checked (InputError naming the fault)."""
    from directory.errors import InputError

    if len(values) > MAX_REGIONS:
        raise InputError(f"a network may have at most {MAX_REGIONS} regions")
    return regions_of.checked(r.to_region() for r in values)


@strawberry.type(description="One entry of a network's history: who changed what, when (UTC), and why.")
class NetworkEvent:
    seq: int = strawberry.field(description="Numbers the network's events from 1.")
    kind: NetworkEventKind
    at: datetime
    actor: str = strawberry.field(description="Who: a role and tenant, e.g. `employer:acme`, or `admin`.")
    npi: str | None = strawberry.field(description="The provider added or removed.")
    decision: MemberDecision | None
    note: str | None
    detail: str = strawberry.field(description="What changed, e.g. `renamed 'A' -> 'B'`.")

    @classmethod
    def of(cls, e: model.NetworkEvent) -> NetworkEvent:
        return cls(
            seq=e.seq,
            kind=e.kind,
            at=e.at,
            actor=e.actor,
            npi=e.npi,
            decision=e.decision,
            note=e.note,
            detail=e.detail,
        )


@strawberry.type(
    description="Result of a change of a network (create, rename, regions, archive, review); nothing was changed "
    "when `errors` is not empty."
)
class NetworkPayload:
    network: Network | None
    event: NetworkEvent | None = strawberry.field(description="The history entry the change recorded.")
    members_reviewed: int = strawberry.field(default=0, description="For markNetworkReviewed: members marked.")
    errors: list[NetworkError] = bounded_list(1)


@strawberry.type(description="A provider in a vetted network's regions who meets its criteria and is not a member.")
class NetworkCandidate:
    npi: str
    name: str
    region: Region = strawberry.field(description="The first of the network's regions the provider practises in.")
    distance_miles: float | None = strawberry.field(description="From the ZIP of a ZIP region.")
    vetting: VettingOutcomeRef = strawberry.field(description="Judged under the network's criteria (not stored).")

    @classmethod
    def of(cls, c: network_candidates.Candidate) -> NetworkCandidate:
        from ..vetting.types import VettingOutcome

        return cls(
            npi=c.npi,
            name=c.display_name,
            region=Region.of(c.region),
            distance_miles=c.distance_miles,
            vetting=VettingOutcome.of(c.result),
        )

    @strawberry.field
    async def provider(self, info: strawberry.Info) -> ProviderRef | None:
        from ..providers.types import load_provider

        return await load_provider(info, self.npi)


@strawberry.type(description="A page of candidates; pass `endCursor` as `after` for the next.")
class CandidatePage:
    candidates: list[NetworkCandidate] = bounded_list(MAX_CANDIDATES)
    end_cursor: str | None
    has_next_page: bool
    scanned: int = strawberry.field(description="Providers of the regions judged for this page.")


@strawberry.type(description="A member whose vetting changed since the last review saw it.")
class MemberSinceReview:
    npi: str
    reviewed_at: datetime | None = strawberry.field(
        description="Null: never reviewed (compared with its first result)."
    )
    decision: MemberDecision | None
    current: VettingOutcomeRef
    baseline: VettingOutcomeRef | None = strawberry.field(description="The result the last review saw.")
    changes: list[VettingChangeRef] = bounded_list(MAX_CHANGES, "Since the last review.")

    @classmethod
    def of(cls, r: member_review.MemberReview) -> MemberSinceReview:
        from ..vetting.types import VettingChange, VettingOutcome

        return cls(
            npi=r.member.npi,
            reviewed_at=r.member.reviewed_at,
            decision=r.member.decision,
            current=VettingOutcome.of(r.current),
            baseline=None if r.baseline is None else VettingOutcome.of(r.baseline),
            changes=[VettingChange.of(c) for c in r.changes],
        )

    @strawberry.field
    async def provider(self, info: strawberry.Info) -> ProviderRef | None:
        from ..providers.types import load_provider

        return await load_provider(info, self.npi)


@strawberry.type(description="What changed since the last review, member by member; pass `endCursor` as `after`.")
class ChangesSinceReview:
    last_review: NetworkEvent | None = strawberry.field(description="The network's last REVIEWED event.")
    members: list[MemberSinceReview] = bounded_list(MAX_REVIEW)
    end_cursor: str | None
    has_next_page: bool
    scanned: int = strawberry.field(description="Members judged for this page.")


@strawberry.type(description="Members as CSV (header included); pass `endCursor` as `after` for the next rows.")
class MemberExport:
    csv: str
    rows: int
    end_cursor: str | None
    has_next_page: bool


async def history_page(
    info: strawberry.Info, network: model.Network, first: int, before: int | None
) -> list[NetworkEvent]:
    """A page of the network's history, for whoever may read it (schema/auth.py)."""
    from directory.errors import InputError

    from .. import arguments as arg
    from ..auth import require_curation

    arg.page(first, 0, MAX_HISTORY)
    if before is not None and before < 1:
        raise InputError("before must be an event's seq (1 or more)")
    require_curation(info.context.principal, network, "history")
    found = await info.context.run(info.context.store.network_events, network.id, before=before, limit=first)
    return [NetworkEvent.of(e) for e in found]
