"""Per-request context: the store, the caller and one DataLoader per batch
method of the store port.

Every loader turns the keys requested during one round of the request (see
schema/rounds.py) into a single port call, so a page of N results costs a fixed
number of store round trips whatever N is. Loaders live for one request only,
so nothing cached outlives it. No resolver calls the store on the event loop:
loaders, :meth:`Context.run` and ``rounds.off_loop`` run every call in a worker
thread, so one slow request never stalls the others.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar

from directory.model import Employer, Network, NetworkMember, Payer, Plan, VettingCriteria
from directory.services.criteria import default_criteria
from directory.services.fact_status import treatment_lists
from directory.services.network_vetting import MemberVetting, judge_members
from directory.services.outcomes import outcomes_shown
from directory.store import Store
from scoring import TreatmentList

from .auth import Principal, visible_networks
from .rounds import RoundLoader, Rounds

R = TypeVar("R")
T = TypeVar("T")


class _Once(Generic[T]):
    """One store read shared by every resolver of a request that asks for it."""

    def __init__(self, fetch: Callable[[], T], rounds: Rounds) -> None:
        self._fetch = fetch
        self._rounds = rounds
        self._task: asyncio.Future[T] | None = None

    async def get(self) -> T:
        if self._task is None:
            self._task = asyncio.ensure_future(self._rounds.call(self._fetch))
        return await self._task


def _batch(rounds: Rounds, fetch: Callable[[list[str]], Mapping[str, Any]], missing: Callable[[], Any]) -> RoundLoader:
    async def load(keys: list[str]) -> list[Any]:
        found = await rounds.call(fetch, keys)
        return [found[k] if k in found else missing() for k in keys]

    return RoundLoader(load, rounds)


def _by_id(rounds: Rounds, fetch: Callable[[list[str]], list[Any]]) -> RoundLoader:
    async def load(keys: list[str]) -> list[Any]:
        found = {item.id: item for item in await rounds.call(fetch, keys)}
        return [found.get(k) for k in keys]

    return RoundLoader(load, rounds)


def _member_statuses(
    store: Store, keys: list[tuple[Network, str, date]]
) -> dict[tuple[Network, str, date], MemberVetting]:
    """Members' current vetting, one batch per network and day asked about (each a fixed number of reads)."""
    groups: dict[tuple[Network, date], list[str]] = {}
    for network, npi, today in keys:
        groups.setdefault((network, today), []).append(npi)
    out: dict[tuple[Network, str, date], MemberVetting] = {}
    for (network, today), npis in groups.items():
        out.update({(network, npi, today): m for npi, m in judge_members(store, network, npis, today).items()})
    return out


def _members_of(store: Store, network_ids: list[str]) -> dict[str, list[NetworkMember]]:
    # The port reads one network's members per call: one round trip per network
    # asked for, all in one worker thread. Member lists are tenant-owned, so a
    # request rarely reaches more than one or two.
    return {network_id: sorted(store.network_members(network_id), key=lambda m: m.npi) for network_id in network_ids}


def _member_loader(rounds: Rounds, store: Store) -> RoundLoader:
    async def load(keys: list[tuple[Network, str, date]]) -> list[Any]:
        found = await rounds.call(_member_statuses, store, keys)
        return [found.get(key) for key in keys]

    return RoundLoader(load, rounds)


@dataclass
class Loaders:
    store: Store
    rounds: Rounds
    providers: RoundLoader = field(init=False)
    locations: RoundLoader = field(init=False)
    taxonomies: RoundLoader = field(init=False)
    credentials: RoundLoader = field(init=False)
    treatments: RoundLoader = field(init=False)
    access: RoundLoader = field(init=False)
    access_facts: RoundLoader = field(init=False)  # every source's row
    networks_of: RoundLoader = field(init=False)
    affiliations: RoundLoader = field(init=False)
    exclusions: RoundLoader = field(init=False)
    other_names: RoundLoader = field(init=False)
    subparts: RoundLoader = field(init=False)
    networks: RoundLoader = field(init=False)
    plans: RoundLoader = field(init=False)
    parents: RoundLoader = field(init=False)
    members: RoundLoader = field(init=False)
    outcomes: RoundLoader = field(init=False)
    member_status: RoundLoader = field(init=False)  # keys: (network, npi, today) of members the caller may read
    payers: _Once[list[Payer]] = field(init=False)
    employers: _Once[list[Employer]] = field(init=False)
    all_plans: _Once[list[Plan]] = field(init=False)
    all_networks: _Once[list[Network]] = field(init=False)
    default_criteria: _Once[VettingCriteria] = field(init=False)
    treatment_lists: _Once[list[TreatmentList]] = field(init=False)

    def __post_init__(self) -> None:
        s, r = self.store, self.rounds
        none = lambda: None  # noqa: E731
        self.providers = _batch(r, s.providers, none)
        self.locations = _batch(r, s.locations_for, list)
        self.taxonomies = _batch(r, s.taxonomies_for, list)
        self.credentials = _batch(r, s.credentials_for, list)
        self.treatments = _batch(r, s.treatments_for, list)
        self.access = _batch(r, s.access_for, none)
        self.access_facts = _batch(r, s.access_facts_for, list)
        self.networks_of = _batch(r, s.networks_for, list)
        self.affiliations = _batch(r, s.affiliations_for, list)
        self.exclusions = _batch(r, s.exclusions_for, list)
        self.other_names = _batch(r, s.other_names_for, list)
        self.subparts = _batch(r, s.subparts_of, list)
        self.networks = _by_id(r, s.networks)
        self.plans = _by_id(r, s.plans)
        self.parents = _batch(r, s.parents_of, list)
        self.members = _batch(r, functools.partial(_members_of, s), list)
        # what may be shown of outcome cells (small ones withheld): the service decides
        self.outcomes = _batch(r, functools.partial(outcomes_shown, s), list)
        self.member_status = _member_loader(r, s)
        self.payers = _Once(s.payers, r)
        self.employers = _Once(s.employers, r)
        self.all_plans = _Once(s.plans, r)
        self.all_networks = _Once(s.networks, r)
        self.exclusion_lists = _Once(s.exclusion_lists, r)
        self.default_criteria = _Once(functools.partial(default_criteria, s), r)
        self.treatment_lists = _Once(functools.partial(treatment_lists, s), r)


@dataclass
class Context:
    """What every resolver gets as ``info.context``."""

    store: Store
    principal: Principal
    loaders: Loaders
    today: date
    now: datetime = field(default_factory=lambda: datetime.now(UTC))  # when a curator's change is recorded

    @classmethod
    def build(cls, store: Store, principal: Principal) -> Context:
        now = datetime.now(UTC)
        return cls(store, principal, Loaders(store, Rounds()), now.date(), now)

    async def run(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """A store call of a resolver, in a worker thread and in this request's current round."""
        return await self.loaders.rounds.call(fn, *args, **kwargs)

    def visible(self, networks: list[Network]) -> list[Network]:
        """The networks that exist for the caller (see schema/auth.py)."""
        return visible_networks(self.principal, networks)
