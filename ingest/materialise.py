"""Materialising sources' facts (issue 9 point 2): each source's current
records that resolution *linked* to a provider become that source's facts
about the provider (rules in :mod:`ingest.record_facts`), written as a set per
provider (``Store.replace_source_facts``):

* a provider whose facts from the source are already exactly these is not
  written (running it again changes nothing);
* a provider the source held facts about and no longer links a record to (a
  link undone, a record retired, a record now waiting in review) has them
  withdrawn;
* a membership in a network the provider already holds through another source
  stays that source's, and a network the store does not hold as a payer's network
  gets none (it is counted: ``no payer network: <id>``; provnet never creates
  networks from a roster, whose network ids are its payer's codes: load the
  payer's networks first, through the catalog or the network workflows; an
  employer's vetted network is curated, and vetted, by its employer only);
* the vetted networks re-judge the providers whose facts changed
  (``directory.services.network_vetting.refresh``).

Called by ``provnet resolve`` for every source, and by each record loader for
its own source (so a newer file's retirements and changes reach the facts at
once, through the links already decided).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from directory.model import Location, NetworkKind
from directory.services.network_vetting import refresh
from directory.source_records import LinkStatus, SourceFacts
from directory.store import Store

from .record_facts import Linked, provider_facts

log = logging.getLogger(__name__)

#: Providers whose facts are compared and written per store round of reads.
BATCH = 1000


@dataclass
class MaterialiseReport:
    sources: int = 0
    linked_records: int = 0
    written: int = 0  # providers whose facts from a source were replaced
    withdrawn: int = 0  # of those, providers left with no facts from the source
    changed: set[str] = field(default_factory=set)  # NPIs whose facts changed
    skipped: Counter = field(default_factory=Counter)  # what records gave no fact for, and why
    vetting: str = ""

    def summary(self) -> str:
        skipped = ", ".join(f"{k} {v:,}" for k, v in sorted(self.skipped.items())) or "none"
        return (
            f"facts of {self.sources} source(s) from {self.linked_records:,} linked records: "
            f"{self.written:,} provider(s) written ({self.withdrawn:,} withdrawn), "
            f"{len(self.changed):,} changed; left out: {skipped}" + (f"\n{self.vetting}" if self.vetting else "")
        )


def _location_key(pl, with_phone: bool) -> tuple:
    return (pl.location.key, pl.primary, pl.evidence, pl.location.phone if with_phone else None)


def same_facts(held: SourceFacts | None, new: SourceFacts) -> bool:
    """Whether the store already holds exactly ``new`` (order aside). A
    placement without a phone of its own reads back with the address's phone,
    so a phone is compared only where the source gave one."""
    held = held or SourceFacts()
    if (
        set(held.credentials) != set(new.credentials)
        or set(held.treatments) != set(new.treatments)
        or set(held.access) != set(new.access)
        or set(held.memberships) != set(new.memberships)
    ):
        return False
    phoned = {pl.location.key for pl in new.locations if pl.location.phone}
    mine = {_location_key(pl, pl.location.key in phoned) for pl in held.locations}
    return mine == {_location_key(pl, pl.location.key in phoned) for pl in new.locations}


def linked_records(store: Store, source: str) -> dict[str, list[Linked]]:
    """The current records of ``source`` linked to a provider, by NPI."""
    out: dict[str, list[Linked]] = {}
    page: list = []

    def flush() -> None:
        links = store.resolution_links(r.ref for r in page)
        for r in page:
            link = links.get(r.ref)
            if link is not None and link.status is LinkStatus.LINKED and link.npi:
                out.setdefault(link.npi, []).append(Linked(r, link))
        page.clear()

    for record in store.iter_source_records(source):
        page.append(record)
        if len(page) >= 5000:
            flush()
    if page:
        flush()
    return out


def materialise(
    store: Store, sources: Iterable[str] | None = None, *, today: date | None = None, vet: bool = True
) -> MaterialiseReport:
    """Bring the facts of ``sources`` (None: every source of records) in line
    with their current linked records; see the module docstring."""
    report = MaterialiseReport()
    wanted = None if sources is None else set(sources)
    # a roster speaks for payers' networks; an employer's vetted network is curated (and vetted) by its employer
    networks = {n.id for n in store.networks() if n.kind is NetworkKind.PAYER}
    for held_source in store.record_sources():
        source = held_source.source
        if wanted is not None and source not in wanted:
            continue
        report.sources += 1
        linked = linked_records(store, source)
        report.linked_records += sum(len(v) for v in linked.values())
        targets = sorted(set(linked) | set(store.source_fact_npis(source)))
        for start in range(0, len(targets), BATCH):
            batch = targets[start : start + BATCH]
            held = store.source_facts(source, batch)
            places = store.locations_for(batch)
            member_of = store.networks_for(batch)
            changed: dict[str, SourceFacts] = {}
            for npi in batch:
                known: list[Location] = [pl.location for pl in places.get(npi, []) if pl.evidence.source != source]
                new, skipped = provider_facts(npi, linked.get(npi, ()), known, networks)
                report.skipped.update(skipped)
                mine = held.get(npi, SourceFacts())
                # a membership another source already holds stays that source's
                others = {n.id for n in member_of.get(npi, [])} - {m.network_id for m in mine.memberships}
                if others & {m.network_id for m in new.memberships}:
                    kept = tuple(m for m in new.memberships if m.network_id not in others)
                    new = SourceFacts(new.credentials, new.treatments, new.access, kept, new.locations)
                if not same_facts(mine, new):
                    changed[npi] = new
            if changed:
                store.replace_source_facts(source, changed)
                report.written += len(changed)
                report.withdrawn += sum(1 for f in changed.values() if f.empty)
                report.changed |= set(changed)
    if vet and report.changed:
        report.vetting = refresh(store, sorted(report.changed), today or date.today()).summary()
    log.info("%s", report.summary())
    return report
