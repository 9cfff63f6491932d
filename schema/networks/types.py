"""GraphQL types of payers, plans, employers and networks."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from directory import model
from directory.model import MemberDecision, NetworkKind, NetworkStatus

from .. import arguments as arg
from ..auth import require_curation, require_members
from ..errors import ErrorCode
from ..evidence import Evidence, FactKind
from ..limits import bounded_list

if TYPE_CHECKING:
    from ..providers.types import Provider
    from ..vetting.types import MemberVetting, VettingCriteria
    from .curation import NetworkEvent, Region

ProviderRef = Annotated["Provider", strawberry.lazy("schema.providers.types")]
RegionRef = Annotated["Region", strawberry.lazy("schema.networks.curation")]
NetworkEventRef = Annotated["NetworkEvent", strawberry.lazy("schema.networks.curation")]
VettingStatusRef = model.VettingStatus
MemberVettingRef = Annotated["MemberVetting", strawberry.lazy("schema.vetting.types")]
VettingCriteriaRef = Annotated["VettingCriteria", strawberry.lazy("schema.vetting.types")]

#: ``first`` of the catalogue lists (payers, plans, employers, networks): its default and its maximum.
DEFAULT_PAGE, MAX_PAGE = 20, 100
#: ``first`` of networkMembers and of Network.members (nested, so a smaller default): defaults and maximum.
DEFAULT_MEMBERS, DEFAULT_NESTED_MEMBERS, MAX_MEMBERS = 100, 20, 1000
#: A plan uses a handful of networks.
MAX_PLAN_NETWORKS = 10
#: Regions of a network (directory.services.regions.MAX_REGIONS); plans an employer offers.
MAX_REGIONS = 20
MAX_EMPLOYER_PLANS = 50
#: Most NPIs one change of a network may name.
MAX_NPIS_PER_CHANGE = 1000

# registers the domain's enum itself, so annotations name a real type
strawberry.enum(NetworkKind, description="A payer's contracted network or an employer's vetted one.")
strawberry.enum(MemberDecision, description="Why a curator added a provider to a network or removed one.")
strawberry.enum(NetworkStatus, description="ACTIVE, or ARCHIVED: kept with its history, taking no changes.")


def by_id(item: Any) -> str:
    return str(item.id)


@strawberry.type(description="A payer's contracted network or an employer's vetted network.")
class Network:
    id: strawberry.ID
    name: str
    kind: NetworkKind
    owner_id: str = strawberry.field(description="The owning payer's or employer's id.")
    status: NetworkStatus
    record: strawberry.Private[model.Network]

    @classmethod
    def of(cls, n: model.Network) -> Network:
        return cls(id=strawberry.ID(n.id), name=n.name, kind=n.kind, owner_id=n.owner_id, status=n.status, record=n)

    @bounded_list(
        MAX_REGIONS,
        "Where the network looks for candidates: for the tenant that owns the network and admins "
        "(null and FORBIDDEN for anyone else).",
    )
    def regions(self, info: strawberry.Info) -> list[RegionRef] | None:
        from .curation import Region

        require_curation(info.context.principal, self.record, "regions")
        return [Region.of(r) for r in self.record.regions]

    @strawberry.field(
        description="The network's history, newest first: for the tenant that owns the network and admins "
        "(null and FORBIDDEN for anyone else); `first` at most 200, `before` an event's seq."
    )
    async def history(
        self, info: strawberry.Info, first: int = 50, before: int | None = None
    ) -> list[NetworkEventRef] | None:
        from .curation import history_page

        return await history_page(info, self.record, first, before)

    @strawberry.field(
        description="The members in NPI order, with who added each and why: for the tenant that owns the network "
        f"and admins (null and FORBIDDEN for anyone else); `first` at most {MAX_MEMBERS}."
    )
    async def members(
        self, info: strawberry.Info, first: int = DEFAULT_NESTED_MEMBERS, offset: int = 0
    ) -> list[NetworkMember] | None:
        return await members_page(info, self.record, first, offset)

    @strawberry.field(
        description="The vetting criteria that apply to the network (its own, else the default): for the tenant "
        "that owns the network and admins (null and FORBIDDEN for anyone else)."
    )
    async def vetting_criteria(self, info: strawberry.Info) -> VettingCriteriaRef | None:
        from ..vetting.types import criteria_of_network

        return await criteria_of_network(info, self.record)

    @strawberry.field(
        description="Members in NPI order, each verified, needs review or failed under the network's criteria with "
        "the reasons and evidence, and what changed since the previous result; judged again from the evidence held "
        "today and recorded when it changed. For the tenant that owns the network and admins; "
        "`first` at most 100."
    )
    async def member_vetting(
        self, info: strawberry.Info, first: int = 20, offset: int = 0
    ) -> list[MemberVettingRef] | None:
        from ..vetting.types import member_vetting_page

        return await member_vetting_page(info, self.record, first, offset)


async def members_page(info: strawberry.Info, network: model.Network, first: int, offset: int) -> list[NetworkMember]:
    """A page of a network's member list, for whoever may read it (schema/auth.py)."""
    arg.page(first, offset, MAX_MEMBERS)
    require_members(info.context.principal, network)
    found = await info.context.loaders.members.load(network.id)
    return [NetworkMember.of(m, info.context.today, network) for m in found[offset : offset + first]]


