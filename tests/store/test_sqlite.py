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
from test_sqlite_migration import rewind_to_version_2

from directory.errors import ConstraintViolation, StoreError, StoreUnavailable
from directory.model import IngestRun, SearchCriteria
from directory.store import RunCheckpoint, open_store
from directory.store.sqlite import SQLiteStore
from directory.store.sqlite_schema import SCHEMA_VERSION


def _run(run_id="run-1", sha="ab" * 32):
    return IngestRun(run_id, "nppes", "npidata.csv", sha, "2024-05-01T10:00:00", None, "running", {})


def test_file_settings(sqlite_store, tmp_path):
    raw = sqlite3.connect(tmp_path / "provnet.db")
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"provider", "location", "location_rtree", "provider_name", "name_word", "ingest_run"} <= tables
    assert not {"provider_name_fts", "provider_name_key"} & tables  # schema 3 looks names up by word
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
    assert child.stdout is not None
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
    assert child.stdout is not None
    try:
        assert child.stdout.readline().strip() == "written"
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    raw = sqlite3.connect(path)
    try:  # the state the kill left: the name stored and listed as pending, its words not indexed
        assert raw.execute("SELECT count(*) FROM provider_name").fetchone() == (1,)
        assert raw.execute("SELECT name FROM deferred_index").fetchall() == [("name_word",)]
        assert raw.execute("SELECT count(*) FROM name_word_pending").fetchone() == (1,)
        assert raw.execute("SELECT count(*) FROM name_word").fetchone() == (0,)
    finally:
        raw.close()
    store = open_store(f"sqlite:///{path}")
    try:
        assert [h.npi for h in store.search(SearchCriteria(name="Narlowe")).hits] == [npi(7)]  # one substitution
        raw = sqlite3.connect(path)
        assert raw.execute("SELECT word FROM name_word ORDER BY word").fetchall() == [("MARLOWE",), ("THADDEUS",)]
        assert raw.execute("SELECT count(*) FROM name_word_pending").fetchone() == (0,)
        assert raw.execute("SELECT count(*) FROM deferred_index").fetchone() == (0,)
        raw.close()
        store.upsert_providers([individual(npi(8), "Perpetua", "Lindqvist")])  # indexed row by row again
        assert [h.npi for h in store.search(SearchCriteria(name="Lindqvsit")).hits] == [npi(8)]
    finally:
        store.close()


def test_a_version_1_store_is_migrated_when_opened(tmp_path):
    path = tmp_path / "provnet.db"
    writer = SQLiteStore(path)
    writer.init_schema()
    writer.start_run(_run())
    writer.close()
    raw = sqlite3.connect(path)  # make it what version 1 wrote: no scope column
    rewind_to_version_2(raw)
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


# What schema version 2 had for names, and version 3 no longer has: an FTS5
# trigram index kept by triggers, and Soundex keys.
def test_a_version_2_store_gets_its_name_words_from_the_stored_names(tmp_path):
    from store_records import org_npi, organization

    path = tmp_path / "provnet.db"
    writer = SQLiteStore(path)
    writer.init_schema()
    writer.upsert_providers(
        [
            individual(npi(1), "Zoë", "Quillpocket", middle_name="Ann"),
            organization(org_npi(2), "Bright-Mind TMS Center", other_names=("Lakeview Ketamine",)),
        ]
    )
    writer.close()
    raw = sqlite3.connect(path)
    rewind_to_version_2(raw)
    raw.commit()
    raw.close()

    store = open_store(f"sqlite:///{path}")
    try:
        raw = sqlite3.connect(path)
        assert raw.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        names = {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}
        assert not names & {"provider_name_fts", "provider_name_key", "provider_name_insert", "provider_name_delete"}
        assert raw.execute("SELECT count(*) FROM deferred_index").fetchone() == (0,)
        words = raw.execute(
            "SELECT n.npi, n.name, w.word FROM name_word w JOIN provider_name n ON n.id = w.name_id"
        ).fetchall()
        raw.close()
        assert sorted(words) == sorted(
            [(npi(1), "Zoë Ann Quillpocket", w) for w in ("ZOE", "ANN", "QUILLPOCKET")]
            + [(org_npi(2), "Bright-Mind TMS Center", w) for w in ("BRIGHT", "MIND", "TMS", "CENTER")]
            + [(org_npi(2), "Lakeview Ketamine", w) for w in ("LAKEVIEW", "KETAMINE")]
        )
        assert [h.npi for h in store.search(SearchCriteria(name="zoe quilpocket")).hits] == [npi(1)]
        assert [h.npi for h in store.search(SearchCriteria(name="Lakeveiw")).hits] == [org_npi(2)]
        assert store.search(SearchCriteria(name="Bright Lakeview")).total == 0  # two names, not one
        store.init_schema()  # again: nothing left to migrate
    finally:
        store.close()


def _indexed(path) -> set[tuple[str, str, str]]:
    raw = sqlite3.connect(path)
    try:
        orphans = raw.execute("SELECT count(*) FROM name_word WHERE name_id NOT IN (SELECT id FROM provider_name)")
        assert orphans.fetchone() == (0,), "words of names that are gone"
        words = raw.execute("SELECT n.npi, n.name, w.word FROM name_word w JOIN provider_name n ON n.id = w.name_id")
        return set(words)
    finally:
        raw.close()


def test_the_word_index_follows_every_change_of_names(tmp_path):
    from datetime import date

    from store_records import org_npi, organization

    from directory.model import Evidence, OtherName

    other = Evidence("nppes_othername", date(2024, 5, 1), "bulk_file", 1.0, "othername_pfile_1.csv")
    path = tmp_path / "provnet.db"
    store = SQLiteStore(path)
    store.init_schema()
    clinic = org_npi(5)
    try:
        store.upsert_providers([individual(npi(1), "Ann", "Lee"), organization(clinic, "Oak Clinic")])
        store.upsert_providers([individual(npi(1), "Ann", "Li", last_update=date(2025, 1, 1))])  # renamed
        store.replace_other_names({clinic: [OtherName("Oak Minds", "3", other)]}, "nppes_othername")
        assert _indexed(path) == {
            (npi(1), "Ann Li", "ANN"),
            (npi(1), "Ann Li", "LI"),
            (clinic, "Oak Clinic", "OAK"),
            (clinic, "Oak Clinic", "CLINIC"),
            (clinic, "Oak Minds", "OAK"),
            (clinic, "Oak Minds", "MINDS"),
        }
        with store.bulk_load():  # the same, deferred
            store.upsert_providers([individual(npi(1), "Ann", "Lo", last_update=date(2025, 2, 1))])
            store.upsert_providers([individual(npi(1), "Anna", "Lo", last_update=date(2025, 3, 1))])
            store.replace_other_names({clinic: [OtherName("Elm Minds", "3", other)]}, "nppes_othername")
        assert store.sweep_secondary_facts("nppes_othername", "othername_pfile_2.csv") == 1
        assert _indexed(path) == {
            (npi(1), "Anna Lo", "ANNA"),
            (npi(1), "Anna Lo", "LO"),
            (clinic, "Oak Clinic", "OAK"),
            (clinic, "Oak Clinic", "CLINIC"),
        }
    finally:
        store.close()
