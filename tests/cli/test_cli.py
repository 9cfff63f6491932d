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

ROOT = Path(__file__).resolve().parents[2]
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


def _enumerated_twice(path: Path) -> Path:
    """An NPPES file with one psychiatrist under two NPIs: everything agrees but the NPI,
    which only a person can settle (one provider enumerated twice, or two providers)."""
    import csv

    from directory.npi import make_npi
    from ingest.nppes import v2_columns

    columns = v2_columns()
    person = {
        "Entity Type Code": "1",
        "Provider Last Name (Legal Name)": "QUILLSBY",
        "Provider First Name": "MARGARET",
        "Provider Middle Name": "A",
        "Provider First Line Business Practice Location Address": "77 OAK AVE",
        "Provider Second Line Business Practice Location Address": "STE 4",
        "Provider Business Practice Location Address City Name": "COLUMBUS",
        "Provider Business Practice Location Address State Name": "OH",
        "Provider Business Practice Location Address Postal Code": "432151234",
        "Provider Business Practice Location Address Telephone Number": "6145550101",
        "Provider Enumeration Date": "05/23/2010",
        "Last Update Date": "07/08/2021",
        "Healthcare Provider Taxonomy Code_1": "2084P0800X",
        "Healthcare Provider Primary Taxonomy Switch_1": "Y",
    }
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(columns)
        for base in ("165432100", "176543210"):
            row = {**person, "NPI": make_npi(base)}
            writer.writerow([row.get(c, "") for c in columns])
    return path


def test_resolve_then_review_accept_and_undo(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'er.db'}"
    assert main(["--store", url, "sample", "load"]) == 0
    twice = _enumerated_twice(tmp_path / "npidata_pfile_20050523-20251109.csv")
    assert main(["--store", url, "ingest", "nppes", str(twice)]) == 0
    assert main(["--store", url, "resolve", "--save-settings", str(tmp_path / "model.json")]) == 0
    assert "candidate pairs" in capsys.readouterr().out
    assert json.loads((tmp_path / "model.json").read_text())  # the trained model round-trips as JSON
    with open_store(url) as store:
        from directory.model import MatchStatus

        pending = store.matches(status=MatchStatus.REVIEW, limit=None)
    assert pending, "the provider enumerated twice waits for a person"
    match_id = pending[0].match_id
    assert main(["--store", url, "review", "accept", match_id, "--by", "reviewer@example.org"]) == 0
    assert main(["--store", url, "review", "undo", match_id, "--by", "reviewer@example.org"]) == 0
    # Undoing twice is refused: only a merge can be undone.
    assert main(["--store", url, "review", "undo", match_id]) == 2
    assert main(["--store", url, "review", "accept", "no-such-match"]) == 2
    with open_store(url) as store:
        (m,) = store.matches(ids=[match_id], limit=None)
    assert m.status is MatchStatus.UNDONE and m.decided_by == "reviewer@example.org"
