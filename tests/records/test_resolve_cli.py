"""`provnet resolve --export` as the benchmark runs it: the real console script
on the bundled sample loaded by `provnet sample load`; every record of every
source exported once, and a second resolve writing nothing."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

from directory.store import open_store

ROOT = Path(__file__).resolve().parents[2]
PROVNET = shutil.which("provnet", path=str(Path(sys.executable).parent)) or "provnet"


def provnet(*args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([PROVNET, *args], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    return done


def test_resolve_exports_every_record_of_every_source_and_a_second_run_writes_nothing(tmp_path):
    store = f"sqlite:///{tmp_path / 'provnet.db'}"
    provnet("--store", store, "db", "init")
    provnet("--store", store, "sample", "load")
    first = provnet("--store", store, "resolve", "--export", str(tmp_path / "first.csv"))
    again = provnet("--store", store, "resolve", "--export", str(tmp_path / "again.csv"))
    assert "0 decisions stored, 0 withdrawn" in again.stdout and "0 written, 0 removed" in again.stdout
    assert "0 provider(s) written" in again.stdout
    assert (tmp_path / "first.csv").read_bytes() == (tmp_path / "again.csv").read_bytes()
    with open(tmp_path / "first.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open_store(store) as held:
        providers = held.counts()["providers"]
        sources = {s.source: s.current for s in held.record_sources()}
    assert list(rows[0]) == ["source", "record_id", "entity_id"]
    assert len(rows) == len({(r["source"], r["record_id"]) for r in rows}) == providers + sum(sources.values())
    counted = {s: sum(1 for r in rows if r["source"] == s) for s in {r["source"] for r in rows}}
    assert counted == {"nppes": providers, **sources}
    nppes = [r for r in rows if r["source"] == "nppes"]
    assert all(r["record_id"] == r["entity_id"] for r in nppes)  # an NPPES record's entity is its NPI
    assert f"{len(rows):,} links written to" in first.stdout
