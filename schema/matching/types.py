"""GraphQL types of matching: the ranked matches, each explaining itself, and
what was relaxed to fill the list. The provider, its nearest location and the
evidence of its treatment claims are read through the request's DataLoaders, so
a page of matches costs a fixed number of store round trips whatever its size."""

from __future__ import annotations

from datetime import date

import strawberry

from directory.errors import NotFound
from directory.model import Treatment as TreatmentValue
from directory.services import matching

from ..limits import bounded_list
from ..providers.enums import CheckStatus, EntityType, Treatment
from ..providers.facts import ExpertiseReason, ProviderLocation, TrdExpertise, TreatmentOffering, VettingCheck
from ..providers.types import MAX_TREATMENTS, Provider, load_provider
from .enums import MatchErrorCode, Relaxation, UnknownFact, Via

#: Components of a score, relaxation steps, unknown-fact kinds: the sizes of their enums.
MAX_COMPONENTS = 5
MAX_RELAXED = len(matching.Relaxation)
MAX_UNKNOWN = len(matching.UnknownFact)
MAX_NOTES = 5
MAX_CHECKS = 10  # scoring.vet makes six


@strawberry.type(description="One part of a match score.")
class ScoreComponent:
    name: str = strawberry.field(description="expertise, vetting, access, distance or quality.")
    value: float | None = strawberry.field(description="0..1; null when there is nothing to measure (quality).")
    weight: float
    points: float = strawberry.field(description="What it adds to the score; the points add up to the score.")
    reason: str


@strawberry.type(description="A preference relaxed to fill the list, and how many matches that added.")
class AppliedRelaxation:
    kind: Relaxation
    detail: str
    added: int


@strawberry.type(description="The TRD pathway steps searched after the treatments tried.")
class PathwayProposal:
    pathway: str
    tried: list[Treatment]
    proposed: list[list[Treatment]] = strawberry.field(description="The untried steps searched, in pathway order.")


@strawberry.type(description="A refused request: a code to act on and a message saying why.")
class MatchProvidersError:
    code: MatchErrorCode
    message: str


@strawberry.type(description="One provider matched to the need, explaining itself.")
class ProviderMatch:
    rank: int
    score: float = strawberry.field(description="0..100: the sum of the components' points.")
    components: list[ScoreComponent] = bounded_list(MAX_COMPONENTS, built=True)
    via: Via
    distance_miles: float | None = strawberry.field(
        description="Great-circle miles to the nearest site offering a treatment asked; null for telehealth only."
    )
    relaxed: list[Relaxation] = strawberry.field(description="What had to be relaxed to list this provider.")
    unknown: list[UnknownFact] = strawberry.field(
        description="Facts the need cares about that no source gave: ranked below known ones, never dropped."
    )
    vetting_passed: bool
    vetting_checks: list[VettingCheck] = bounded_list(MAX_CHECKS, built=True)
    expertise: TrdExpertise = strawberry.field(description="TRD expertise for the treatments asked, with reasons.")
    profile_computed_on: date = strawberry.field(description="The day vetting and expertise were judged.")
    npi: str
    name: str
    entity_type: EntityType
    location_key: strawberry.Private[str | None]
    asked: strawberry.Private[tuple[TreatmentValue, ...]]

    @classmethod
    def of(cls, m: matching.Match, asked: tuple[TreatmentValue, ...]) -> ProviderMatch:
        return cls(
            rank=m.rank,
            score=m.score.score,
            components=[
                ScoreComponent(name=c.name, value=c.value, weight=c.weight, points=c.points, reason=c.reason)
                for c in m.score.components
            ],
            via=m.via,
            distance_miles=m.distance_miles,
            relaxed=list(m.relaxed),
            unknown=list(m.unknown),
            vetting_passed=m.vetting == "passed",
            vetting_checks=[
                VettingCheck(name=c.name, status=CheckStatus(c.status), reason=c.reason) for c in m.vetting_checks
            ],
            expertise=TrdExpertise(
                score=m.expertise.score,
                reasons=[ExpertiseReason(points=r.points, text=r.text) for r in m.expertise.reasons],
            ),
            profile_computed_on=m.profile_on,
            npi=m.npi,
            name=m.display_name,
            entity_type=m.entity_type,
            location_key=m.location_key,
            asked=asked,
        )

    @bounded_list(MAX_TREATMENTS, "The offerings of the treatments asked, each with its evidence (date, confidence).")
    async def treatments(self, info: strawberry.Info) -> list[TreatmentOffering]:
        found = await info.context.loaders.treatments.load(self.npi)
        return [TreatmentOffering.of(o, info.context.today) for o in found if o.treatment in self.asked]

    @strawberry.field(description="The nearest site offering a treatment asked; null for telehealth only.")
    async def location(self, info: strawberry.Info) -> ProviderLocation | None:
        if self.location_key is None:
            return None
        for place in await info.context.loaders.locations.load(self.npi):
            if place.location.key == self.location_key:
                return ProviderLocation.of(place, info.context.today)
        return None

    @strawberry.field
    async def provider(self, info: strawberry.Info) -> Provider:
        provider = await load_provider(info, self.npi)
        if provider is None:  # removed between the match and this read
            raise NotFound(f"provider {self.npi} is no longer in the directory")
        return provider


@strawberry.type(description="The ranked matches for a need, or the errors that refused it.")
class MatchProvidersPayload:
    matches: list[ProviderMatch] = bounded_list(
        matching.MAX_FIRST, "As many as `first` asked for, best first.", built=True
    )
    total_count: int = strawberry.field(description="Matches listed after relaxing (`matches` is the first of them).")
    considered: int = strawberry.field(
        description="Providers read that meet the treatment, place and plan or network: those within the maximum "
        "distance when they fill the list, else those within the widened radius too."
    )
    failed_vetting: int = strawberry.field(description="Of those, left out because a vetting check failed.")
    treatments: list[Treatment] = strawberry.field(description="The treatments searched for.")
    pathway: PathwayProposal | None = strawberry.field(description="When `tried` was given: the steps proposed.")
    relaxed: list[AppliedRelaxation] = bounded_list(
        MAX_RELAXED, "Preferences relaxed to fill the list, in order.", built=True
    )
    notes: list[str] = strawberry.field(description=f"What the answer could not do, and why. At most {MAX_NOTES}.")
    truncated: bool = strawberry.field(description="More candidates than one read returns: the nearest were ranked.")
    errors: list[MatchProvidersError] = bounded_list(1, built=True)

    @classmethod
    def refused(cls, code: MatchErrorCode, message: str) -> MatchProvidersPayload:
        return cls(
            matches=[],
            total_count=0,
            considered=0,
            failed_vetting=0,
            treatments=[],
            pathway=None,
            relaxed=[],
            notes=[],
            truncated=False,
            errors=[MatchProvidersError(code=code, message=message)],
        )

    @classmethod
    def of(cls, r: matching.MatchResult) -> MatchProvidersPayload:
        return cls(
            matches=[ProviderMatch.of(m, r.treatments) for m in r.matches],
            total_count=r.total,
            considered=r.considered,
            failed_vetting=r.failed_vetting,
            treatments=list(r.treatments),
            pathway=None
            if r.pathway is None
            else PathwayProposal(
                pathway=r.pathway.pathway,
                tried=list(r.pathway.tried),
                proposed=[list(step) for step in r.pathway.proposed],
            ),
            relaxed=[AppliedRelaxation(kind=a.kind, detail=a.detail, added=a.added) for a in r.relaxed],
            notes=list(r.notes[:MAX_NOTES]),
            truncated=r.truncated,
            errors=[],
        )
