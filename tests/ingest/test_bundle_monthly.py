"""A monthly NPPES bundle, as CMS ships it (zip) or unpacked (folder): the four
files found by name and applied in order, with the linked-organization scope."""

from __future__ import annotations

import zipfile
from datetime import date

import pytest
from bundle_files import bundle_members, endpoint_row, othername_row, pl_row, write_folder, write_zip
from nppes_files import FAMILY_MEDICINE, GROUP_PRACTICE, directory_counts, individual, npi, organization, snapshot

from directory.errors import SourceFormatError
from ingest.bundle import apply_bundle, open_bundle

MONTHLY_ZIP = "NPPES_Data_Dissemination_November_2025_V2.zip"
SPAN = "20050523-20251109"
TODAY = date(2025, 11, 9)
ELSEWHERE = {
    "Provider First Line Business Practice Location Address": "9 FAR AWAY RD",
    "Provider Business Practice Location Address City Name": "DENVER",
    "Provider Business Practice Location Address State Name": "CO",
    "Provider Business Practice Location Address Postal Code": "80202",
}
# the default individual's practice address, as an organization row would spell it
SAME_ADDRESS = {
    "Provider First Line Business Practice Location Address": "1 GUSTAVE L LEVY PL",
    "Provider Second Line Business Practice Location Address": "FLOOR 4",
    "Provider Business Practice Location Address City Name": "NEW YORK",
    "Provider Business Practice Location Address State Name": "NY",
    "Provider Business Practice Location Address Postal Code": "10029",
}


def taxonomy(code):
    return {"Healthcare Provider Taxonomy Code_1": code}


def main_rows():
    return [
        individual(npi(1)),  # psychiatrist at the Levy Pl address
        individual(npi(2), **taxonomy(FAMILY_MEDICINE)),  # same address, out of scope: individuals are not linked
        organization(
            npi(10),
            **{
                "Provider Organization Name (Legal Business Name)": "LEVY GROUP PRACTICE",
                **SAME_ADDRESS,
                **taxonomy(GROUP_PRACTICE),
            },
        ),  # linked by address
        organization(
            npi(11),
            **{
                "Provider Organization Name (Legal Business Name)": "FAR GROUP",
                **ELSEWHERE,
                **taxonomy(GROUP_PRACTICE),
            },
        ),  # a group practice linked to no one
        organization(
            npi(12),
            **{
                "Provider Organization Name (Legal Business Name)": "LAKEVIEW MIND CLINIC",
                "Is Organization Subpart": "Y",
                "Parent Organization LBN": "Lakeview  Health System",
                **ELSEWHERE,
                "Provider Business Practice Location Address Postal Code": "80203",
            },
        ),  # in scope (mental health clinic), a subpart
        organization(
            npi(13),
            **{
                "Provider Organization Name (Legal Business Name)": "LAKEVIEW HEALTH SYSTEM",
                "Provider Business Practice Location Address Postal Code": "80301",
                **taxonomy("282N00000X"),
            },
        ),  # a hospital: the subpart's parent
        organization(
            npi(14),
            **{"Provider Organization Name (Legal Business Name)": "UNRELATED HOSPITAL", **taxonomy("282N00000X")},
        ),
        organization(
            npi(15),
            **{
                "Provider Organization Name (Legal Business Name)": "LAKEVIEW INPATIENT UNIT",
                "Is Organization Subpart": "Y",
                "Parent Organization LBN": "LAKEVIEW MIND CLINIC",
                "Provider Business Practice Location Address Postal Code": "80302",
                **taxonomy("273R00000X"),
            },
        ),  # a subpart of the in-scope clinic
    ]


def members():
    return bundle_members(
        SPAN,
        main=main_rows(),
        pl=[pl_row(npi(1), "200 W 57TH ST"), pl_row(npi(2), "5 NOT LOADED ST"), pl_row(npi(13), "1 SECOND CAMPUS")],
        othername=[othername_row(npi(10), "LEVY PSYCHIATRY ASSOCIATES", "3"), othername_row(npi(11), "FAR DBA", "3")],
        endpoint=[endpoint_row(npi(1))],
    )


def test_monthly_zip_is_applied_in_order_with_linked_organizations(tmp_path, open_sqlite):
    store = open_sqlite()
    report = apply_bundle(store, write_zip(tmp_path / MONTHLY_ZIP, members()), today=TODAY, batch_size=3)
    assert not report.weekly and list(report.reports) == ["main", "pl", "othername", "endpoint"]
    main = report.reports["main"]
    assert main.scope == "default+linked" and main.file == f"npidata_pfile_{SPAN}.csv"
    assert (main.read, main.inserted, main.filtered) == (8, 5, {"out_of_scope": 3})
    kept = set(store.providers([npi(i) for i in (1, 2, 10, 11, 12, 13, 14, 15)]))
    assert kept == {npi(1), npi(10), npi(12), npi(13), npi(15)}
    assert store.subparts_of([npi(13)]) == {npi(13): [npi(12)]}

    pl = report.reports["pl"]
    assert (pl.inserted, pl.filtered) == (2, {"npi_not_in_store": 1})
    assert any(
        p.location.line1 == "1 SECOND CAMPUS" and p.evidence.source == "nppes_pl"
        for p in store.locations_for([npi(13)])[npi(13)]
    )
    assert "LEVY PSYCHIATRY ASSOCIATES" in {n.name for n in store.other_names_for([npi(10)])[npi(10)]}
    assert report.reports["othername"].filtered == {"npi_not_in_store": 1}
    assert report.reports["endpoint"].filtered == {"file_not_loaded": 1}
    for each in report.reports.values():
        each.check()
    assert {r.source for r in store.runs() if r.status == "completed"} == {
        "nppes",
        "nppes_pl",
        "nppes_othername",
        "nppes_endpoint",
    }


