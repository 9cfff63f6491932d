"""Resolve everything the store holds (``provnet resolve``): the providers of
the registry (NPPES and NPI Registry records, ``nppes:<NPI>``) and every current
record of every source (``source:record_id``), with the tuned matcher and
people's earlier decisions; then

1. the MERGED and REVIEW pairs are stored with their evidence (the review
   queue: ``provnet review``, GraphQL ``reviewQueue``/``decideMatch``);
2. every record gets its link (:mod:`.links`); a link that stays the same keeps
   the time it was decided, and links of records no longer current go;
3. the linked records' facts are materialised (``ingest.materialise``) and the
   vetted networks re-judge the providers whose facts changed.

:func:`export_links` writes ``source,record_id,entity_id`` for every link.
A person's decision takes effect at the next resolve.
"""

from __future__ import annotations

import csv
import logging
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from directory.model import MatchRecord
from directory.store import Store

from ..materialise import MaterialiseReport, materialise
from .links import entity_links
from .persist import apply, decision_digest
from .pipeline import resolve
from .presets import provider_settings
from .records import EntityRecord, from_provider
from .result import MERGED, REVIEW, ResolutionResult, match_id
from .settings import ResolveSettings
from .sources import record_from_row

log = logging.getLogger(__name__)

#: Links written per round trip.
LINK_BATCH = 20_000
#: Provider records read per page.
PAGE = 5000


@dataclass
class ResolveReport:
    records: Counter = field(default_factory=Counter)  # by source
    pairs: int = 0
    merged: int = 0
    review: int = 0
    decisions_stored: int = 0
    decisions_withdrawn: int = 0  # the model's decisions of earlier runs on pairs no longer merged or queued
    links_written: int = 0
    links_removed: int = 0
    statuses: Counter = field(default_factory=Counter)  # linked, new, review
    entities: int = 0
    facts: MaterialiseReport | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    result: ResolutionResult | None = None

    def summary(self) -> str:
        total = sum(self.records.values())
        by_source = ", ".join(f"{s} {n:,}" for s, n in sorted(self.records.items()))
        status = ", ".join(f"{s} {n:,}" for s, n in sorted(self.statuses.items()))
        lines = [
            f"{total:,} records ({by_source}), {self.pairs:,} candidate pairs: {self.merged:,} merged, "
            f"{self.review:,} waiting for review; {self.decisions_stored:,} decisions stored, "
            f"{self.decisions_withdrawn:,} withdrawn",
            f"{self.entities:,} entities; links: {status}; {self.links_written:,} written, "
            f"{self.links_removed:,} removed",
        ]
        if self.facts is not None:
            lines.append(self.facts.summary())
        lines.append("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in self.seconds.items()))
        return "\n".join(lines)


def registry_records(store: Store, page_size: int = PAGE) -> Iterator[EntityRecord]:
    """Every provider in the store with the facts resolution compares (the
    registry's own record: ``<source>:<NPI>``, ``nppes:<NPI>`` for NPPES)."""
    # a source record's placement (materialised from a roster or site list) is
    # that record's to compare, not the provider's: leaving it in would make
    # each resolve lean on the links of the last
    sources = {held.source for held in store.record_sources()}
    for npis in store.provider_npi_pages(page_size):
        found = store.providers(npis)
        locations, taxonomies = store.locations_for(npis), store.taxonomies_for(npis)
        other_names = store.other_names_for(npis)
        for npi in npis:
            record = found[npi]
            record.locations = [pl for pl in locations.get(npi, []) if pl.evidence.source not in sources]
            record.taxonomies = taxonomies.get(npi, [])
            record.other_names = other_names.get(npi, [])
            yield from_provider(record)


def source_entity_records(store: Store) -> Iterator[EntityRecord]:
    """Every current record of every source, as resolution reads it."""
    for held in store.record_sources():
        for r in store.iter_source_records(held.source):
            yield record_from_row(r.kind, r.source, {**r.fields, "record_id": r.record_id}, r.line)


def resolve_store(
    store: Store, settings: ResolveSettings | None = None, *, today: date | None = None, vet: bool = True
) -> ResolveReport:
    """See the module docstring; returns what was done."""
    report = ResolveReport()
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        report.seconds[name] = round(now - clock, 1)
        clock = now

    # decisions first, kept compact: half a million of them would otherwise sit beside the records
    people: list[MatchRecord] = []
    held: dict[str, int] = {}
    model_pairs: dict[str, tuple[str, str]] = {}
    for d in store.matches(limit=None):
        held[d.match_id] = decision_digest(d)
        if d.decided_by == "model":
            model_pairs[d.match_id] = (d.left.partition(":")[0], d.right.partition(":")[0])
        else:
            people.append(d)
    records: list[EntityRecord] = []
    registry: dict[str, str] = {}
    for r in registry_records(store):
        records.append(r)
        registry[r.ref] = r.npi or ""
    records.extend(source_entity_records(store))
    report.records.update(r.source for r in records)
    lap("read")
    result = resolve(records, settings or provider_settings(), decisions=people)
    del records
    report.result = result
    report.pairs = result.n_pairs
    report.merged = len(result.pair_indices(MERGED))
    report.review = len(result.pair_indices(REVIEW))
    lap("resolve")
    report.decisions_stored = apply(store, result, held=held)
    del held
    sources = {r.partition(":")[0] for r in registry}
    report.decisions_withdrawn = _withdraw_stale(store, result, model_pairs, sources)
    lap("decisions")
    when = datetime.now(UTC).isoformat(timespec="seconds")
    links = entity_links(result, registry, people, when)
    report.statuses.update(link.status.value for link in links)
    report.entities = len({link.entity_id for link in links})
    for start in range(0, len(links), LINK_BATCH):
        report.links_written += store.save_resolution_links(links[start : start + LINK_BATCH])
    current = {link.ref for link in links}
    stale = [link.ref for link in store.iter_resolution_links() if link.ref not in current]
    for start in range(0, len(stale), LINK_BATCH):
        report.links_removed += store.delete_resolution_links(stale[start : start + LINK_BATCH])
    lap("links")
    report.facts = materialise(store, today=today, vet=vet)
    lap("facts")
    log.info("%s", report.summary())
    return report


def _withdraw_stale(
    store: Store, result: ResolutionResult, model_pairs: dict[str, tuple[str, str]], sources: set[str]
) -> int:
    """The model's decisions of earlier runs on pairs of these records that this
    run neither merged nor queued (a record changed or retired) no longer say
    anything: withdrawn, so the review queue holds only live questions. Decisions
    on other records (another matcher's, such as exclusion matching) and people's
    decisions stay. ``model_pairs``: match id -> the sources of its two records."""
    mine = sources | {held.source for held in store.record_sources()}
    refs = result.refs
    live = {match_id(refs[result.left[p]], refs[result.right[p]]) for p in result.kept_index.tolist()}
    stale = [i for i, (a, b) in model_pairs.items() if i not in live and a in mine and b in mine]
    return store.withdraw_model_matches(stale)


def export_links(store: Store, path: str | os.PathLike[str]) -> int:
    """Write ``source,record_id,entity_id`` of every link (by reference) to a CSV
    file; returns how many rows."""
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "record_id", "entity_id"])
        for link in store.iter_resolution_links():
            writer.writerow([link.source, link.record_id, link.entity_id])
            n += 1
    return n
