"""A network's members as CSV, one row per member in NPI order: who they are,
where they practise (the primary address on record), their current vetting
status (networks that keep vetting results: judged as of today, recorded when
it changed), and the curator's decision with its note.

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return; notes are free text) are written
with a leading apostrophe. Members are read in batches (a fixed number of
store reads per :data:`BATCH` members), so exporting a payer network of tens
of thousands of members streams.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TextIO

from ..model import Network, NetworkMember, ProviderLocation
from ..store import Store
from .criteria import criteria_of
from .network_reports import pages
from .network_vetting import judge_members, keeps_results

COLUMNS = (
    "npi",
    "name",
    "entity_type",
    "vetting_status",
    "decision",
    "decided_by",
    "decided_at",
    "note",
    "added_on",
    "source",
    "reference",
    "address",
    "city",
    "state",
    "zip",
    "county",
    "phone",
)
BATCH = 500
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class ExportPage:
    text: str  # CSV with the header row
    rows: int
    end_cursor: str | None  # the last NPI written
    has_next_page: bool


def _primary(locations: list[ProviderLocation]) -> ProviderLocation | None:
    if not locations:
        return None
    return min(locations, key=lambda pl: (not pl.primary, -pl.evidence.retrieved.toordinal(), pl.location.key))


def rows(store: Store, network: Network, today: date, members: list[NetworkMember]) -> Iterator[dict[str, str]]:
    """One row per member given, in their order, read and judged in batches."""
    vetted = keeps_results(store, network)
    criteria = criteria_of(store, network.id) if vetted else None
    for start in range(0, len(members), BATCH):
        batch = members[start : start + BATCH]
        npis = [m.npi for m in batch]
        records, locations = store.providers(npis), store.locations_for(npis)
        statuses = judge_members(store, network, npis, today, criteria=criteria) if vetted else {}
        for m in batch:
            record = records.get(m.npi)
            where = _primary(locations.get(m.npi, []))
            loc = where.location if where else None
            yield {
                "npi": m.npi,
                "name": record.display_name if record else "",
                "entity_type": record.entity_type.name.lower() if record else "",
                "vetting_status": statuses[m.npi].current.status.value if m.npi in statuses else "",
                "decision": m.decision.value if m.decision else "",
                "decided_by": m.decided_by or "",
                "decided_at": m.decided_at.isoformat() if m.decided_at else "",
                "note": m.note or "",
                "added_on": m.added_on.isoformat() if m.added_on else "",
                "source": m.evidence.source,
                "reference": m.evidence.reference or "",
                "address": " ".join(p for p in (loc.line1, loc.line2) if p) if loc else "",
                "city": loc.city if loc else "",
                "state": loc.state if loc else "",
                "zip": loc.zip5 if loc else "",
                "county": (loc.county or "") if loc else "",
                "phone": (loc.phone or "") if loc else "",
            }


def safe(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA) else value


def write_csv(out: TextIO, found: Iterator[dict[str, str]]) -> int:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    written = 0
    for row in found:
        writer.writerow({k: safe(v) for k, v in row.items()})
        written += 1
    return written


def export_page(store: Store, network: Network, today: date, *, first: int, after: str | None = None) -> ExportPage:
    """Members after the NPI ``after``, at most ``first``, as one CSV text."""
    found = store.member_page(network.id, after=after or "", limit=first + 1)
    page = found[:first]
    out = io.StringIO()
    written = write_csv(out, rows(store, network, today, page))
    end = page[-1].npi if page else None
    return ExportPage(out.getvalue(), written, end, len(found) > len(page))


def export_all(store: Store, network: Network, today: date, out: TextIO) -> int:
    """Every member, streamed to ``out`` a batch at a time; returns the rows written."""
    return write_csv(
        out, (row for page in pages(store, network, "", BATCH) for row in rows(store, network, today, page))
    )
