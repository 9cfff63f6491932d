"""Outcome and alliance aggregates per provider and period, as a practice
reports them: ``provnet ingest outcomes PATH``. One CSV, one header row, these
twelve columns in any order and no others::

    npi,period_start,period_end,patients,phq9_baseline_mean,phq9_latest_mean,phq9_response_rate,
    phq9_remission_rate,gad7_change_mean,alliance_instrument,alliance_mean,dropout_rate

* ``npi``: the provider (valid NPI; one the store lacks is filtered ``npi_not_in_store``);
* ``period_start``, ``period_end``: ``YYYY-MM-DD``, start not after end, end not
  after the file's date;
* ``patients``: how many patients the figures rest on (a whole number, 0 or more);
* ``phq9_baseline_mean``, ``phq9_latest_mean``: mean PHQ-9 at the start of care
  and at the latest measurement, 0 to 27;
* ``phq9_response_rate``, ``phq9_remission_rate``: shares of patients with a
  drop of 50 % or more, and under 5, 0 to 1;
* ``gad7_change_mean``: mean GAD-7 change (latest minus baseline), -21 to 21;
* ``alliance_instrument``: ``WAI-SR`` (total 12 to 60) or ``SRS`` (0 to 40),
  empty when no alliance was measured; ``alliance_mean`` in that instrument's range;
* ``dropout_rate``: 0 to 1.

An empty figure is "not measured". A row out of range, of the wrong kind or
with a bad date is quarantined with its reason; the reason never repeats a
figure. **No patient-level data**: a file with any column that could describe
a person (name, date of birth, MRN, patient or member id, address ...) is
refused whole before anything is read, and so is any column not listed above.
A cell of fewer than 11 patients is stored as reported but never shown or used
(``directory.services.outcomes``). Re-running a file changes nothing.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from directory.errors import SourceFormatError
from directory.model import AllianceInstrument, Evidence, OutcomeMeasures
from directory.npi import is_valid_npi
from directory.store.base import Store
from directory.store.port_outcomes import outcome_key

from ..batches import Kind, Outcome, Sink, bump
from ..normalize import RowRejected
from ..nppes import RawRow
from ..quarantine import FilterReason, Problem, ReasonCode
from ..report import IngestReport
from .base import Source, SourceFile, file_key, load
from .tabular import CsvColumns, CsvFile

SOURCE = "outcomes"
METHOD = "reported_aggregates"
#: Reported by the practice itself, not verified by provnet.
CONFIDENCE = 0.8

COLUMNS = (
    "npi",
    "period_start",
    "period_end",
    "patients",
    "phq9_baseline_mean",
    "phq9_latest_mean",
    "phq9_response_rate",
    "phq9_remission_rate",
    "gad7_change_mean",
    "alliance_instrument",
    "alliance_mean",
    "dropout_rate",
)
#: (low, high) of each figure; the alliance mean's depend on its instrument.
RANGES: dict[str, tuple[float, float]] = {
    "phq9_baseline_mean": (0, 27),
    "phq9_latest_mean": (0, 27),
    "phq9_response_rate": (0, 1),
    "phq9_remission_rate": (0, 1),
    "gad7_change_mean": (-21, 21),
    "dropout_rate": (0, 1),
}
ALLIANCE_RANGES = {AllianceInstrument.WAI_SR: (12, 60), AllianceInstrument.SRS: (0, 40)}

#: Header words that describe a person: a file holding any is refused.
_PERSONAL = re.compile(
    r"(^|_)(name|names|first|last|middle|surname|given|family|dob|birth|birthdate|born|ssn|social|address|street|"
    r"phone|email|mrn|chart|patient|member|subscriber|client|person|gender|sex|age|diagnosis|icd|encounter)($|_)"
)


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


class OutcomesCsv(CsvFile):
    """The outcomes file: exactly the columns of :data:`COLUMNS`, nothing personal."""

    def resolve_header(self, header: list[str]) -> CsvColumns:  # type: ignore[override]
        keys = [_key(h) for h in header]
        for column, key in zip(header, keys, strict=True):
            if key not in COLUMNS and _PERSONAL.search(key):
                raise SourceFormatError(
                    f"{self.name}: column {column!r} looks like patient-level data; an outcomes file holds only "
                    f"aggregates per provider and period ({','.join(COLUMNS)}), never anything about one patient"
                )
        unknown = [h for h, k in zip(header, keys, strict=True) if k not in COLUMNS]
        missing = [c for c in COLUMNS if c not in keys]
        if unknown or missing:
            problems = ([f"unknown column(s) {', '.join(map(repr, unknown))}"] if unknown else []) + (
                [f"missing {', '.join(missing)}"] if missing else []
            )
            raise SourceFormatError(f"{self.name}: not an outcomes file: {'; '.join(problems)}")
        if len(set(keys)) != len(keys):
            raise SourceFormatError(f"{self.name}: the header repeats a column")
        self.named = CsvColumns(len(keys), {c: keys.index(c) for c in COLUMNS})
        return self.named


def _reject(code: ReasonCode, detail: str) -> RowRejected:
    return RowRejected(Problem(code, detail))


def _day(row: Mapping[str, str], column: str, latest: date) -> date:
    text = row[column]
    if not text:
        raise _reject(ReasonCode.MISSING_VALUE, f"{column} is empty")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise _reject(ReasonCode.INVALID_DATE, f"{column} {text!r} is not YYYY-MM-DD")
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise _reject(ReasonCode.IMPOSSIBLE_DATE, f"{column} {text!r} is not a calendar date") from None
    if value.year < 1900 or value > latest:
        raise _reject(ReasonCode.IMPOSSIBLE_DATE, f"{column} {text!r} is before 1900 or after the file's date {latest}")
    return value


def _figure(row: Mapping[str, str], column: str, low: float, high: float) -> float | None:
    """A figure or None; the detail of a bad one never repeats the value (it may be a small cell's)."""
    text = row[column]
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise _reject(ReasonCode.INVALID_VALUE, f"{column} is not a number") from None
    if not math.isfinite(value):
        raise _reject(ReasonCode.INVALID_VALUE, f"{column} is not a finite number")
    if not low <= value <= high:
        raise _reject(ReasonCode.OUT_OF_RANGE, f"{column} is outside {low:g} to {high:g}")
    return value


def parse_row(row: Mapping[str, str], evidence: Evidence) -> OutcomeMeasures:
    """One row (column -> stripped text) -> a cell; RowRejected with a reason code."""
    npi = row["npi"]
    if not npi:
        raise _reject(ReasonCode.MISSING_NPI, "npi is empty")
    if not is_valid_npi(npi):
        raise _reject(ReasonCode.INVALID_NPI, f"{npi!r} is not a valid NPI (10 digits, Luhn check digit)")
    latest = evidence.retrieved
    start, end = _day(row, "period_start", latest), _day(row, "period_end", latest)
    if start > end:
        raise _reject(ReasonCode.IMPOSSIBLE_DATE, f"period_start {start} is after period_end {end}")
    patients_text = row["patients"]
    if not patients_text:
        raise _reject(ReasonCode.MISSING_VALUE, "patients is empty")
    if not re.fullmatch(r"-?\d+", patients_text):
        raise _reject(ReasonCode.INVALID_VALUE, "patients is not a whole number")
    patients = int(patients_text)
    if patients < 0:
        raise _reject(ReasonCode.OUT_OF_RANGE, "patients is negative")
    figures = {column: _figure(row, column, low, high) for column, (low, high) in RANGES.items()}
    instrument_text = row["alliance_instrument"].upper()
    instrument = next((i for i in AllianceInstrument if i.value == instrument_text), None)
    if instrument_text and instrument is None:
        known = " or ".join(i.value for i in AllianceInstrument)
        raise _reject(ReasonCode.INVALID_VALUE, f"alliance_instrument {row['alliance_instrument']!r} is not {known}")
    alliance = None
    if instrument is None:
        if row["alliance_mean"]:
            raise _reject(ReasonCode.MISSING_VALUE, "alliance_mean is given without its alliance_instrument")
    else:
        alliance = _figure(row, "alliance_mean", *ALLIANCE_RANGES[instrument])
    return OutcomeMeasures(
        npi=npi,
        period_start=start,
        period_end=end,
        patients=patients,
        evidence=evidence,
        alliance_instrument=instrument,
        alliance_mean=alliance,
        **figures,
    )


class OutcomeSink(Sink):
    """Cells a batch at a time: filtered when the store lacks the NPI, unchanged
    when the store holds the cell as it is, else written."""

    def __init__(self, store: Store, report: IngestReport):
        super().__init__(store, report)
        self._rows: list[OutcomeMeasures] = []

    def add(self, kind: int, row: RawRow, payload: Any) -> None:
        if kind != Kind.LOAD:
            raise AssertionError(f"the outcomes source yields LOAD, FILTER or REJECT, not {kind!r} (line {row.line})")
        self._rows.append(payload[0])
        self.pending += 1

    def write(self, line: int) -> None:
        rows, self._rows = self._rows, []
        self.pending = 0
        if rows:
            self._write(rows)
        self.store.checkpoint(self.checkpoint_at(line))

    def _write(self, rows: list[OutcomeMeasures]) -> None:
        store, report = self.store, self.report
        known = set(store.stored_versions([o.npi for o in rows]))
        held = [o for o in rows if o.npi in known]
        if len(held) < len(rows):
            bump(report.filtered, FilterReason.NPI_NOT_IN_STORE.value, len(rows) - len(held))
        stored = {outcome_key(o): o for cells in store.outcomes_for(known).values() for o in cells} if known else {}
        changed: dict[tuple[str, str, str, str], OutcomeMeasures] = {}
        for o in held:
            key = outcome_key(o)
            old = changed.get(key) or stored.get(key)
            if old is None:
                report.inserted += 1
            elif old == o:
                report.unchanged += 1
                continue
            else:
                report.updated += 1
            changed[key] = o
        store.upsert_outcomes(list(changed.values()))


class OutcomesFile(Source):
    """One outcomes CSV; ``source`` names who reported it (the evidence source,
    e.g. ``outcomes:acme-clinic``); ``as_of`` the date it speaks for (default:
    the file's modification date)."""

    def __init__(self, path: str | os.PathLike[str], *, source: str = SOURCE, as_of: date | None = None):
        source = (source or "").strip()
        if not source:
            raise SourceFormatError("an outcomes file needs the name of its source")
        self.name = source
        self.path, self.as_of = Path(path), as_of

    @property
    def scope_name(self) -> str:
        return "providers in the store"

    @contextlib.contextmanager
    def open(self, store: Store) -> Iterator[SourceFile]:
        file = OutcomesCsv(self.path, None, COLUMNS, "outcomes")
        with file:
            self.file = file
            retrieved = self.as_of or file.date
            self.evidence = Evidence(self.name, retrieved, METHOD, CONFIDENCE, file.name)
            yield SourceFile(file.name, file_key(self.path), retrieved)

    def outcomes(self, store: Store, resume_line: int) -> Iterator[Outcome]:
        LOAD, REJECT = Kind.LOAD, Kind.REJECT
        index = self.file.named.index
        for row in self.file.rows():
            if row.end_line <= resume_line:
                continue
            if row.problem is not None:
                yield REJECT, row, row.problem
                continue
            fields = row.fields
            assert fields is not None  # no skip test is used, so every row is parsed
            try:
                cell = parse_row({name: fields[i].strip() for name, i in index.items()}, self.evidence)
            except RowRejected as rejected:
                yield REJECT, row, rejected.problem
                continue
            yield LOAD, row, (cell, ())

    def sink(self, store: Store, report: IngestReport, batch_size: int) -> OutcomeSink:
        return OutcomeSink(store, report)


def load_outcomes(
    store: Store,
    path: str | os.PathLike[str],
    *,
    source: str = SOURCE,
    as_of: date | None = None,
    policy: str = "quarantine",
) -> IngestReport:
    """Load one outcomes file (see the module docstring); returns the run's report."""
    return load(store, OutcomesFile(path, source=source, as_of=as_of), policy=policy)
