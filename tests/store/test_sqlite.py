"""What only the embedded store promises: its file settings, threads sharing
one store, a killed writer leaving a batch boundary, error translation."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from store_records import individual, npi

from directory.errors import ConstraintViolation, StoreError, StoreUnavailable
from directory.model import IngestRun, SearchCriteria
from directory.store import RunCheckpoint, open_store
from directory.store.sqlite import SQLiteStore
from directory.store.sqlite_schema import SCHEMA_VERSION
from directory.store.sqlite_search import fts_query, name_keys, query_keys, soundex


def _run(run_id="run-1", sha="ab" * 32):
    return IngestRun(run_id, "nppes", "npidata.csv", sha, "2024-05-01T10:00:00", None, "running", {})


def test_file_settings(sqlite_store, tmp_path):
    raw = sqlite3.connect(tmp_path / "provnet.db")
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"provider", "location", "location_rtree", "provider_name_fts", "ingest_run"} <= tables
    raw.close()
    sqlite_store.init_schema()  # idempotent


def test_open_store_url(tmp_path):
    store = open_store(f"sqlite:///{tmp_path}/nested/dir/provnet.db")
    try:
        assert isinstance(store, SQLiteStore) and store.backend == "sqlite"
        assert store.counts()["providers"] == 0
    finally:
        store.close()
    assert (tmp_path / "nested" / "dir" / "provnet.db").exists()


def test_threads_share_one_store(sqlite_store):
    errors = []

    def work(worker: int):
        try:
            for b in range(5):
                base = 1000 * worker + 10 * b
                sqlite_store.upsert_providers([individual(npi(base + i)) for i in range(10)])
                sqlite_store.search(SearchCriteria(name="John Smith", limit=5))
        except Exception as exc:  # noqa: BLE001  (collected and asserted below)
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sqlite_store.counts()["providers"] == 200


_WRITER = textwrap.dedent("""
    import sys
    from directory.model import IngestRun
    from directory.store import RunCheckpoint
    from directory.store.sqlite import SQLiteStore
    sys.path.insert(0, sys.argv[2])
    from store_records import individual, npi

    store = SQLiteStore(sys.argv[1])
    store.init_schema()
    run = store.start_run(IngestRun("run-1", "nppes", "f.csv", "ab" * 32, "2024-05-01T10:00:00", None,
                                    "running", {}))
    line = run.resume_line
    while True:
        batch = [individual(npi(line + i)) for i in range(50)]
        line += 50
        store.upsert_providers(batch, RunCheckpoint(run.run_id, line, {"accepted": line}))
        print(line, flush=True)
