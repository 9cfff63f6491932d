"""pl_pfile and othername_pfile: secondary facts of providers already in the store."""

from __future__ import annotations

import pytest
from bundle_files import (
    ENDPOINT_HEADER,
    OTHERNAME_HEADER,
    PL_HEADER,
    csv_text,
    endpoint_row,
    othername_row,
    pl_row,
    write_csv,
)
from nppes_files import FAMILY_MEDICINE, FILE_DATE, individual, npi, organization

from directory.errors import SourceFormatError
from ingest import ingest_nppes
from ingest.sources.reference import load_reference_file

PL_NAME = "pl_pfile_20050523-20251109.csv"
OTHERNAME_NAME = "othername_pfile_20050523-20251109.csv"


@pytest.fixture
def loaded(nppes_file, open_sqlite):
    """A store holding three psychiatrists and a clinic from a main file."""
    store = open_sqlite()
    path = nppes_file(
        [
            individual(npi(1)),
            individual(npi(2)),
            individual(npi(3)),
            organization(npi(10)),
            individual(npi(4), **{"Healthcare Provider Taxonomy Code_1": FAMILY_MEDICINE}),  # out of scope
        ]
    )
    ingest_nppes(store, path, today=FILE_DATE)
    return store


def places(store, number):
    return sorted((pl.location.line1, pl.primary, pl.evidence.source) for pl in store.locations_for([number])[number])


def test_pl_file_adds_secondary_locations_and_accounts_for_every_row(tmp_path, loaded):
    path = write_csv(
        tmp_path / PL_NAME,
        PL_HEADER,
        [
            pl_row(npi(1), "200 W 57TH ST"),
            pl_row(npi(1), "1 PARK AVE", postal="10016"),
            pl_row(npi(2), "45 MAIN ST", city="BROOKLYN", postal="11201"),
            pl_row(npi(4), "9 ELM ST"),  # out of scope: not in the store
            pl_row("1234567890", "1 BAD NPI WAY"),
            pl_row(npi(3), "", city=""),  # no address
            pl_row(npi(10), "500 N MICHIGAN AVE", city="CHICAGO", state="IL", postal="60611"),
        ],
    )
    report = load_reference_file(loaded, "pl", path, batch_size=2)
    report.check()
    assert (report.read, report.inserted, report.updated, report.unchanged) == (7, 4, 0, 0)
    assert report.filtered == {"npi_not_in_store": 1}
    assert report.quarantined == {"invalid_npi": 1, "missing_value": 1}
    assert places(loaded, npi(1)) == [
        ("1 GUSTAVE L LEVY PL", True, "nppes"),
        ("1 PARK AVE", False, "nppes_pl"),
        ("200 W 57TH ST", False, "nppes_pl"),
    ]
    (park,) = [pl for pl in loaded.locations_for([npi(1)])[npi(1)] if pl.location.line1 == "1 PARK AVE"]
    assert park.location.zip5 == "10016" and park.location.latitude is not None
    assert park.evidence.reference == PL_NAME and park.evidence.retrieved == FILE_DATE
    assert loaded.providers([npi(4)]) == {}
    assert {(q.line_number, q.reason) for q in loaded.quarantined(report.run_id)} == {
        (6, "invalid_npi"),
        (7, "missing_value"),
    }

    counts = loaded.counts()
    again = load_reference_file(loaded, "pl", path, batch_size=2)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 4)
    assert loaded.counts() == counts
    assert again.run_id == report.run_id and [r.status for r in loaded.runs("nppes_pl")] == ["completed"]


def test_a_newer_pl_file_replaces_the_set_and_keeps_main_file_locations(tmp_path, loaded):
    load_reference_file(
        loaded,
        "pl",
        write_csv(tmp_path / PL_NAME, PL_HEADER, [pl_row(npi(1), "200 W 57TH ST"), pl_row(npi(1), "1 PARK AVE")]),
    )
    newer = write_csv(tmp_path / "pl_pfile_20050523-20251207.csv", PL_HEADER, [pl_row(npi(1), "77 WATER ST")])
    report = load_reference_file(loaded, "pl", newer)
    assert report.updated == 1
    assert places(loaded, npi(1)) == [("1 GUSTAVE L LEVY PL", True, "nppes"), ("77 WATER ST", False, "nppes_pl")]