@strawberry.type(description="A health plan and the networks it uses.")
class Plan:
    id: strawberry.ID
    name: str
    product_type: str = strawberry.field(description="e.g. MA-HMO, PPO, Commercial.")
    payer_id: str
    network_ids: strawberry.Private[tuple[str, ...]]

    @classmethod
    def of(cls, p: model.Plan) -> Plan:
        return cls(
            id=strawberry.ID(p.id),
            name=p.name,
            product_type=p.product_type,
            payer_id=p.payer_id,
            network_ids=p.network_ids,
        )

    @bounded_list(MAX_PLAN_NETWORKS, "The networks of the plan the caller may see.")
    async def networks(self, info: strawberry.Info) -> list[Network]:
        found = await info.context.loaders.networks.load_many(list(self.network_ids))
        return [Network.of(n) for n in info.context.visible([n for n in found if n is not None])]


@strawberry.type
class Payer:
    id: strawberry.ID
    name: str

    @strawberry.field(description=f"The payer's plans by id; `first` at most {MAX_PAGE}.")
    async def plans(self, info: strawberry.Info, first: int = DEFAULT_PAGE, offset: int = 0) -> list[Plan]:
        arg.page(first, offset, MAX_PAGE)
        mine = sorted((p for p in await info.context.loaders.all_plans.get() if p.payer_id == self.id), key=by_id)
        return [Plan.of(p) for p in mine[offset : offset + first]]


@strawberry.type
class Employer:
    id: strawberry.ID
    name: str
    plan_ids: list[str] = bounded_list(
        MAX_EMPLOYER_PLANS, "The payers' plans it offers its employees (what its benefit gap audit may name)."
    )


@strawberry.type(
    description="A provider's membership of a network: who added it and when, the curator's decision and note, "
    "and the last review."
)
class NetworkMember:
    npi: str
    added_on: date | None
    evidence: Evidence
    decision: MemberDecision | None = strawberry.field(description="Null: added by a roster or catalog load.")
    decided_by: str | None
    decided_at: datetime | None
    note: str | None
    reviewed_at: datetime | None = strawberry.field(description="When a review last saw this member; null: never.")
    network: strawberry.Private[model.Network]

    @classmethod
    def of(cls, m: model.NetworkMember, today: date, network: model.Network) -> NetworkMember:
        return cls(
            npi=m.npi,
            added_on=m.added_on,
            evidence=Evidence.of(
                m.evidence, FactKind.NETWORK_MEMBERSHIP, f"member {m.npi} of network {m.network_id}", today
            ),
            decision=m.decision,
            decided_by=m.decided_by,
            decided_at=m.decided_at,
            note=m.note,
            reviewed_at=m.reviewed_at,
            network=network,
        )

    @strawberry.field(
        description="The member's current vetting status under the network's criteria, judged from the evidence "
        "held today (recorded when it changed; see Network.memberVetting for the checks)."
    )
    async def vetting_status(self, info: strawberry.Info) -> VettingStatusRef | None:
        found = await info.context.loaders.member_status.load((self.network, self.npi, info.context.today))
        return None if found is None else found.current.status

    @strawberry.field
    async def provider(self, info: strawberry.Info) -> ProviderRef | None:
        from ..providers.types import load_provider

        return await load_provider(info, self.npi)


@strawberry.type(description="Why a network change was refused. `npi` names the row at fault, if one was.")
class NetworkError:
    code: ErrorCode
    message: str
    npi: str | None = None
    failed_checks: list[str] = strawberry.field(
        default_factory=list, description="For VETTING_FAILED: the vetting checks the provider fails."
    )


@strawberry.type(
    description="Result of adding or removing network members. The change is all or nothing: "
    "when `errors` is not empty nothing was changed."
)
class NetworkMembersPayload:
    network: Network | None
    changed: int = strawberry.field(description="Memberships added (new ones only) or removed.")
    errors: list[NetworkError] = bounded_list(MAX_NPIS_PER_CHANGE)  # one per NPI of the change at most
