"""Weekly incremental bundles: applied in date order on top of a monthly load;
applying one twice changes nothing; out of order is refused, naming both files."""

from __future__ import annotations

from datetime import date

import pytest
from bundle_files import bundle_members, othername_row, pl_row, write_zip
from nppes_files import deactivated, directory_counts, individual, npi, organization

from directory.errors import OutOfOrderError
from ingest.bundle import apply_bundle, apply_weeklies

TODAY = date(2025, 12, 31)
MONTHLY = ("NPPES_Data_Dissemination_November_2025_V2.zip", "20050523-20251109")
WEEK1 = ("NPPES_Data_Dissemination_111025_111625_Weekly_V2.zip", "20251110-20251116")
WEEK2 = ("NPPES_Data_Dissemination_111725_112325_Weekly_V2.zip", "20251117-20251123")


def monthly(tmp_path):
    return write_zip(
        tmp_path / MONTHLY[0],
        bundle_members(
            MONTHLY[1],
            main=[individual(npi(1)), individual(npi(2)), organization(npi(10))],
            pl=[pl_row(npi(1), "200 W 57TH ST"), pl_row(npi(2), "45 MAIN ST", city="BROOKLYN", postal="11201")],
            othername=[othername_row(npi(10), "NORTHSIDE DBA", "3")],
        ),
    )


def week1(tmp_path):
    return write_zip(
        tmp_path / WEEK1[0],
        bundle_members(
            WEEK1[1],
            main=[
                individual(npi(1), **{"Provider Last Name (Legal Name)": "SMITH", "Last Update Date": "11/12/2025"}),
                individual(npi(3), **{"Last Update Date": "11/14/2025", "Provider Enumeration Date": "11/14/2025"}),
                deactivated(npi(2), "11/15/2025"),
            ],
            pl=[pl_row(npi(3), "77 WATER ST", postal="10005")],  # npi(1) updated without secondary locations
            othername=[],
        ),
    )


def week2(tmp_path):
    return write_zip(
        tmp_path / WEEK2[0],
        bundle_members(
            WEEK2[1],
            main=[
                organization(
                    npi(10),
                    **{
                        "Last Update Date": "11/20/2025",
                        "Provider Organization Name (Legal Business Name)": "NORTHSIDE MH LLC",
                    },
                )
            ],
            pl=[],
            othername=[othername_row(npi(10), "NORTHSIDE NEW DBA", "3")],
        ),
    )


def secondary(store, number):
    return sorted(p.location.line1 for p in store.locations_for([number])[number] if p.evidence.source == "nppes_pl")


def test_weeklies_apply_on_top_of_the_monthly_in_date_order(tmp_path, open_sqlite):
    store = open_sqlite()
    apply_bundle(store, monthly(tmp_path), today=TODAY)
    report = apply_bundle(store, week1(tmp_path), today=TODAY)
    assert report.weekly
    main = report.reports["main"]
    assert (main.read, main.inserted, main.updated) == (3, 1, 2)  # npi(3) new; npi(1) changed; npi(2) deactivated
    people = store.providers([npi(1), npi(2), npi(3)])
    assert people[npi(1)].last_name == "Smith" and not people[npi(2)].is_active and npi(3) in people
    assert secondary(store, npi(3)) == ["77 WATER ST"]
    assert secondary(store, npi(1)) == []  # the week's pl_pfile no longer lists it
    assert report.cleared == {"pl": 1, "othername": 0}
    assert secondary(store, npi(2)) == ["45 MAIN ST"]  # not in the week's main file: untouched

    apply_bundle(store, week2(tmp_path), today=TODAY)
    names = {n.name for n in store.other_names_for([npi(10)])[npi(10)] if n.evidence.source == "nppes_othername"}
    assert names == {"NORTHSIDE NEW DBA"}
    assert store.providers([npi(10)])[npi(10)].organization_name == "NORTHSIDE MH LLC"


def test_the_same_weekly_twice_changes_nothing(tmp_path, open_sqlite):
    store = open_sqlite()
    apply_bundle(store, monthly(tmp_path), today=TODAY)
    path = week1(tmp_path)
    apply_bundle(store, path, today=TODAY)
    counts = directory_counts(store)
    runs = len(store.runs())
    again = apply_bundle(store, path, today=TODAY)
    assert directory_counts(store) == counts and len(store.runs()) == runs
    for each in again.reports.values():
        each.check()
        assert each.inserted == each.updated == 0
    assert again.reports["main"].unchanged == 3 and again.reports["pl"].unchanged == 1
    assert again.cleared == {"pl": 0, "othername": 0}


def test_a_weekly_out_of_order_is_refused_naming_both_files(tmp_path, open_sqlite):
    store = open_sqlite()
    apply_bundle(store, monthly(tmp_path), today=TODAY)
    apply_bundle(store, week2(tmp_path), today=TODAY)
    counts = directory_counts(store)
    with pytest.raises(OutOfOrderError) as refused:
        apply_bundle(store, week1(tmp_path), today=TODAY)
    message = str(refused.value)
    assert "npidata_pfile_20251110-20251116.csv" in message and "npidata_pfile_20251117-20251123.csv" in message
    assert "2025-11-23" in message
    assert directory_counts(store) == counts


def test_a_weekly_needs_a_monthly_base_it_does_not_predate(tmp_path, open_sqlite):
    store = open_sqlite()
    with pytest.raises(OutOfOrderError, match="no monthly NPPES file has been loaded"):
        apply_bundle(store, week1(tmp_path), today=TODAY)
    assert store.counts()["providers"] == 0
    old_week = write_zip(
        tmp_path / "NPPES_Data_Dissemination_110325_110925_Weekly_V2.zip",
        bundle_members("20251103-20251109", main=[individual(npi(5))]),
    )
    apply_bundle(store, monthly(tmp_path), today=TODAY)
    with pytest.raises(OutOfOrderError, match=r"predates the monthly npidata_pfile_20050523-20251109\.csv"):
        apply_bundle(store, old_week, today=TODAY)
    assert store.providers([npi(5)]) == {}


def test_several_weeklies_are_sorted_into_date_order(tmp_path, open_sqlite):
    ordered, shuffled = open_sqlite("ordered.db"), open_sqlite("shuffled.db")
    for store in (ordered, shuffled):
        apply_bundle(store, monthly(tmp_path), today=TODAY)
    for path in (week1(tmp_path), week2(tmp_path)):
        apply_bundle(ordered, path, today=TODAY)
    reports = apply_weeklies(shuffled, [week2(tmp_path), week1(tmp_path)], today=TODAY)
    assert [r.bundle for r in reports] == [WEEK1[0], WEEK2[0]]
    assert directory_counts(shuffled) == directory_counts(ordered)


def test_an_earlier_file_cannot_be_reapplied_after_a_later_one(tmp_path, open_sqlite):
    store = open_sqlite()
    base = monthly(tmp_path)
    apply_bundle(store, base, today=TODAY)
    first = week1(tmp_path)
    apply_bundle(store, first, today=TODAY)
    apply_bundle(store, week2(tmp_path), today=TODAY)
    for earlier in (first, base):
        with pytest.raises(OutOfOrderError, match=r"the later weekly npidata_pfile_20251117-20251123\.csv"):
            apply_bundle(store, earlier, today=TODAY)
    assert secondary(store, npi(3)) == ["77 WATER ST"]
