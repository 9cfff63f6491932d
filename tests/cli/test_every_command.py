"""Every `provnet` command, run once as a user would (issue 8, point 6): each
ends with an exit status and, on failure, one line on stderr, never a
traceback. The list of commands is read from the parser itself, so a command
added without a case here fails `test_every_command_has_a_case`."""

from __future__ import annotations

import argparse
import csv
import shutil
from pathlib import Path

import pytest

from cli import build_parser, main
from directory.store import open_store

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
LEIE_HEADER = (
    "LASTNAME,FIRSTNAME,MIDNAME,BUSNAME,GENERAL,SPECIALTY,UPIN,NPI,DOB,ADDRESS,CITY,STATE,ZIP,"
    "EXCLTYPE,EXCLDATE,REINDATE,WAIVERDATE,WVRSTATE"
)


def command_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Every runnable command of the parser, as the words a user types."""
    found: set[tuple[str, ...]] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                inner = command_paths(sub, (*prefix, name))
                found |= inner or {(*prefix, name)}
    return found


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    """The bundled sample loaded once through the real ingest; each case gets a copy."""
    path = tmp_path_factory.mktemp("every") / "sample.db"
    assert main(["--store", f"sqlite:///{path}", "sample", "load"]) == 0
    return path


@pytest.fixture
def world(sample_db, tmp_path):
    db = tmp_path / "store.db"
    shutil.copy(sample_db, db)
    url = f"sqlite:///{db}"
    with open_store(url) as store:
        npi = sorted(store.provider_npi_pages(1000).__next__())[0]
        networks = {n.kind.value: n.id for n in store.networks()}
    files = _files(tmp_path, npi)
    return {"url": url, "tmp": tmp_path, "npi": npi, "networks": networks, **files}


def _files(tmp: Path, npi: str) -> dict[str, Path]:
    leie = tmp / "UPDATED.csv"
    leie.write_text(
        LEIE_HEADER
        + "\r\n"
        + '"QUILLPOCKET","ZOE","","","IND- LIC HC SERV PRO","PSYCHIATRIST","","0000000000","19700101",'
        '"1 MAIN ST","NEW YORK","NY","10029","1128b4","20250320","00000000","00000000",""\r\n',
        encoding="utf-8",
    )
    outcomes = tmp / "outcomes.csv"
    with open(outcomes, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(
            [
                "npi",
                "period_start",
                "period_end",
                "patients",
                "phq9_baseline_mean",
                "phq9_latest_mean",
                "phq9_response_rate",
                "phq9_remission_rate",
                "gad7_change_mean",
                "alliance_instrument",
                "alliance_mean",
                "dropout_rate",
            ]
        )
        writer.writerow(
            [npi, "2026-01-01", "2026-06-30", "24", "18.2", "9.1", "0.5", "0.3", "-4.1", "SRS", "37", "0.1"]
        )
    members = tmp / "members.csv"
    members.write_text("zip,count\n10029,40\n11201,25\n", encoding="utf-8")
    criteria = tmp / "criteria.json"
    criteria.write_text(
        '{"required_checks": ["active_npi", "not_excluded"], "accepted_license_statuses": ["active"], '
        '"required_exclusion_lists": ["LEIE"], "min_trd_expertise": 0, "max_fact_age_days": 365}'
    )
    return {"leie": leie, "outcomes": outcomes, "members": members, "criteria": criteria}


def _cases(w: dict) -> dict[tuple[str, ...], tuple[list[str], set[int]]]:
    """Arguments after the command words, and the exit statuses that are a clean answer."""
    tmp, npi, employer = w["tmp"], w["npi"], w["networks"].get("employer", "acme-trd")
    payer = w["networks"].get("payer", "northwind-choice")
    missing = str(tmp / "missing.csv")
    return {
        ("db", "init"): ([], {0}),
        ("db", "status"): ([], {0}),
        ("ingest", "nppes"): ([str(next(SAMPLE.glob("npidata_pfile_*.csv"))), "--scope", "all", "-q"], {0}),
        ("ingest", "bundle"): ([missing], {2}),
        ("ingest", "weekly"): ([missing], {2}),
        ("ingest", "deactivations"): ([missing], {2}),
        ("ingest", "catalog"): ([str(SAMPLE / "catalog.json")], {0}),
        ("ingest", "roster"): (
            [
                str(SAMPLE / "northwind_roster_2026-10.csv"),
                "--mapping",
                str(SAMPLE / "northwind_roster.mapping.json"),
                "--source",
                "northwind-roster-test",
            ],
            {0},
        ),
        ("ingest", "licenses"): (
            [
                str(SAMPLE / "ny_licence_board_2026-10.txt"),
                "--mapping",
                str(SAMPLE / "ny_licence_board.mapping.json"),
                "--source",
                "ny-board-test",
            ],
            {0},
        ),
        ("ingest", "sites"): (
            [
                str(SAMPLE / "tms_sites_2026-10.csv"),
                "--kind",
                "tms",
                "--mapping",
                str(SAMPLE / "tms_sites.mapping.json"),
                "--source",
                "tms-test",
            ],
            {0},
        ),
        ("ingest", "leie"): ([str(w["leie"]), "--as-of", "2026-11-01"], {0}),
        ("ingest", "outcomes"): ([str(w["outcomes"]), "--source", "outcomes:test"], {0}),
        ("quarantine",): ([], {0}),
        # no tokens and no keys on a public address: refused before anything is served
        ("serve",): (["--host", "0.0.0.0", "--port", "0"], {2}),
        ("export-schema",): (["--check", "--out", str(ROOT / "schema" / "schema.graphql")], {0}),
        ("token", "create"): (["--role", "navigator", "--name", "every-command"], {0}),
        ("token", "revoke"): (["0123456789abcdef"], {2}),
        ("token", "list"): ([], {0}),
        ("review", "list"): ([], {0}),
        ("review", "accept"): (["no-such-match"], {2}),
        ("review", "reject"): (["no-such-match"], {2}),
        ("review", "undo"): (["no-such-match"], {2}),
        ("resolve",): ([], {0}),
        ("exclusions", "match"): ([], {0}),
        ("exclusions", "find"): (["QUILLPOCKET"], {0}),
        ("exclusions", "link"): (["no-such-key", npi, "--by", "reviewer@example.org"], {2}),
        ("outcomes",): ([npi], {0}),
        ("npi-registry",): (["1234567890"], {2}),  # not a valid NPI: refused before any request
        ("adequacy",): (
            ["--network", employer, "--members", str(w["members"]), "--out", str(tmp / "report.json")],
            {0},
        ),
        ("vetting", "refresh"): ([], {0}),
        ("match", "refresh"): ([], {0}),
        ("network", "export"): (["--network", employer, "--out", str(tmp / "members.csv")], {0}),
        ("network", "history"): (["--network", employer], {0}),
        ("network", "accuracy"): (["--network", payer], {0}),
        ("network", "composition"): (["--network", payer], {0}),
        ("network", "stale"): (["--network", payer, "--first", "5"], {0}),
        ("benefit-gap",): (["--employees", str(w["members"]), "--network", employer], {0}),
        ("vetting", "show"): (["--network", employer, "--npi", npi], {0}),
        ("vetting", "criteria"): (["--network", employer, "--set", str(w["criteria"]), "--by", "cli-test"], {0}),
        ("sample", "generate"): (["--out", str(tmp / "sample")], {0}),
        ("sample", "load"): (["--if-empty"], {0}),
    }


def test_every_command_has_a_case(tmp_path):
    fake = {"tmp": tmp_path, "npi": "1234567893", "networks": {}, **_files(tmp_path, "1234567893")}
    assert set(_cases(fake)) == command_paths(build_parser())


@pytest.mark.parametrize("words", sorted(command_paths(build_parser())), ids=" ".join)
def test_each_command_answers_without_a_traceback(world, words, capsys):
    args, expected = _cases(world)[words]
    try:
        status = main(["--store", world["url"], *words, *args])
    except SystemExit as exc:  # argparse's own refusal is a clean answer too
        status = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    assert status in expected, f"{' '.join(words)} exited {status}: {err.strip()[-400:]}"
    if status != 0:
        lines = [line for line in err.splitlines() if line.startswith("provnet: error:")]
        assert len(lines) == 1, err
