"""Per-request context: the store, the caller and one DataLoader per batch
method of the store port.

Every loader turns the keys requested during one tick of the event loop into a
single port call, so a page of N results costs a fixed number of store round
trips whatever N is. Loaders live for one request only, so nothing cached
outlives it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from strawberry.dataloader import DataLoader

from directory.model import Network, Plan
from directory.store import Store

from .auth import Principal, can_read_network


def _batch(fetch: Callable[[list[str]], Mapping[str, Any]], missing: Callable[[], Any]) -> DataLoader:
    async def load(keys: list[str]) -> list[Any]:
        # The port is synchronous; a worker thread keeps the event loop serving
        # other requests while a Neo4j round trip is in flight.
        found = await asyncio.to_thread(fetch, keys)
        return [found[k] if k in found else missing() for k in keys]

    return DataLoader(load_fn=load)


def _by_id(fetch: Callable[[list[str]], list[Any]]) -> DataLoader:
    async def load(keys: list[str]) -> list[Any]:
        found = {item.id: item for item in await asyncio.to_thread(fetch, keys)}
        return [found.get(k) for k in keys]

    return DataLoader(load_fn=load)


#: The key of loaders that fetch one whole, small collection (e.g. the exclusion lists loaded).
ALL = "all"


def _whole(fetch: Callable[[], Any]) -> DataLoader:
    async def load(keys: list[str]) -> list[Any]:
        found = await asyncio.to_thread(fetch)
        return [found for _ in keys]

    return DataLoader(load_fn=load)


@dataclass
class Loaders:
    store: Store
    providers: DataLoader = field(init=False)
    locations: DataLoader = field(init=False)
    taxonomies: DataLoader = field(init=False)
    credentials: DataLoader = field(init=False)
    treatments: DataLoader = field(init=False)
    access: DataLoader = field(init=False)
    networks_of: DataLoader = field(init=False)
    affiliations: DataLoader = field(init=False)
    exclusions: DataLoader = field(init=False)
    other_names: DataLoader = field(init=False)
    subparts: DataLoader = field(init=False)
    networks: DataLoader = field(init=False)
    plans: DataLoader = field(init=False)
    parents: DataLoader = field(init=False)
    exclusion_lists: DataLoader = field(init=False)
    _payers: list | None = field(default=None, init=False)
    _all_plans: list[Plan] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        s = self.store
        none = lambda: None  # noqa: E731
        self.providers = _batch(s.providers, none)
        self.locations = _batch(s.locations_for, list)
        self.taxonomies = _batch(s.taxonomies_for, list)
        self.credentials = _batch(s.credentials_for, list)
        self.treatments = _batch(s.treatments_for, list)
        self.access = _batch(s.access_for, none)
        self.networks_of = _batch(s.networks_for, list)
        self.affiliations = _batch(s.affiliations_for, list)
        self.exclusions = _batch(s.exclusions_for, list)
        self.other_names = _batch(s.other_names_for, list)
        self.subparts = _batch(s.subparts_of, list)
        self.networks = _by_id(s.networks)
        self.plans = _by_id(s.plans)
        self.parents = _batch(s.parents_of, list)
        self.exclusion_lists = _whole(s.exclusion_lists)

    def payers(self) -> list:
        if self._payers is None:
            self._payers = self.store.payers()
        return self._payers

    def all_plans(self) -> list[Plan]:
        if self._all_plans is None:
            self._all_plans = self.store.plans()
        return self._all_plans


@dataclass
class Context:
    """What every resolver gets as ``info.context``."""

    store: Store
    principal: Principal
    loaders: Loaders
    today: date

    @classmethod
    def build(cls, store: Store, principal: Principal) -> Context:
        return cls(store, principal, Loaders(store), datetime.now(UTC).date())

    def readable(self, networks: list[Network]) -> list[Network]:
        return [n for n in networks if can_read_network(self.principal, n)]