def test_an_npi_met_again_later_in_the_file_keeps_all_its_rows(tmp_path, loaded):
    path = write_csv(
        tmp_path / PL_NAME,
        PL_HEADER,
        [pl_row(npi(1), "A ST"), pl_row(npi(2), "B ST"), pl_row(npi(3), "C ST"), pl_row(npi(1), "D ST")],
    )
    load_reference_file(loaded, "pl", path, batch_size=1)
    assert [p[0] for p in places(loaded, npi(1)) if p[2] == "nppes_pl"] == ["A ST", "D ST"]


def test_othername_file_names_organizations_only(tmp_path, loaded):
    path = write_csv(
        tmp_path / OTHERNAME_NAME,
        OTHERNAME_HEADER,
        [
            othername_row(npi(10), "LAKEVIEW KETAMINE SUITES", "3"),
            othername_row(npi(10), "NORTHSIDE BEHAVIORAL  LLC", "4"),
            othername_row(npi(1), "NOT AN ORG", "3"),
            othername_row(npi(10), "BAD CODE CLINIC", "9"),
            othername_row(npi(77), "UNKNOWN NPI CLINIC", "5"),
        ],
    )
    report = load_reference_file(loaded, "othername", path)
    report.check()
    assert (report.read, report.inserted) == (5, 2)
    assert report.filtered == {"not_an_organization": 1, "npi_not_in_store": 1}
    assert report.quarantined == {"invalid_name_type": 1}
    names = loaded.other_names_for([npi(10)])[npi(10)]
    assert sorted((n.name, n.type_code, n.evidence.source) for n in names) == [
        ("LAKEVIEW KETAMINE SUITES", "3", "nppes_othername"),
        ("NORTHSIDE BEHAVIORAL LLC", "4", "nppes_othername"),
        ("NORTHSIDE MIND CLINIC", "3", "nppes"),  # the main file's own other name stays
    ]


def test_endpoint_file_is_counted_not_loaded(tmp_path, loaded):
    path = write_csv(
        tmp_path / "endpoint_pfile_20050523-20251109.csv", ENDPOINT_HEADER, [endpoint_row(npi(1)), endpoint_row(npi(2))]
    )
    before = loaded.counts()
    report = load_reference_file(loaded, "endpoint", path)
    assert (report.read, report.loaded, report.filtered) == (2, 0, {"file_not_loaded": 2})
    assert {k: v for k, v in loaded.counts().items() if k != "ingest_runs"} == {
        k: v for k, v in before.items() if k != "ingest_runs"
    }


@pytest.mark.parametrize(
    "columns, message",
    [
        (tuple(reversed(PL_HEADER)), "out of order"),
        (tuple(c.replace("Address-  Address", "Address- Address") for c in PL_HEADER), "missing"),
        (OTHERNAME_HEADER, "not the pl_pfile header"),
    ],
    ids=["shuffled", "one-space-typo", "other-file"],
)
def test_a_wrong_header_is_refused_before_writing(tmp_path, loaded, columns, message):
    path = tmp_path / PL_NAME
    path.write_bytes(
        csv_text(columns, []).encode() + b'"' + b'","'.join([npi(1).encode()] + [b"X"] * (len(columns) - 1)) + b'"\r\n'
    )
    before = loaded.counts()
    with pytest.raises(SourceFormatError, match=message):
        load_reference_file(loaded, "pl", path)
    assert loaded.counts() == before and loaded.runs("nppes_pl") == []


def test_bad_rows_are_quarantined_with_their_reason(tmp_path, loaded):
    good = csv_text(PL_HEADER, [pl_row(npi(1))])
    bad_utf8 = ('"' + npi(2) + '","CAF\xe9 ST","","NEW YORK","NY","10001","US","","",""\r\n').encode("latin-1")
    short = '"' + npi(3) + '","1 SHORT ST"\r\n'
    truncated = '"' + npi(2) + '","9 CUT OFF'
    (tmp_path / PL_NAME).write_bytes(good.encode() + bad_utf8 + short.encode() + truncated.encode())
    report = load_reference_file(loaded, "pl", tmp_path / PL_NAME)
    report.check()
    assert report.inserted == 1
    assert report.quarantined == {"invalid_utf8": 1, "column_count": 1, "truncated_row": 1}
    kept = {q.reason: q.raw for q in loaded.quarantined(report.run_id)}
    assert "CAF\\xe9 ST" in kept["invalid_utf8"] and kept["truncated_row"].endswith("9 CUT OFF")