def test_a_folder_bundle_ends_in_the_same_store_and_a_second_apply_changes_nothing(tmp_path, open_sqlite):
    zipped, unpacked = open_sqlite("zip.db"), open_sqlite("folder.db")
    apply_bundle(zipped, write_zip(tmp_path / MONTHLY_ZIP, members()), today=TODAY)
    folder = write_folder(tmp_path / "NPPES_Data_Dissemination_November_2025_V2", members())
    apply_bundle(unpacked, folder, today=TODAY)
    npis = [npi(i) for i in (1, 10, 12, 13, 15)]
    assert snapshot(unpacked, npis) == snapshot(zipped, npis)
    forked = open_sqlite("forked.db")  # the main member read by a forked child, as for a national file
    apply_bundle(forked, tmp_path / MONTHLY_ZIP, today=TODAY, parallel=True)
    assert snapshot(forked, npis) == snapshot(zipped, npis)

    counts = directory_counts(unpacked)
    again = apply_bundle(unpacked, folder, today=TODAY)
    assert directory_counts(unpacked) == counts
    for each in again.reports.values():
        assert each.inserted == each.updated == 0


def test_scope_all_loads_everything(tmp_path, open_sqlite):
    store = open_sqlite()
    report = apply_bundle(store, write_zip(tmp_path / MONTHLY_ZIP, members()), scope="all", today=TODAY)
    assert report.reports["main"].inserted == 8 and report.reports["pl"].inserted == 3


@pytest.mark.parametrize(
    "drop, message",
    [
        (f"pl_pfile_{SPAN}.csv", "lacks pl_pfile"),
        (f"npidata_pfile_{SPAN}.csv", "lacks npidata_pfile"),
    ],
    ids=["no-pl", "no-main"],
)
def test_a_bundle_missing_a_file_is_refused(tmp_path, open_sqlite, drop, message):
    files = members()
    del files[drop]
    store = open_sqlite()
    with pytest.raises(SourceFormatError, match=message):
        apply_bundle(store, write_zip(tmp_path / MONTHLY_ZIP, files), today=TODAY)
    assert store.runs() == [] and store.counts()["providers"] == 0


def test_files_of_different_periods_are_refused(tmp_path):
    files = members()
    files["othername_pfile_20050523-20251012.csv"] = files.pop(f"othername_pfile_{SPAN}.csv")
    with pytest.raises(SourceFormatError, match="different periods"):
        open_bundle(write_zip(tmp_path / MONTHLY_ZIP, files))


@pytest.mark.parametrize("member", [f"npidata_pfile_{SPAN}.csv", f"pl_pfile_{SPAN}.csv"])
def test_a_damaged_member_is_refused_before_writing(tmp_path, open_sqlite, member):
    path = write_zip(tmp_path / MONTHLY_ZIP, members())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 40, start + info.compress_size - 8):  # garble the deflate stream
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    store = open_sqlite()
    with pytest.raises(SourceFormatError, match="damaged or truncated"):
        apply_bundle(store, path, today=TODAY)
    assert store.counts()["providers"] == 0


def test_a_cut_off_zip_is_refused(tmp_path, open_sqlite):
    path = write_zip(tmp_path / MONTHLY_ZIP, members())
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(SourceFormatError, match="not a readable zip"):
        apply_bundle(open_sqlite(), path, today=TODAY)


def test_a_wrong_reference_header_is_refused_before_the_main_file_is_written(tmp_path, open_sqlite):
    files = members()
    files[f"pl_pfile_{SPAN}.csv"] = files[f"othername_pfile_{SPAN}.csv"]
    store = open_sqlite()
    with pytest.raises(SourceFormatError, match="not the pl_pfile header"):
        apply_bundle(store, write_zip(tmp_path / MONTHLY_ZIP, files), today=TODAY)
    assert store.counts()["providers"] == 0


def test_the_next_monthly_sweeps_what_its_files_no_longer_list(tmp_path, open_sqlite):
    store = open_sqlite()
    first = apply_bundle(store, write_zip(tmp_path / MONTHLY_ZIP, members()), today=TODAY)
    assert first.cleared == {"pl": 0, "othername": 0}
    december = bundle_members(
        "20050523-20251207", main=main_rows(), pl=[pl_row(npi(13), "1 SECOND CAMPUS")], othername=[], endpoint=[]
    )
    report = apply_bundle(
        store, write_zip(tmp_path / "NPPES_Data_Dissemination_December_2025_V2.zip", december), today=date(2025, 12, 7)
    )
    assert report.cleared == {"pl": 1, "othername": 1}  # npi(1)'s location, npi(10)'s name
    assert [p.evidence.source for p in store.locations_for([npi(1)])[npi(1)]] == ["nppes"]
    (campus,) = [p for p in store.locations_for([npi(13)])[npi(13)] if p.evidence.source == "nppes_pl"]
    assert campus.evidence.reference == "pl_pfile_20050523-20251207.csv"
    assert {n.evidence.source for n in store.other_names_for([npi(10)]).get(npi(10), [])} <= {"nppes"}
