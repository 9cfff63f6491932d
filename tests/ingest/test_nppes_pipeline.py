"""The whole load into the SQLite store: scope, evidence, batches, runs,
idempotence, deactivations, progress and the report."""

from __future__ import annotations

import json
from datetime import date

import pytest
from nppes_files import (
    FAMILY_MEDICINE,
    FILE_DATE,
    FILE_NAME,
    GROUP_PRACTICE,
    bulk_rows,
    deactivated,
    individual,
    npi,
    organization,
    write_nppes,
)

from directory.errors import InputError
from directory.model import Evidence
from directory.reference import nucc_taxonomies
from directory.store.sqlite import SQLiteStore
from ingest import IngestReport, Scope, ingest_nppes
from ingest import parallel as parallel_stages


def family_doctor(number: str) -> dict[str, str]:
    return individual(number, **{"Healthcare Provider Taxonomy Code_1": FAMILY_MEDICINE})


MIXED = [
    individual(npi(1)),
    family_doctor(npi(2)),
    organization(npi(3)),
    organization(npi(4), **{"Healthcare Provider Taxonomy Code_1": GROUP_PRACTICE}),  # group practice: kept
    individual(npi(5), **{"Healthcare Provider Taxonomy Code_1": GROUP_PRACTICE}),  # not an organization
    family_doctor(npi(6)) | {"Healthcare Provider Taxonomy Code_7": "207L00000X"},  # anesthesiology in slot 7
]


def test_default_scope_keeps_behavioural_health_and_group_practices(open_sqlite, nppes_file):
    store = open_sqlite()
    report = ingest_nppes(store, nppes_file(MIXED))
    assert report.read == 6 and report.loaded == 4
    assert report.filtered == {"out_of_scope": 2}
    assert sorted(store.providers([npi(i) for i in range(1, 7)])) == [npi(1), npi(3), npi(4), npi(6)]
    report.check()


def test_scope_all_and_custom(open_sqlite, nppes_file):
    path = nppes_file(MIXED)
    everything = ingest_nppes(open_sqlite("a.db"), path, scope="all")
    assert everything.loaded == 6 and everything.filtered == {} and everything.scope == "all"
    store = open_sqlite("b.db")
    custom = ingest_nppes(store, path, scope=Scope.of([FAMILY_MEDICINE]))
    assert custom.loaded == 2 and sorted(store.providers([npi(i) for i in range(1, 7)])) == [npi(2), npi(6)]
    with pytest.raises(InputError, match="not NUCC"):
        Scope.parse("2084P0800X,NOTACODE")


def test_evidence_comes_from_the_file(open_sqlite, nppes_file):
    store = open_sqlite()
    ingest_nppes(store, nppes_file([individual(npi(1))]))
    expected = Evidence(source="nppes", retrieved=FILE_DATE, method="bulk_file", confidence=1.0, reference=FILE_NAME)
    assert store.providers([npi(1)])[npi(1)].evidence == expected
    assert store.locations_for([npi(1)])[npi(1)][0].evidence == expected
    assert store.taxonomies_for([npi(1)])[npi(1)][0].evidence == expected


def test_nucc_taxonomies_are_loaded_with_the_file(open_sqlite, nppes_file):
    store = open_sqlite()
    ingest_nppes(store, nppes_file([individual(npi(1))]))
    assert store.counts()["taxonomies"] == len(nucc_taxonomies())
    assert store.taxonomies_for([npi(1)])[npi(1)][0].display_name


def test_second_run_of_the_same_file_changes_nothing(open_sqlite, nppes_file):
    rows = [individual(npi(i)) for i in range(1, 30)] + [
        organization(npi(40)),
        family_doctor(npi(41)),
        individual("1234567890"),
    ]
    path = nppes_file(rows)
    store = open_sqlite()
    first = ingest_nppes(store, path, batch_size=7)
    counts = store.counts()
    second = ingest_nppes(store, path, batch_size=7)
    assert first.inserted == 30 and first.unchanged == 0
    assert second.inserted == 0 and second.updated == 0 and second.unchanged == 30 == second.loaded
    assert second.filtered == first.filtered and second.quarantined == first.quarantined
    assert store.counts() == counts  # run books included: the run is reopened, not repeated
    assert second.run_id == first.run_id and second.resumed_from_line == 0
    (run,) = store.runs("nppes")
    assert run.status == "completed" and run.counts == second.counts() and run.finished_at


