"""`provnet adequacy` end to end on the bundled sample, loaded with
`provnet sample load` into a store on disk."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cli import main
from directory.services import adequacy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('sample') / 'provnet.db'}"
    assert main(["--store", url, "sample", "load", "--dir", str(ROOT / "data" / "sample")]) == 0
    return url


def test_adequacy_command_writes_the_report_tables_and_map(sample_url, tmp_path, capsys):
    members = tmp_path / "members.csv"
    # member-level rows (opaque ids) in three metros of the sample, and one ZIP far from any provider
    rows = [("M1", "10029"), ("M2", "10029"), ("M3", "11201"), ("M4", "02115"), ("M5", "94103"), ("M6", "13901")]
    members.write_text("member_id,zip\n" + "".join(f"{m},{z}\n" for m, z in rows), encoding="utf-8")
    out, table, hsd, png = (tmp_path / n for n in ("r.json", "r.csv", "hsd.csv", "map.png"))
    code = main(
        ["--store", sample_url, "adequacy", "--network", "acme-trd", "--members", str(members), "--out", str(out)]
        + ["--csv", str(table), "--hsd", str(hsd), "--map", str(png), "--map-county", "NY:New York County"]
    )
    assert code == 0
    report = json.loads(out.read_text())
    assert report["network"] == {
        "id": "acme-trd",
        "name": report["network"]["name"],
        "kind": "employer",
        "owner_id": "acme-robotics",
    }
    assert report["inputs"]["members"] == {
        "source": str(members),
        "layout": "member_id,zip",
        "rows": 6,
        "members": 6,
        "zips": 5,
    }
    # 13901 (Broome County) is not among the bundled counties: reported, not assessed
    assert report["not_assessed"]["counties_without_type"] == [
        {"zip": "13901", "county": "Broome County", "members": 1}
    ]
    results = report["results"]
    counties = {(r["state"], r["county"]) for r in results}
    assert counties == {
        ("NY", "New York County"),
        ("NY", "Kings County"),
        ("MA", "Suffolk County"),
        ("CA", "San Francisco County"),
    }
    assert len(results) == 4 * len(adequacy.default_standards().specialties)
    for r in results:
        assert r["members"] == sum(
            1 for _, z in rows if z in {"10029", "11201", "02115", "94103"} and _county(z) == r["county"]
        )
        assert ("fixes" in r) == (not r["passed"])  # every failing county gets its fixes
        assert r["reasons"] and r["max_miles"] > 0
    with table.open() as f:
        lines = list(csv.DictReader(f))
    assert list(lines[0]) == list(adequacy.CSV_COLUMNS) and len(lines) == len(results)
    assert [(x["county"], x["specialty"], x["passed"]) for x in lines] == [
        (r["county"], r["specialty"], "true" if r["passed"] else "false") for r in results
    ]
    with hsd.open() as f:
        hsd_rows = list(csv.DictReader(f))
    assert list(hsd_rows[0]) == list(adequacy.HSD_COLUMNS)
    assert {(h["npi"], h["specialty"], h["county"]) for h in hsd_rows} == {
        (n, r["specialty"], r["county"]) for r in results for n in r["counted_npis"]
    }
    assert png.read_bytes().startswith(b"\x89PNG")
    assert "results" in capsys.readouterr().err


def _county(zip5: str) -> str:
    from directory.services.adequacy.zips import zip_index

    return zip_index()[zip5][2] or ""


def test_adequacy_command_refuses_bad_input_with_status_2(sample_url, tmp_path, capsys):
    members = tmp_path / "members.csv"
    members.write_text("member_id,zip,last_name\nM1,10029,Doe\n", encoding="utf-8")
    args = [
        "--store",
        sample_url,
        "adequacy",
        "--network",
        "acme-trd",
        "--members",
        str(members),
        "--out",
        str(tmp_path / "r.json"),
    ]
    assert main(args) == 2
    assert "column 'last_name': looks like patient-level data" in capsys.readouterr().err
    members.write_text("zip,count\n10029,3\n", encoding="utf-8")
    assert main(args[:4] + ["no-such-network"] + args[5:]) == 2
    assert "no network 'no-such-network'" in capsys.readouterr().err
    assert not (tmp_path / "r.json").exists()
