"""GraphQL types of vetting under criteria: the criteria, a result (verified,
needs review or failed, each check with its reason and the evidence behind it),
a member's current result with what changed since the one before, and the
resolvers of the vetting fields of Network (its owner's and admins' only, see
schema/auth.py). The rules are the services'; these map their records."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from directory import model
from directory.model import VettingStatus
from directory.services import network_vetting as service
from scoring import Change

from .. import arguments as arg
from ..auth import require_vetting
from ..errors import ErrorCode
from ..limits import bounded_list
from ..providers.enums import CheckStatus  # registered there: importing it from here keeps one definition

if TYPE_CHECKING:
    from ..providers.types import Provider

ProviderRef = Annotated["Provider", strawberry.lazy("schema.providers.types")]

#: The checks a result reports (scoring.CRITERIA_CHECKS has seven), the evidence of one check,
#: and the changes between two results (the status and each check at most).
MAX_CHECKS, MAX_CHECK_EVIDENCE, MAX_CHANGES = 8, 12, 9
#: ``first`` of Network.memberVetting and of vettingHistory: default and maximum.
DEFAULT_MEMBER_VETTING, MAX_MEMBER_VETTING = 20, 100
DEFAULT_HISTORY, MAX_HISTORY = 20, 100
#: Items of a list of the criteria (directory.services.criteria.MAX_ITEMS).
MAX_CRITERIA_ITEMS = 20

strawberry.enum(VettingStatus, description="A provider's standing against a network's vetting criteria.")


@strawberry.type(description="A fact a judgment relied on: which fact, its source and date.")
class EvidenceRef:
    fact: str
    source: str
    retrieved: date
    method: str
    confidence: float

    @classmethod
    def of(cls, e: model.EvidenceRef) -> EvidenceRef:
        return cls(fact=e.fact, source=e.source, retrieved=e.retrieved, method=e.method, confidence=e.confidence)


@strawberry.type(description="One check of a vetting under criteria.")
class CriteriaCheck:
    name: str
    status: CheckStatus
    required: bool = strawberry.field(description="Whether the criteria require it; only required checks decide.")
    reason: str
    evidence: list[EvidenceRef] = bounded_list(MAX_CHECK_EVIDENCE, "The facts behind the reason.")


@strawberry.type(description="A vetting result: the status, each check, and what produced it.")
class VettingOutcome:
    npi: str
    status: VettingStatus
    checks: list[CriteriaCheck] = bounded_list(MAX_CHECKS)
    scoring_version: str = strawberry.field(description="The version of the rules that judged it.")
    judged_on: date = strawberry.field(description="When it was judged (a stored result: when it was recorded).")
    fingerprint: str = strawberry.field(
        description="Digest of everything the judgment read: facts and their evidence, criteria, rules."
    )
    seq: int = strawberry.field(description="Its place in the provider's history for the network; 0: not stored.")

    @classmethod
    def of(cls, r: model.VettingRecord) -> VettingOutcome:
        return cls(
            npi=r.npi,
            status=r.status,
            checks=[
                CriteriaCheck(
                    name=c.name,
                    status=CheckStatus(c.status),
                    required=c.required,
                    reason=c.reason,
                    evidence=[EvidenceRef.of(e) for e in c.evidence],
                )
                for c in r.checks
            ],
            scoring_version=r.scoring_version,
            judged_on=r.judged_on,
            fingerprint=r.fingerprint,
            seq=r.seq,
        )


@strawberry.type(description="What changed in a check (or, with no check, in the status) between two results.")
class VettingChange:
    check: str | None
    before: str | None = strawberry.field(description="Null: the check is new.")
    after: str
    reason: str

    @classmethod
    def of(cls, c: Change) -> VettingChange:
        return cls(check=c.check, before=c.before, after=c.after, reason=c.reason)


@strawberry.type(description="A member's current vetting for the network, and what changed since the result before.")
class MemberVetting:
    npi: str
    current: VettingOutcome
    previous: VettingOutcome | None
    changes: list[VettingChange] = bounded_list(MAX_CHANGES, "Since the previous result (the last review).")
    recorded_now: bool = strawberry.field(description="This read recorded the current result: it had changed.")

    @classmethod
    def of(cls, m: service.MemberVetting) -> MemberVetting:
        return cls(
            npi=m.current.npi,
            current=VettingOutcome.of(m.current),
            previous=None if m.previous is None else VettingOutcome.of(m.previous),
            changes=[VettingChange.of(c) for c in m.changes],
            recorded_now=m.recorded,
        )

    @strawberry.field
    async def provider(self, info: strawberry.Info) -> ProviderRef | None:
        from ..providers.types import load_provider

        return await load_provider(info, self.npi)


@strawberry.type(description="What a network requires of its providers (see the README's vetting criteria).")
class VettingCriteria:
    network_id: strawberry.ID | None = strawberry.field(description="Null for the default criteria.")
    is_default: bool = strawberry.field(description="The default criteria: the network has none of its own.")
    required_checks: list[str] = bounded_list(MAX_CHECKS)
    accepted_license_statuses: list[str] = bounded_list(MAX_CRITERIA_ITEMS)
    required_exclusion_lists: list[str] = bounded_list(MAX_CRITERIA_ITEMS)
    min_trd_expertise: float
    max_fact_age_days: int | None = strawberry.field(description="Older evidence cannot verify; null: no limit.")
    set_by: str
    set_on: date | None

    @classmethod
    def of(cls, c: model.VettingCriteria) -> VettingCriteria:
        return cls(
            network_id=strawberry.ID(c.network_id) if c.network_id else None,
            is_default=not c.network_id,
            required_checks=list(c.required_checks),
            accepted_license_statuses=list(c.accepted_license_statuses),
            required_exclusion_lists=list(c.required_exclusion_lists),
            min_trd_expertise=c.min_trd_expertise,
            max_fact_age_days=c.max_fact_age_days,
            set_by=c.set_by,
            set_on=c.set_on,
        )


@strawberry.input(description="Vetting criteria; the rules are the README's (`not_excluded` is always required).")
class VettingCriteriaInput:
    required_checks: list[str]
    accepted_license_statuses: list[str]
    required_exclusion_lists: list[str] = strawberry.field(default_factory=list)
    min_trd_expertise: float = 0.0
    max_fact_age_days: int | None = 90

    def as_dict(self) -> dict:
        for values, what in (
            (self.required_checks, "requiredChecks"),
            (self.accepted_license_statuses, "acceptedLicenseStatuses"),
            (self.required_exclusion_lists, "requiredExclusionLists"),
        ):
            arg.items(values, what, MAX_CRITERIA_ITEMS)
        return {
            "required_checks": list(self.required_checks),
            "accepted_license_statuses": list(self.accepted_license_statuses),
            "required_exclusion_lists": list(self.required_exclusion_lists),
            "min_trd_expertise": self.min_trd_expertise,
            "max_fact_age_days": self.max_fact_age_days,
        }


@strawberry.type(description="Why a vetting change was refused.")
class VettingError:
    code: ErrorCode
    message: str


@strawberry.type(description="Criteria set, and how many member results they changed; nothing set when `errors`.")
class VettingCriteriaPayload:
    criteria: VettingCriteria | None
    results_recorded: int = strawberry.field(description="Member results that changed under the new criteria.")
    errors: list[VettingError] = bounded_list(1)


# ------------------------------------------------ resolvers of Network's fields
async def criteria_of_network(info: strawberry.Info, network: model.Network) -> VettingCriteria:
    require_vetting(info.context.principal, network)
    from directory.services.criteria import criteria_of

    return VettingCriteria.of(await info.context.run(criteria_of, info.context.store, network.id))


async def member_vetting_page(
    info: strawberry.Info, network: model.Network, first: int, offset: int
) -> list[MemberVetting]:
    """A page of the network's members (NPI order), each with its current vetting,
    recorded when it changed."""
    arg.page(first, offset, MAX_MEMBER_VETTING)
    require_vetting(info.context.principal, network)
    members = await info.context.loaders.members.load(network.id)
    page = [m.npi for m in members[offset : offset + first]]
    if not page:
        return []
    found = await info.context.run(service.network_vetting, info.context.store, network.id, page, info.context.today)
    return [MemberVetting.of(found[npi]) for npi in page if npi in found]
