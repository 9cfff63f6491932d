"""A network's life: created (with its regions and vetting criteria), renamed,
given other regions, reviewed, archived; every change is an event of the
network's history, written with the change in one transaction (the store's
``NetworkBooks``). Who may do it is the entry point's business (GraphQL's
auth rules, the CLI's admin); what may happen is decided here:

* a network id is 3 to 64 characters of lower-case letters, digits and
  hyphens, starting and ending with a letter or digit, and unique across every
  tenant (ALREADY_EXISTS otherwise); a name is 1 to 200 characters;
* the owner must be an employer (an employer network) or a payer (a payer
  network) the directory holds;
* an **archived** network keeps its members, criteria, results and history,
  takes no change (Archived) and is no candidate target: no candidates are
  listed for it and no refresh records results for it. Archiving is final;
* **marking a network reviewed** judges every member as of today (recording
  what changed), then records, per member, the result the review saw, and a
  REVIEWED event: "what changed since the last review"
  (:mod:`.member_review`) compares each member's current result with that one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from ..errors import Archived, InputError, NotFound, quoted
from ..model import (
    Network,
    NetworkEvent,
    NetworkEventKind,
    NetworkKind,
    NetworkStatus,
    Region,
    VettingCriteria,
)
from ..store import Store
from . import regions as regions_of
from .criteria import as_dict, parse_criteria
from .network_vetting import REFRESH_BATCH, find_network, refresh, set_criteria

log = logging.getLogger(__name__)

NETWORK_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,62}[a-z0-9]")
MAX_NAME = 200
MAX_NOTE = 1000


@dataclass(frozen=True, slots=True)
class Review:
    network: Network
    marked: int  # members whose reviewed result was recorded
    event: NetworkEvent


def require_active(network: Network) -> None:
    if network.status is not NetworkStatus.ACTIVE:
        raise Archived(f"network {network.id!r} is archived: it takes no changes")


def _name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned or len(cleaned) > MAX_NAME:
        raise InputError(f"a network name must be 1 to {MAX_NAME} characters")
    return cleaned


def _note(note: str | None) -> str | None:
    cleaned = (note or "").strip() or None
    if cleaned is not None and len(cleaned) > MAX_NOTE:
        raise InputError(f"the note is longer than {MAX_NOTE} characters")
    return cleaned


def _regions_detail(regions: tuple[Region, ...]) -> str:
    return "regions " + (", ".join(regions_of.label(r) for r in regions) or "none")


def create_network(
    store: Store,
    *,
    network_id: str,
    name: str,
    kind: NetworkKind,
    owner_id: str,
    actor: str,
    now: datetime,
    regions: Iterable[Region] = (),
    criteria: Mapping[str, Any] | VettingCriteria | None = None,
) -> tuple[Network, NetworkEvent]:
    """A new network and its first events (created; criteria changed, when
    criteria are given: they are checked before anything is written). Returns
    the network and its CREATED event."""
    if not NETWORK_ID.fullmatch(network_id or ""):
        raise InputError(
            f"{quoted(network_id)} is not a network id: 3 to 64 lower-case letters, digits and hyphens, "
            "starting and ending with a letter or digit"
        )
    network = Network(network_id, _name(name), kind, owner_id, NetworkStatus.ACTIVE, regions_of.checked(regions))
    owners = store.employers() if kind is NetworkKind.EMPLOYER else store.payers()
    if owner_id not in {o.id for o in owners}:
        raise NotFound(f"no {kind.value} {quoted(owner_id)}")
    if criteria is not None:
        data = as_dict(criteria) if isinstance(criteria, VettingCriteria) else criteria
        parse_criteria(data, network_id=network_id, set_by=actor)  # refused before the network exists
    detail = f"created {kind.value} network {network.name!r} for {owner_id}; {_regions_detail(network.regions)}"
    created = store.create_network(
        network, NetworkEvent(network_id, NetworkEventKind.CREATED, now, actor, detail=detail)
    )
    log.info("%s created network %s", actor, network_id)
    if criteria is not None:
        set_criteria(store, network_id, criteria, actor=actor, today=now.date(), at=now)
    return network, created


def rename_network(
    store: Store, network: Network, name: str, *, actor: str, now: datetime
) -> tuple[Network, NetworkEvent | None]:
    """The network renamed and its RENAMED event (None: the name was already that)."""
    require_active(network)
    renamed = replace(network, name=_name(name))
    if renamed.name == network.name:
        return network, None
    detail = f"renamed {network.name!r} -> {renamed.name!r}"
    event = NetworkEvent(network.id, NetworkEventKind.RENAMED, now, actor, detail=detail)
    return renamed, store.update_network(renamed, event)


def set_regions(
    store: Store, network: Network, regions: Iterable[Region], *, actor: str, now: datetime
) -> tuple[Network, NetworkEvent]:
    require_active(network)
    changed = replace(network, regions=regions_of.checked(regions))
    detail = f"{_regions_detail(network.regions)} -> {_regions_detail(changed.regions)}"
    event = NetworkEvent(network.id, NetworkEventKind.REGIONS_CHANGED, now, actor, detail=detail)
    return changed, store.update_network(changed, event)


def archive_network(
    store: Store, network: Network, *, actor: str, now: datetime, note: str | None = None
) -> tuple[Network, NetworkEvent]:
    require_active(network)
    archived = replace(network, status=NetworkStatus.ARCHIVED)
    event = NetworkEvent(network.id, NetworkEventKind.ARCHIVED, now, actor, note=_note(note), detail="archived")
    stored = store.update_network(archived, event)
    log.info("%s archived network %s", actor, network.id)
    return archived, stored


def mark_reviewed(store: Store, network: Network, *, actor: str, now: datetime, note: str | None = None) -> Review:
    """Judge every member as of ``now`` and record that a review saw each result (see the module docstring)."""
    require_active(network)
    cleaned = _note(note)
    report = refresh(store, None, now.date(), network_id=network.id)
    members = sorted(m.npi for m in store.network_members(network.id))
    seqs: dict[str, int] = {}
    for start in range(0, len(members), REFRESH_BATCH):
        found = store.vetting_results(network.id, members[start : start + REFRESH_BATCH], latest=1)
        seqs.update({npi: results[0].seq for npi, results in found.items()})
    counts = ", ".join(f"{n} {s}" for s, n in sorted(report.statuses.items())) or "no members"
    detail = f"reviewed {len(seqs)} member(s): {counts}"
    event = NetworkEvent(network.id, NetworkEventKind.REVIEWED, now, actor, note=cleaned, detail=detail)
    marked, stored = store.mark_reviewed(network.id, seqs, now, event)
    return Review(network, marked, stored)


def history(store: Store, network_id: str, *, before: int | None = None, limit: int = 50) -> list[NetworkEvent]:
    """The network's events, newest first (``before``: numbered below it)."""
    find_network(store, network_id)
    return store.network_events(network_id, before=before, limit=limit)


def last_review(store: Store, network_id: str) -> NetworkEvent | None:
    found = store.network_events(network_id, kinds=[NetworkEventKind.REVIEWED], limit=1)
    return found[0] if found else None
