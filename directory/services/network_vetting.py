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

``MemberVetting.changes`` is the difference between a member's current result
and the one recorded before it; "what changed since the last review" (the
result a curator's review saw) is ``directory.services.member_review``'s.

An archived network takes no changes: its members are judged on reading, but
nothing is recorded for it, by a read or a refresh.

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
from datetime import UTC, date, datetime
from typing import Any

from scoring import Change, changes

from ..errors import Archived, NotFound
from ..model import (
    Network,
    NetworkEvent,
    NetworkEventKind,
    NetworkKind,
    NetworkStatus,
    VettingCriteria,
    VettingRecord,
    VettingStatus,
)
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
    return judge_members(store, network, wanted, today)


def judge_members(
    store: Store, network: Network, npis: Iterable[str], today: date, *, criteria: VettingCriteria | None = None
) -> dict[str, MemberVetting]:
    """As :func:`network_vetting` for NPIs the caller knows are members (no
    membership read: callers that page through a member list use this), with
    the network's criteria when the caller has read them already."""
    rules = criteria if criteria is not None else criteria_of(store, network.id)
    judged = judge_providers(store, rules, npis, today, network.id)
    return _record(store, network.id, judged, record=network.status is NetworkStatus.ACTIVE)


def _record(
    store: Store, network_id: str, judged: Mapping[str, VettingRecord], *, record: bool = True
) -> dict[str, MemberVetting]:
    if not judged:
        return {}
    before = store.vetting_results(network_id, list(judged), latest=2)
    if record:  # an archived network's results stay as they were
        store.record_vetting(list(judged.values()))
    out: dict[str, MemberVetting] = {}
    for npi in sorted(judged):
        newest = before.get(npi, [])
        top = newest[0] if newest else None
        if unchanged(top, judged[npi]) and top is not None:  # the stored result still holds: keep its date
            previous = newest[1] if len(newest) > 1 else None
            out[npi] = MemberVetting(top, previous, changes(previous, top), False)
        elif record:
            current = dataclasses.replace(judged[npi], seq=(top.seq if top else 0) + 1)
            out[npi] = MemberVetting(current, top, changes(top, current), True)
        else:
            out[npi] = MemberVetting(judged[npi], top, changes(top, judged[npi]), False)
    return out


def history(store: Store, network_id: str, npi: str, limit: int = 50) -> list[VettingRecord]:
    """A member's recorded results for the network, newest first. NotFound for an unknown network."""
    find_network(store, network_id)
    return store.vetting_history(network_id, npi, limit)


def vetted_networks(store: Store) -> list[Network]:
    """Networks that keep vetting results: active employer networks and active
    networks with criteria of their own (an archived network takes no changes)."""
    own = set(store.vetting_criteria()) - {""}
    return [
        n
        for n in store.networks()
        if n.status is NetworkStatus.ACTIVE and (n.kind is NetworkKind.EMPLOYER or n.id in own)
    ]


def keeps_results(store: Store, network: Network) -> bool:
    """Whether the network keeps vetting results (see :func:`vetted_networks`), archived or not."""
    return network.kind is NetworkKind.EMPLOYER or bool(store.vetting_criteria([network.id]))


def refresh(store: Store, npis: Iterable[str] | None, today: date, *, network_id: str | None = None) -> RefreshReport:
    """Bring the stored results up to date as of ``today``: for one network
    (``network_id``) or every network that keeps results, for its members among
    ``npis`` (None: all its members). A result is appended only where it changed."""
    if network_id is not None:
        networks = [find_network(store, network_id)]
        if networks[0].status is not NetworkStatus.ACTIVE:
            return RefreshReport()  # an archived network's results stay as they were
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
    store: Store,
    network_id: str | None,
    data: Mapping[str, Any] | VettingCriteria,
    *,
    actor: str,
    today: date,
    at: datetime | None = None,
) -> tuple[VettingCriteria, RefreshReport]:
    """Set a network's criteria (None or ``""``: the default criteria) and bring
    the results they govern up to date: the network's members, or, for the
    default, the members of every network without criteria of its own. A
    network's change is an event of its history (at ``at``, default now).
    InputError for criteria the rules refuse, NotFound for an unknown network,
    Archived for an archived one."""
    if network_id:
        network = find_network(store, network_id)
        if network.status is not NetworkStatus.ACTIVE:
            raise Archived(f"network {network_id!r} is archived: it takes no changes")
    criteria = store_criteria(store, network_id, data, actor=actor, today=today)
    log.info("%s set the vetting criteria of %s", actor, network_id or "the default")
    if network_id:
        # a second write: the criteria stand even if recording their event fails (the error reaches the caller)
        store.record_network_events(
            [
                NetworkEvent(
                    network_id,
                    NetworkEventKind.CRITERIA_CHANGED,
                    at or datetime.now(UTC),
                    actor,
                    detail=criteria_summary(criteria),
                )
            ]
        )
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


def criteria_summary(c: VettingCriteria) -> str:
    """The criteria in one line, as a network's history shows them."""
    age = "no age limit" if c.max_fact_age_days is None else f"facts at most {c.max_fact_age_days} days old"
    parts = [
        "requires " + ", ".join(c.required_checks),
        "licence statuses " + ", ".join(c.accepted_license_statuses),
        "exclusion lists " + (", ".join(c.required_exclusion_lists) or "none"),
        age,
    ]
    if c.min_trd_expertise > 0:
        parts.append(f"TRD expertise at least {c.min_trd_expertise:g}")
    return "; ".join(parts)


def status_counts(results: Iterable[VettingRecord]) -> dict[str, int]:
    counted = Counter(r.status.value for r in results)
    return {s.value: counted.get(s.value, 0) for s in VettingStatus}
