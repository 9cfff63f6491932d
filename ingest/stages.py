"""The row stages of an NPPES load, each a generator over the one before.

    screen    structural problems, sparse deactivation rows, scope filter (raw fields only)
    validate  NPI, duplicates, then normalize into a ProviderRecord (dates, names, taxonomies)

Each yields ``(kind, row, payload)`` tuples (:class:`ingest.batches.Kind`);
the writer (``ingest.batches``) consumes them. A row out of scope is filtered by ``screen``
without building anything, and runs of such rows travel as one outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

from directory.model import Evidence
from directory.npi import is_valid_npi
from directory.store.hashing import content_hash

from .batches import Kind, Outcome
from .normalize import RowRejected, ZipGeocoder, parse_date, to_record
from .nppes import Columns, RawRow
from .quarantine import FilterReason, Problem, ReasonCode

#: Consecutive out-of-scope rows travel as one outcome of up to this many rows,
#: so the 90 % of a national file that is filtered costs no per-row hand-offs.
FILTER_RUN = 1000


def screen(
    rows: Iterator[RawRow], columns: Columns, in_scope: Callable[[list[str]], bool], *, resume_line: int = 0
) -> Iterator[Outcome]:
    """Structural problems, sparse rows and the scope test, on raw fields.
    Rows ending at or before ``resume_line`` are dropped unless ``validate``
    needs them (candidates and sparse rows, for the duplicate check)."""
    entity_at = columns.entity_type
    out_of_scope = FilterReason.OUT_OF_SCOPE
    CANDIDATE, SPARSE, FILTER, REJECT = Kind.CANDIDATE, Kind.SPARSE, Kind.FILTER, Kind.REJECT
    skipped, last = 0, None
    for row in rows:
        if row.problem is None:
            fields = row.fields
            if fields is None:  # a run of lines the prescreen found out of scope, unparsed
                if row.end_line > resume_line:
                    skipped += row.end_line - max(row.line, resume_line + 1) + 1
                    last = row
                    if skipped >= FILTER_RUN:
                        yield FILTER, last, (out_of_scope, skipped)
                        skipped = 0
                continue
            if not fields[entity_at]:
                kind = SPARSE
            elif in_scope(fields):
                kind = CANDIDATE
            else:
                if row.end_line > resume_line:
                    skipped += 1
                    last = row
                    if skipped == FILTER_RUN:
                        yield FILTER, last, (out_of_scope, skipped)
                        skipped = 0
                continue
        elif row.end_line <= resume_line:
            continue
        else:
            kind = REJECT
        if skipped:
            yield FILTER, last, (out_of_scope, skipped)
            skipped = 0
        yield kind, row, row.problem
    if skipped:
        yield FILTER, last, (out_of_scope, skipped)


class NpiSeen:
    """Which NPIs a file has already produced, in a fixed 25 MB bitmap over the
    9-digit NPI base (the 10th digit is the check digit), so memory stays flat
    however many rows a file holds."""

    _FIRST = 100_000_000

    def __init__(self) -> None:
        self._bits = bytearray(200_000_000 // 8)

    def add(self, npi: str) -> bool:
        """Mark ``npi``; False if it was already marked. ``npi`` must be valid."""
        index = int(npi[:9]) - self._FIRST
        byte, bit = index >> 3, 1 << (index & 7)
        if self._bits[byte] & bit:
            return False
        self._bits[byte] |= bit
        return True


def validate(
    outcomes: Iterator[Outcome],
    columns: Columns,
    evidence: Evidence,
    today: date,
    *,
    resume_line: int = 0,
    geocode: ZipGeocoder | None = None,
) -> Iterator[Outcome]:
    """Check and normalize candidates; rows ending at or before ``resume_line``
    only mark their NPI as seen (so duplicates are judged as in a clean run)."""
    geocode = geocode or ZipGeocoder()
    seen = NpiSeen()
    npi_at, deactivated_at = columns.npi, columns.deactivation_date
    CANDIDATE, SPARSE, REJECT = Kind.CANDIDATE, Kind.SPARSE, Kind.REJECT
    for outcome in outcomes:
        kind, row, _ = outcome
        if kind != CANDIDATE and kind != SPARSE:
            yield outcome
            continue
        replay = row.end_line <= resume_line
        fields = row.fields
        npi = fields[npi_at].strip()
        if not npi:
            problem = Problem(ReasonCode.MISSING_NPI, "the NPI column is empty")
        elif not is_valid_npi(npi):
            problem = Problem(ReasonCode.INVALID_NPI, f"{npi!r} is not a valid NPI (10 digits, Luhn check digit)")
        elif not seen.add(npi):
            problem = Problem(ReasonCode.DUPLICATE_NPI, f"NPI {npi} already appeared earlier in this file")
        else:
            problem = None
        if replay:
            continue
        if problem is not None:
            yield REJECT, row, problem
            continue
        try:
            if kind == SPARSE:
                when = parse_date(fields[deactivated_at].strip(), "deactivation_date", today)
                if when is None:
                    raise RowRejected(
                        Problem(ReasonCode.BAD_ENTITY_TYPE, "entity type is empty and the row is not a deactivation")
                    )
                yield Kind.DEACTIVATE, row, (npi, when)
            else:
                fields[npi_at] = npi
                record, warnings = to_record(fields, columns, evidence, today, geocode)
                # hashed here, in the reading process of a parallel load, to spare the writer
                yield Kind.LOAD, row, (record, warnings, content_hash(record))
        except RowRejected as rejected:
            yield REJECT, row, rejected.problem
