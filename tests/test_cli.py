"""The `provnet` command as a user runs it: real console script, real files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from cli import main
from directory.store import open_store

ROOT = Path(__file__).resolve().parent.parent
PROVNET = shutil.which("provnet", path=str(Path(sys.executable).parent)) or "provnet"


def run_cli(*args: str, env_store: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if env_store:
        env["PROVNET_STORE"] = env_store
    return subprocess.run([PROVNET, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


def test_missing_file_is_a_clear_error_with_non_zero_exit(tmp_path):
    store = f"sqlite:///{tmp_path / 'p.db'}"
    result = run_cli("ingest", "nppes", str(tmp_path / "nope.csv"), env_store=store)
    assert result.returncode == 2
    assert "provnet: error:" in result.stderr
    assert "nope.csv" in result.stderr
    assert "Traceback" not in result.stderr


def test_not_an_nppes_file_is_refused(tmp_path):
    bad = tmp_path / "npidata_pfile_20240101-20240107.csv"
    bad.write_text('"a","b"\r\n"1","2"\r\n', encoding="utf-8")
    db = tmp_path / "p.db"
    result = run_cli("ingest", "nppes", str(bad), env_store=f"sqlite:///{db}")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    with open_store(f"sqlite:///{db}") as store:
        assert store.counts().get("providers", 0) == 0


def test_unknown_store_url_is_a_configuration_error(tmp_path):
    result = run_cli("db", "status", env_store="postgres://nowhere")
    assert result.returncode == 2
    assert "unknown store URL" in result.stderr


def test_sample_load_through_the_real_ingest_is_idempotent(tmp_path):
    url = f"sqlite:///{tmp_path / 'sample.db'}"
    assert main(["--store", url, "db", "init"]) == 0
    assert main(["--store", url, "sample", "load"]) == 0
    with open_store(url) as store:
        first = store.counts()
        members = {n.id: len(store.network_members(n.id)) for n in store.networks() if n.kind.value == "employer"}
    assert first["providers"] > 100
    # the load recorded the vetting of every member of the sample's employer networks
    assert first["vetting_results"] == sum(members.values()) > 0
    assert main(["--store", url, "sample", "load"]) == 0
    with open_store(url) as store:
        assert store.counts() == first  # nothing changed, so no vetting result was recorded again


def test_committed_sdl_is_current():
    result = run_cli("export-schema", "--check")
    assert result.returncode == 0, result.stderr + "\nregenerate with `provnet export-schema`"


def test_db_status_prints_json(tmp_path):
    url = f"sqlite:///{tmp_path / 's.db'}"
    result = run_cli("db", "status", env_store=url)
    assert result.returncode == 0, result.stderr
    assert "counts" in json.loads(result.stdout)


def test_resolve_then_review_accept_and_undo(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'er.db'}"
    assert main(["--store", url, "sample", "load"]) == 0
    assert main(["--store", url, "resolve", "--save-settings", str(tmp_path / "model.json")]) == 0
    assert "candidate pairs" in capsys.readouterr().out
    assert json.loads((tmp_path / "model.json").read_text())  # the trained model round-trips as JSON
    with open_store(url) as store:
        from directory.model import MatchStatus

        pending = store.matches(status=MatchStatus.REVIEW, limit=None)
    assert pending, "the sample holds a pair in the uncertain band"
    match_id = pending[0].match_id
    assert main(["--store", url, "review", "accept", match_id, "--by", "reviewer@example.org"]) == 0
    assert main(["--store", url, "review", "undo", match_id, "--by", "reviewer@example.org"]) == 0
    # Undoing twice is refused: only a merge can be undone.
    assert main(["--store", url, "review", "undo", match_id]) == 2
    assert main(["--store", url, "review", "accept", "no-such-match"]) == 2
    with open_store(url) as store:
        (m,) = store.matches(ids=[match_id], limit=None)
    assert m.status is MatchStatus.UNDONE and m.decided_by == "reviewer@example.org"
