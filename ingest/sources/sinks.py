"""Where loaded rows go, shared by the sources.

* :class:`ProviderSink`: provider records (and NPPES's sparse deactivation
  rows), written with ``store.upsert_providers``; the batch and its checkpoint
  commit in one transaction.
* :class:`FactSink`: typed facts about providers already in the store
  (:class:`Facts`: credentials, treatments, access facts, affiliations,
  exclusions, network memberships; the catalog's payers, plans and networks
  too). What the store already holds unchanged is not written; a row whose NPI
  the store lacks is filtered ``npi_not_in_store``. These port operations take
  no checkpoint, so the batch is written, then checkpointed: the writes are
  idempotent upserts, and a crash between the two replays the batch (its rows
  then count as unchanged).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from directory.model import (
    AccessFacts,
    Affiliation,
    Credential,
    Employer,
    Evidence,
    Exclusion,
    ExclusionListLoad,
    Network,
    NetworkMember,
    Payer,
    Plan,
    ProviderRecord,
    TreatmentOffering,
)
from directory.store.base import Store

from ..batches import Kind, Sink, bump
from ..nppes import RawRow
from ..quarantine import FilterReason
from ..report import CARRIED_OVER, IngestReport

log = logging.getLogger(__name__)


def deactivate_known(store: Store, wanted: dict[str, date], evidence: Evidence) -> tuple[int, set[str]]:
    """Give the NPIs of ``wanted`` the store holds their deactivation date;
    returns (records changed, NPIs the store holds)."""
    known = set(store.stored_versions(list(wanted)))
    changed = store.deactivate({npi: wanted[npi] for npi in known}, evidence) if known else 0
    return changed, known


class ProviderSink(Sink):
    """Provider records: LOAD payload ``(record, warnings, content hash or None)``;
    DEACTIVATE payload ``(npi, date)`` for an NPI the store may hold, applied
    with ``evidence`` (a source without deactivations passes None).

    The counts of a checkpoint count the batch it commits as ``carried_over``:
    its inserted/updated split is only known after the commit, and the next
    checkpoint replaces it with the real split."""

    def __init__(self, store: Store, report: IngestReport, evidence: Evidence | None, *, batch_size: int):
        super().__init__(store, report)
        self.evidence = evidence
        self.batch_size = max(1, batch_size)
        self._records: list[ProviderRecord] = []
        self._digests: list[str | None] = []
        self._deactivations: dict[str, date] = {}

    def add(self, kind: int, row: RawRow, payload: Any) -> None:
        if kind == Kind.LOAD:
            self._records.append(payload[0])
            self._digests.append(payload[2])
            self.pending += 1
        elif kind == Kind.DEACTIVATE and self.evidence is not None:
            npi, when = payload
            self._deactivations[npi] = when
            if len(self._deactivations) >= self.batch_size:
                self._apply_deactivations()
        else:  # a stage forgot to resolve a row: a bug, not bad input
            raise AssertionError(f"unresolved outcome {kind!r} at line {row.line}")

    def _apply_deactivations(self) -> None:
        if not self._deactivations or self.evidence is None:
            return
        changed, known = deactivate_known(self.store, self._deactivations, self.evidence)
        report = self.report
        report.updated += changed
        report.unchanged += len(known) - changed
        unknown = len(self._deactivations) - len(known)
        if unknown:
            bump(report.filtered, FilterReason.DEACTIVATED_UNKNOWN_NPI.value, unknown)
        self._deactivations = {}

    def write(self, line: int) -> None:
        self._apply_deactivations()  # idempotent: before the checkpoint that covers them
        records, self._records = self._records, []
        digests, self._digests = self._digests, []
        self.pending = 0
        if not records:
            self.store.checkpoint(self.checkpoint_at(line))
            return
        counts = self.report.counts()
        counts[CARRIED_OVER] = counts.get(CARRIED_OVER, 0) + len(records)
        hashed = None if None in digests else [d for d in digests if d is not None]  # all or none
        stats = self.store.upsert_providers(records, checkpoint=self.checkpoint_at(line, counts), digests=hashed)
        self.report.inserted += stats.inserted
        self.report.updated += stats.updated
        self.report.unchanged += stats.unchanged
        log.debug("committed %d records up to line %d", len(records), line)


@dataclass(frozen=True, slots=True)
class Facts:
    """What one row says, as typed facts, each carrying the source's evidence.

    ``npi``: the provider the row is about; when the store does not hold it,
    the row is filtered ``npi_not_in_store`` and none of its facts is written.
    Fill the sections the source knows; the rest stay empty."""

    npi: str | None = None
    payers: Sequence[Payer] = ()
    employers: Sequence[Employer] = ()
    networks: Sequence[Network] = ()
    plans: Sequence[Plan] = ()
    credentials: Sequence[tuple[str, Credential]] = ()
    treatments: Sequence[TreatmentOffering] = ()
    access: Sequence[AccessFacts] = ()
    affiliations: Sequence[Affiliation] = ()
    exclusion_lists: Sequence[ExclusionListLoad] = ()
    exclusions: Sequence[Exclusion] = ()
    network_members: Sequence[NetworkMember] = ()


@dataclass(frozen=True, slots=True)
class FactKind:
    """How one section of :class:`Facts` reaches the store: the fact's identity
    (the key its upsert replaces on), what the store holds for a batch of them,
    and the write."""

    name: str
    key: Callable[[Any], Hashable]
    stored: Callable[[Store, list[Any]], Mapping[Any, Any]]
    write: Callable[[Store, list[Any]], int]


def _npis(facts: list[Any]) -> list[str]:
    return sorted({f.npi for f in facts})


def _credential_key(fact: tuple[str, Credential]) -> Hashable:
    npi, credential = fact
    return (npi, credential.key, credential.evidence.source)


def _treatment_key(t: TreatmentOffering) -> Hashable:
    return (t.npi, t.treatment, t.location_key or "", t.evidence.source)


def _access_key(a: AccessFacts) -> Hashable:
    return (a.npi, a.evidence.source)


def _affiliation_key(a: Affiliation) -> Hashable:
    return (a.individual_npi, a.organization_npi, a.evidence.source)


def _exclusion_key(e: Exclusion) -> Hashable:
    return (e.npi, e.source, e.exclusion_type, e.excluded_on)


def _stored_credentials(store: Store, facts: list[tuple[str, Credential]]) -> dict[Hashable, Any]:
    found = store.credentials_for({npi for npi, _ in facts})
    return {_credential_key((npi, c)): (npi, c) for npi, held in found.items() for c in held}


def _stored_affiliations(store: Store, facts: list[Affiliation]) -> dict[Hashable, Any]:
    found = store.affiliations_for({a.individual_npi for a in facts})
    return {_affiliation_key(a): a for held in found.values() for a in held}


def _stored_memberships(store: Store, facts: list[NetworkMember]) -> dict[Hashable, Any]:
    """A membership is its (network, NPI) pair; its evidence is refreshed by
    every write, so it counts as unchanged when the pair is held."""
    found = store.networks_for(_npis(facts))
    held = {(n.id, npi) for npi, networks in found.items() for n in networks}
    return {(m.network_id, m.npi): m for m in facts if (m.network_id, m.npi) in held}


#: In the order they are written: what a fact refers to comes first.
FACT_KINDS: tuple[FactKind, ...] = (
    FactKind("payers", lambda p: p.id, lambda s, _: {p.id: p for p in s.payers()}, Store.upsert_payers),
    FactKind("employers", lambda e: e.id, lambda s, _: {e.id: e for e in s.employers()}, Store.upsert_employers),
    FactKind(
        "networks", lambda n: n.id, lambda s, f: {n.id: n for n in s.networks(n.id for n in f)}, Store.upsert_networks
    ),
    FactKind("plans", lambda p: p.id, lambda s, f: {p.id: p for p in s.plans(p.id for p in f)}, Store.upsert_plans),
    FactKind("credentials", _credential_key, _stored_credentials, Store.upsert_credentials),
    FactKind(
        "treatments",
        _treatment_key,
        lambda s, f: {_treatment_key(t): t for held in s.treatments_for(_npis(f)).values() for t in held},
        Store.upsert_treatments,
    ),
    FactKind(
        "access",
        _access_key,
        lambda s, f: {_access_key(a): a for held in s.access_facts_for(_npis(f)).values() for a in held},
        Store.upsert_access,
    ),
    FactKind("affiliations", _affiliation_key, _stored_affiliations, Store.upsert_affiliations),
    FactKind(
        "exclusion_lists",
        lambda x: x.list_name,
        lambda s, _: {x.list_name: x for x in s.exclusion_lists()},
        Store.record_exclusion_lists,
    ),
    FactKind(
        "exclusions",
        _exclusion_key,
        lambda s, f: {_exclusion_key(e): e for held in s.exclusions_for(_npis(f)).values() for e in held},
        Store.upsert_exclusions,
    ),
    FactKind("network_members", lambda m: (m.network_id, m.npi), _stored_memberships, Store.add_network_members),
)

_INSERTED, _UPDATED, _UNCHANGED = "inserted", "updated", "unchanged"


class FactSink(Sink):
    """Rows of :class:`Facts` (LOAD payload ``(facts, warnings)``), written a
    batch at a time in :data:`FACT_KINDS` order; see the module docstring.

    A row counts as inserted when all its facts are new, unchanged when the
    store held all of them as they are, else updated; ``details`` tallies each
    section (``treatments.inserted`` ...). ``check_npis=False`` skips the
    NPI check for a source that checked its NPIs against the store already."""

    def __init__(self, store: Store, report: IngestReport, *, check_npis: bool = True):
        super().__init__(store, report)
        self.check_npis = check_npis
        self._rows: list[Facts] = []

    def add(self, kind: int, row: RawRow, payload: Any) -> None:
        if kind != Kind.LOAD:
            raise AssertionError(f"a fact source yields LOAD, FILTER or REJECT, not {kind!r} (line {row.line})")
        self._rows.append(payload[0])
        self.pending += 1

    def write(self, line: int) -> None:
        rows, self._rows = self._rows, []
        self.pending = 0
        if rows:
            self._write(rows)
        self.store.checkpoint(self.checkpoint_at(line))

    def _write(self, rows: list[Facts]) -> None:
        store, report = self.store, self.report
        if self.check_npis:
            npis = sorted({f.npi for f in rows if f.npi})
            known = set(store.stored_versions(npis)) if npis else set()
            held = [f for f in rows if not f.npi or f.npi in known]
            if len(held) < len(rows):
                bump(report.filtered, FilterReason.NPI_NOT_IN_STORE.value, len(rows) - len(held))
            rows = held
        statuses: list[set[str]] = [set() for _ in rows]
        for kind in FACT_KINDS:
            items = [(i, fact) for i, facts in enumerate(rows) for fact in getattr(facts, kind.name)]
            if not items:
                continue
            stored = kind.stored(store, [fact for _, fact in items])
            changed = []
            for i, fact in items:
                old = stored.get(kind.key(fact))
                status = _INSERTED if old is None else _UNCHANGED if old == fact else _UPDATED
                statuses[i].add(status)
                bump(report.details, f"{kind.name}.{status}")
                if status != _UNCHANGED or kind.name == "network_members":  # a membership's evidence is refreshed
                    changed.append(fact)
            if changed:
                kind.write(store, changed)
        for found in statuses:
            if not found or found == {_UNCHANGED}:
                report.unchanged += 1
            elif found == {_INSERTED}:
                report.inserted += 1
            else:
                report.updated += 1
