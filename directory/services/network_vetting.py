"""Vetting per network: each provider **verified**, **needs review** or
**failed** against the network's criteria (``directory.services.criteria``),
with the reasons and the evidence behind each, stored with the scoring version
and the date that produced them, history kept.

How a stored result is kept honest: every judgment carries a fingerprint of
everything it read (facts with their evidence, criteria, reference data,
rules) and a digest of its outcome. :func:`network_vetting`, the read of a
member's current status, judges again from what the store holds today and
records the result when either differs from the latest stored one (new
evidence, new criteria, or the date alone: a fact aged past the limit, a
licence past its expiry), so it never serves a result the evidence no longer
supports. :func:`refresh` does the same in batches for whole networks: the CLI
(``provnet vetting refresh``) and loaders call it after writing facts.

"What changed since the last review" is the difference between a member's
current result and the one recorded before it (``MemberVetting.changes``).

Which networks keep results: employer networks (vetted networks) and any
network with criteria of its own. Payer networks record contracts, not
judgments, unless their owner sets criteria.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scoring import Change, changes

from ..errors import NotFound
from ..model import Network, NetworkKind, VettingCriteria, VettingRecord, VettingStatus
from ..store import Store
from ..store.vetting_codec import unchanged
from .criteria import criteria_of, store_criteria
from .vetting import judge_facts, provider_facts

log = logging.getLogger(__name__)

#: NPIs judged per batch of a refresh (each batch reads its facts in a fixed number of round trips).
REFRESH_BATCH = 500


@dataclass(frozen=True, slots=True)
class MemberVetting:
    """A member's current vetting for a network, the result recorded before it
    and what changed between the two (empty for a first result)."""

    current: VettingRecord
    previous: VettingRecord | None
    changes: tuple[Change, ...]
    recorded: bool  # this call recorded ``current`` (it differed from the latest stored)


@dataclass
class RefreshReport:
    networks: int = 0
    checked: int = 0
    recorded: int = 0  # results that differed from the latest stored, so were appended
    statuses: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        counts = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items())) or "none"
        return (
            f"vetting refreshed: {self.networks} network(s), {self.checked} member result(s) checked, "
            f"{self.recorded} recorded as changed; current: {counts}"
        )


def find_network(store: Store, network_id: str) -> Network:
    found = store.networks([network_id])
    if not found:
        raise NotFound(f"no network {network_id[:200]!r}")
    return found[0]


def judge_providers(
    store: Store, criteria: VettingCriteria, npis: Iterable[str], today: date, network_id: str = ""
) -> dict[str, VettingRecord]:
    """Each NPI the store holds judged against ``criteria`` (nothing stored):
    the facts in six round trips, the exclusion lists in one."""
    facts = provider_facts(store, npis)
    if not facts:
        return {}
    lists = store.exclusion_lists()
    return {npi: judge_facts(f, criteria, lists, today, network_id) for npi, f in facts.items()}


def candidates(store: Store, network_id: str, npis: Iterable[str], today: date) -> dict[str, VettingRecord]:
    """The NPIs (members or not) judged against the network's criteria, nothing
    stored: what a curator sees before adding a provider. NotFound for an unknown network."""
    criteria = criteria_of(store, network_id)
    return judge_providers(store, criteria, npis, today, network_id)


def network_vetting(store: Store, network_id: str, npis: Iterable[str], today: date) -> dict[str, MemberVetting]:
    """The current vetting of the network's members among ``npis`` (others are
    absent), each recorded when it differs from the latest stored one; with the
    result before it and what changed. NotFound for an unknown network."""
    network = find_network(store, network_id)
    members = {m.npi for m in store.network_members(network.id)}
    wanted = sorted(set(npis) & members)
    if not wanted:
        return {}
    judged = candidates(store, network.id, wanted, today)
    return _record(store, network.id, judged)


def _record(store: Store, network_id: str, judged: Mapping[str, VettingRecord]) -> dict[str, MemberVetting]:
    before = store.vetting_results(network_id, list(judged), latest=2)
    store.record_vetting(list(judged.values()))
    out: dict[str, MemberVetting] = {}
    for npi in sorted(judged):
        newest = before.get(npi, [])
        top = newest[0] if newest else None
        if unchanged(top, judged[npi]) and top is not None:  # the stored result still holds: keep its date
            previous = newest[1] if len(newest) > 1 else None
            out[npi] = MemberVetting(top, previous, changes(previous, top), False)
        else:
            current = dataclasses.replace(judged[npi], seq=(top.seq if top else 0) + 1)
            out[npi] = MemberVetting(current, top, changes(top, current), True)
    return out


def history(store: Store, network_id: str, npi: str, limit: int = 50) -> list[VettingRecord]:
    """A member's recorded results for the network, newest first. NotFound for an unknown network."""
    find_network(store, network_id)
    return store.vetting_history(network_id, npi, limit)


