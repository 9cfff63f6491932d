"""Vetting and TRD expertise of providers: the facts come from the store, the
judgment from ``scoring``. Every entry point (GraphQL, CLI, network curation)
asks here, so a provider is judged the same way wherever the question comes from.

The facts a judgment needs travel as one :class:`ProviderFacts`, which callers
that batch their reads (GraphQL's DataLoaders) can build themselves; callers
with a store and NPIs use :func:`provider_facts` (a fixed number of round trips
whatever the number of NPIs).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from scoring import Expertise, Vetting, judge, trd_expertise, vet

from ..model import (
    Credential,
    Exclusion,
    ExclusionListLoad,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
    TreatmentOffering,
    VettingCriteria,
    VettingRecord,
)
from ..reference import DEFAULT_SCOPE
from ..store import Store

#: Taxonomies that fit TRD care: the behavioural-health and ketamine-capable codes.
FITTING_TAXONOMIES = DEFAULT_SCOPE


@dataclass(frozen=True, slots=True)
class ProviderFacts:
    """What a vetting or expertise judgment reads about one provider."""

    record: ProviderRecord
    locations: tuple[ProviderLocation, ...] = ()
    taxonomies: tuple[ProviderTaxonomy, ...] = ()
    credentials: tuple[Credential, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    treatments: tuple[TreatmentOffering, ...] = ()


def provider_facts(store: Store, npis: Iterable[str]) -> dict[str, ProviderFacts]:
    """The facts of every NPI the store holds (missing NPIs are absent); six round trips."""
    wanted = sorted(set(npis))
    records = store.providers(wanted)
    found = sorted(records)
    if not found:
        return {}
    locations, taxonomies = store.locations_for(found), store.taxonomies_for(found)
    credentials, exclusions = store.credentials_for(found), store.exclusions_for(found)
    treatments = store.treatments_for(found)
    return {
        npi: ProviderFacts(
            records[npi],
            tuple(locations.get(npi, ())),
            tuple(taxonomies.get(npi, ())),
            tuple(credentials.get(npi, ())),
            tuple(exclusions.get(npi, ())),
            tuple(treatments.get(npi, ())),
        )
        for npi in found
    }


def vetting_of(facts: ProviderFacts, exclusion_lists: Sequence[ExclusionListLoad], today: date) -> Vetting:
    """The vetting checklist of one provider as of ``today``."""
    return vet(
        facts.record,
        locations=facts.locations,
        taxonomies=facts.taxonomies,
        credentials=facts.credentials,
        exclusions=facts.exclusions,
        treatments=facts.treatments,
        today=today,
        fitting_taxonomies=FITTING_TAXONOMIES,
        exclusion_lists=exclusion_lists,
    )


def judge_facts(
    facts: ProviderFacts,
    criteria: VettingCriteria,
    exclusion_lists: Sequence[ExclusionListLoad],
    today: date,
    network_id: str = "",
) -> VettingRecord:
    """One provider against a network's ``criteria`` as of ``today``: verified,
    needs review or failed, with each check's reason and evidence (not stored;
    see ``directory.services.network_vetting``)."""
    return judge(
        facts.record,
        locations=facts.locations,
        taxonomies=facts.taxonomies,
        credentials=facts.credentials,
        exclusions=facts.exclusions,
        treatments=facts.treatments,
        criteria=criteria,
        exclusion_lists=exclusion_lists,
        fitting_taxonomies=FITTING_TAXONOMIES,
        today=today,
        network_id=network_id,
    )


def expertise_of(facts: ProviderFacts, today: date) -> Expertise:
    """TRD expertise of one provider as of ``today``, with its reasons."""
    return trd_expertise(facts.treatments, facts.taxonomies, facts.credentials, today)


def vet_providers(store: Store, npis: Iterable[str], today: date) -> dict[str, Vetting]:
    """The vetting of every NPI the store holds (missing NPIs are absent)."""
    facts = provider_facts(store, npis)
    lists = store.exclusion_lists() if facts else []
    return {npi: vetting_of(f, lists, today) for npi, f in facts.items()}