""")


def test_killed_writer_leaves_a_batch_boundary(tmp_path):
    path = tmp_path / "provnet.db"
    here = str(Path(__file__).parent)
    child = subprocess.Popen([sys.executable, "-c", _WRITER, str(path), here], stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        written = 0
        while written < 300 and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:  # the writer died on its own
                break
            written = int(line)
        child.send_signal(signal.SIGKILL)  # mid-batch, as likely as not
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    assert written >= 300
    store = SQLiteStore(path)
    try:
        (run,) = store.runs()
        assert run.resume_line >= written
        assert store.counts()["providers"] == run.resume_line == run.counts["accepted"]
        # resuming continues from the checkpoint
        assert store.start_run(_run(sha="ab" * 32)).resume_line == run.resume_line
    finally:
        store.close()


def test_errors_are_translated(tmp_path):
    store = SQLiteStore(tmp_path / "provnet.db")
    store.init_schema()
    store.start_run(_run("run-1"))
    store.finish_run("run-1", "completed", {})
    with pytest.raises(ConstraintViolation):  # same run id again, for another file
        store.start_run(_run("run-1", sha="cd" * 32))
    store.close()
    store.close()  # closing twice is harmless
    with pytest.raises(StoreUnavailable):
        store.counts()
    with pytest.raises(StoreUnavailable):
        SQLiteStore(tmp_path / "provnet.db" / "not-a-dir" / "x.db")


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "provnet.db"
    SQLiteStore(path).init_schema()
    raw = sqlite3.connect(path)
    with raw:
        raw.execute("UPDATE schema_version SET version = version + 1")
    raw.close()
    with pytest.raises(StoreError, match="newer"):
        SQLiteStore(path).init_schema()


def test_checkpoint_only_batch(sqlite_store):
    run = sqlite_store.start_run(_run())
    sqlite_store.upsert_providers([], RunCheckpoint(run.run_id, 77, {"rejected": 77}))
    assert sqlite_store.runs()[0].resume_line == 77
    assert sqlite_store.providers([npi(1)]) == {}


@pytest.mark.parametrize(
    "word, key",
    [
        ("Robert", "R163"),
        ("Rupert", "R163"),
        ("Ashcraft", "A261"),
        ("Tymczak", "T522"),
        ("Pfister", "P236"),
        ("Smith", "S530"),
        ("Smyth", "S530"),
        ("Jonh", "J500"),
        ("John", "J500"),
        ("Li", "L000"),
    ],
)
def test_soundex(word, key):
    assert soundex(word) == key


def test_name_prefilter_values():
    assert fts_query("Jonh  Smyth!") == '("jon" OR "onh") AND ("myt" OR "smy" OR "yth")'
    assert fts_query("Li Wu") is None
    assert name_keys(["Dr. John Q Smith", "42"]) == {
        "D600",
        "J500",
        "Q000",
        "S530",
        "D600 J500",
        "J500 Q000",
        "Q000 S530",
        "D600 S530",
    }
    # a typo in the middle of each word keeps the codes; word order does not matter
    assert query_keys("Smyth, Jonh") == ["J500 S530"]
    assert set(query_keys("Jonh Smyth")) <= name_keys(["John Smith"])
    assert query_keys("Smyth") == ["S530"]


_BULK_WRITER = textwrap.dedent("""
    import sys, time
    from directory.store.sqlite import SQLiteStore
    sys.path.insert(0, sys.argv[2])
    from store_records import individual, npi

    store = SQLiteStore(sys.argv[1])
    store.init_schema()
    with store.bulk_load():
        store.upsert_providers([individual(npi(7), "Thaddeus", "Marlowe")])
        print("written", flush=True)
        time.sleep(60)
""")


def test_a_bulk_load_killed_midway_is_caught_up_by_the_next_open(tmp_path):
    path = tmp_path / "provnet.db"
    child = subprocess.Popen(
        [sys.executable, "-c", _BULK_WRITER, str(path), str(Path(__file__).parent)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "written"
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    raw = sqlite3.connect(path)
    try:  # the state the kill left: names stored, trigram index behind, triggers gone
        assert raw.execute("SELECT count(*) FROM provider_name").fetchone() == (1,)
        assert raw.execute("SELECT name FROM deferred_index").fetchall() == [("provider_name_fts",)]
        assert raw.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'provider_name'"
        ).fetchone() == (0,)
    finally:
        raw.close()
    store = open_store(f"sqlite:///{path}")
    try:
        assert [h.npi for h in store.search(SearchCriteria(name="Narlowe")).hits] == [npi(7)]  # trigrams only
        store.upsert_providers([individual(npi(8), "Perpetua", "Lindqvist")])
        assert [h.npi for h in store.search(SearchCriteria(name="Xindqvist")).hits] == [npi(8)]
    finally:
        store.close()


def test_a_version_1_store_is_migrated_when_opened(tmp_path):
    path = tmp_path / "provnet.db"
    store = SQLiteStore(path)
    store.init_schema()
    store.start_run(_run())
    store.close()
    raw = sqlite3.connect(path)  # make it what version 1 wrote: no scope column
    raw.execute("ALTER TABLE ingest_run DROP COLUMN scope")
    raw.execute("UPDATE schema_version SET version = 1")
    raw.commit()
    raw.close()
    store = open_store(f"sqlite:///{path}")
    try:
        (run,) = store.runs()
        assert run.run_id == "run-1" and run.scope == ""
        raw = sqlite3.connect(path)
        assert raw.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        raw.close()
        store.init_schema()  # again: nothing left to migrate
    finally:
        store.close()
