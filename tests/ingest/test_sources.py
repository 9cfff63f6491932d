"""The source abstraction itself (``ingest.sources``), on a small real source
defined here the way a new source module would be: a treatment-site list, a
CSV file on disk mapped row by row to treatment offerings (``TreatmentSites``),
loaded into a SQLite store on disk that an NPPES main file filled first."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date

import pytest
from nppes_files import FILE_DATE, individual, npi

from directory.errors import SourceFormatError, StoreError
from directory.model import Treatment, TreatmentOffering
from directory.store.sqlite import SQLiteStore
from ingest import ingest_nppes
from ingest.quarantine import FilterReason
from ingest.sources import CsvSource, Facts, load

HEADER = ("Site NPI", "Service", "Offered by video", "Site id")
LISTED = date(2025, 11, 20)


class TreatmentSites(CsvSource):
    """A list of sites and the TRD treatment each gives."""

    name = "treatment_sites"
    label = "treatment-site list"
    columns = ("Site NPI", "Service", "Offered by video")
    confidence = 0.9

    def map(self, row):
        npi_ = self.npi(row, "Site NPI")
        treatment = self.choice(row, "Service", Treatment)
        if treatment in (Treatment.PSYCHOTHERAPY, Treatment.MEDICATION_MANAGEMENT):
            return FilterReason.OUT_OF_SCOPE  # the list speaks for TRD treatments only
        telehealth = row["Offered by video"] == "Y"
        return Facts(npi=npi_, treatments=[TreatmentOffering(npi_, treatment, self.evidence, telehealth=telehealth)])


def rows() -> list[list[str]]:
    out = []
    for i in range(1, 21):
        out.append([npi(i), "tms_standard", "N", f"S{i}"])
        if i % 3 == 0:
            out.append([npi(i), "esketamine_rems", "N", f"S{i}"])
        if i % 4 == 0:
            out.append([npi(i), "psychotherapy", "Y", f"S{i}"])  # filtered: out of scope
    out.insert(5, ["1234567890", "ect", "N", "BAD"])  # invalid NPI
    out.insert(12, [npi(7), "tms_deluxe", "N", "S7"])  # unknown treatment
    out.insert(20, ["", "ect", "N", "S0"])  # missing NPI
    out.insert(26, [npi(99), "ect", "N", "S99"])  # a site the store does not hold: filtered
    return out


def write_list(path, data: list[list[str]]):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(data)
    return path


EXPECTED_QUARANTINE = {"invalid_npi": 1, "invalid_value": 1, "missing_npi": 1}
NPIS = [npi(i) for i in range(1, 21)] + [npi(99)]


@pytest.fixture
def sites(tmp_path):
    return write_list(tmp_path / "treatment_sites.csv", rows())


@pytest.fixture
def providers(nppes_file):
    """An NPPES main file holding the 20 sites."""
    return nppes_file([individual(npi(i)) for i in range(1, 21)])


@pytest.fixture
def store_with(providers, open_sqlite):
    """``store_with(name, cls=SQLiteStore, **kwargs)``: a store on disk holding the providers."""

    def make(name: str, cls: type[SQLiteStore] = SQLiteStore, **kwargs) -> SQLiteStore:
        store = open_sqlite(name, cls, **kwargs)
        ingest_nppes(store, providers, today=FILE_DATE)
        return store

    return make


class FailingStore(SQLiteStore):
    """Once armed, fails the ``at`` step ("write": the treatment upsert,
    "checkpoint": the checkpoint after it) after ``after`` of them succeeded;
    records the counts of every committed checkpoint; ``die``: it cannot record
    the failure either (a killed process)."""

    def __init__(self, path, *, at: str = "write", die: bool = False):
        super().__init__(path)
        self.at, self.die = at, die
        self.left: int | None = None
        self.committed: list[dict[str, int]] = []

    def arm(self, after: int | None) -> FailingStore:
        """Fail after ``after`` more successful steps; None: never (the store is back)."""
        self.left = after
        return self

    def _step(self, name: str) -> None:
        if self.at == name and self.left is not None:
            if self.left == 0:
                raise StoreError(f"simulated crash at the {name}")
            self.left -= 1

    def _upsert_treatments(self, offerings):
        self._step("write")
        return super()._upsert_treatments(offerings)

    def _checkpoint(self, checkpoint):
        self._step("checkpoint")
        super()._checkpoint(checkpoint)
        self.committed.append(dict(checkpoint.counts))

    def _finish_run(self, run_id, status, counts):
        if self.die and status == "failed":
            raise StoreError("simulated crash: process gone")
        super()._finish_run(run_id, status, counts)


def offerings(store) -> dict:
    return {n: sorted(map(repr, ts)) for n, ts in store.treatments_for(NPIS).items()}


def quarantine(store) -> list:
    return [(q.line_number, q.reason, q.raw) for q in store.quarantined() if q.source == TreatmentSites.name]


def outcome(report) -> tuple:
    return (report.read, report.loaded, report.filtered, report.quarantined)


def test_every_row_is_accounted_for_once(sites, store_with):
    store = store_with("clean.db")
    report = load(store, TreatmentSites(sites, retrieved=LISTED), batch_size=4)
    report.check()
    data = rows()
    assert report.read == len(data)
    assert report.quarantined == EXPECTED_QUARANTINE
    assert report.filtered == {"out_of_scope": 5, "npi_not_in_store": 1}
    assert report.loaded == report.inserted == len(data) - 3 - 6
    assert report.details == {"treatments.inserted": report.loaded}
    assert (report.source, report.file, report.file_date) == ("treatment_sites", sites.name, "2025-11-20")
    held = store.treatments_for([npi(3), npi(4), npi(99)])
    assert sorted(t.treatment.value for t in held[npi(3)]) == ["esketamine_rems", "tms_standard"]
    assert [t.treatment for t in held[npi(4)]] == [Treatment.TMS_STANDARD]  # psychotherapy was filtered
    assert npi(99) not in held
    (tms,) = held[npi(4)]
    evidence = tms.evidence
    assert (evidence.source, evidence.retrieved, evidence.confidence, evidence.reference) == (
        "treatment_sites",
        LISTED,
        0.9,
        sites.name,
    )
    # quarantined rows keep their line (the header is line 1) and raw text
    assert quarantine(store) == [
        (7, "invalid_npi", '"1234567890","ect","N","BAD"'),
        (14, "invalid_value", f'"{npi(7)}","tms_deluxe","N","S7"'),
        (22, "missing_npi", '"","ect","N","S0"'),
    ]
    (run,) = store.runs("treatment_sites")
    assert (run.status, run.counts) == ("completed", report.counts())


def test_a_rerun_is_all_unchanged_and_leaves_the_store_as_one_load(sites, store_with):
    store = store_with("clean.db")
    first = load(store, TreatmentSites(sites, retrieved=LISTED), batch_size=4)
    counts, held, kept = store.counts(), offerings(store), quarantine(store)
    again = load(store, TreatmentSites(sites, retrieved=LISTED), batch_size=4)
    assert again.run_id == first.run_id and again.resumed_from_line == 0
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, first.loaded)
    assert outcome(again) == outcome(first)
    assert store.counts() == counts and offerings(store) == held and quarantine(store) == kept
    assert [r.status for r in store.runs("treatment_sites")] == ["completed"]


@pytest.mark.parametrize(
    "at, die",
    [("write", False), ("checkpoint", False), ("write", True)],
    ids=["write-fails", "checkpoint-fails", "process-killed"],
)
def test_a_crash_then_a_rerun_ends_as_one_clean_run(sites, store_with, at, die):
    clean_store = store_with("clean.db")
    clean = load(clean_store, TreatmentSites(sites, retrieved=LISTED), batch_size=4)

    crashing = store_with("crash.db", FailingStore, at=at, die=die).arm(after=3)
    with pytest.raises(StoreError, match="simulated crash at the"):
        load(crashing, TreatmentSites(sites, retrieved=LISTED), batch_size=4)
    (stopped,) = crashing.runs("treatment_sites")
    assert stopped.status == ("running" if die else "failed")
    assert 0 < stopped.resume_line < len(rows())
    assert 0 < len(crashing.treatments_for(NPIS)) < len(clean_store.treatments_for(NPIS))

    crashing.arm(None)
    resumed = load(crashing, TreatmentSites(sites, retrieved=LISTED), batch_size=4)
    assert resumed.resumed_from_line == stopped.resume_line and resumed.run_id == clean.run_id
    resumed.check()
    assert outcome(resumed) == outcome(clean)
    assert offerings(crashing) == offerings(clean_store)
    assert quarantine(crashing) == quarantine(clean_store)
    assert crashing.counts() == clean_store.counts()
    assert [r.status for r in crashing.runs("treatment_sites")] == ["completed"]


def test_a_failed_run_keeps_the_counts_of_its_last_checkpoint(sites, store_with):
    store = store_with("crash.db", FailingStore, at="write").arm(after=2)
    with pytest.raises(StoreError):
        load(store, TreatmentSites(sites, retrieved=LISTED), batch_size=4)
    (failed,) = store.runs("treatment_sites")
    assert failed.status == "failed" and len(store.committed) == 2
    assert failed.counts == store.committed[-1]  # not the rows read after it
    assert failed.counts["read"] == failed.resume_line - 1  # one row a line after the header
    assert sum(v for k, v in failed.counts.items() if k.startswith("quarantined.")) == 1  # line 7, before the stop


def test_fail_fast_stops_at_the_bad_row_and_keeps_it_in_quarantine(sites, store_with):
    store = store_with("fail.db")
    with pytest.raises(SourceFormatError, match=r"line 7: invalid_npi: '1234567890' is not a valid NPI.*fail_fast"):
        load(store, TreatmentSites(sites, retrieved=LISTED), policy="fail-fast", batch_size=4)
    assert quarantine(store) == [(7, "invalid_npi", '"1234567890","ect","N","BAD"')]
    (stopped,) = store.runs("treatment_sites")
    assert stopped.status == "failed" and stopped.resume_line == 6  # just before the bad row
    assert stopped.counts["read"] == 5 and "quarantined.invalid_npi" not in stopped.counts
    assert sorted(store.treatments_for(NPIS)) == [npi(1), npi(2), npi(3), npi(4)]  # the rows before it

    # the same policy stops there again; the quarantine policy finishes the run as one clean load would
    with pytest.raises(SourceFormatError, match="line 7"):
        load(store, TreatmentSites(sites, retrieved=LISTED), policy="fail_fast", batch_size=4)
    finished = load(store, TreatmentSites(sites, retrieved=LISTED), batch_size=4)
    assert finished.resumed_from_line == 6
    assert finished.quarantined == EXPECTED_QUARANTINE and finished.read == len(rows())
    assert len(quarantine(store)) == 3


def test_ignore_counts_bad_rows_without_keeping_them(sites, store_with):
    store = store_with("ignore.db")
    report = load(store, TreatmentSites(sites, retrieved=LISTED), policy="ignore", batch_size=4)
    assert report.quarantined == EXPECTED_QUARANTINE and quarantine(store) == []
    report.check()


def test_a_list_without_a_needed_column_is_refused_before_anything_is_written(tmp_path, store_with):
    path = tmp_path / "treatment_sites.csv"
    path.write_text('"Site NPI","Service"\r\n"' + npi(1) + '","ect"\r\n', encoding="utf-8")
    store = store_with("refused.db")
    before = store.counts()
    with pytest.raises(SourceFormatError, match="not a treatment-site list file: the header lacks 'Offered by video'"):
        load(store, TreatmentSites(path))
    assert store.counts() == before and store.runs("treatment_sites") == []


class BreaksMidway(TreatmentSites):
    """The list's reader fails after ``good`` rows (a damaged file, a dropped connection)."""

    good = 9

    def outcomes(self, store, resume_line) -> Iterator:
        for n, outcome in enumerate(super().outcomes(store, resume_line), start=resume_line + 1):
            if n > self.good:
                raise OSError("connection reset while reading the list")
            yield outcome


def test_when_the_source_fails_what_it_handed_over_is_written(sites, store_with):
    store = store_with("broken.db")
    with pytest.raises(OSError, match="connection reset"):  # in the first batch: nothing was written before
        load(store, BreaksMidway(sites, retrieved=LISTED), batch_size=100)
    (failed,) = store.runs("treatment_sites")
    assert (failed.status, failed.resume_line, failed.counts["read"]) == ("failed", 10, 9)
    assert len(store.treatments_for(NPIS)) == 6  # rows 2-10 less the filtered, rejected and repeated-NPI ones
    finished = load(store, TreatmentSites(sites, retrieved=LISTED), batch_size=100)
    assert finished.resumed_from_line == 10 and finished.read == len(rows())
    finished.check()
