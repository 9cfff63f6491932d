"""`provnet npi-registry NPI...` as a user runs it: the real console script in a
subprocess, the local stand-in of the API (recorded real responses) named by
PROVNET_NPI_API_URL, and a SQLite store on disk."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from registry_server import Canned

from directory.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]
PROVNET = shutil.which("provnet", path=str(Path(sys.executable).parent)) or "provnet"
HIZA, CSP, UNKNOWN = "1720377294", "1568946812", "1234567893"


def provnet(registry, db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PROVNET_NPI_API_URL": registry.url, "PROVNET_STORE": f"sqlite:///{db}"}
    return subprocess.run([PROVNET, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("provnet: error:")]


def test_npi_registry_command_writes_the_providers_and_prints_the_report(registry, tmp_path):
    db = tmp_path / "provnet.db"
    done = provnet(registry, db, "npi-registry", HIZA, CSP, UNKNOWN)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "not in the NPI Registry: 1234567893" in done.stdout
    assert "loaded               2" in done.stdout and "not_in_registry 1" in done.stdout
    assert [q["number"] for q in registry.queries] == [HIZA, CSP, UNKNOWN]
    store = SQLiteStore(db)
    try:
        found = store.providers([HIZA, CSP, UNKNOWN])
        assert set(found) == {HIZA, CSP}
        assert (found[HIZA].last_name, found[HIZA].evidence.source) == ("Hiza", "npi_registry_api")
        (run,) = store.runs("npi_registry_api")
        assert run.status == "completed" and run.counts["read"] == 3
    finally:
        store.close()

    again = provnet(registry, db, "npi-registry", HIZA, CSP, UNKNOWN)  # the same list: its run again, all unchanged
    assert again.returncode == 0, again.stderr
    assert "(inserted 0, updated 0, unchanged 2)" in again.stdout


def test_the_registry_down_is_a_one_line_error_and_a_failed_run(registry, tmp_path):
    # every attempt (the first and 5 retries) answers 503; Retry-After 0 keeps the test fast
    registry.script = [Canned(503, b"down for maintenance", {"Retry-After": "0"}) for _ in range(6)]
    db = tmp_path / "provnet.db"
    done = provnet(registry, db, "npi-registry", HIZA)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert errors(done.stderr) == ["provnet: error: NPI Registry API unavailable after 6 attempt(s): HTTP 503"]
    assert len(registry.queries) == 6
    store = SQLiteStore(db)
    try:
        assert store.providers([HIZA]) == {}
        assert [r.status for r in store.runs("npi_registry_api")] == ["failed"]
    finally:
        store.close()


def test_an_errors_answer_is_quarantined_or_stops_a_fail_fast_run(registry, tmp_path):
    refused = json.dumps({"Errors": [{"field": "number", "number": "07", "description": "Field number is invalid"}]})
    db = tmp_path / "provnet.db"
    registry.script = [Canned(200, refused.encode(), {"Content-Type": "application/json"})]
    done = provnet(registry, db, "npi-registry", HIZA, CSP)
    assert done.returncode == 0, done.stderr
    assert "registry_refused 1" in done.stdout and f"refused {HIZA}: number (07)" in done.stdout

    registry.script = [Canned(200, refused.encode(), {"Content-Type": "application/json"})]
    stopped = provnet(registry, tmp_path / "other.db", "npi-registry", HIZA, CSP, "--policy", "fail-fast")
    assert stopped.returncode == 2
    assert "Traceback" not in stopped.stderr
    (line,) = errors(stopped.stderr)
    assert "NPI 1: registry_refused: number (07): Field number is invalid" in line
    store = SQLiteStore(db)
    try:
        assert set(store.providers([HIZA, CSP])) == {CSP}
        (kept,) = store.quarantined()
        assert (kept.reason, kept.raw) == ("registry_refused", HIZA)
    finally:
        store.close()


def test_invalid_npis_are_refused_before_any_request(registry, tmp_path):
    done = provnet(registry, tmp_path / "provnet.db", "npi-registry", HIZA, "1234567890")
    assert done.returncode == 2
    assert errors(done.stderr) == ["provnet: error: 1 invalid NPI(s), nothing fetched: ['1234567890']"]
    assert "Traceback" not in done.stderr and registry.queries == []
