"""`provnet ingest bundle|weekly|deactivations`: the library through the CLI."""

from __future__ import annotations

import pytest
from bundle_files import bundle_members, pl_row, write_deactivation_report, write_zip
from nppes_files import FAMILY_MEDICINE, individual, npi

from cli import main
from cli.common import EXIT_BAD_INPUT
from directory.store.sqlite import SQLiteStore

MONTHLY = "NPPES_Data_Dissemination_November_2025_V2.zip"


def test_bundle_weekly_and_deactivations_commands(tmp_path, capsys):
    db = tmp_path / "provnet.db"
    store_url = f"sqlite:///{db}"
    monthly = write_zip(
        tmp_path / MONTHLY,
        bundle_members("20050523-20251109", main=[individual(npi(1)), individual(npi(2))], pl=[pl_row(npi(1))]),
    )
    week1 = write_zip(
        tmp_path / "NPPES_Data_Dissemination_111025_111625_Weekly_V2.zip",
        bundle_members("20251110-20251116", main=[individual(npi(3), **{"Last Update Date": "11/12/2025"})]),
    )
    week2 = write_zip(
        tmp_path / "NPPES_Data_Dissemination_111725_112325_Weekly_V2.zip",
        bundle_members("20251117-20251123", main=[individual(npi(4), **{"Last Update Date": "11/18/2025"})]),
    )

    assert main(["--store", store_url, "ingest", "weekly", str(week1)]) == EXIT_BAD_INPUT
    assert "no monthly NPPES file has been loaded" in capsys.readouterr().err

    assert main(["--store", store_url, "ingest", "bundle", str(monthly), "-q"]) == 0
    out = capsys.readouterr().out
    assert "monthly bundle" in out and "pl_pfile_20050523-20251109.csv" in out

    assert main(["--store", store_url, "ingest", "weekly", str(week2), str(week1)]) == 0
    out = capsys.readouterr().out
    assert out.index("20251110-20251116") < out.index("20251117-20251123")  # applied in date order

    report = write_deactivation_report(
        tmp_path / "NPPES_Deactivated_NPI_Report_112425_V2.xlsx", [(npi(2), "11/01/2025")]
    )
    assert main(["--store", store_url, "ingest", "deactivations", str(report)]) == 0
    assert "updated 1" in capsys.readouterr().out

    assert main(["--store", store_url, "ingest", "bundle", str(tmp_path / "missing.zip")]) == EXIT_BAD_INPUT
    assert "not found" in capsys.readouterr().err

    store = SQLiteStore(db)
    try:
        found = store.providers([npi(i) for i in range(1, 5)])
        assert set(found) == {npi(1), npi(2), npi(3), npi(4)} and not found[npi(2)].is_active
    finally:
        store.close()


def test_a_weekly_main_file_alone_is_checked_for_order_too(tmp_path, capsys, nppes_file):
    weekly = nppes_file([individual(npi(3))], name="npidata_pfile_20251110-20251116.csv")
    assert main(["--store", f"sqlite:///{tmp_path / 'p.db'}", "ingest", "nppes", str(weekly), "-q"]) == EXIT_BAD_INPUT
    assert "no monthly NPPES file has been loaded" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command, flags, kept",
    [
        ("nppes", [], 1),
        ("nppes", ["--scope", "all"], 2),
        ("nppes", ["--all"], 2),
        ("bundle", [], 1),
        ("bundle", ["--scope", "all"], 2),
        ("bundle", ["--all"], 2),
        ("weekly", ["--scope", "default"], 1),
        ("weekly", ["--scope", "all"], 2),
        ("weekly", ["--all"], 2),
    ],
)
def test_the_three_nppes_commands_take_the_same_scope_flag(tmp_path, command, flags, kept):
    db = tmp_path / "provnet.db"
    family_doctor = individual(npi(8), **{"Healthcare Provider Taxonomy Code_1": FAMILY_MEDICINE})
    rows = [individual(npi(7)), family_doctor]
    if command == "weekly":  # on top of a monthly base holding neither
        base = write_zip(tmp_path / MONTHLY, bundle_members("20050523-20251109", main=[individual(npi(1))]))
        assert main(["--store", f"sqlite:///{db}", "ingest", "bundle", str(base), "-q"]) == 0
        rows = [dict(r, **{"Last Update Date": "11/12/2025"}) for r in rows]
        span = "20251110-20251116"
    else:
        span = "20050523-20251109"
    path = write_zip(tmp_path / f"NPPES_{command}_V2.zip", bundle_members(span, main=rows))
    if command == "nppes":
        member = tmp_path / f"npidata_pfile_{span}.csv"
        member.write_bytes(bundle_members(span, main=rows)[f"npidata_pfile_{span}.csv"])
        path = member
    quiet = [] if command == "weekly" else ["-q"]
    assert main(["--store", f"sqlite:///{db}", "ingest", command, str(path), *flags, *quiet]) == 0
    store = SQLiteStore(db)
    try:
        assert len(store.providers([npi(7), npi(8)])) == kept
    finally:
        store.close()
