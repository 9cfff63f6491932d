"""The input files: bundled defaults, every reader's errors (file, line,
column), the refusal of patient-level data, and the HSD reference layout."""

from __future__ import annotations

import pytest
from helpers import write
from openpyxl import Workbook

from directory.errors import InputError
from directory.reference import nucc_codes
from directory.services import adequacy


def test_bundled_defaults_cover_five_specialties_in_every_county_type():
    standards = adequacy.default_standards()
    assert standards.specialties == (
        "Psychiatry",
        "Clinical Psychology",
        "Clinical Social Work",
        "Outpatient Behavioral Health",
        "Inpatient Psychiatric Facility",
    )
    for specialty in standards.specialties:
        for kind in adequacy.COUNTY_TYPES:
            assert standards.get(specialty, kind) is not None, (specialty, kind)
    assert (standards.get("Psychiatry", "CEAC").max_minutes, standards.get("Psychiatry", "CEAC").max_miles) == (
        110,
        100,
    )
    mapping = adequacy.default_specialties()
    assert set(mapping.codes) <= nucc_codes()
    assert {s for specs in mapping.by_code.values() for s in specs} == set(standards.specialties)
    counties = adequacy.default_counties()
    assert counties.find("NY", "New York County").county_type == "Large Metro"
    assert counties.find("CO", "Adams County").county_type == "Metro"
    assert len(counties.by_key) == 18


@pytest.mark.parametrize(
    "text,message",
    [
        ("specialty,county_type,max_minutes,max_miles\nPsychiatry,Metro,45,30\n", "line 1: header lacks min_per_1000"),
        (
            "specialty,county_type,max_minutes,max_miles,min_per_1000\nPsychiatry,Suburban,45,30,0.1\n",
            "line 2, column 'county_type': 'Suburban' is not one of",
        ),
        (
            "specialty,county_type,max_minutes,max_miles,min_per_1000\nPsychiatry,Metro,45,thirty,0.1\n",
            "line 2, column 'max_miles': 'thirty' is not a number",
        ),
        (
            "specialty,county_type,max_minutes,max_miles,min_per_1000\nPsychiatry,Metro,45,30,0.1\nPsychiatry,Metro,40,20,0.1\n",
            "line 3: a second row for Psychiatry in Metro",
        ),
        ("specialty,county_type,max_minutes,max_miles,min_per_1000\nPsychiatry,Metro,0,30,0.1\n", "must be positive"),
    ],
)
def test_standards_errors_name_file_line_and_column(tmp_path, text, message):
    path = write(tmp_path / "std.csv", text)
    with pytest.raises(InputError, match=message) as caught:
        adequacy.read_standards(adequacy.CsvText.of(path))
    assert str(path) in str(caught.value)


def test_counties_and_specialties_errors(tmp_path):
    bad = write(tmp_path / "c.csv", "state,county,county_type\nNY,Kings County,Metro\nNew York,Queens County,Metro\n")
    with pytest.raises(InputError, match=r"c.csv, line 3, column 'state'"):
        adequacy.read_counties(adequacy.CsvText.of(bad))
    bad = write(tmp_path / "s.csv", "taxonomy_code,specialty\n2084P0800X,Psychiatry\n2084P0899X,Psychiatry\n")
    with pytest.raises(InputError, match=r"s.csv, line 3, column 'taxonomy_code': '2084P0899X' is not a NUCC code"):
        adequacy.read_specialties(adequacy.CsvText.of(bad))


def test_members_in_both_layouts(tmp_path):
    counts = adequacy.read_members(write(tmp_path / "m.csv", "zip,count\n10016,5\n10016,2\n02115,0\n94103-1234,3\n"))
    assert counts.counts == {"10016": 7, "94103": 3} and counts.layout == "zip,count" and counts.total == 10
    ids = adequacy.read_members(write(tmp_path / "i.csv", "member_id,zip\nA1,10016\nA2,10016\nB7,60611\n"))
    assert ids.counts == {"10016": 2, "60611": 1} and ids.rows == 3


