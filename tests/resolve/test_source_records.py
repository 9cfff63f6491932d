"""Each source kind's rows as EntityRecords, and the five-source benchmark end to end."""

from __future__ import annotations

import csv

import numpy as np
from bench_sources import hard_case_rates, pair_codes, scores, truth_labels

from directory.model import EntityType
from ingest.resolve import EntityRecord, entity_frame, raw_frame
from ingest.resolve.sources import NppesReadReport, nppes_records, record_from_row


def test_a_roster_row_of_a_person_keeps_the_group_apart_from_the_name():
    row = {
        "record_id": "R7",
        "npi": "1234567893",
        "last_name": "Smith",
        "first_name": "John",
        "suffix": "JR",
        "credential": "MD",
        "organization_name": "Harbor Psychiatry PLLC",
        "address_line_1": "1 Elm St",
        "address_line_2": "Ste 4",
        "state": "MA",
        "zip": "02139",
        "phone": "6175551212",
        "license_number": "MA-0012345",
        "license_state": "MA",
        "taxonomy_code": "2084P0800X",
    }
    record = record_from_row("roster", "acme", row)
    assert record.ref == "acme:R7" and record.source == "acme" and record.kind == "roster"
    assert record.entity_type is EntityType.INDIVIDUAL and record.organization_name is None
    assert record.affiliation == "Harbor Psychiatry PLLC" and record.suffix == "JR"
    assert record.licences == ("MA-0012345",) and record.licence_states == ("MA",) and record.npi_valid
    facility = record_from_row("roster", "acme", {"record_id": "R8", "organization_name": "Harbor TMS"}, 8)
    assert facility.entity_type is EntityType.ORGANIZATION and facility.organization_name == "Harbor TMS"
    typed = record_from_row("roster", "acme", {"provider_type": "organization", "full_name": "x"}, 9)
    assert typed.ref == "acme:9" and typed.entity_type is EntityType.ORGANIZATION  # the file's word wins


def test_a_licence_row_is_a_person_in_the_issuing_state():
    row = {"record_id": "L1", "license_number": "12345", "last_name": "Doe", "first_name": "Jane", "state": "GA"}
    record = record_from_row("licences", "boards", row)
    assert record.entity_type is EntityType.INDIVIDUAL and record.state == "GA"  # no address state: the issuer's
    assert record.licence_states == ("GA",) and record.npi_valid is None
    moved = record_from_row("licences", "boards", {**row, "address_state": "TX", "npi": "1234567890"})
    assert moved.state == "TX" and moved.licence_states == ("GA",) and moved.npi_valid is False  # check digit


def test_a_site_row_is_an_organization_of_its_list():
    row = {"record_id": "S1", "site_name": "Harbor TMS", "address_line_1": "9 Harbor Way", "zip": "02110"}
    record = record_from_row("esketamine_rems", "rems", row)
    assert record.entity_type is EntityType.ORGANIZATION and record.kind == "esketamine_rems"
    assert record.organization_name == "Harbor TMS" and record.ref == "rems:S1"


def test_licence_keys_agree_across_formats():
    records = [
        EntityRecord("a:1", EntityType.INDIVIDUAL, licences=("GA-0012345",)),
        EntityRecord("b:1", EntityType.INDIVIDUAL, licences=("12345",), licence_states=("GA",)),
        EntityRecord("c:1", EntityType.INDIVIDUAL, licences=("12345",)),
        EntityRecord("d:1", EntityType.INDIVIDUAL, licences=("LPC 012345", "99"), licence_states=("TX", "")),
    ]
    frame = entity_frame(raw_frame(records))
    assert frame["licences"].tolist() == ["GA:12345", "GA:12345", ":12345", "TX:12345|:99"]
    assert frame["licence_numbers"].tolist() == ["12345", "12345", "12345", "12345|99"]


def test_the_nppes_file_through_the_real_reader(five_source_world):
    report = NppesReadReport()
    path = next(five_source_world.glob("npidata_pfile_*.csv"))
    records = list(nppes_records(path, report=report))
    with open(five_source_world / "truth_separate.csv") as handle:
        expected = sum(1 for row in csv.DictReader(handle) if row["source"] == "nppes")
    assert len(records) == expected == report.loaded + report.deactivated and not report.rejected
    assert report.deactivated > 0
    sparse = [r for r in records if r.entity_type is None]
    assert len(sparse) == report.deactivated and all(r.npi and r.first_name is None for r in sparse)
    assert all(r.ref == f"nppes:{r.npi}" and r.kind == "nppes" for r in records)
    subparts = [r for r in records if r.is_subpart]
    assert subparts and all(r.parent_organization_name for r in subparts)
    people = [r for r in records if r.entity_type is EntityType.INDIVIDUAL]
    assert any(r.licence_states for r in people) and any(r.other_last_names for r in people)


def test_the_five_source_benchmark_end_to_end(five_source_world, five_source_run):
    """The small benchmark world, read through the mapping layer: pairwise F1 against
    both truths, the review queue, and the hard cases that must stay apart."""
    records, result = five_source_run
    refs = [r.ref for r in records]
    found = pair_codes(result.clusters)
    separate = scores(found, pair_codes(truth_labels(five_source_world, refs, "truth_separate.csv")))
    merged = scores(found, pair_codes(truth_labels(five_source_world, refs, "truth_merged.csv")))
    assert separate["precision"] >= 0.99 and separate["f1"] >= 0.97, separate
    assert merged["f1"] >= 0.93, merged  # subparts are kept apart from their parents
    assert int((result.status == 2).sum()) < 0.02 * len(records)
    rates = hard_case_rates(five_source_world, refs, result.clusters)
    share = {case: float(text.split("=")[1].strip(" %")) for case, text in rates.items()}
    assert share["colleague_suite"] <= 1 and share["individual_pllc"] == 0, rates
    assert share["namesake_states"] <= 2 and share["father_son"] <= 20 and share["subpart_parent"] <= 10, rates
    assert not np.isnan(result.probability).any()