def test_a_changed_row_is_updated(open_sqlite, nppes_file, tmp_path):
    store = open_sqlite()
    ingest_nppes(store, nppes_file([individual(npi(1)), individual(npi(2))]))
    (tmp_path / "fixed").mkdir()  # same name, so the same evidence: only the edited row differs
    changed = individual(npi(1), **{"Provider Credential Text": "M.D., Ph.D.", "Last Update Date": "08/01/2023"})
    report = ingest_nppes(store, write_nppes(tmp_path / "fixed" / FILE_NAME, [changed, individual(npi(2))]))
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 1)
    assert store.providers([npi(1)])[npi(1)].credential_text == "MD, PHD"
    # a newer file re-states every record with its own date: the evidence is refreshed
    newer = ingest_nppes(store, nppes_file([changed, individual(npi(2))], name="npidata_pfile_20050523-20251207.csv"))
    assert newer.updated == 2
    assert store.providers([npi(2)])[npi(2)].evidence.retrieved == date(2025, 12, 7)


def test_sparse_deactivation_rows(open_sqlite, nppes_file):
    store = open_sqlite()
    ingest_nppes(store, nppes_file([individual(npi(1)), individual(npi(2))]))
    weekly = nppes_file(
        [deactivated(npi(1), "06/30/2025"), deactivated(npi(9), "06/30/2025")],
        name="npidata_pfile_20251103-20251109.csv",
    )
    report = ingest_nppes(store, weekly)
    assert report.read == 2 and report.updated == 1
    assert report.filtered == {"deactivated_unknown_npi": 1}
    report.check()
    record = store.providers([npi(1)])[npi(1)]
    assert record.deactivation_date == date(2025, 6, 30) and not record.is_active
    assert store.providers([npi(2)])[npi(2)].is_active
    assert npi(9) not in store.providers([npi(9)])
    again = ingest_nppes(store, weekly)  # already deactivated: nothing changes
    assert again.updated == 0 and again.unchanged == 1


def test_reactivated_full_row(open_sqlite, nppes_file):
    store = open_sqlite()
    row = individual(
        npi(1),
        **{
            "NPI Deactivation Date": "01/15/2020",
            "NPI Deactivation Reason Code": "OT",
            "NPI Reactivation Date": "03/01/2020",
        },
    )
    ingest_nppes(store, nppes_file([row]))
    record = store.providers([npi(1)])[npi(1)]
    assert record.deactivation_date == date(2020, 1, 15) and record.reactivation_date == date(2020, 3, 1)
    assert record.deactivation_reason == "OT" and record.is_active


class CountingStore(SQLiteStore):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.batches: list[int] = []
        self.checkpoints: list[int] = []

    def upsert_providers(self, records, checkpoint=None, digests=None):
        self.batches.append(len(records))
        self.checkpoints.append(checkpoint.resume_line)
        return super().upsert_providers(records, checkpoint, digests)


def test_fixed_size_batches_each_with_a_checkpoint(open_sqlite, nppes_file):
    store = open_sqlite(cls=CountingStore)
    rows = [individual(npi(i)) for i in range(1, 11)]
    rows.insert(3, family_doctor(npi(90)))
    ingest_nppes(store, nppes_file(rows), batch_size=4)
    assert store.batches == [4, 4, 2]
    assert store.checkpoints == [6, 10, 12]  # physical line of the last row each batch covers
    (run,) = store.runs("nppes")
    assert run.resume_line == 12 and run.counts["read"] == 11


def test_progress_callback_gets_running_counts(open_sqlite, nppes_file):
    seen: list[IngestReport] = []
    rows = [individual(npi(i)) if i % 3 else family_doctor(npi(i)) for i in range(1, 26)]
    ingest_nppes(open_sqlite(), nppes_file(rows), progress=seen.append, progress_every=10)
    assert [r.read for r in seen] == [10, 20]
    assert all(r.status == "running" and r.elapsed_seconds > 0 for r in seen)
    assert seen[0].filtered == {"out_of_scope": 3} and seen[1].filtered == {"out_of_scope": 6}


