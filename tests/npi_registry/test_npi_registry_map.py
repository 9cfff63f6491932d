"""Recorded real API results mapped to ProviderRecord, and the same provider
read from an NPPES file in the real format giving the same normalized record."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pytest
from registry_server import NPI1_FILE, NPI2_FILE, PAGE_FILE, recorded, recorded_results

from directory.errors import RegistryError
from directory.geo import zip_centroid
from directory.model import EntityType
from ingest.normalize import ZipGeocoder, to_record
from ingest.npi_registry_map import to_provider_record
from ingest.nppes import MainFile

TODAY = date(2026, 11, 25)
HEADER = Path(__file__).resolve().parents[2] / "ingest" / "data" / "npidata_pfile_v2_fileheader.csv"


def _result(file_name: str, npi: int) -> dict:
    return next(r for r in recorded(file_name)["results"] if r["number"] == npi)


def test_individual_maps_every_field():
    record = to_provider_record(_result(NPI1_FILE, 1720377294), TODAY)
    assert (record.npi, record.entity_type) == ("1720377294", EntityType.INDIVIDUAL)
    assert (record.first_name, record.middle_name, record.last_name) == ("Elise", "Aileen", "Hiza")
    assert record.credential_text == "MD"  # "M.D."
    assert (record.sex, record.sole_proprietor) == ("F", True)
    assert (record.enumeration_date, record.last_update) == (date(2011, 4, 5), date(2018, 5, 8))
    assert record.is_active and record.organization_name is None
    evidence = record.evidence
    assert (evidence.source, evidence.method, evidence.retrieved, evidence.reference) == (
        "npi_registry_api",
        "api",
        TODAY,
        "npi:1720377294",
    )
    primary, secondary = record.locations
    assert primary.primary and not secondary.primary
    p = primary.location
    assert (p.line1, p.line2, p.city, p.state, p.zip5, p.phone) == (
        "111 VICTORIA RD",
        "",
        "ASHEVILLE",
        "NC",
        "28801",
        "8282527331",
    )
    point, county, _ = zip_centroid("28801")
    assert (p.latitude, p.longitude, p.county) == (point.latitude, point.longitude, county)
    s = secondary.location  # from practiceLocations
    assert (s.line1, s.city, s.state, s.zip5, s.phone) == (
        "49 JESSE HILL JR DR SE # 307",
        "ATLANTA",
        "GA",
        "30303",
        "4047781567",
    )
    assert [(t.code, t.primary, t.license_number, t.license_state) for t in record.taxonomies] == [
        ("207X00000X", True, "2017-01132", "NC"),
        ("390200000X", False, None, None),
    ]
    assert all(t.evidence == evidence for t in record.taxonomies)


def test_organization_keeps_practice_locations_and_drops_mailing():
    record = to_provider_record(_result(NPI2_FILE, 1568946812), TODAY, reference="http://x/api/?number=1568946812")
    assert record.entity_type is EntityType.ORGANIZATION
    assert (record.organization_name, record.is_subpart) == ("CSP ANESTHESIA LLC", False)
    assert record.first_name is None and record.credential_text is None
    assert record.evidence.reference == "http://x/api/?number=1568946812"
    assert [(pl.location.line1, pl.location.city, pl.location.zip5, pl.primary) for pl in record.locations] == [
        ("403 PERMIAN WAY STE D", "VILLA RICA", "30180", True),
        ("5505 ROSWELL RD STE 350B", "ATLANTA", "30342", False),
    ]
    assert all("PO BOX" not in pl.location.line1 for pl in record.locations)  # the MAILING address
    assert [(t.code, t.primary) for t in record.taxonomies] == [("207L00000X", True)]


def test_behavioural_health_individual_with_two_licences():
    record = to_provider_record(_result(PAGE_FILE, 1336333764), TODAY)
    assert (record.prefix, record.first_name, record.middle_name, record.last_name) == (
        "Ms.",
        "Claudia",
        "Virginia",
        "Narvaez-Meza",
    )
    assert record.credential_text == "MFA, MSW"
    assert [(t.code, t.primary, t.license_number, t.license_state) for t in record.taxonomies] == [
        ("1041C0700X", True, None, None),
        ("1041C0700X", False, "P58286", "NY"),
    ]


def test_primary_taxonomy_is_the_flagged_one_not_the_first():
    record = to_provider_record(_result(PAGE_FILE, 1154556637), TODAY)
    assert [(t.code, t.primary) for t in record.taxonomies] == [("390200000X", False), ("207Q00000X", True)]


def test_other_names_of_organizations_and_individuals():
    dba = to_provider_record(_result("api-1f9cef.json", 1992885586), TODAY)
    assert [(o.name, o.type_code) for o in dba.other_names] == [("OBGYN ATLANTA", "3")]
    former = to_provider_record(_result("api-1f9cef.json", 1598037822), TODAY)
    assert [(o.name, o.type_code) for o in former.other_names] == [("PREFERRED VASCULAR SERVICES OF GEORGIA, LLC", "4")]
    professional = to_provider_record(_result("api-34c18d.json", 1649270190), TODAY)
    assert [(o.name, o.type_code) for o in professional.other_names] == [("Bob I Wodecki", "2")]


def test_deactivated_then_reactivated_dates():
    record = to_provider_record(_result("api-a769af.json", 1003142399), TODAY)
    assert (record.deactivation_date, record.reactivation_date) == (date(2015, 1, 14), date(2019, 2, 13))
    assert record.is_active


@pytest.mark.parametrize("result", recorded_results(), ids=lambda r: str(r["number"]))
def test_every_recorded_result_maps_within_the_invariants(result):
    record = to_provider_record(result, TODAY)
    assert record.npi == str(result["number"])
    if record.taxonomies:
        assert sum(t.primary for t in record.taxonomies) == 1
    assert sum(pl.primary for pl in record.locations) <= 1
    keys = [pl.location.key for pl in record.locations]
    assert len(keys) == len(set(keys))
    wanted = [a for a in result["addresses"] if a["address_purpose"] == "LOCATION"] + result.get(
        "practiceLocations", []
    )
    assert {pl.location.line1 for pl in record.locations} <= {a["address_1"].upper().strip() for a in wanted}
    for pl in record.locations:
        assert pl.location.phone is None or pl.location.phone.isdigit()
        assert len(pl.location.zip5) in (0, 5)


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda r: r.update(number=1234567890), "no valid NPI"),
        (lambda r: r.pop("number"), "no valid NPI"),
        (lambda r: r.update(enumeration_type="NPI-9"), "enumeration_type"),
        (lambda r: r["basic"].update(enumeration_date="04/05/2011"), "YYYY-MM-DD"),
    ],
)
def test_a_result_that_cannot_be_mapped_is_a_registry_error(change, message):
    result = copy.deepcopy(_result(NPI1_FILE, 1720377294))
    change(result)
    with pytest.raises(RegistryError, match=message):
        to_provider_record(result, TODAY)


def test_unknown_taxonomy_codes_are_dropped_like_the_file_ingest_does():
    result = copy.deepcopy(_result(NPI1_FILE, 1720377294))
    result["taxonomies"][0]["code"] = "999999999X"
    record = to_provider_record(result, TODAY)
    assert [(t.code, t.primary) for t in record.taxonomies] == [("390200000X", True)]


# ------------------------------------------------------- parity with NPPES
def _nppes_file(tmp_path: Path, values: dict[str, str]) -> Path:
    header = HEADER.read_text(encoding="utf-8").strip()
    names = [n.strip('"') for n in header.split('","')]
    assert all(name in names for name in values), set(values) - set(names)
    row = ",".join('"' + values.get(name, "") + '"' for name in names)
    path = tmp_path / "npidata_pfile_20050523-20190310.csv"
    path.write_text(header + "\r\n" + row + "\r\n", encoding="utf-8")
    return path


def test_same_provider_from_the_nppes_file_normalizes_the_same(tmp_path):
    # Dr. Amir S. Steinberg as the API returns him and as an NPPES V2 row would carry him.
    api = to_provider_record(_result(PAGE_FILE, 1396949913), TODAY)
    path = _nppes_file(
        tmp_path,
        {
            "NPI": "1396949913",
            "Entity Type Code": "1",
            "Provider Last Name (Legal Name)": "STEINBERG",
            "Provider First Name": "AMIR",
            "Provider Middle Name": "S",
            "Provider Name Prefix Text": "DR.",
            "Provider Credential Text": "M.D.",
            "Provider First Line Business Mailing Address": "25 STONEYSIDE DR",
            "Provider Business Mailing Address Postal Code": "105381417",
            "Provider First Line Business Practice Location Address": "10 E 102ND ST",
            "Provider Business Practice Location Address City Name": "NEW YORK",
            "Provider Business Practice Location Address State Name": "NY",
            "Provider Business Practice Location Address Postal Code": "100296030",
            "Provider Business Practice Location Address Country Code (If outside U.S.)": "US",
            "Provider Business Practice Location Address Telephone Number": "2122416756",
            "Provider Enumeration Date": "06/14/2007",
            "Last Update Date": "02/26/2019",
            "Provider Sex Code": "M",
            "Is Sole Proprietor": "Y",
            "Healthcare Provider Taxonomy Code_1": "207RX0202X",
            "Provider License Number_1": "227894-1",
            "Provider License Number State Code_1": "NY",
            "Healthcare Provider Primary Taxonomy Switch_1": "Y",
        },
    )
    with MainFile(path) as main:
        (row,) = list(main.rows())
        assert row.problem is None
        nppes, warnings = to_record(row.fields, main.columns, api.evidence, TODAY, ZipGeocoder())
    assert warnings == []
    core = (
        "npi",
        "entity_type",
        "last_name",
        "first_name",
        "middle_name",
        "prefix",
        "suffix",
        "credential_text",
        "sex",
        "sole_proprietor",
        "organization_name",
        "enumeration_date",
        "last_update",
        "deactivation_date",
        "reactivation_date",
        "replacement_npi",
    )
    assert {k: getattr(api, k) for k in core} == {k: getattr(nppes, k) for k in core}
    assert api.taxonomies == nppes.taxonomies
    assert [pl for pl in api.locations if pl.primary] == nppes.locations  # the file's pl_pfile holds the others
    assert api.prefix == "Dr." and api.credential_text == "MD"
