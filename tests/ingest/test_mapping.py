"""Column mappings and the files they read: checked mapping files, CSV in its
common shapes, a real XLSX, and the rows that go wrong."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from directory.errors import ConfigurationError, SourceFormatError
from ingest.mapping import load_mapping, map_row, read_rows
from ingest.quarantine import ReasonCode

TODAY = date(2026, 1, 15)
ROSTER = {
    "columns": {
        "record_id": "Row",
        "npi": "NPI",
        "full_name": "Provider Name",
        "address": "Service Address",
        "city": "City",
        "state": "ST",
        "zip": "Zip",
        "phone": "Phone",
        "accepting_new_patients": "Accepting",
        "provider_type": "Type",
        "effective_date": "Effective",
    },
    "values": {"provider_type": {"Practitioner": "individual", "Facility": "organization"}},
}
HEADER = "Row,NPI,Provider Name,Service Address,City,ST,Zip,Phone,Accepting,Type,Effective"


def write(tmp_path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# ------------------------------------------------------------------ the mapping
def test_a_mapping_file_loads(tmp_path):
    path = write(tmp_path, "roster.mapping.json", json.dumps(ROSTER))
    mapping = load_mapping(path, "roster")
    assert mapping.kind == "roster" and mapping.columns["full_name"] == "Provider Name"
    assert mapping.map_value("provider_type", "practitioner") == "individual"  # case-insensitive
    assert mapping.map_value("provider_type", "Group") == "Group"  # unmapped values pass


@pytest.mark.parametrize(
    "data,message",
    [
        ({"columns": {"full_name": "Name", "shoe_size": "Shoes"}}, "unknown canonical field.*shoe_size"),
        ({"columns": {"device": "Device"}}, "unknown canonical field.*device"),  # a TMS field on a roster
        ({"columns": {"npi": ""}}, "npi must name a column"),
        ({"columns": {"npi": 7}}, "npi must name a column"),
        ({"columns": {}}, "'columns' must be"),
        ({"colums": {"npi": "NPI"}}, "unknown key.*colums"),
        ({"columns": {"npi": "NPI"}, "values": {"state": {"Tex.": "TX"}}}, "not in 'columns': state"),
        ({"columns": {"npi": "NPI"}, "values": {"colour": {}}}, "unknown canonical field.*colour"),
        ({"columns": {"state": "ST"}, "values": {"state": {"Tex.": 1}}}, "values of state"),
        ([1, 2], "JSON object"),
    ],
)
def test_bad_mappings_name_what_is_wrong(data, message):
    with pytest.raises(ConfigurationError, match=message):
        load_mapping(data, "roster")


def test_mapping_files_that_are_missing_or_not_json(tmp_path):
    with pytest.raises(ConfigurationError, match="not found"):
        load_mapping(tmp_path / "nope.json", "roster")
    with pytest.raises(ConfigurationError, match="not JSON"):
        load_mapping(write(tmp_path, "bad.json", "{columns"), "roster")
    with pytest.raises(ConfigurationError, match="unknown source kind 'ledger'"):
        load_mapping({"columns": {"npi": "NPI"}}, "ledger")


# ------------------------------------------------------------------------ CSV
def test_a_csv_roster_with_bom_quotes_and_every_format(tmp_path):
    text = (
        "\ufeff" + HEADER + "\r\n"
        '1,1234567893,"Smith, John A. Jr., MD","123 N Main St, Suite 200",Boston,MA,2139,(617) 555-1212,Yes,'
        "Practitioner,1/5/2024\r\n"
        '2,,"Jane Q. Doe, PMHNP-BC","9 Elm St #4",Boston,ma,02139-4307,+1 617.555.9999 x12,N,Practitioner,'
        "2024-02-01\r\n"
        '3,1245319599,,"1 Harbor Way\nBuilding 2",Boston,Massachusetts,021104307,617-555-0000,,Facility,\r\n'
    )
    rows = list(read_rows(write(tmp_path, "roster.csv", text), load_mapping(ROSTER, "roster"), today=TODAY))
    assert [r.record_id for r in rows] == ["1", "2", "3"] and not any(r.problems for r in rows)
    first = rows[0].values
    assert (first["last_name"], first["first_name"], first["middle_name"]) == ("Smith", "John", "A")
    assert (first["suffix"], first["credential"]) == ("JR", "MD")
    assert (first["address_line_1"], first["address_line_2"]) == ("123 N Main St", "Suite 200")
    assert first["zip"] == "02139" and first["phone"] == "6175551212"
    assert first["accepting_new_patients"] == "true" and first["provider_type"] == "individual"
    assert first["effective_date"] == "2024-01-05"
    second = rows[1].values
    assert second["state"] == "MA" and second["zip"] == "02139-4307" and second["phone"] == "6175559999"
    assert second["credential"] == "PMHNP-BC" and "npi" not in second  # empty cells are left out
    assert second["address_line_2"] == "#4" and second["effective_date"] == "2024-02-01"
    third = rows[2].values
    assert third["state"] == "MA" and third["zip"] == "02110-4307" and third["provider_type"] == "organization"
    assert third["address"] == "1 Harbor Way Building 2"  # a quoted line break is one field


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_the_delimiter_is_sniffed(tmp_path, delimiter):
    header = HEADER.replace(",", delimiter)
    row = delimiter.join(
        ["7", "1234567893", "Doe Jane A", "1 Elm St", "Salem", "OR", "97301", "5035550101", "", "", ""]
    )
    path = write(tmp_path, "roster.txt", f"{header}\n{row}\n")
    (only,) = read_rows(path, load_mapping(ROSTER, "roster"), today=TODAY)
    assert only.values["last_name"] == "Doe" and only.values["first_name"] == "Jane"  # LAST FIRST M
    assert only.values["city"] == "Salem" and only.values["zip"] == "97301"


def test_columns_missing_from_the_file_are_named(tmp_path):
    path = write(tmp_path, "roster.csv", "Row,NPI,Provider,City\n1,1234567893,Jane Doe,Salem\n")
    with pytest.raises(SourceFormatError, match="'Provider Name'.*'Service Address'"):
        read_rows(path, load_mapping(ROSTER, "roster"), today=TODAY)


def test_empty_and_missing_files(tmp_path):
    mapping = load_mapping(ROSTER, "roster")
    with pytest.raises(SourceFormatError, match="empty"):
        read_rows(write(tmp_path, "empty.csv", "\n \n"), mapping)
    with pytest.raises(SourceFormatError, match="not found"):
        read_rows(tmp_path / "absent.csv", mapping)


def test_malformed_rows_carry_reason_codes(tmp_path):
    text = (
        HEADER + "\n"
        "1,1234567893,Jane Doe,1 Elm St,Salem,OR,97301,5035550101,Y,Practitioner,13/04/2024\n"  # day-first
        "2,1234567893,Jane Doe,1 Elm St,Salem,OR,97301,5035550101,Y,Practitioner,02/30/2024\n"  # no such day
        "3,1234567893,Jane Doe,1 Elm St,Salem,OR,K1A 0B1,555-1212,Y,Practitioner,\n"  # foreign ZIP, short phone
        "4,1234567893,Jane Doe,1 Elm St\n"  # cut short
        "5,1234567893,Jane Doe,1 Elm St,Salem,OR,97301,5035550101,Y,Practitioner,,,\n"  # trailing delimiters
        "\n"
        "6,1234567893,Jane \xff Doe,1 Elm St,Salem,OR,97301,5035550101,Y,Practitioner,\n"
    )
    path = tmp_path / "roster.csv"
    path.write_bytes(text.encode("utf-8").replace("\xc3\xbf".encode("latin-1"), b"\xff"))
    rows = {r.record_id: r for r in read_rows(path, load_mapping(ROSTER, "roster"), today=TODAY)}
    assert [p.code for p in rows["1"].problems] == [ReasonCode.AMBIGUOUS_DATE] and rows["1"].rejected
    assert "effective_date" not in rows["1"].values and rows["1"].values["last_name"] == "Doe"
    assert [p.code for p in rows["2"].problems] == [ReasonCode.IMPOSSIBLE_DATE]
    codes = sorted(p.code.value for p in rows["3"].problems)
    assert codes == ["invalid_phone", "invalid_zip"] and not rows["3"].rejected  # warnings keep the row
    assert "zip" not in rows["3"].values and "phone" not in rows["3"].values
    assert [p.code for p in rows["4"].problems] == [ReasonCode.COLUMN_COUNT] and rows["4"].values == {}
    assert rows["5"].problems == [] and rows["5"].values["zip"] == "97301"
    broken = [r for r in rows.values() if any(p.code is ReasonCode.INVALID_UTF8 for p in r.problems)]
    assert len(broken) == 1 and broken[0].line == 8  # the blank line is skipped, not a row


def test_rows_without_a_record_id_are_numbered(tmp_path):
    mapping = load_mapping({"columns": {"site_name": "Name", "zip": "ZIP"}}, "tms")
    path = write(tmp_path, "tms.csv", "Name,ZIP\nHarbor TMS,2110\nBay TMS,94105\n")
    rows = list(read_rows(path, mapping, today=TODAY))
    assert [(r.record_id, r.values["zip"]) for r in rows] == [("1", "02110"), ("2", "94105")]


def test_full_name_is_not_split_over_mapped_parts():
    mapping = load_mapping({"columns": {"full_name": "Name", "last_name": "Surname"}}, "roster")
    row = map_row(mapping, {"full_name": "Bob Smith", "last_name": "Smith-Jones"}, today=TODAY)
    assert row.values["last_name"] == "Smith-Jones" and "first_name" not in row.values


# ----------------------------------------------------------------------- XLSX
def test_an_xlsx_roster_streams_with_spreadsheet_types(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append([None])  # a blank first row, as exports often have
    sheet.append(HEADER.split(","))
    sheet.append([1, 1234567893, "Smith, John A. Jr., MD", "123 Main St Ste 200", "Boston", "MA", 2139, 6175551212,
                  True, "Practitioner", datetime(2024, 1, 5)])  # fmt: skip
    sheet.append([2, None, "DOE JANE Q", "9 Elm St", "Boston", "MA", "02139", "617-555-9999", "N", "Practitioner",
                  "13/04/2024"])  # fmt: skip
    sheet.append([None] * 11)  # an empty row inside the used range
    path = tmp_path / "roster.xlsx"
    book.save(path)
    rows = [r for r in read_rows(path, load_mapping(ROSTER, "roster"), today=TODAY) if r.values or r.problems]
    assert len(rows) == 2
    first, second = rows[0], rows[1]
    assert first.record_id == "1" and first.values["npi"] == "1234567893"  # a number cell, no ".0"
    assert first.values["zip"] == "02139" and first.values["phone"] == "6175551212"
    assert first.values["accepting_new_patients"] == "true" and first.values["effective_date"] == "2024-01-05"
    assert first.values["address_line_2"] == "Ste 200" and first.values["suffix"] == "JR"
    assert first.line == 3  # the sheet's own row number
    assert (second.values["last_name"], second.values["first_name"]) == ("DOE", "JANE")
    assert [p.code for p in second.problems] == [ReasonCode.AMBIGUOUS_DATE]


def test_an_xlsx_that_is_not_a_workbook(tmp_path):
    path = write(tmp_path, "roster.xlsx", "Row,NPI\n1,2\n")
    with pytest.raises(SourceFormatError, match="not a readable XLSX"):
        read_rows(path, load_mapping(ROSTER, "roster"))
