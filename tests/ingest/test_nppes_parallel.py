"""Reading in a forked child gives exactly what reading in-process gives."""

from __future__ import annotations

import pytest
from nppes_files import (
    FAMILY_MEDICINE,
    FILE_DATE,
    CrashingStore,
    deactivated,
    individual,
    npi,
    organization,
    snapshot,
)

import ingest.stages
from directory.errors import SourceFormatError, StoreError
from ingest import BadRowPolicy, ingest_nppes, parallel

pytestmark = pytest.mark.skipif(not parallel.available(), reason="needs fork and two cores")


def rows():
    out = [individual(npi(i), **{"Provider First Name": f"P{i}"}) for i in range(1, 60)]
    out += [individual(npi(i), **{"Healthcare Provider Taxonomy Code_1": FAMILY_MEDICINE}) for i in range(60, 600)]
    out += [
        organization(npi(601)),
        deactivated(npi(1), "05/05/2024"),
        deactivated(npi(602), "05/05/2024"),
        individual("1234567890"),
        individual(npi(603), **{"Healthcare Provider Taxonomy Code_2": "999X00000X"}),
        individual(npi(604), **{"Last Update Date": "02/30/2021"}),
    ]
    return out


NPIS = [npi(i) for i in range(1, 605)]


def test_parallel_equals_serial(open_sqlite, nppes_file):
    path = nppes_file(rows())
    serial_store, parallel_store = open_sqlite("serial.db"), open_sqlite("parallel.db")
    serial = ingest_nppes(serial_store, path, batch_size=16, today=FILE_DATE, parallel=False)
    in_child = ingest_nppes(parallel_store, path, batch_size=16, today=FILE_DATE, parallel=True)
    assert in_child.counts() == serial.counts()
    assert in_child.quarantined == {"duplicate_npi": 1, "invalid_npi": 1, "impossible_date": 1}
    assert in_child.warnings == {"invalid_taxonomy": 1} and in_child.filtered["out_of_scope"] == 540
    assert snapshot(parallel_store, NPIS) == snapshot(serial_store, NPIS)
    assert parallel_store.quarantined() == serial_store.quarantined()  # raw rows cross the pipe intact


def test_parallel_resume_after_a_crash(tmp_path, open_sqlite, nppes_file):
    path = nppes_file(rows())
    clean_store = open_sqlite("clean.db")
    ingest_nppes(clean_store, path, batch_size=8, today=FILE_DATE, parallel=False)
    crashing = CrashingStore(tmp_path / "crash.db", batches=3)
    crashing.init_schema()
    with pytest.raises(StoreError):
        ingest_nppes(crashing, path, batch_size=8, today=FILE_DATE, parallel=True)
    crashing.close()
    store = open_sqlite("crash.db")
    resumed = ingest_nppes(store, path, batch_size=8, today=FILE_DATE, parallel=True)
    assert resumed.resumed_from_line > 0
    assert snapshot(store, NPIS) == snapshot(clean_store, NPIS)


def test_fail_fast_in_parallel(open_sqlite, nppes_file):
    store = open_sqlite()
    with pytest.raises(SourceFormatError, match="line 602: duplicate_npi"):
        ingest_nppes(store, nppes_file(rows()), policy=BadRowPolicy.FAIL_FAST, today=FILE_DATE, parallel=True)
    assert len(store.providers(NPIS)) == 60  # everything before the bad row


def test_an_error_in_the_child_reaches_the_caller(open_sqlite, nppes_file, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("normalizer bug")

    monkeypatch.setattr(ingest.stages, "to_record", broken)  # inherited by the forked child
    store = open_sqlite()
    with pytest.raises(RuntimeError, match="normalizer bug"):
        ingest_nppes(store, nppes_file(rows()), today=FILE_DATE, parallel=True)
    (run,) = store.runs("nppes")
    assert run.status == "failed"
