"""The three record loaders on the source abstraction, with files in the
formats their publishers ship (a spreadsheet's CSV export with a BOM and
semicolons, an XLSX sheet, a pipe-delimited board file, a tab-separated site
list): provenance, every row accounted for, quarantine with reason codes,
re-runs that change nothing, a newer file retiring what it no longer holds,
and a run cut off midway resumed to the same store."""

from __future__ import annotations

import json
import os
from datetime import date, datetime

import pytest

from directory.errors import ConfigurationError, InputError, SourceFormatError
from directory.store.sqlite import SQLiteStore
from ingest.sources.base import load
from ingest.sources.licences import Licences
from ingest.sources.roster import Roster
from ingest.sources.sites import Sites

ROSTER_MAPPING = {
    "columns": {
        "record_id": "Row",
        "npi": "NPI",
        "full_name": "Provider",
        "organization_name": "Group",
        "address": "Address",
        "city": "City",
        "state": "ST",
        "zip": "Zip",
        "phone": "Phone",
        "network_id": "Plan Network",
        "accepting_new_patients": "New Pts",
        "effective_date": "Eff",
    },
    "values": {"network_id": {"PPO": "acme-ppo"}},
}
# BOM, semicolons, a quoted name holding the delimiter, CRLF; a ZIP that lost its zero
ROSTER_ROWS = [
    "Row;NPI;Provider;Group;Address;City;ST;Zip;Phone;Plan Network;New Pts;Eff",
    'R1;1234567893;"Smith; John A, MD";Harbor Psych;12 Elm St Ste 4;Boston;MA;2139;(617) 555-1212;PPO;Y;07/01/2024',
    "R2;;Jane Doe PMHNP-BC;;9 Oak Ave;Boston;MA;02116;617.555.3434;PPO;N;13/04/2024",  # day-first: warning
    "R3;;;;1 Main St;Boston;MA;02116;;PPO;;",  # names no one: quarantined
    "R4;1234567893;Smith, John;;12 Elm St;Boston;MA;02139;;PPO",  # one cell short: quarantined
    "R1;1234567893;John Smith;;12 Elm St;Boston;MA;02139;;PPO;Y;",  # R1 again: quarantined, the first row wins
]


