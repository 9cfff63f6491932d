"""Normalizing NPPES values and whole rows into ProviderRecords."""

from __future__ import annotations

from datetime import date

import pytest
from nppes_files import FILE_NAME, PMHNP, PSYCHIATRY, individual, npi, organization

from directory.geo import zip_centroid
from directory.model import EntityType, Evidence, OtherName
from ingest.normalize import (
    RowRejected,
    ZipGeocoder,
    normalize_affix,
    normalize_credential,
    normalize_organization_name,
    normalize_person_name,
    parse_date,
    to_record,
    zip5_of,
)
from ingest.nppes import MainFile
from ingest.quarantine import ReasonCode

EVIDENCE = Evidence(source="nppes", retrieved=date(2025, 11, 9), method="bulk_file", reference=FILE_NAME)
TODAY = date(2025, 11, 9)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("M.D.", "MD"),
        ("m.d", "MD"),
        ("D.O.", "DO"),
        ("PMHNP-BC", "PMHNP-BC"),
        ("MD, PhD", "MD, PHD"),
        ("PhD,MD", "PHD, MD"),
        ("M. D.", "MD"),
        ("L.C.S.W.", "LCSW"),
        ("  lcsw-r ", "LCSW-R"),
        ("MSW; LICSW", "MSW, LICSW"),
        ("", None),
        (" , ", None),
    ],
)
def test_credentials(text, expected):
    assert normalize_credential(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("O'BRIEN", "O'Brien"),
        ("MCDONALD", "McDonald"),
        ("SMITH-JONES", "Smith-Jones"),
        ("mary  ann", "Mary Ann"),
        ("DE LA CRUZ", "De La Cruz"),
        ("D'ANGELO", "D'Angelo"),
        ("McDonald", "McDonald"),  # mixed case was written on purpose: kept
        ("DeVito", "DeVito"),
        ("JOSÉ", "José"),
        ("   ", None),
    ],
)
def test_person_names(text, expected):
    assert normalize_person_name(text) == expected


@pytest.mark.parametrize("text, expected", [("DR.", "Dr."), ("JR.", "Jr."), ("III", "III"), ("ii", "II"), ("", None)])
def test_name_affixes(text, expected):
    assert normalize_affix(text) == expected


def test_organization_names_keep_case_and_lose_extra_spaces():
    assert normalize_organization_name("  NORTHSIDE   MENTAL Health  LLC ") == "NORTHSIDE MENTAL Health LLC"
    assert normalize_organization_name("   ") is None


@pytest.mark.parametrize(
    "postal, expected", [("10029", "10029"), ("100296574", "10029"), ("1002", ""), ("K1A0B1", ""), ("", "")]
)
def test_zip5(postal, expected):
    assert zip5_of(postal) == expected


@pytest.mark.parametrize(
    "text, code",
    [
        ("2020-01-02", ReasonCode.INVALID_DATE),
        ("1/2/2020", ReasonCode.INVALID_DATE),
        ("01/02/20", ReasonCode.INVALID_DATE),
        ("AB/CD/EFGH", ReasonCode.INVALID_DATE),
        ("02/30/2020", ReasonCode.IMPOSSIBLE_DATE),
        ("13/01/2020", ReasonCode.IMPOSSIBLE_DATE),
        ("12/31/1899", ReasonCode.IMPOSSIBLE_DATE),
        ("11/10/2025", ReasonCode.IMPOSSIBLE_DATE),  # the day after TODAY
    ],
)
def test_bad_dates(text, code):
    with pytest.raises(RowRejected) as caught:
        parse_date(text, "enumeration_date", TODAY)
    assert caught.value.problem.code is code
    assert text in caught.value.problem.detail


def test_good_dates():
    assert parse_date("02/29/2020", "x", TODAY) == date(2020, 2, 29)
    assert parse_date("11/09/2025", "x", TODAY) == TODAY
    assert parse_date("", "x", TODAY) is None


