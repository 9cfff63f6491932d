"""The README's example files and mappings of the three loaders are real: each
is loaded through the real `provnet` command, every row of it, and together
with the README's field table they document every canonical field of each
kind. The record commands' errors are one line and exit status 2."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from directory.store import open_store
from ingest.mapping import FIELDS

ROOT = Path(__file__).resolve().parents[2]
PROVNET = shutil.which("provnet", path=str(Path(sys.executable).parent)) or "provnet"
EXAMPLE = re.compile(r"<!-- example (\w+): (\S+) -->\n```\w*\n(.*?)```", re.S)
COMMAND = {"roster": ["roster"], "licences": ["licenses"]}


def readme_examples() -> list[tuple[str, str, str, str, str]]:
    """(kind, file name, file text, mapping name, mapping text) of each example, in order."""
    found = EXAMPLE.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    out = []
    for (kind, name, text), (tag, mapping_name, mapping) in zip(found[::2], found[1::2]):
        assert tag == "mapping", f"the example {name} is not followed by its mapping"
        out.append((kind, name, text, mapping_name, mapping))
    return out


def provnet(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PROVNET, *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_the_readme_has_an_example_of_every_kind():
    assert sorted(kind for kind, *_ in readme_examples()) == sorted(FIELDS)


@pytest.mark.parametrize("example", readme_examples(), ids=lambda e: e[1])
def test_a_readme_example_loads_every_row_through_the_real_command(example, tmp_path):
    kind, name, text, mapping_name, mapping = example
    (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / mapping_name).write_text(mapping, encoding="utf-8")
    columns = json.loads(mapping)["columns"]
    assert sorted(columns) == sorted(FIELDS[kind]), "the example maps every canonical field of its kind"
    table = (ROOT / "README.md").read_text(encoding="utf-8").split("### Canonical fields")[1].split("<!--")[0]
    assert all(f"`{field}`" in table for field in FIELDS[kind]), "every field is in the README's table"
    store = f"sqlite:///{tmp_path / 'provnet.db'}"
    command = COMMAND.get(kind, ["sites", "--kind", kind])
    done = provnet(
        "--store", store, "ingest", command[0], str(tmp_path / name), *command[1:],
        "--mapping", str(tmp_path / mapping_name), "--source", "example", "--as-of", "2026-03-01",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = len(text.strip().splitlines()) - 1
    assert re.search(rf"read\s+{rows}\n\s+loaded\s+{rows} ", done.stdout), done.stdout
    with open_store(store) as held:
        records = list(held.iter_source_records("example"))
    assert len(records) == rows and all(r.kind == kind for r in records)
    assert all(r.evidence.retrieved.isoformat() == "2026-03-01" and r.evidence.reference == name for r in records)
    # every mapped column of every row is read: the fields it holds are the ones the file fills
    assert set().union(*(r.fields for r in records)) <= set(FIELDS[kind])


def test_record_command_errors_are_one_line_with_exit_status_2(tmp_path):
    kind, name, text, mapping_name, mapping = readme_examples()[0]
    (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / mapping_name).write_text(mapping, encoding="utf-8")
    store = f"sqlite:///{tmp_path / 'provnet.db'}"
    args = ["--store", store, "ingest", "roster", str(tmp_path / name), "--mapping", str(tmp_path / mapping_name)]
    assert provnet(*args, "--source", "acme", "--as-of", "2026-03-01").returncode == 0
    for extra, message in (
        (["--source", "acme", "--as-of", "2026-01-01"], "older than"),
        (["--source", "nppes"], "used by provnet's own loaders"),
        (["--source", "a:b"], "source name"),
        (["--source", "acme", "--as-of", "March 1"], "is not a date"),
    ):
        done = provnet(*args, *extra)
        assert done.returncode == 2 and message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    (tmp_path / "bad.json").write_text('{"columns": {"nickname": "Provider"}}', encoding="utf-8")
    done = provnet(*args[:5], "--mapping", str(tmp_path / "bad.json"), "--source", "other")
    assert done.returncode == 2 and "unknown canonical field(s) for roster: nickname" in done.stderr
