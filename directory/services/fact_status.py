"""Freshness and agreement of each fact about a provider (issue 9 point 5),
for directory users who have been burned by stale listings: for each fact
(address, phone, accepting new patients, telehealth, wait time, languages, each
treatment, licence, board certification, network membership and exclusion),
when it was last verified and by which source, whether that is more than 90
days ago, whether its sources agree or contradict each other, and a confidence.
The rules are ``scoring.fact_status``'s; this module reads the facts.

:func:`judge_facts` judges one provider from facts already read (GraphQL's
DataLoaders build them); :func:`fact_statuses` reads and judges many. A payer's
list of stale or contradicted listings, or a network's directory-accuracy
summary, is a fold over these (``FactStatus.verified``: fresh and not contradicted).

Facts of one kind from several sources are kept apart in the store (access
facts one row per source, each placement at an address with its source's
phone, credentials and treatment offerings per source), so disagreement shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from scoring import FactStatus, TreatmentList, fact_statuses

from ..model import (
    AccessFacts,
    Credential,
    Exclusion,
    Network,
    NetworkMember,
    ProviderLocation,
    Treatment,
    TreatmentOffering,
)
from ..store import Store


@dataclass(frozen=True, slots=True)
class AuthoritativeList:
    """A list authoritative for a treatment: a provider claiming the treatment
    whom the list does not name is contradicted (with ``absence_confidence``).
    The list is recognised by the kind of site list it was loaded as
    (``provnet ingest sites --kind``), whatever ``--source`` name it was given,
    and by the evidence source of offerings written otherwise (the catalog's)."""

    treatment: Treatment
    kind: str  # a site-list kind of ingest.mapping (SourceRecord.kind)
    sources: tuple[str, ...]  # evidence sources of the list's offerings loaded otherwise
    absence_confidence: float


#: Data: a deployment with another REMS loader names its source here.
AUTHORITATIVE_LISTS: tuple[AuthoritativeList, ...] = (
    # the REMS "find a center" list is authoritative but incomplete (sites may opt out): an absence counts 0.7
    AuthoritativeList(Treatment.ESKETAMINE_REMS, "esketamine_rems", ("rems_list",), 0.7),
)


@dataclass(frozen=True, slots=True)
class FactInputs:
    """What the freshness and agreement of one provider's facts is judged from."""

    locations: tuple[ProviderLocation, ...] = ()
    credentials: tuple[Credential, ...] = ()
    treatments: tuple[TreatmentOffering, ...] = ()
    access: tuple[AccessFacts, ...] = ()  # every source's row
    exclusions: tuple[Exclusion, ...] = ()
    memberships: tuple[NetworkMember, ...] = ()


def treatment_lists(store: Store) -> list[TreatmentList]:
    """The authoritative lists loaded so far (two round trips). A list may have
    been loaded under several names (site lists of its kind, each as of its
    newest file; other sources as of their newest offering): it counts once, as
    of its newest load, and an offering from any of them names the provider."""
    loads: dict[str, list[tuple[date, str]]] = {}
    for held in store.record_sources():
        loads.setdefault(held.kind, []).append((held.as_of, held.source))
    loaded = store.newest_offering_dates(s for a in AUTHORITATIVE_LISTS for s in a.sources)
    out = []
    for a in AUTHORITATIVE_LISTS:
        found = loads.get(a.kind, []) + [(loaded[s], s) for s in a.sources if s in loaded]
        if not found:
            continue
        as_of, newest = max(found)
        others = tuple(sorted(name for _, name in found if name != newest))
        out.append(TreatmentList(a.treatment, newest, as_of, a.absence_confidence, others))
    return out


def judge_facts(inputs: FactInputs, lists: Sequence[TreatmentList], today: date) -> tuple[FactStatus, ...]:
    """Every fact of one provider, by kind then fact, as of ``today``."""
    return fact_statuses(
        locations=inputs.locations,
        credentials=inputs.credentials,
        treatments=inputs.treatments,
        access=inputs.access,
        exclusions=inputs.exclusions,
        memberships=inputs.memberships,
        treatment_lists=lists,
        today=today,
    )


def fact_inputs(
    store: Store, npis: Iterable[str], *, networks: Callable[[Network], bool] = lambda _: True
) -> dict[str, FactInputs]:
    """The inputs of every NPI the store holds (missing NPIs are absent). Network
    memberships count for the networks ``networks`` admits (a member list is its
    owner's business: the caller says whose it may show); one round trip per such network."""
    wanted = sorted(set(npis))
    found = sorted(store.providers(wanted))
    if not found:
        return {}
    locations, credentials = store.locations_for(found), store.credentials_for(found)
    treatments, access = store.treatments_for(found), store.access_facts_for(found)
    exclusions, in_networks = store.exclusions_for(found), store.networks_for(found)
    shown = sorted({n.id for held in in_networks.values() for n in held if networks(n)})
    memberships: dict[str, list[NetworkMember]] = {}
    for network_id in shown:
        for m in store.network_members(network_id):
            if m.npi in in_networks:
                memberships.setdefault(m.npi, []).append(m)
    return {
        npi: FactInputs(
            tuple(locations.get(npi, ())),
            tuple(credentials.get(npi, ())),
            tuple(treatments.get(npi, ())),
            tuple(access.get(npi, ())),
            tuple(exclusions.get(npi, ())),
            tuple(memberships.get(npi, ())),
        )
        for npi in found
    }


def fact_statuses_of(
    store: Store, npis: Iterable[str], today: date, *, networks: Callable[[Network], bool] = lambda _: True
) -> dict[str, tuple[FactStatus, ...]]:
    """Every fact of each NPI the store holds, judged as of ``today``."""
    inputs = fact_inputs(store, npis, networks=networks)
    lists = treatment_lists(store) if inputs else []
    return {npi: judge_facts(i, lists, today) for npi, i in inputs.items()}