def _record(nppes_file, row, version="V2"):
    path = nppes_file([row], version=version)
    with MainFile(path) as main:
        (raw,) = list(main.rows())
        return to_record(raw.fields, main.columns, EVIDENCE, TODAY, ZipGeocoder())


def test_individual_record(nppes_file):
    record, warnings = _record(nppes_file, individual(npi(1), **{"Provider Name Suffix Text": "JR."}))
    assert warnings == []
    assert record.entity_type is EntityType.INDIVIDUAL
    assert (record.prefix, record.first_name, record.middle_name, record.last_name, record.suffix) == (
        "Dr.",
        "Mary",
        "K",
        "O'Brien",
        "Jr.",
    )
    assert record.credential_text == "MD"
    assert record.display_name == "Mary K O'Brien, MD"
    assert record.sole_proprietor is False and record.organization_name is None
    assert record.enumeration_date == date(2005, 5, 23) and record.last_update == date(2021, 7, 8)
    assert record.evidence == EVIDENCE


def test_practice_location_is_normalized_and_geocoded_to_its_zip_centroid(nppes_file):
    record, _ = _record(nppes_file, individual(npi(1)))
    (placed,) = record.locations  # the practice location only, never the mailing address
    loc = placed.location
    assert placed.primary and placed.evidence == EVIDENCE
    assert (loc.line1, loc.line2, loc.city, loc.state, loc.zip5) == (
        "1 GUSTAVE L LEVY PL",
        "FLOOR 4",
        "NEW YORK",
        "NY",
        "10029",
    )
    point, county, _ = zip_centroid("10029")
    assert (loc.latitude, loc.longitude, loc.county) == (point.latitude, point.longitude, county)
    assert loc.phone == "2122416756"
    assert "ALBANY" not in loc.key and "PO BOX" not in loc.key


def test_unknown_or_foreign_postal_code_keeps_the_address_without_a_point(nppes_file):
    record, _ = _record(
        nppes_file,
        individual(
            npi(1),
            **{
                "Provider Business Practice Location Address Postal Code": "K1A0B1",
                "Provider Business Practice Location Address Country Code (If outside U.S.)": "CA",
            },
        ),
    )
    loc = record.locations[0].location
    assert loc.zip5 == "" and loc.latitude is None and loc.line1 == "1 GUSTAVE L LEVY PL"


def test_no_practice_address_no_location(nppes_file):
    record, _ = _record(
        nppes_file,
        individual(
            npi(1),
            **{
                "Provider First Line Business Practice Location Address": "",
                "Provider Second Line Business Practice Location Address": "",
                "Provider Business Practice Location Address City Name": "",
            },
        ),
    )
    assert record.locations == []


def _slots(*slots):
    row = {}
    for k, (code, number, state, switch) in enumerate(slots, start=1):
        row[f"Healthcare Provider Taxonomy Code_{k}"] = code
        row[f"Provider License Number_{k}"] = number
        row[f"Provider License Number State Code_{k}"] = state
        row[f"Healthcare Provider Primary Taxonomy Switch_{k}"] = switch
    return row


def test_all_fifteen_taxonomy_slots_with_primary_and_licences(nppes_file):
    codes = [
        "2084P0800X",
        "2084P0804X",
        "2084P0802X",
        "2084P0805X",
        "363LP0808X",
        "103T00000X",
        "103TC0700X",
        "101YM0800X",
        "101YP2500X",
        "1041C0700X",
        "106H00000X",
        "207L00000X",
        "207P00000X",
        "208VP0000X",
        "261QM0801X",
    ]
    slots = [(c, f"LIC{k}", "NY" if k % 2 else "nj", "Y" if k == 15 else "N") for k, c in enumerate(codes, start=1)]
    record, warnings = _record(nppes_file, individual(npi(1), **_slots(*slots)))
    assert warnings == []
    assert [t.code for t in record.taxonomies] == codes
    assert [t.primary for t in record.taxonomies] == [False] * 14 + [True]
    assert record.taxonomies[0].license_number == "LIC1" and record.taxonomies[0].license_state == "NY"
    assert record.taxonomies[1].license_state == "NJ"
    assert all(t.evidence == EVIDENCE for t in record.taxonomies)