@pytest.mark.parametrize(
    "text,message",
    [
        ("member_id,zip,first_name\nA1,10016,Ann\n", "column 'first_name': looks like patient-level data"),
        ("zip,count,DOB\n10016,1,1950-01-01\n", "column 'DOB': looks like patient-level data"),
        ("Patient Name,zip\nAnn,10016\n", "column 'Patient Name': looks like patient-level data"),
        ("zip,members\n10016,1\n", "expected the header zip,count or member_id,zip"),
        ("zip,count\n10016,1\n1001,2\n", r"line 3, column 'zip': '1001' is not a 5-digit ZIP"),
        ("zip,count\n10016,1\n10017,2.5\n", r"line 3, column 'count': '2.5' is not a whole number"),
        ("member_id,zip\nA1,10016\nA1,10017\n", r"line 3, column 'member_id': member 'A1' is listed twice"),
    ],
)
def test_members_errors_and_refusals(tmp_path, text, message):
    with pytest.raises(InputError, match=message):
        adequacy.read_members(write(tmp_path / "m.csv", text))


def test_members_from_request_pairs_are_checked():
    assert adequacy.members_from_pairs([("10016", 2), ("10016", 3)]).counts == {"10016": 5}
    with pytest.raises(InputError, match="pair 2"):
        adequacy.members_from_pairs([("10016", 2), ("1001", 3)])
    with pytest.raises(InputError, match="count -1"):
        adequacy.members_from_pairs([("10016", -1)])


HSD_HEADER = [
    "COUNTY",
    "ST",
    "COUNTY DESIGNATION",
    "TOTAL BENEFICIARIES",
    "95th PERCENTILE BASE POPULATION RATIO",
    "BENEFICIARIES REQUIRED TO COVER",
    "Psychiatry",
    "Clinical Psychology (see Notes)",
    "Clinical Social Work (see\nNotes)",
]


def test_hsd_reference_layout_as_csv_and_as_workbook(tmp_path):
    rows = [
        ["Minimum Provider Numbers, CY 2026"],
        HSD_HEADER,
        [],
        ["Kings", "NY", "Large Metro", "400000", "0.2", "80000", "12", "13", "21"],
        ["Garfield", "CO", "Micro", "9000", "0.2", "1800", "1", "1", "1"],
        ["Notes: figures from the reference file"],
    ]
    text = "\n".join(",".join(f'"{c}"' for c in r) for r in rows) + "\n"
    counties = adequacy.load_counties(write(tmp_path / "hsd.csv", text))
    kings = counties.find("NY", "Kings County")  # matched to the zipcodes name
    assert kings.county_type == "Large Metro"
    assert dict(kings.required) == {"Psychiatry": 12, "Clinical Psychology": 13, "Clinical Social Work": 21}
    assert counties.find("CO", "Garfield County").county_type == "Micro"

    book = Workbook()
    sheet = book.active
    sheet.title = "Minimum Provider #s"
    for r in rows:
        sheet.append(r)
    facility = book.create_sheet("Minimum Facility #s")
    for r in (
        ["title"],
        ["COUNTY", "ST", "COUNTY DESIGNATION", "Inpatient Psychiatric Facility Services"],
        ["Kings", "NY", "Large Metro", 2],
    ):
        facility.append(r)
    book.save(tmp_path / "hsd.xlsx")
    counties = adequacy.load_counties(tmp_path / "hsd.xlsx")
    assert dict(counties.find("NY", "Kings").required)["Inpatient Psychiatric Facility"] == 2
    assert dict(counties.find("NY", "Kings").required)["Psychiatry"] == 12

    bad = text.replace('"Micro"', '"Frontier"')
    with pytest.raises(InputError, match=r"line 5, column 'COUNTY DESIGNATION'"):
        adequacy.load_counties(write(tmp_path / "bad.csv", bad))
