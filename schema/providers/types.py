"""The Provider type and the search connection. Every collection on a provider
is read through the request's DataLoaders (see schema/context.py), so asking
for it on a page of providers costs one store round trip, not one per provider."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from directory import model
from directory.errors import NotFound
from directory.services.fact_status import FactInputs, judge_facts
from directory.services.vetting import ProviderFacts, expertise_of, vetting_of
from directory.services.vetting import judge_facts as judge_vetting
from directory.store.ranking import MAX_PAGE_SIZE
from scoring import FactKind as FactStatusKind

from .. import arguments as arg
from ..auth import can_read_members
from ..evidence import Evidence, FactKind
from ..limits import bounded_list
from .enums import EntityType
from .facts import (
    AccessFacts,
    Credential,
    Exclusion,
    OtherName,
    ProviderLocation,
    ProviderTaxonomy,
    TrdExpertise,
    TreatmentOffering,
    VettingResult,
)
from .freshness import FactStatusType
from .outcomes import MAX_OUTCOMES, MIN_PATIENTS, OutcomePeriod

if TYPE_CHECKING:
    from ..matching.enums import UnknownFact
    from ..networks.types import Network
    from ..vetting.types import VettingOutcome

NetworkRef = Annotated["Network", strawberry.lazy("schema.networks.types")]
VettingOutcomeRef = Annotated["VettingOutcome", strawberry.lazy("schema.vetting.types")]
UnknownFactRef = Annotated["UnknownFact", strawberry.lazy("schema.matching.enums")]

# The most of each kind of fact one provider shows (see schema/limits.py): far
# above what NPPES and the catalogues hold for one provider (NPPES lists at
# most 15 taxonomies), and low enough that the cost estimate of a page of
# providers stays honest.
MAX_LOCATIONS = 50
MAX_TAXONOMIES = 20
MAX_CREDENTIALS = 60
MAX_TREATMENTS = 50
MAX_NETWORKS = 50
MAX_OTHER_NAMES = 20
MAX_EXCLUSIONS = 20
#: ``first`` of affiliations and subparts: its default and its maximum.
DEFAULT_RELATED, MAX_RELATED = 20, 100
#: ``first`` of factStatus: its default and its maximum (two per address, four access facts, and the lists above).
DEFAULT_FACTS, MAX_FACTS = 50, 300
#: One record, one access entry, and each list above (affiliations up to MAX_RELATED).
MAX_EVIDENCE = (
    2
    + MAX_LOCATIONS
    + MAX_TAXONOMIES
    + MAX_CREDENTIALS
    + MAX_TREATMENTS
    + MAX_OTHER_NAMES
    + MAX_EXCLUSIONS
    + MAX_RELATED
)


async def load_provider(info: strawberry.Info, npi: str) -> Provider | None:
    record = await info.context.loaders.providers.load(npi)
    return None if record is None else Provider.of(record)


@strawberry.type(description="A provider: an individual clinician (NPI type 1) or an organization (NPI type 2).")
class Provider:
    npi: str
    entity_type: EntityType
    name: str = strawberry.field(
        description="Display name: the organization's legal name, or the person's name and credential."
    )
    first_name: str | None
    middle_name: str | None
    last_name: str | None
    prefix: str | None
    suffix: str | None
    credential_text: str | None = strawberry.field(
        description="Credential as NPPES gives it, normalized (MD, PMHNP-BC ...)."
    )
    sex: str | None
    sole_proprietor: bool | None
    organization_name: str | None
    is_subpart: bool | None
    parent_organization_name: str | None
    enumeration_date: date | None
    last_update: date | None
    is_active: bool
    deactivation_date: date | None
    deactivation_reason: str | None
    reactivation_date: date | None
    replacement_npi: str | None
    record: strawberry.Private[model.ProviderRecord]

    @classmethod
    def of(cls, r: model.ProviderRecord) -> Provider:
        return cls(
            npi=r.npi,
            entity_type=r.entity_type,
            name=r.display_name,
            first_name=r.first_name,
            middle_name=r.middle_name,
            last_name=r.last_name,
            prefix=r.prefix,
            suffix=r.suffix,
            credential_text=r.credential_text,
            sex=r.sex,
            sole_proprietor=r.sole_proprietor,
            organization_name=r.organization_name,
            is_subpart=r.is_subpart,
            parent_organization_name=r.parent_organization_name,
            enumeration_date=r.enumeration_date,
            last_update=r.last_update,
            is_active=r.is_active,
            deactivation_date=r.deactivation_date,
            deactivation_reason=r.deactivation_reason,
            reactivation_date=r.reactivation_date,
            replacement_npi=r.replacement_npi,
            record=r,
        )

    @bounded_list(MAX_LOCATIONS)
    async def locations(self, info: strawberry.Info) -> list[ProviderLocation]:
        found = await info.context.loaders.locations.load(self.npi)
        return [ProviderLocation.of(x, info.context.today) for x in found]

    @bounded_list(MAX_TAXONOMIES)
    async def taxonomies(self, info: strawberry.Info) -> list[ProviderTaxonomy]:
        found = await info.context.loaders.taxonomies.load(self.npi)
        return [ProviderTaxonomy.of(x, info.context.today) for x in found]

    @bounded_list(MAX_CREDENTIALS)
    async def credentials(self, info: strawberry.Info) -> list[Credential]:
        found = await info.context.loaders.credentials.load(self.npi)
        return [Credential.of(x, info.context.today) for x in found]

    @bounded_list(MAX_TREATMENTS)
    async def treatments(self, info: strawberry.Info) -> list[TreatmentOffering]:
        found = await info.context.loaders.treatments.load(self.npi)
        return [TreatmentOffering.of(x, info.context.today) for x in found]

    @strawberry.field(description="Accepting new patients, telehealth, languages, wait; null when nothing is known.")
    async def access(self, info: strawberry.Info) -> AccessFacts | None:
        found = await info.context.loaders.access.load(self.npi)
        return None if found is None else AccessFacts.of(found, info.context.today)

    @bounded_list(MAX_NETWORKS, "Networks the provider is in that the caller may see.")
    async def networks(self, info: strawberry.Info) -> list[NetworkRef]:
        from ..networks.types import Network

        found = await info.context.loaders.networks_of.load(self.npi)
        return [Network.of(n) for n in info.context.visible(found)]

    @strawberry.field(
        description=f"An individual's organizations, or an organization's members; `first` at most {MAX_RELATED}."
    )
    async def affiliations(
        self, info: strawberry.Info, first: int = DEFAULT_RELATED, offset: int = 0
    ) -> list[Affiliation]:
        arg.page(first, offset, MAX_RELATED)
        found = await info.context.loaders.affiliations.load(self.npi)
        return [Affiliation.of(a, info.context.today) for a in found[offset : offset + first]]

    @strawberry.field(
        description="Subpart organizations of this organization (linked by parent legal name); "
        f"`first` at most {MAX_RELATED}."
    )
    async def subparts(self, info: strawberry.Info, first: int = DEFAULT_RELATED, offset: int = 0) -> list[Provider]:
        arg.page(first, offset, MAX_RELATED)
        npis = (await info.context.loaders.subparts.load(self.npi))[offset : offset + first]
        records = await info.context.loaders.providers.load_many(npis)
        return [Provider.of(r) for r in records if r is not None]

    @strawberry.field(description="The parent organization of a subpart, when it is in the directory.")
    async def parent(self, info: strawberry.Info) -> Provider | None:
        if not self.parent_organization_name:
            return None
        parents = await info.context.loaders.parents.load(self.npi)
        return await load_provider(info, parents[0]) if parents else None

    @bounded_list(MAX_OTHER_NAMES)
    async def other_names(self, info: strawberry.Info) -> list[OtherName]:
        found = await info.context.loaders.other_names.load(self.npi)
        return [OtherName.of(x, info.context.today) for x in found]

    @bounded_list(MAX_EXCLUSIONS, "Exclusions on record, in force or reinstated.")
    async def exclusions(self, info: strawberry.Info) -> list[Exclusion]:
        found = await info.context.loaders.exclusions.load(self.npi)
        return [Exclusion.of(x, info.context.today) for x in found]

    @bounded_list(
        MAX_OUTCOMES,
        f"Outcome and alliance aggregates by period, newest first; a period of fewer than {MIN_PATIENTS} patients "
        "with its figures withheld (`suppressed`).",
    )
    async def outcomes(self, info: strawberry.Info) -> list[OutcomePeriod]:
        found = await info.context.loaders.outcomes.load(self.npi)
        return [OutcomePeriod.of(x, info.context.today) for x in found[:MAX_OUTCOMES]]

    @bounded_list(MAX_EVIDENCE, "The provenance of every fact about this provider shown by the fields above.")
    async def evidence(self, info: strawberry.Info) -> list[Evidence]:
        today = info.context.today
        L = info.context.loaders
        locs, taxes, names, creds, offers, access, affs, excl = await asyncio.gather(
            L.locations.load(self.npi),
            L.taxonomies.load(self.npi),
            L.other_names.load(self.npi),
            L.credentials.load(self.npi),
            L.treatments.load(self.npi),
            L.access.load(self.npi),
            L.affiliations.load(self.npi),
            L.exclusions.load(self.npi),
        )
        out = [Evidence.of(self.record.evidence, FactKind.RECORD, f"provider record {self.npi}", today)]
        out += [ProviderLocation.of(x, today).evidence for x in locs[:MAX_LOCATIONS]]
        out += [ProviderTaxonomy.of(x, today).evidence for x in taxes[:MAX_TAXONOMIES]]
        out += [OtherName.of(x, today).evidence for x in names[:MAX_OTHER_NAMES]]
        out += [Credential.of(x, today).evidence for x in creds[:MAX_CREDENTIALS]]
        out += [TreatmentOffering.of(x, today).evidence for x in offers[:MAX_TREATMENTS]]
        if access is not None:
            out.append(AccessFacts.of(access, today).evidence)
        out += [Affiliation.of(x, today).evidence for x in affs[:MAX_RELATED]]
        out += [Exclusion.of(x, today).evidence for x in excl[:MAX_EXCLUSIONS]]
        return out

    async def _facts(self, info: strawberry.Info) -> ProviderFacts:
        L = info.context.loaders
        locs, taxes, creds, excl, offers = await asyncio.gather(
            L.locations.load(self.npi),
            L.taxonomies.load(self.npi),
            L.credentials.load(self.npi),
            L.exclusions.load(self.npi),
            L.treatments.load(self.npi),
        )
        return ProviderFacts(self.record, tuple(locs), tuple(taxes), tuple(creds), tuple(excl), tuple(offers))

    @strawberry.field(description="The vetting checklist, computed from the facts on record today.")
    async def vetting(self, info: strawberry.Info) -> VettingResult:
        facts, lists = await asyncio.gather(self._facts(info), info.context.loaders.exclusion_lists.get())
        return VettingResult.of(vetting_of(facts, lists, info.context.today))

    @strawberry.field(
        description="Vetting under the default criteria (`defaultVettingCriteria`), as navigators' general vetting: "
        "verified, needs review or failed, each check with its reason and evidence; judged today, not stored."
    )
    async def vetting_status(self, info: strawberry.Info) -> VettingOutcomeRef:
        from ..vetting.types import VettingOutcome

        L = info.context.loaders
        facts, lists, criteria = await asyncio.gather(
            self._facts(info), L.exclusion_lists.get(), L.default_criteria.get()
        )
        return VettingOutcome.of(judge_vetting(facts, criteria, lists, info.context.today))

    @strawberry.field(
        description="Each fact about the provider (address, phone, access facts, treatments, licences, board "
        "certifications, exclusions, and memberships of networks whose members the caller may read): when it was "
        "last verified and by which source, stale after 90 days, whether the sources agree, and a confidence. "
        f"`kinds` narrows it; `first` at most {MAX_FACTS}."
    )
    async def fact_status(
        self,
        info: strawberry.Info,
        kinds: list[FactStatusKind] | None = None,
        first: int = DEFAULT_FACTS,
        offset: int = 0,
    ) -> list[FactStatusType]:
        arg.page(first, offset, MAX_FACTS)
        arg.items(kinds, "kinds")
        L = info.context.loaders
        locs, creds, excl, offers, access, networks, lists = await asyncio.gather(
            L.locations.load(self.npi),
            L.credentials.load(self.npi),
            L.exclusions.load(self.npi),
            L.treatments.load(self.npi),
            L.access_facts.load(self.npi),
            L.networks_of.load(self.npi),
            L.treatment_lists.get(),
        )
        readable = [n for n in networks if can_read_members(info.context.principal, n)]
        rosters = await asyncio.gather(*(L.members.load(n.id) for n in readable))
        memberships = tuple(m for roster in rosters for m in roster if m.npi == self.npi)
        inputs = FactInputs(tuple(locs), tuple(creds), tuple(offers), tuple(access), tuple(excl), memberships)
        wanted = set(kinds or ())
        found = [f for f in judge_facts(inputs, lists, info.context.today) if not wanted or f.kind in wanted]
        return [FactStatusType.of(f) for f in found[offset : offset + first]]

    @strawberry.field(description="TRD expertise score (0..100) with the reasons that produced it.")
    async def trd_expertise(self, info: strawberry.Info) -> TrdExpertise:
        return TrdExpertise.of(expertise_of(await self._facts(info), info.context.today))


@strawberry.type(description="An individual practising at or with an organization.")
class Affiliation:
    individual_npi: str
    organization_npi: str
    role: str
    evidence: Evidence

    @classmethod
    def of(cls, a: model.Affiliation, today: date) -> Affiliation:
        return cls(
            individual_npi=a.individual_npi,
            organization_npi=a.organization_npi,
            role=a.role,
            evidence=Evidence.of(
                a.evidence, FactKind.AFFILIATION, f"affiliation {a.individual_npi} with {a.organization_npi}", today
            ),
        )

    @strawberry.field
    async def individual(self, info: strawberry.Info) -> Provider | None:
        return await load_provider(info, self.individual_npi)

    @strawberry.field
    async def organization(self, info: strawberry.Info) -> Provider | None:
        return await load_provider(info, self.organization_npi)


@strawberry.type(description="One search result.")
class ProviderEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this result.")
    distance_miles: float | None = strawberry.field(description="Great-circle miles to the nearest matching location.")
    name_score: float | None = strawberry.field(description="0..100 name match score, when a name was searched.")
    expertise: float | None = strawberry.field(description="TRD expertise (0..100), when ordered by EXPERTISE.")
    unknown: list[UnknownFactRef] = strawberry.field(
        description="Facts a filter asked about that no source gives: listed after the known ones, never dropped."
    )
    npi: strawberry.Private[str]

    @strawberry.field
    async def node(self, info: strawberry.Info) -> Provider:
        provider = await load_provider(info, self.npi)
        if provider is None:  # removed between the search and this read
            raise NotFound(f"provider {self.npi} is no longer in the directory")
        return provider


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(description="A page of search results.")
class ProviderConnection:
    edges: list[ProviderEdge] = bounded_list(MAX_PAGE_SIZE, "As many as `first` asked for.")
    page_info: PageInfo
    total_count: int
