from __future__ import annotations

import pytest

from ingest.resolve import normalize as nz


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("Bob", "ROBERT"),
        ("bobby", "ROBERT"),
        ("Robert", "ROBERT"),
        ("Liz", "ELIZABETH"),
        ("Kathy", "KATHERINE"),
        ("Catherine", "KATHERINE"),
        ("José", "JOSE"),
        ("Dr. Bill", "WILLIAM"),
        ("", ""),
    ],
)
def test_given_names_resolve_nicknames(raw, expected):
    assert nz.given_name(raw) == expected


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("Smith, MD", "SMITH"),
        ("O'Neil Jr.", "ONEIL"),
        ("Garcia-Lopez", "GARCIALOPEZ"),
        ("Smith PMHNP-BC", "SMITH"),
        ("Ma", "MA"),  # a surname that looks like a credential stays
    ],
)
def test_person_names_drop_credentials_and_suffixes(raw, expected):
    assert nz.person_name(raw) == expected


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("Smith, Robert A., MD", ("ROBERT", "A", "SMITH")),
        ("Dr. Bob A Smith, PMHNP-BC", ("BOB", "A", "SMITH")),
        ("Jane Doe", ("JANE", "", "DOE")),
        ("Smith", ("", "", "SMITH")),
    ],
)
def test_full_names_split(raw, expected):
    assert nz.split_full_name(raw) == expected


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("The Mindful TMS Center, P.L.L.C.", "MINDFUL TMS CTR"),
        ("Acme Behavioral Health, Inc.", "ACME BEHAVIORAL HEALTH"),
        ("Smith & Jones Psychiatry PC", "SMITH AND JONES PSYCHIATRY"),
        ("BRIGHT PATH LLC", "BRIGHT PATH"),
    ],
)
def test_organization_names_lose_legal_forms(raw, expected):
    assert nz.organization_name(raw) == expected


def test_dba_inside_a_legal_name_gives_both_names():
    assert nz.organization_names("Acme Health LLC DBA Mindful TMS") == ["ACME HEALTH", "MINDFUL TMS"]


@pytest.mark.parametrize(
    "line1,line2",
    [
        ("123 North Main Street", "Suite 200"),
        ("123 N. Main St.", "Ste 200"),
        ("123 N MAIN ST", "#200"),
        ("123 n main st # 200", ""),
        ("123 North Main St, Unit 200", None),
    ],
)
def test_addresses_agree_across_formats(line1, line2):
    assert nz.address(line1, line2) == "123 N MAIN ST STE 200"


def test_phones_licences_zips():
    assert nz.phone("(617) 555-1212") == nz.phone("1-617-555-1212") == "6175551212"
    assert nz.phone("555-1212") == ""
    assert nz.licence("me-0012345") == nz.licence("ME12345") == nz.licence("0012345") == "12345"
    assert nz.licence("RN-0099") == "RN99"
    assert nz.licence("0000") == ""
    assert nz.zip5("02139-4307") == "02139" and nz.zip5("213") == ""
