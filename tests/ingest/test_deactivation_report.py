"""The monthly deactivation report (.xlsx, sheet DeactivatedNPIs), built with openpyxl."""

from __future__ import annotations

import zipfile
from datetime import date

import pytest
from bundle_files import write_deactivation_report
from nppes_files import FILE_DATE, directory_counts, individual, npi, organization

from directory.errors import SourceFormatError
from ingest import ingest_nppes
from ingest.sources.deactivation import apply_deactivation_report

REPORT = "NPPES_Deactivated_NPI_Report_111025_V2.xlsx"
TODAY = date(2025, 11, 10)


@pytest.fixture
def loaded(nppes_file, open_sqlite):
    store = open_sqlite()
    ingest_nppes(
        store, nppes_file([individual(npi(i)) for i in range(1, 6)] + [organization(npi(10))]), today=FILE_DATE
    )
    return store


def rows():
    return [
        (npi(1), "10/01/2025"),
        (npi(10), "03/15/2024"),
        (npi(99), "01/02/2020"),  # not in the store
        ("1234567890", "01/02/2020"),  # bad check digit
        (npi(2), "2025-10-01"),  # not MM/DD/YYYY
        (npi(3), "02/30/2025"),  # no such day
        (npi(4), "12/31/2099"),  # in the future
        (npi(5), ""),  # no date
    ]


def test_report_deactivates_known_npis_and_accounts_for_every_row(tmp_path, loaded):
    path = write_deactivation_report(tmp_path / REPORT, rows())
    report = apply_deactivation_report(loaded, path, today=TODAY, batch_size=3)
    report.check()
    assert (report.read, report.updated, report.unchanged) == (8, 2, 0)
    assert report.filtered == {"npi_not_in_store": 1}
    assert report.quarantined == {"invalid_npi": 1, "invalid_date": 1, "impossible_date": 2, "missing_value": 1}
    found = loaded.providers([npi(i) for i in (1, 2, 3, 10)])
    assert found[npi(1)].deactivation_date == date(2025, 10, 1) and not found[npi(1)].is_active
    assert found[npi(10)].deactivation_date == date(2024, 3, 15)
    assert found[npi(2)].is_active and found[npi(3)].is_active
    assert loaded.providers([npi(99)]) == {}
    assert {(q.line_number, q.reason) for q in loaded.quarantined(report.run_id)} == {
        (6, "invalid_npi"),
        (7, "invalid_date"),
        (8, "impossible_date"),
        (9, "impossible_date"),
        (10, "missing_value"),
    }
    assert report.file_date == "2025-11-10"

    counts = directory_counts(loaded)
    again = apply_deactivation_report(loaded, path, today=TODAY)
    assert (again.updated, again.unchanged) == (0, 2) and directory_counts(loaded) == counts
    assert [r.status for r in loaded.runs("nppes_deactivation")] == ["completed"]


def test_report_inside_the_cms_zip(tmp_path, loaded):
    book = write_deactivation_report(tmp_path / REPORT, [(npi(1), "10/01/2025")])
    archive = tmp_path / "NPPES_Deactivated_NPI_Report_111025_V2.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.write(book, book.name)
    report = apply_deactivation_report(loaded, archive, today=TODAY)
    assert report.updated == 1 and not loaded.providers([npi(1)])[npi(1)].is_active


@pytest.mark.parametrize(
    "options, message",
    [
        ({"sheet": "Sheet1"}, "no sheet 'DeactivatedNPIs'"),
        ({"title": "Deactivations"}, "row 1 should be the title"),
        ({"header": ("NPPES Deactivation Date", "NPI")}, "row 2 should be the header"),
    ],
    ids=["sheet", "title", "shuffled-header"],
)
def test_a_report_of_the_wrong_shape_is_refused_before_writing(tmp_path, loaded, options, message):
    path = write_deactivation_report(tmp_path / REPORT, [(npi(1), "10/01/2025")], **options)
    with pytest.raises(SourceFormatError, match=message):
        apply_deactivation_report(loaded, path, today=TODAY)
    assert loaded.providers([npi(1)])[npi(1)].is_active and loaded.runs("nppes_deactivation") == []


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path, loaded):
    path = tmp_path / REPORT
    path.write_bytes(b"NPI,NPPES Deactivation Date\r\n")
    with pytest.raises(SourceFormatError, match="not a readable .xlsx"):
        apply_deactivation_report(loaded, path, today=TODAY)
