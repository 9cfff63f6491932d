"""The pure value parsers of mapped source files: dates, ZIPs, phones, names, addresses."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.field_values import PersonName, parse_date, parse_person_name, phone, split_address, zip_code
from ingest.normalize import RowRejected
from ingest.quarantine import ReasonCode

TODAY = date(2026, 1, 15)


@pytest.mark.parametrize(
    "text,future_ok,expected",
    [
        ("04/03/2021", False, date(2021, 4, 3)),
        ("4/3/2021", False, date(2021, 4, 3)),
        ("4-3-2021", False, date(2021, 4, 3)),
        ("4/3/21", False, date(2021, 4, 3)),  # 1921 is over 100 years ago for a past-only field
        ("12/31/99", False, date(1999, 12, 31)),
        ("12/31/27", True, date(2027, 12, 31)),  # an expiry: 1927 lies outside 50 years
        ("4/3/80", True, date(1980, 4, 3)),
        ("2021-04-03", False, date(2021, 4, 3)),
        ("2021-4-3", False, date(2021, 4, 3)),
        ("20210403", False, date(2021, 4, 3)),
        ("2021-04-03 00:00:00", False, date(2021, 4, 3)),  # as a spreadsheet exports a date cell
        ("2021-04-03T10:30:00Z", False, date(2021, 4, 3)),
        ("12/31/9999", True, date(9999, 12, 31)),  # an open-ended contract
        ("", False, None),
        ("00000000", False, None),
    ],
)
def test_dates_read(text, future_ok, expected):
    assert parse_date(text, today=TODAY, future_ok=future_ok) == expected


@pytest.mark.parametrize(
    "text,future_ok,code",
    [
        ("13/04/2021", False, ReasonCode.AMBIGUOUS_DATE),  # only reads day-first
        ("1/15/76", True, ReasonCode.AMBIGUOUS_DATE),  # 1976 and 2076 both on the edge of 50 years
        ("1/15/26", False, ReasonCode.AMBIGUOUS_DATE),  # 1926 and 2026: both within 100 years back
        ("02/30/2021", False, ReasonCode.IMPOSSIBLE_DATE),
        ("2021-13-01", False, ReasonCode.IMPOSSIBLE_DATE),
        ("13/13/2021", False, ReasonCode.IMPOSSIBLE_DATE),
        ("01/01/1850", False, ReasonCode.IMPOSSIBLE_DATE),
        ("01/01/2027", False, ReasonCode.IMPOSSIBLE_DATE),  # an issue date in the future
        ("2/29/23", False, ReasonCode.IMPOSSIBLE_DATE),
        ("3rd April 2021", False, ReasonCode.INVALID_DATE),
        ("2021/04/03", False, ReasonCode.INVALID_DATE),
        ("04.03.2021", False, ReasonCode.INVALID_DATE),
    ],
)
def test_dates_that_cannot_be_read_are_problems_not_guesses(text, future_ok, code):
    with pytest.raises(RowRejected) as raised:
        parse_date(text, today=TODAY, future_ok=future_ok, field="issue_date")
    assert raised.value.problem.code is code
    assert "issue_date" in raised.value.problem.detail and text in raised.value.problem.detail


@pytest.mark.parametrize(
    "text,expected",
    [
        ("02139", "02139"),
        ("2139", "02139"),  # a spreadsheet dropped the leading zero
        ("501", "00501"),  # 005xx ZIPs lose two
        ("02139-4307", "02139-4307"),
        ("021394307", "02139-4307"),
        ("21394307", "02139-4307"),
        ("2139-4307", "02139-4307"),
        ("02139 4307", "02139-4307"),
        (" 10029 ", "10029"),
        ("", ""),
    ],
)
def test_zips_are_repaired(text, expected):
    assert zip_code(text) == expected


@pytest.mark.parametrize("text", ["K1A 0B1", "213", "00000", "123456", "SW1A 1AA", "0213-4307"])
def test_foreign_or_broken_zips_are_warnings(text):
    with pytest.raises(RowRejected) as raised:
        zip_code(text)
    assert raised.value.problem.code is ReasonCode.INVALID_ZIP and raised.value.problem.is_warning


@pytest.mark.parametrize(
    "text",
    [
        "6175551212",
        "(617) 555-1212",
        "617-555-1212",
        "617.555.1212",
        "617 555 1212",
        "+1 617 555 1212",
        "1-617-555-1212",
        "1 (617) 555-1212",
        "617-555-1212 x204",
        "(617) 555-1212 ext. 3",
        "617.555.1212 Extension 12",
    ],
)
def test_phones_in_every_common_format(text):
    assert phone(text) == "6175551212"


@pytest.mark.parametrize("text", ["555-1212", "617-555-121", "0175551212", "6171551212", "+44 20 7946 0958"])
def test_phones_that_are_not_north_american_are_warnings(text):
    with pytest.raises(RowRejected) as raised:
        phone(text)
    assert raised.value.problem.code is ReasonCode.INVALID_PHONE and raised.value.problem.is_warning


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Smith, John A. Jr., MD", PersonName("John", "A", "Smith", "JR", "MD")),
        ("Smith, John A", PersonName("John", "A", "Smith")),
        ("SMITH, JOHN", PersonName("JOHN", "", "SMITH")),
        ("Smith Jr, John", PersonName("John", "", "Smith", "JR")),
        ("John Smith, PMHNP-BC", PersonName("John", "", "Smith", "", "PMHNP-BC")),
        ("Peggy Hall, LCSW-C", PersonName("Peggy", "", "Hall", "", "LCSW-C")),
        ("Dr. Bob A Smith, MD, PhD", PersonName("Bob", "A", "Smith", "", "MD, PhD")),
        ("JOHN A SMITH MD", PersonName("JOHN", "A", "SMITH", "", "MD")),
        ("John A. Smith III", PersonName("John", "A", "Smith", "III")),
        ("First M. Last", PersonName("First", "M", "Last")),
        ("Smith John A", PersonName("John", "A", "Smith")),  # LAST FIRST M
        ("SMITH JOHN A", PersonName("JOHN", "A", "SMITH")),
        ("Maria de la Cruz", PersonName("Maria", "", "de la Cruz")),
        ("Mary Ann Smith-Jones, LCSW", PersonName("Mary", "Ann", "Smith-Jones", "", "LCSW")),
        ("Lin Ma MD", PersonName("Lin", "", "Ma", "", "MD")),  # a surname that looks like a credential
        ("Ma, Lin", PersonName("Lin", "", "Ma")),
        ("Cher", PersonName("", "", "Cher")),
        ("", PersonName()),
    ],
)
def test_free_text_names_in_four_layouts(text, expected):
    assert parse_person_name(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("123 Main St Suite 200", ("123 Main St", "Suite 200")),
        ("123 Main St, Ste 200", ("123 Main St", "Ste 200")),
        ("123 Main St Ste. 4B", ("123 Main St", "Ste. 4B")),
        ("123 Main St #200", ("123 Main St", "#200")),
        ("123 Main St # 12", ("123 Main St", "# 12")),
        ("Suite 200, 123 Main St", ("123 Main St", "Suite 200")),
        ("1 Fleet Street Fl 3", ("1 Fleet Street", "Fl 3")),
        ("9 Elm St 3rd Floor", ("9 Elm St", "3rd Floor")),
        ("9 Elm St Bldg C Suite 100", ("9 Elm St", "Bldg C Suite 100")),
        ("55 Apt Way Apt 4B", ("55 Apt Way", "Apt 4B")),
        ("100 Unit Road", ("100 Unit Road", "")),  # a designator without a number is a street word
        ("12 Suite Ln", ("12 Suite Ln", "")),
        ("PO Box 12", ("PO Box 12", "")),
        ("", ("", "")),
    ],
)
def test_one_line_addresses_split_into_line_and_suite(text, expected):
    assert split_address(text) == expected