def test_without_a_primary_switch_the_first_taxonomy_is_primary(nppes_file):
    record, _ = _record(nppes_file, individual(npi(1), **_slots((PSYCHIATRY, "1", "NY", "N"), (PMHNP, "", "", "X"))))
    assert [(t.code, t.primary) for t in record.taxonomies] == [(PSYCHIATRY, True), (PMHNP, False)]
    assert record.taxonomies[1].license_number is None and record.taxonomies[1].license_state is None


def test_same_code_in_two_states_keeps_both_licences(nppes_file):
    record, _ = _record(
        nppes_file, individual(npi(1), **_slots((PSYCHIATRY, "A1", "NY", "Y"), (PSYCHIATRY, "B2", "NJ", "N")))
    )
    assert [(t.code, t.license_state, t.primary) for t in record.taxonomies] == [
        (PSYCHIATRY, "NY", True),
        (PSYCHIATRY, "NJ", False),
    ]


def test_a_code_that_is_not_nucc_is_dropped_with_a_warning(nppes_file):
    record, warnings = _record(
        nppes_file, individual(npi(1), **_slots(("999X00000X", "1", "NY", "Y"), (PSYCHIATRY, "2", "NY", "N")))
    )
    assert [(t.code, t.primary) for t in record.taxonomies] == [(PSYCHIATRY, True)]
    assert [w.code for w in warnings] == [ReasonCode.INVALID_TAXONOMY]
    assert "999X00000X" in warnings[0].detail and "slot 1" in warnings[0].detail


def test_organization_record_with_other_name(nppes_file):
    record, _ = _record(
        nppes_file,
        organization(npi(2), **{"Is Organization Subpart": "Y", "Parent Organization LBN": "NORTHSIDE  HEALTH SYSTEM"}),
    )
    assert record.entity_type is EntityType.ORGANIZATION
    assert record.organization_name == "NORTHSIDE MENTAL HEALTH CENTER, LLC"
    assert record.is_subpart is True and record.parent_organization_name == "NORTHSIDE HEALTH SYSTEM"
    assert record.last_name is None and record.credential_text is None
    assert record.other_names == [OtherName("NORTHSIDE MIND CLINIC", "3", EVIDENCE)]
    assert record.locations[0].location.county == zip_centroid("60611")[1]


def test_individual_former_name_is_an_other_name(nppes_file):
    record, _ = _record(
        nppes_file,
        individual(
            npi(1),
            **{
                "Provider Other Last Name": "SMITH",
                "Provider Other First Name": "MARY",
                "Provider Other Last Name Type Code": "1",
                "Provider Other Credential Text": "m.d.",
            },
        ),
    )
    assert record.other_names == [OtherName("Mary Smith, MD", "1", EVIDENCE)]


def test_deactivation_and_reactivation_dates(nppes_file):
    record, _ = _record(
        nppes_file,
        individual(
            npi(1),
            **{
                "NPI Deactivation Reason Code": "OT",
                "NPI Deactivation Date": "01/15/2020",
                "NPI Reactivation Date": "03/01/2020",
            },
        ),
    )
    assert record.deactivation_date == date(2020, 1, 15) and record.deactivation_reason == "OT"
    assert record.reactivation_date == date(2020, 3, 1)
    assert record.is_active


def test_bulk_zip_index_answers_as_directory_geo():
    geocode = ZipGeocoder(bulk_after=0)
    assert geocode("10029") == zip_centroid("10029")  # first miss builds the index
    for zip5 in ("60611", "02139", "94110", "00501", "99950", "99999", "00000"):
        assert geocode(zip5) == zip_centroid(zip5), zip5
