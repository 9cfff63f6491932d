"""A load that crashes midway and is run again ends in the same store as one clean run."""

from __future__ import annotations

import pytest
from nppes_files import FAMILY_MEDICINE, FILE_DATE, CrashingStore, individual, npi, organization, snapshot

from directory.errors import InputError, StoreError
from ingest import ingest_nppes


def rows():
    out = []
    for i in range(1, 41):
        if i % 5 == 0:
            out.append(individual(npi(i), **{"Healthcare Provider Taxonomy Code_1": FAMILY_MEDICINE}))
        elif i % 7 == 0:
            out.append(organization(npi(i)))
        else:
            out.append(individual(npi(i), **{"Provider First Name": f"P{i}"}))
    out.insert(6, individual("1234567890"))  # invalid NPI early
    out.insert(30, individual(npi(2), **{"Provider First Name": "DUPLICATE"}))  # duplicate after the crash point
    out.insert(35, individual(npi(77), **{"Last Update Date": "02/30/2020"}))  # impossible date late
    return out


NPIS = [npi(i) for i in range(1, 41)]


def crash_midway(tmp_path, path, *, batches: int, die: bool = False) -> None:
    """Load ``path`` into crash.db until the provider write after ``batches`` fails."""
    crashing = CrashingStore(tmp_path / "crash.db", batches=batches, die=die)
    crashing.init_schema()
    with pytest.raises(StoreError, match="simulated crash"):
        ingest_nppes(crashing, path, batch_size=4, today=FILE_DATE)
    crashing.close()


@pytest.mark.parametrize("die", [False, True], ids=["failure-recorded", "process-killed"])
def test_crash_then_rerun_equals_a_clean_run(tmp_path, nppes_file, open_sqlite, die):
    path = nppes_file(rows())
    clean_store = open_sqlite("clean.db")
    clean = ingest_nppes(clean_store, path, batch_size=4, today=FILE_DATE)

    crash_midway(tmp_path, path, batches=3, die=die)

    store = open_sqlite("crash.db")
    (unfinished,) = store.runs("nppes")
    assert unfinished.status == ("running" if die else "failed")
    assert unfinished.resume_line > 0
    assert 0 < len(store.providers(NPIS)) < len(clean_store.providers(NPIS))

    resumed = ingest_nppes(store, path, batch_size=4, today=FILE_DATE)
    assert resumed.run_id == unfinished.run_id == clean.run_id
    assert resumed.resumed_from_line == unfinished.resume_line
    resumed.check()
    assert (resumed.read, resumed.loaded, resumed.filtered, resumed.quarantined) == (
        clean.read,
        clean.loaded,
        clean.filtered,
        clean.quarantined,
    )
    assert resumed.inserted + resumed.carried_over == clean.inserted
    assert clean.quarantined == {"invalid_npi": 1, "duplicate_npi": 1, "impossible_date": 1}

    assert snapshot(store, NPIS) == snapshot(clean_store, NPIS)
    assert store.providers([npi(2)])[npi(2)].first_name == "P2"  # the duplicate after the crash lost
    assert [(q.line_number, q.reason) for q in store.quarantined()] == [
        (q.line_number, q.reason) for q in clean_store.quarantined()
    ]
    assert [r.status for r in store.runs("nppes")] == ["completed"]


def test_crash_before_the_first_checkpoint_starts_over(tmp_path, nppes_file, open_sqlite):
    path = nppes_file(rows())
    crash_midway(tmp_path, path, batches=0)
    store = open_sqlite("crash.db")
    report = ingest_nppes(store, path, batch_size=4, today=FILE_DATE)
    assert report.resumed_from_line == 0 and report.read == len(rows())
    clean_store = open_sqlite("clean.db")
    ingest_nppes(clean_store, path, batch_size=4, today=FILE_DATE)
    assert snapshot(store, NPIS) == snapshot(clean_store, NPIS)


def test_a_resume_under_another_scope_is_refused_and_the_same_scope_finishes(tmp_path, nppes_file, open_sqlite):
    path = nppes_file(rows())
    crash_midway(tmp_path, path, batches=2)

    store = open_sqlite("crash.db")
    (unfinished,) = store.runs("nppes")
    assert unfinished.scope.startswith("default:") and unfinished.resume_line > 0
    before = snapshot(store, NPIS)
    with pytest.raises(InputError, match=r"stopped after line \d+ while loading with scope 'default'.*not 'all'"):
        ingest_nppes(store, path, scope="all", batch_size=4, today=FILE_DATE)
    assert snapshot(store, NPIS) == before  # refused before anything was written
    resumed = ingest_nppes(store, path, batch_size=4, today=FILE_DATE)
    assert resumed.resumed_from_line == unfinished.resume_line
    resumed.check()
    # a completed run loaded again starts over, so it may take another scope
    again = ingest_nppes(store, path, scope="all", batch_size=4, today=FILE_DATE)
    assert again.resumed_from_line == 0 and again.scope == "all"
    assert store.runs("nppes")[0].scope == "all"
