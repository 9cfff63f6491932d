"""The store port's network curation half (issue 10 point 2): creating,
renaming and archiving networks, members added and removed with a curator's
decision, reviews, and each network's history. ``Store`` inherits it;
adapters implement its primitives like the others (one round trip each).

Semantics every adapter honours (tests/store/test_contract_networks.py):

* a change of a network and the events that record it are written in one
  transaction, so the history never disagrees with the network;
* events are numbered per network from 1 without gaps, in the order given,
  and two writers never get the same number (SQLite serialises writers; the
  Neo4j adapter locks the network node by bumping its event counter first);
* an **archived** network takes no change: every primitive here that changes
  one raises Archived and writes nothing (the services refuse earlier with a
  message; this guards a change racing an archive);
* :meth:`change_members` adds only providers that are not members yet and
  removes only members; an event naming an NPI is stored only when that NPI
  changed, so replaying a change records nothing twice.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..errors import InputError
from ..model import Network, NetworkEvent, NetworkEventKind, NetworkMember, VettingRecord

#: Most events :meth:`NetworkBooks.network_events` returns at once; most members of one :meth:`member_page`.
MAX_EVENTS = 1000
MAX_MEMBER_PAGE = 10_000


@dataclass(frozen=True, slots=True)
class MemberChanges:
    """What :meth:`NetworkBooks.change_members` did: the NPIs added and removed
    (sorted) and the events it stored, numbered."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    events: tuple[NetworkEvent, ...]


class NetworkBooks(abc.ABC):
    def _trip(self) -> None:  # pragma: no cover - Store counts round trips
        raise NotImplementedError

    def create_network(self, network: Network, event: NetworkEvent) -> NetworkEvent:
        """Store a new network and its first event; AlreadyExists if the id is
        taken (by any network, whoever owns it). Returns the event, numbered."""
        _same_network([event], network.id)
        self._trip()
        return self._create_network(network, event)

    def update_network(self, network: Network, event: NetworkEvent) -> NetworkEvent:
        """Replace the name, status and regions of the stored network
        ``network.id`` (its kind and owner stay) and append ``event``. NotFound
        if there is none, Archived if it is archived."""
        _same_network([event], network.id)
        self._trip()
        return self._update_network(network, event)

    def change_members(
        self,
        network_id: str,
        added: Sequence[NetworkMember] = (),
        removed: Iterable[str] = (),
        events: Sequence[NetworkEvent] = (),
    ) -> MemberChanges:
        """In one transaction: add the providers of ``added`` that are not
        members yet (with their decision), remove the NPIs of ``removed`` that
        are members, and append the events of what changed (see the module
        docstring). NotFound if the network or an added NPI does not exist,
        Archived if the network is archived."""
        if any(m.network_id != network_id for m in added):
            raise InputError("every member added must be of the network changed")
        _same_network(events, network_id)
        gone = sorted(set(removed))
        if not added and not gone and not events:
            return MemberChanges((), (), ())
        self._trip()
        return self._change_members(network_id, list(added), gone, list(events))

    def mark_reviewed(
        self, network_id: str, seqs: Mapping[str, int], at: datetime, event: NetworkEvent
    ) -> tuple[int, NetworkEvent]:
        """Record that each member of ``seqs`` was reviewed at ``at`` with its
        vetting result number ``seqs[npi]`` in view (non-members are ignored),
        and append ``event``. Returns how many members were marked and the
        event, numbered. NotFound, Archived as :meth:`update_network`."""
        _same_network([event], network_id)
        self._trip()
        return self._mark_reviewed(network_id, dict(sorted(seqs.items())), at, event)

    def record_network_events(self, events: Sequence[NetworkEvent]) -> list[NetworkEvent]:
        """Append events to their networks' histories, in order; returns them
        numbered. NotFound if a network does not exist (nothing is written)."""
        if not events:
            return []
        self._trip()
        return self._record_network_events(list(events))

    def network_events(
        self,
        network_id: str,
        *,
        before: int | None = None,
        kinds: Iterable[NetworkEventKind] | None = None,
        limit: int = 100,
    ) -> list[NetworkEvent]:
        """The network's events newest first: those numbered below ``before``
        (None: from the newest), of ``kinds`` (None: every kind), at most
        ``limit``. NotFound if the network does not exist."""
        if not 1 <= limit <= MAX_EVENTS:
            raise InputError(f"limit must be between 1 and {MAX_EVENTS}")
        wanted = None if kinds is None else sorted({k.value for k in kinds})
        self._trip()
        return self._network_events(network_id, before, wanted, limit)

    def member_page(self, network_id: str, *, after: str = "", limit: int = 1000) -> list[NetworkMember]:
        """The network's members with an NPI above ``after``, in NPI order, at
        most ``limit`` (keyset paging: pass the last NPI of a page to get the
        next), so a report walks a network of any size without reading it
        whole. NotFound if the network does not exist."""
        if not 1 <= limit <= MAX_MEMBER_PAGE:
            raise InputError(f"limit must be between 1 and {MAX_MEMBER_PAGE}")
        self._trip()
        return self._member_page(network_id, after, limit)

    def vetting_results_at(self, network_id: str, seqs: Mapping[str, int]) -> dict[str, VettingRecord]:
        """The stored vetting result numbered ``seqs[npi]`` of each NPI for the
        network (what a review saw); NPIs without such a result are absent."""
        if not seqs:
            return {}
        self._trip()
        return self._vetting_results_at(network_id, dict(sorted(seqs.items())))

    @abc.abstractmethod
    def _create_network(self, network: Network, event: NetworkEvent) -> NetworkEvent: ...
    @abc.abstractmethod
    def _update_network(self, network: Network, event: NetworkEvent) -> NetworkEvent: ...
    @abc.abstractmethod
    def _change_members(
        self, network_id: str, added: list[NetworkMember], removed: list[str], events: list[NetworkEvent]
    ) -> MemberChanges: ...
    @abc.abstractmethod
    def _mark_reviewed(
        self, network_id: str, seqs: dict[str, int], at: datetime, event: NetworkEvent
    ) -> tuple[int, NetworkEvent]: ...
    @abc.abstractmethod
    def _record_network_events(self, events: list[NetworkEvent]) -> list[NetworkEvent]: ...
    @abc.abstractmethod
    def _network_events(
        self, network_id: str, before: int | None, kinds: list[str] | None, limit: int
    ) -> list[NetworkEvent]: ...
    @abc.abstractmethod
    def _member_page(self, network_id: str, after: str, limit: int) -> list[NetworkMember]: ...
    @abc.abstractmethod
    def _vetting_results_at(self, network_id: str, seqs: dict[str, int]) -> dict[str, VettingRecord]: ...


def _same_network(events: Iterable[NetworkEvent], network_id: str) -> None:
    if any(e.network_id != network_id for e in events):
        raise InputError("an event must belong to the network it records a change of")


def kept_events(events: Iterable[NetworkEvent], changed: set[str]) -> list[NetworkEvent]:
    """The events :meth:`NetworkBooks.change_members` stores: those naming no
    NPI, and those naming an NPI that changed (adapters share this rule)."""
    return [e for e in events if e.npi is None or e.npi in changed]