def write(path, lines, *, bom=False, mtime: date | None = None):
    path.write_bytes((("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    if mtime is not None:
        stamp = datetime(mtime.year, mtime.month, mtime.day, 12).timestamp()
        os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def store(tmp_path):
    store = SQLiteStore(tmp_path / "provnet.db")
    store.init_schema()
    yield store
    store.close()


@pytest.fixture
def roster_file(tmp_path):
    mapping = tmp_path / "roster.mapping.json"
    mapping.write_text(json.dumps(ROSTER_MAPPING), encoding="utf-8")
    return write(tmp_path / "acme_2026-02.csv", ROSTER_ROWS, bom=True, mtime=date(2026, 2, 27)), mapping


def test_a_roster_is_kept_record_by_record_and_every_row_is_accounted_for(store, roster_file):
    path, mapping = roster_file
    report = load(store, Roster(path, mapping, "acme-roster", today=date(2026, 3, 1)))
    assert (report.read, report.inserted, report.quarantined_total) == (5, 2, 3)
    assert report.quarantined == {"missing_value": 1, "column_count": 1, "duplicate_record_id": 1}
    assert report.warnings == {"ambiguous_date": 1}
    assert report.file_date == "2026-02-27"  # no --as-of: the file's modification date
    held = store.source_records(["acme-roster:R1", "acme-roster:R2"])
    r1 = held["acme-roster:R1"]
    # the free-text name, parsed by the mapping layer: LAST FIRST M with a credential
    assert (r1.fields["last_name"], r1.fields["first_name"], r1.fields["middle_name"]) == ("Smith", "John", "A")
    assert r1.fields["credential"] == "MD" and r1.fields["npi"] == "1234567893"
    assert r1.fields["organization_name"] == "Harbor Psych" and r1.fields["zip"] == "02139"
    assert r1.fields["phone"] == "6175551212" and r1.fields["network_id"] == "acme-ppo"
    assert r1.fields["address_line_1"] == "12 Elm St" and r1.fields["address_line_2"] == "Ste 4"
    assert r1.fields["effective_date"] == "2024-07-01" and r1.fields["accepting_new_patients"] == "true"
    assert r1.evidence.source == "acme-roster" and r1.evidence.retrieved == date(2026, 2, 27)
    assert (r1.evidence.method, r1.evidence.confidence, r1.evidence.reference) == ("roster", 0.85, path.name)
    assert "effective_date" not in held["acme-roster:R2"].fields  # the unreadable date is left out
    quarantined = {row.line_number: row for row in store.quarantined(report.run_id)}
    assert {n: q.reason for n, q in quarantined.items()} == {
        3: "ambiguous_date",
        4: "missing_value",
        5: "column_count",
        6: "duplicate_record_id",
    }
    assert quarantined[6].raw == "R1,1234567893,John Smith,,12 Elm St,Boston,MA,02139,,PPO,Y,"


def test_loading_the_same_file_again_changes_nothing(store, roster_file):
    path, mapping = roster_file
    first = load(store, Roster(path, mapping, "acme-roster"))
    counts, quarantine = store.counts(), store.quarantined()
    again = load(store, Roster(path, mapping, "acme-roster"))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    assert again.run_id == first.run_id and again.quarantined == first.quarantined
    assert store.counts() == counts and store.quarantined() == quarantine


def test_a_newer_file_retires_what_it_no_longer_holds_and_an_older_one_is_refused(store, roster_file, tmp_path):
    path, mapping = roster_file
    load(store, Roster(path, mapping, "acme-roster", as_of=date(2026, 2, 27)))
    newer = write(tmp_path / "acme_2026-03.csv", [ROSTER_ROWS[0], ROSTER_ROWS[2].replace("13/04/2024", "")])
    report = load(store, Roster(newer, mapping, "acme-roster", as_of=date(2026, 3, 31)))
    assert report.details == {"retired": 1} and report.unchanged == 1  # R2 the same (its unreadable date left out)
    every = store.source_record_page("acme-roster", include_retired=True)
    assert [(r.record_id, r.retired_on is not None) for r in every] == [("R1", True), ("R2", False)]
    (held,) = store.record_sources()
    assert (held.file, held.as_of, held.current, held.retired) == (newer.name, date(2026, 3, 31), 1, 1)
    with pytest.raises(InputError, match="older than acme_2026-03.csv"):
        load(store, Roster(path, mapping, "acme-roster", as_of=date(2026, 2, 27)))
    # R1 comes back in a later file: restored
    later = write(tmp_path / "acme_2026-04.csv", ROSTER_ROWS[:2])
    assert load(store, Roster(later, mapping, "acme-roster", as_of=date(2026, 4, 30))).updated == 1
    assert [r.record_id for r in store.source_record_page("acme-roster")] == ["R1"]


def test_source_names_are_checked_before_anything_is_written(store, roster_file, tmp_path):
    path, mapping = roster_file
    for bad in ("nppes", "acme:roster", "", "a" * 81):
        with pytest.raises(InputError):
            Roster(path, mapping, bad)
    load(store, Roster(path, mapping, "acme"))
    board = write(tmp_path / "board.txt", ["LIC|ST|LAST", "123|MA|SMITH"])
    licence_mapping = {"columns": {"license_number": "LIC", "state": "ST", "last_name": "LAST"}}
    with pytest.raises(InputError, match="holds roster records"):
        load(store, Licences(board, licence_mapping, "acme"))
    with pytest.raises(ConfigurationError, match="unknown canonical field"):
        Licences(board, ROSTER_MAPPING, "board")  # a roster mapping names roster fields
    with pytest.raises(SourceFormatError, match="not in the file"):
        load(store, Roster(board, mapping, "other"))
    assert len(store.runs()) == 1


def test_an_xlsx_roster_loads_like_its_csv_export(store, roster_file, tmp_path):
    from openpyxl import Workbook

    path, mapping = roster_file
    book = Workbook()
    sheet = book.active
    sheet.append(["Acme Health roster, February 2026"])  # a title row above the header
    sheet.append([])
    for line in ROSTER_ROWS[:3]:
        cells = [c.strip('"') for c in line.replace('"Smith; John A, MD"', "Smith@ John A, MD").split(";")]
        sheet.append([c.replace("@", ";") for c in cells])
    sheet["H4"] = 2139  # the ZIP as a number, as a spreadsheet keeps it
    xlsx = tmp_path / "acme.xlsx"
    book.save(xlsx)
    report = load(store, Roster(xlsx, mapping, "acme-xlsx", as_of=date(2026, 2, 27)))
    assert (report.read, report.inserted, report.warnings) == (2, 2, {"ambiguous_date": 1})
    csv_report = load(store, Roster(path, mapping, "acme-csv", as_of=date(2026, 2, 27)))
    from_xlsx = {r.record_id: r.fields for r in store.source_record_page("acme-xlsx")}
    from_csv = {r.record_id: r.fields for r in store.source_record_page("acme-csv")}
    assert from_xlsx == {k: v for k, v in from_csv.items() if k in from_xlsx} and csv_report.inserted == 2


def test_licence_and_site_files_load_with_their_kinds_provenance(store, tmp_path):
    board = write(
        tmp_path / "ma_board.txt",
        [
            "LIC_NO|BOARD_STATE|LAST|FIRST|STATUS|EXPIRES|NPI",
            "0012345|MA|SMITH|JOHN|ACTIVE|06/30/2027|1234567893",
            "|MA|DOE|JANE|ACTIVE|06/30/2027|",  # no licence number: quarantined
        ],
    )
    mapping = {
        "columns": {
            "license_number": "LIC_NO",
            "state": "BOARD_STATE",
            "last_name": "LAST",
            "first_name": "FIRST",
            "status": "STATUS",
            "expiration_date": "EXPIRES",
            "npi": "NPI",
        },
        "values": {"status": {"ACTIVE": "active"}},
    }
    report = load(store, Licences(board, mapping, "ma-board", as_of=date(2026, 3, 1)))
    assert (report.inserted, report.quarantined) == (1, {"missing_value": 1})
    (row,) = store.source_record_page("ma-board")
    assert row.record_id == "1" and row.fields["status"] == "active" and row.fields["expiration_date"] == "2027-06-30"
    assert (row.evidence.method, row.evidence.confidence) == ("licence_board", 0.95)

    rems = write(
        tmp_path / "rems.tsv",
        [
            "Setting ID\tName\tAddress\tCity\tState\tZip\tType\tCertified",
            "RS1\tBright TMS\t1 Elm St\tBoston\tMA\t02139\tOutpatient\t2024-07-18",
        ],
    )
    rems_mapping = {
        "columns": {
            "record_id": "Setting ID",
            "site_name": "Name",
            "address": "Address",
            "city": "City",
            "state": "State",
            "zip": "Zip",
            "setting_type": "Type",
            "certification_date": "Certified",
        }
    }
    report = load(store, Sites(rems, rems_mapping, "spravato", kind="esketamine_rems", method="rems_lookup"))
    (site,) = store.source_record_page("spravato")
    assert site.kind == "esketamine_rems" and site.fields["setting_type"] == "Outpatient"
    assert (site.evidence.method, site.evidence.confidence) == ("rems_lookup", 0.95)
    with pytest.raises(InputError, match="unknown kind of site list"):
        Sites(rems, rems_mapping, "x", kind="ect")


def test_a_load_cut_off_midway_resumes_and_ends_as_one_uninterrupted_load(store, tmp_path, monkeypatch):
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"columns": {"record_id": "ID", "full_name": "Name"}}), encoding="utf-8")
    rows = ["ID,Name"] + [f"R{i:03d},Person {i}" for i in range(1, 121)] + ["R007,Again"]
    path = write(tmp_path / "big.csv", rows)
    calls = {"n": 0}
    real = SQLiteStore.upsert_source_records

    def failing(self, records, checkpoint=None):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk went away")
        return real(self, records, checkpoint)

    monkeypatch.setattr(SQLiteStore, "upsert_source_records", failing)
    with pytest.raises(OSError):
        load(store, Roster(path, mapping, "big"), batch_size=25)
    (run,) = store.runs()
    assert run.status == "failed" and run.resume_line > 0
    written = len(store.source_record_page("big", limit=1000))
    assert 0 < written < 120
    monkeypatch.setattr(SQLiteStore, "upsert_source_records", real)
    report = load(store, Roster(path, mapping, "big"), batch_size=25)
    assert report.read == 121 and report.loaded == 120 and report.quarantined == {"duplicate_record_id": 1}
    assert report.resumed_from_line == run.resume_line
    assert [r.record_id for r in store.source_record_page("big", limit=1000)] == [f"R{i:03d}" for i in range(1, 121)]
    fresh = SQLiteStore(tmp_path / "fresh.db")
    fresh.init_schema()
    load(fresh, Roster(path, mapping, "big"), batch_size=25)
    assert fresh.source_record_page("big", limit=1000) == store.source_record_page("big", limit=1000)
    fresh.close()


def test_fail_fast_stops_at_the_first_bad_row(store, roster_file):
    path, mapping = roster_file
    with pytest.raises(SourceFormatError, match="line 4: missing_value"):
        load(store, Roster(path, mapping, "acme"), policy="fail-fast")
    assert [r.record_id for r in store.source_record_page("acme")] == ["R1", "R2"]
