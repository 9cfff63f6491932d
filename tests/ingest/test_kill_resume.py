"""A real kill: ``provnet ingest nppes`` runs as a process, is killed with
SIGKILL once the store shows a checkpoint, and is run again; the store must
then hold exactly what one uninterrupted load writes into another store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bundle_files import bundle_members, pl_row, write_zip
from nppes_files import FILE_DATE, FILE_NAME, bulk_rows, directory_counts, individual, npi, snapshot, write_nppes

from directory.errors import StoreError
from directory.store.sqlite import SQLiteStore
from ingest import ingest_nppes
from ingest.bundle import apply_bundle

ROOT = Path(__file__).resolve().parents[2]
ROWS = 6000
BATCH = 40
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def rows():
    out = list(bulk_rows(ROWS, in_scope_share=0.6, seed=11))
    out.insert(100, individual("1234567890"))  # invalid NPI before the kill
    out.insert(ROWS - 100, individual(npi(900_001), **{"Last Update Date": "02/30/2020"}))  # bad date after it
    return out


def cli(db: Path, path: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "cli.main",
        "--store",
        f"sqlite:///{db}",
        "ingest",
        "nppes",
        str(path),
        "--batch-size",
        str(BATCH),
        "-q",
    ]


def checkpoint_of(db: Path, source: str = "nppes") -> int:
    """The resume line of the ``source`` run in ``db``, 0 while there is none yet."""
    if not db.exists():
        return 0
    store = SQLiteStore(db)
    try:
        runs = store.runs(source)
    except StoreError:  # the schema is not there yet
        return 0
    finally:
        store.close()
    return runs[0].resume_line if runs and runs[0].status == "running" else 0


def kill_at_checkpoint(command: list[str], db: Path, source: str, line: int) -> None:
    """Start ``command`` and SIGKILL it once the ``source`` run has passed ``line``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    try:
        while checkpoint_of(db, source) < line:
            assert process.poll() is None, f"the load ended before it could be killed: {process.stderr.read()!r}"
            assert time.monotonic() < deadline, "no checkpoint within 60 s"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL


def run_to_completion(command: list[str]) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def test_sigkill_midway_then_rerun_equals_an_uninterrupted_load(tmp_path):
    path = write_nppes(tmp_path / FILE_NAME, rows())
    killed_db = tmp_path / "killed.db"
    kill_at_checkpoint(cli(killed_db, path), killed_db, "nppes", 20 * BATCH)

    store = SQLiteStore(killed_db)
    (run,) = store.runs("nppes")
    assert run.status == "running" and 0 < run.resume_line < ROWS
    partial = store.counts()["providers"]
    store.close()

    assert "resumed after line" in run_to_completion(cli(killed_db, path))

    clean = SQLiteStore(tmp_path / "clean.db")
    clean.init_schema()
    expected = ingest_nppes(clean, path, batch_size=BATCH, today=FILE_DATE)
    resumed = SQLiteStore(killed_db)
    try:
        npis = [npi(i) for i in range(ROWS)] + [npi(900_001)]
        assert 0 < partial < directory_counts(clean)["providers"]
        assert directory_counts(resumed) == directory_counts(clean)
        assert snapshot(resumed, npis) == snapshot(clean, npis)
        assert [(q.line_number, q.reason, q.raw) for q in resumed.quarantined()] == [
            (q.line_number, q.reason, q.raw) for q in clean.quarantined()
        ]
        (finished,) = resumed.runs("nppes")
        assert finished.status == "completed"
        assert {k: v for k, v in finished.counts.items() if k not in ("inserted", "carried_over")} == {
            k: v for k, v in expected.counts().items() if k not in ("inserted", "carried_over")
        }
    finally:
        resumed.close()
        clean.close()


def test_sigkill_in_the_pl_file_of_a_bundle_then_rerun_equals_an_uninterrupted_apply(tmp_path):
    count = 1500
    main = list(bulk_rows(count, in_scope_share=1.0, seed=5))
    pl = [pl_row(npi(i), f"{k} SECOND ST", postal="10001") for i in range(count) for k in (1, 2, 3)]
    path = write_zip(
        tmp_path / "NPPES_Data_Dissemination_November_2025_V2.zip",
        bundle_members("20050523-20251109", main=main, pl=pl),
    )
    killed_db = tmp_path / "killed.db"
    command = [
        sys.executable,
        "-m",
        "cli.main",
        "--store",
        f"sqlite:///{killed_db}",
        "ingest",
        "bundle",
        str(path),
        "--all",
        "--batch-size",
        "30",
        "-q",
    ]
    kill_at_checkpoint(command, killed_db, "nppes_pl", 300)
    store = SQLiteStore(killed_db)
    assert [r.status for r in store.runs("nppes")] == ["completed"]
    assert store.runs("nppes_pl")[0].status == "running" and store.runs("nppes_othername") == []
    store.close()

    assert "resumed after line" in run_to_completion(command)
    clean = SQLiteStore(tmp_path / "clean.db")
    clean.init_schema()
    apply_bundle(clean, path, scope="all", batch_size=30)
    resumed = SQLiteStore(killed_db)
    try:
        npis = [npi(i) for i in range(count)]
        assert directory_counts(resumed) == directory_counts(clean)
        assert snapshot(resumed, npis) == snapshot(clean, npis)
        assert {r.source: r.status for r in resumed.runs()} == {r.source: r.status for r in clean.runs()}
    finally:
        resumed.close()
        clean.close()