def vetted_networks(store: Store) -> list[Network]:
    """Networks that keep vetting results: employer networks and networks with criteria of their own."""
    own = set(store.vetting_criteria()) - {""}
    return [n for n in store.networks() if n.kind is NetworkKind.EMPLOYER or n.id in own]


def refresh(store: Store, npis: Iterable[str] | None, today: date, *, network_id: str | None = None) -> RefreshReport:
    """Bring the stored results up to date as of ``today``: for one network
    (``network_id``) or every network that keeps results, for its members among
    ``npis`` (None: all its members). A result is appended only where it changed."""
    if network_id is not None:
        networks = [find_network(store, network_id)]
    else:
        networks = vetted_networks(store)
    wanted = None if npis is None else set(npis)
    if wanted is not None and network_id is None:  # only the networks these providers are in
        held = {n.id for found in store.networks_for(sorted(wanted)).values() for n in found}
        networks = [n for n in networks if n.id in held]
    report = RefreshReport()
    lists = store.exclusion_lists() if networks else []
    for network in networks:
        criteria = criteria_of(store, network.id)
        members = sorted(m.npi for m in store.network_members(network.id) if wanted is None or m.npi in wanted)
        report.networks += 1
        for start in range(0, len(members), REFRESH_BATCH):
            batch = members[start : start + REFRESH_BATCH]
            facts = provider_facts(store, batch)
            judged = [judge_facts(f, criteria, lists, today, network.id) for f in facts.values()]
            report.recorded += store.record_vetting(judged)
            report.checked += len(judged)
            report.statuses.update(r.status.value for r in judged)
    log.debug("%s", report.summary())
    return report


def set_criteria(
    store: Store, network_id: str | None, data: Mapping[str, Any] | VettingCriteria, *, actor: str, today: date
) -> tuple[VettingCriteria, RefreshReport]:
    """Set a network's criteria (None or ``""``: the default criteria) and bring
    the results they govern up to date: the network's members, or, for the
    default, the members of every network without criteria of its own. InputError
    for criteria the rules refuse, NotFound for an unknown network."""
    if network_id:
        find_network(store, network_id)
    criteria = store_criteria(store, network_id, data, actor=actor, today=today)
    log.info("%s set the vetting criteria of %s", actor, network_id or "the default")
    if network_id:
        return criteria, refresh(store, None, today, network_id=network_id)
    own = set(store.vetting_criteria()) - {""}
    report = RefreshReport()
    for network in vetted_networks(store):
        if network.id not in own:
            done = refresh(store, None, today, network_id=network.id)
            report.networks += done.networks
            report.checked += done.checked
            report.recorded += done.recorded
            report.statuses.update(done.statuses)
    return criteria, report


def status_counts(results: Iterable[VettingRecord]) -> dict[str, int]:
    counted = Counter(r.status.value for r in results)
    return {s.value: counted.get(s.value, 0) for s in VettingStatus}
