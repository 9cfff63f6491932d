"""The generated sample: deterministic, committed copy current, and in the
exact NPPES V2 format with real ZIP codes of its metros."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import zipcodes

from directory.geo import haversine_miles, zip_centroid
from directory.npi import is_valid_npi
from directory.reference import nucc_codes
from ingest.sample import generate_sample
from ingest.sample.data import METRO_RADIUS_MILES, METROS, SURNAME_HEADS, SURNAME_TAILS

PROJECT = Path(__file__).resolve().parents[2]
COMMITTED = PROJECT / "data" / "sample"
FILE_DATE = date(2026, 11, 9)
GENERATED_FILES = (
    "npidata_pfile_20050523-20261109.csv",
    "catalog.json",
    "manifest.json",
    "README.md",
    "northwind_roster_2026-10.csv",
    "northwind_roster.mapping.json",
    "ny_licence_board_2026-10.txt",
    "ny_licence_board.mapping.json",
    "tms_sites_2026-10.csv",
    "tms_sites.mapping.json",
    "spravato_rems_2026-10.tsv",
    "spravato_rems.mapping.json",
)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != ".gitattributes"}


def _by_header(header: list[str], fields: list[str]) -> dict[str, str]:
    return dict(zip(header, fields))


def _header(generated) -> list[str]:
    with open(generated.nppes, newline="", encoding="utf-8") as f:
        return next(csv.reader(f))


def test_same_seed_gives_identical_bytes(tmp_path, generated):
    generate_sample(tmp_path / "again")
    assert _files(tmp_path / "again") == _files(generated.folder)
    assert sorted(_files(generated.folder)) == sorted(GENERATED_FILES)


def test_bytes_do_not_depend_on_the_hash_seed(tmp_path, generated):
    env = dict(os.environ, PYTHONHASHSEED="12345")
    code = (
        "import sys; from pathlib import Path; from ingest.sample import generate_sample; "
        "generate_sample(Path(sys.argv[1]))"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "hashed")], env=env, cwd=PROJECT, check=True)
    assert _files(tmp_path / "hashed") == _files(generated.folder)


def test_another_seed_gives_another_sample(tmp_path, generated):
    manifest = generate_sample(tmp_path / "other", seed=7)
    assert (tmp_path / "other" / GENERATED_FILES[0]).read_bytes() != generated.nppes.read_bytes()
    assert manifest.seed == 7


def test_committed_sample_equals_a_fresh_generation(generated):
    committed = _files(COMMITTED)
    fresh = _files(generated.folder)
    drifted = sorted(name for name in fresh if committed.get(name) != fresh[name])
    assert not drifted, f"data/sample is stale ({drifted}); run `provnet sample generate`"
    assert sorted(committed) == sorted(fresh)


def test_manifest_describes_the_files(generated):
    for name, entry in generated.manifest["files"].items():
        data = (generated.folder / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), name
        assert entry["bytes"] == len(data)
    catalog = json.loads(generated.catalog.read_text(encoding="utf-8"))
    counts = generated.manifest["files"]["catalog.json"]["records"]
    assert counts == {k: len(v) for k, v in catalog.items() if isinstance(v, (list, dict))}
    assert generated.manifest["files"][GENERATED_FILES[0]]["records"] == len(generated.rows())


def test_header_is_the_real_v2_header(generated):
    real = (PROJECT / "ingest" / "data" / "npidata_pfile_v2_fileheader.csv").read_text(encoding="utf-8")
    expected = next(csv.reader(io.StringIO(real)))
    assert len(expected) == 330
    assert _header(generated) == expected


def test_every_value_is_quoted_and_lines_end_in_crlf(generated):
    data = generated.nppes.read_bytes()
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in data.replace(b"\r\n", b"")
    for raw in lines[:-1]:
        fields = next(csv.reader([raw.decode("utf-8")]))
        out = io.StringIO()
        csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="").writerow(fields)
        assert out.getvalue().encode("utf-8") == raw  # re-quoting every value reproduces the line


def test_rows_are_valid_except_the_documented_bad_rows(generated):
    header = _header(generated)
    bad = generated.bad_lines()
    assert Counter(b["reason"] for b in bad.values()) == Counter(
        {
            "invalid_npi": 1,
            "impossible_date": 1,
            "bad_entity_type": 1,
            "column_count": 1,
            "duplicate_npi": 1,
            "invalid_taxonomy": 1,
        }
    )
    seen: set[str] = set()
    for line, fields in generated.rows():
        reason = bad.get(line, {}).get("reason")
        if reason is not None:
            assert fields[0] == bad[line]["npi"]
        if reason == "column_count":
            assert len(fields) == 329
            continue
        assert len(fields) == 330
        row = _by_header(header, fields)
        if reason == "invalid_npi":
            assert re.fullmatch(r"[12]\d{9}", row["NPI"]) and not is_valid_npi(row["NPI"])
        else:
            assert is_valid_npi(row["NPI"]), line
        if reason == "duplicate_npi":
            assert row["NPI"] in seen
        else:
            assert row["NPI"] not in seen, f"line {line}: undocumented duplicate {row['NPI']}"
        seen.add(row["NPI"])
        if reason == "bad_entity_type":
            assert row["Entity Type Code"] == "3"
        elif row["Entity Type Code"] == "":  # the sparse deactivation row
            assert row["NPI Deactivation Date"] and not any(
                v for k, v in row.items() if k not in ("NPI", "NPI Deactivation Date")
            )
        else:
            assert row["Entity Type Code"] in ("1", "2")
        codes = [row[f"Healthcare Provider Taxonomy Code_{k}"] for k in range(1, 16)]
        unknown = [c for c in codes if c and c not in nucc_codes()]
        assert bool(unknown) == (reason == "invalid_taxonomy"), line
        for column in (
            "Provider Enumeration Date",
            "Last Update Date",
            "NPI Deactivation Date",
            "NPI Reactivation Date",
            "Certification Date",
        ):
            value = row[column]
            if not value:
                continue
            assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", value), (line, column, value)
            if reason == "impossible_date" and column == "Provider Enumeration Date":
                assert value == "02/30/2019"
                continue
            parsed = date(int(value[6:]), int(value[:2]), int(value[3:5]))
            assert date(2005, 5, 23) <= parsed <= FILE_DATE, (line, column, value)


def test_every_zip_is_a_real_zip_of_its_metro(generated):
    header = _header(generated)
    table = {z: (m, city) for m in METROS for z, city in m.zips}
    used = Counter()
    for line, fields in generated.rows():
        if len(fields) != 330 or fields[1] == "":
            continue
        row = _by_header(header, fields)
        for kind in ("Practice Location", "Mailing"):
            postal = row[f"Provider Business {kind} Address Postal Code"]
            assert re.fullmatch(r"\d{5}|\d{9}", postal), (line, postal)
            metro, city = table[postal[:5]]
            real = zipcodes.matching(postal[:5])
            assert real and real[0]["state"] == metro.state and real[0]["city"] == city, postal
            assert row[f"Provider Business {kind} Address City Name"] == city.upper()
            assert row[f"Provider Business {kind} Address State Name"] == metro.state
            center = zip_centroid(metro.center_zip)[0]
            assert haversine_miles(center, zip_centroid(postal[:5])[0]) <= METRO_RADIUS_MILES
            phone = row[f"Provider Business {kind} Address Telephone Number"]
            assert re.fullmatch(r"\d{10}", phone), (line, phone)
            used[metro.code] += 1
    assert set(used) == {m.code for m in METROS}
    assert min(used.values()) > 100


def test_the_mix_exercises_what_ingest_must_handle(generated):
    header = _header(generated)
    rows = [_by_header(header, f) for _, f in generated.rows() if len(f) == 330 and f[1] in ("1", "2")]
    assert 600 <= len(rows) <= 1000
    primary = Counter(r["Healthcare Provider Taxonomy Code_1"] for r in rows)
    for code in (
        "2084P0800X",
        "2084P0804X",
        "2084P0802X",
        "2084P0805X",
        "363LP0808X",
        "103T00000X",
        "103TC0700X",
        "1041C0700X",
        "101YM0800X",
        "101YP2500X",
        "106H00000X",
        "207L00000X",
        "208VP0000X",
        "261QM0801X",
        "261QI0500X",
        "193400000X",
        "283Q00000X",
    ):
        assert primary[code] >= 2, code
    credentials = {r["Provider Credential Text"] for r in rows}
    assert {"MD", "M.D.", "DO", "D.O.", "PMHNP-BC", "PH.D.", "PHD", "LICSW", "LCSW", "L.C.S.W."} <= credentials
    names = {r["Provider Organization Name (Legal Business Name)"] for r in rows if r["Entity Type Code"] == "2"}
    assert max(len(n) for n in names) <= 70  # the NPPES limit of an organization name
    subparts = [r for r in rows if r["Is Organization Subpart"] == "Y"]
    assert len(subparts) == len(METROS) and all(r["Parent Organization LBN"] in names for r in subparts)
    assert sum(r["Provider Other Organization Name Type Code"] == "3" for r in rows) >= 5
    assert sum(r["Provider Other Last Name Type Code"] == "1" for r in rows) >= 5
    reasons = Counter(r["NPI Deactivation Reason Code"] for r in rows if r["NPI Deactivation Date"])
    assert reasons == Counter({"DT": 1, "OT": 1, "DB": 1, "": 1})
    reactivated = [r for r in rows if r["NPI Reactivation Date"]]
    assert len(reactivated) == 1 and reactivated[0]["NPI Deactivation Date"]
    assert sum(len(r["Provider Business Practice Location Address Postal Code"]) == 9 for r in rows) >= 50
    assert any(
        r["Provider License Number State Code_2"] not in ("", r["Provider License Number State Code_1"]) for r in rows
    )  # a second licence state


def test_people_have_invented_surnames(generated):
    header = _header(generated)
    invented = {h + t for h in SURNAME_HEADS for t in SURNAME_TAILS}
    people = [_by_header(header, f) for _, f in generated.rows() if len(f) == 330 and f[1] == "1"]
    assert people and all(p["Provider Last Name (Legal Name)"] in invented for p in people)