def test_report_is_printable_and_json(open_sqlite, nppes_file):
    report = ingest_nppes(open_sqlite(), nppes_file([individual(npi(1)), family_doctor(npi(2)), individual("1")]))
    data = json.loads(report.to_json())
    assert data["read"] == 3 and data["loaded"] == 1 and data["filtered"] == {"out_of_scope": 1}
    assert data["quarantined"] == {"invalid_npi": 1} and data["status"] == "completed"
    assert data["rows_per_second"] > 0 and data["file_date"] == "2025-11-09"
    text = str(report)
    assert "read" in text and "out_of_scope 1" in text and "invalid_npi 1" in text and "rows/s" in text


def test_policy_names():
    from ingest import BadRowPolicy

    assert BadRowPolicy.parse("fail-fast") is BadRowPolicy.FAIL_FAST is BadRowPolicy.parse("FAIL_FAST")
    assert BadRowPolicy.parse(BadRowPolicy.IGNORE) is BadRowPolicy.IGNORE
    with pytest.raises(InputError, match="unknown bad-row policy 'lenient'"):
        BadRowPolicy.parse("lenient")


def test_progress_snapshot_carries_the_running_counts(open_sqlite, nppes_file):
    seen = []
    ingest_nppes(
        open_sqlite(), nppes_file([individual(npi(1)), family_doctor(npi(2))]), progress=seen.append, progress_every=2
    )
    (snap,) = seen
    assert snap.read == 2 and snap.filtered == {"out_of_scope": 1}


def test_report_invariant_is_checked():
    report = IngestReport(
        run_id="r",
        source="nppes",
        file="f",
        file_date="2025-01-01",
        scope="all",
        policy="quarantine",
        read=3,
        inserted=1,
        filtered={"out_of_scope": 1},
    )
    with pytest.raises(AssertionError, match="does not add up"):
        report.check()
    report.quarantined["invalid_npi"] = 1
    report.check()
    restored = IngestReport(
        run_id="r", source="nppes", file="f", file_date="2025-01-01", scope="all", policy="quarantine"
    )
    restored.restore(report.counts())
    assert restored.counts() == report.counts()


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "reading-child"])
def test_a_provider_whose_new_row_leaves_the_scope_is_updated_not_left_stale(open_sqlite, nppes_file, parallel):
    if parallel and not parallel_stages.available():
        pytest.skip("a reading child needs fork and two cores")
    store = open_sqlite()
    first = ingest_nppes(store, nppes_file([individual(npi(1)), family_doctor(npi(2))]), parallel=parallel)
    assert first.loaded == 1 and first.filtered == {"out_of_scope": 1}
    later = "npidata_pfile_20050523-20251207.csv"
    second = ingest_nppes(
        store, nppes_file([family_doctor(npi(1)), family_doctor(npi(2))], name=later), parallel=parallel
    )
    assert second.updated == 1 and second.filtered == {"out_of_scope": 1}  # npi 2 was never in the store
    second.check()
    assert [t.code for t in store.taxonomies_for([npi(1)])[npi(1)]] == [FAMILY_MEDICINE]
    assert sorted(store.providers([npi(1), npi(2)])) == [npi(1)]


def test_batches_start_small_and_double_up_to_the_batch_size(open_sqlite, nppes_file):
    sizes: list[int] = []

    class Recording(SQLiteStore):
        def _write_providers(self, records, checkpoint):
            sizes.append(len(records))
            super()._write_providers(records, checkpoint)

    store = open_sqlite(cls=Recording)
    report = ingest_nppes(
        store, nppes_file(list(bulk_rows(12_000, in_scope_share=1.0))), batch_size=3000, parallel=False
    )
    report.check()
    assert sizes[:3] == [1000, 2000, 3000] and max(sizes) == 3000
    assert sum(sizes) == report.loaded == store.counts()["providers"]
