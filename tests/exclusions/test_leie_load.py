"""`provnet ingest leie`: the OIG LEIE full file and its monthly supplements
in their published format, loaded into a real store on disk. Every row is
accounted for; bad rows are quarantined with their reason; re-runs change
nothing; supplements add and reinstate; a full file's absentees are reinstated."""

from __future__ import annotations

from datetime import date

import pytest
from leie_files import business, leie_row, line, person

from directory.errors import InputError, SourceFormatError
from directory.model import MatchStatus
from directory.services.vetting import vet_providers
from ingest.sources.leie import load_leie

TODAY = date(2026, 1, 15)
OCT, NOV = date(2025, 10, 8), date(2025, 11, 10)


def not_excluded(store, npi):
    (check,) = [c for c in vet_providers(store, [npi], TODAY)[npi].checks if c.name == "not_excluded"]
    return check.status.value, check.reason


def full_file(world):
    return [
        person("SMITH", "JOHN", "Q", DOB="19600101", ADDRESS="1 MAIN ST", CITY="NEW YORK", ZIP="10036"),
        person("LEE", "ANN", state="CA", NPI=world.lee, EXCLTYPE="1128b4", EXCLDATE="20180102"),
        business("HARBOR MIND CLINIC, INC.", EXCLTYPE="1128b7"),
        person("NOBODY", "NEMO", "X", state="TX"),  # names no one in the directory
    ]


def test_a_full_file_is_loaded_and_every_row_accounted_for(store, world, leie_file):
    bad = [
        person("BADDATE", "AL", EXCLDATE="2020-03-19"),  # not YYYYMMDD
        person("NODATE", "BO", EXCLDATE="00000000"),  # zero-filled exclusion date: no exclusion date
        person("IMPOSSIBLE", "CY", EXCLDATE="20201341"),  # month 13
        person("FUTUREDOB", "DI", DOB="20991231"),
        person("BADNPI", "ED", NPI="1234567890"),  # fails the Luhn check
        person("EARLY", "FLO", REINDATE="20100101", EXCLDATE="20200101"),  # reinstated before excluded
        leie_row(EXCLDATE="20200101"),  # names no one
        ",".join(line(person("SHORT", "GUS")).split(",")[:17]),  # 17 columns
    ]
    path = leie_file("UPDATED.csv", full_file(world) + bad, modified=OCT)
    report = load_leie(store, path)
    assert report.read == 12
    assert (report.inserted, report.updated, report.unchanged) == (3, 0, 0)
    assert report.filtered == {"no_directory_match": 1}
    assert report.quarantined == {
        "invalid_date": 1,
        "missing_value": 2,
        "impossible_date": 3,
        "invalid_npi": 1,
        "column_count": 1,
    }
    assert report.file_date == "2025-10-08"
    held = {(r.line_number, r.reason) for r in store.quarantined(report.run_id)}
    assert held == {
        (6, "invalid_date"),
        (7, "missing_value"),
        (8, "impossible_date"),
        (9, "impossible_date"),
        (10, "invalid_npi"),
        (11, "impossible_date"),
        (12, "missing_value"),
        (13, "column_count"),
    }
    assert all(r.raw.startswith('"') for r in store.quarantined(report.run_id))  # the row as read, kept
    # the three matched rows fail vetting; the list load is recorded as of the file's date
    for npi in (world.smith, world.lee, world.clinic):
        assert not_excluded(store, npi)[0] == "fail"
    assert not_excluded(store, world.jones) == ("pass", "not on the exclusion lists loaded: LEIE as of 2025-10-08")
    # the unmatched row is kept as a record, with zero-filled dates and NPI read as none
    (nemo,) = [r for page in [store.exclusion_record_page("LEIE", "", 100)] for r in page if r.last_name == "NOBODY"]
    assert (nemo.npi, nemo.reinstated_on, nemo.waiver_date, nemo.birth_date) == (None, None, None, None)
    assert nemo.last_listed == OCT and nemo.evidence.reference == "UPDATED.csv"
    assert store.counts()["exclusion_records"] == 4


def test_loading_the_same_file_again_changes_nothing(store, world, leie_file):
    path = leie_file("UPDATED.csv", full_file(world) + [person("BAD", "NPI", NPI="1234567890")], modified=OCT)
    first = load_leie(store, path)
    counts, matches = store.counts(), store.matches(limit=None)
    exclusions = store.exclusions_for(world.people() + [world.clinic])
    again = load_leie(store, path)
    assert again.run_id == first.run_id
    assert (again.read, again.inserted, again.updated, again.unchanged) == (5, 0, 0, 3)
    assert again.filtered == first.filtered and again.quarantined == first.quarantined == {"invalid_npi": 1}
    assert store.counts() == counts
    assert store.matches(limit=None) == matches  # decided_at included: nothing was rewritten
    assert store.exclusions_for(world.people() + [world.clinic]) == exclusions
    assert [r.status for r in store.runs("oig_leie")] == ["completed"]


def test_a_line_feed_file_reads_the_same(store, world, leie_file):
    report = load_leie(store, leie_file("UPDATED.csv", full_file(world), modified=OCT, newline="\n"))
    assert (report.read, report.loaded, report.quarantined_total) == (4, 3, 0)


def test_supplements_add_exclusions_and_reinstatements_remove_them(store, world, leie_file):
    load_leie(store, leie_file("UPDATED.csv", full_file(world), modified=OCT))
    assert not_excluded(store, world.smith_jones)[0] == "pass"
    added = load_leie(store, leie_file("2510EXCL.csv", [person("SMITH-JONES", "ROBERT", "K", EXCLDATE="20251015")]))
    assert added.file_date == "2025-10-31" and added.inserted == 1
    assert not_excluded(store, world.smith_jones)[0] == "fail"
    # an exclusion supplement that follows the full file moves the list's date
    assert [(x.list_name, x.as_of) for x in store.exclusion_lists()] == [("LEIE", date(2025, 10, 31))]

    smith = person("SMITH", "JOHN", "Q", DOB="19600101", ADDRESS="1 MAIN ST", CITY="NEW YORK", ZIP="10036")
    rein = load_leie(store, leie_file("2510rein.csv", [{**smith, "REINDATE": "20251020"}]))
    assert (rein.updated, rein.details["reinstatements.applied"]) == (1, 1)
    assert not_excluded(store, world.smith)[0] == "pass"
    (kept,) = store.exclusions_for([world.smith])[world.smith]  # history is kept
    assert (kept.excluded_on, kept.reinstated_on) == (date(2020, 3, 19), date(2025, 10, 20))
    # a reinstatement supplement says nothing about who is not excluded: the date stays
    assert store.exclusion_lists()[0].as_of == date(2025, 10, 31)
    assert not_excluded(store, world.clinic)[0] == "fail"  # others untouched
    # the same supplement again changes nothing
    again = load_leie(store, leie_file("2510rein.csv", [{**smith, "REINDATE": "20251020"}]))
    assert (again.updated, again.unchanged, again.details["reinstatements.already_applied"]) == (0, 1, 1)


def test_a_reinstatement_finds_its_exclusion_when_the_address_was_corrected(store, world, leie_file):
    load_leie(store, leie_file("UPDATED.csv", full_file(world), modified=OCT))
    moved = person("SMITH", "JOHN", "Q", DOB="19600101", ADDRESS="99 NEW RD", CITY="ALBANY", ZIP="12207")
    report = load_leie(store, leie_file("2511REIN.csv", [{**moved, "REINDATE": "20251103"}]))
    assert report.updated == 1
    assert not_excluded(store, world.smith)[0] == "pass"


def test_a_reinstatement_of_a_row_never_loaded_is_kept_as_history(store, world, leie_file):
    gone = person("PARKER", "PETER", "B", state="CA", REINDATE="20250901", EXCLDATE="20190101")
    report = load_leie(store, leie_file("2509REIN.csv", [gone]))
    assert report.details["reinstatements.of_unknown_rows"] == 1 and report.inserted == 1
    (exclusion,) = store.exclusions_for([world.parker])[world.parker]  # a certain match: attached as history
    assert exclusion.reinstated_on == date(2025, 9, 1)
    assert store.exclusion_lists() == []  # no list was loaded: vetting still cannot say "not excluded"
    assert not_excluded(store, world.parker)[0] == "unknown"


def test_an_exclusion_missing_from_a_later_full_file_is_reinstated(store, world, leie_file):
    october = full_file(world)
    load_leie(store, leie_file("UPDATED.csv", october, modified=OCT))
    assert not_excluded(store, world.smith)[0] == "fail"
    november = leie_file("UPDATED.csv", october[1:] + [person("SMITH-JONES", "ROBERT", "K")], modified=NOV)
    report = load_leie(store, november)
    assert report.details["reinstated.absent_from_full_file"] == 1
    assert not_excluded(store, world.smith)[0] == "pass"
    (kept,) = store.exclusions_for([world.smith])[world.smith]
    assert kept.reinstated_on == NOV
    assert not_excluded(store, world.smith_jones)[0] == "fail"
    assert store.exclusion_lists()[0].as_of == NOV
    # the October file loaded again (a stale copy) reinstates no one else and un-reinstates no one
    stale = load_leie(store, leie_file("UPDATED.csv", october, modified=OCT))
    assert stale.details.get("reinstated.absent_from_full_file", 0) == 0
    assert not_excluded(store, world.smith)[0] == "pass"
    assert not_excluded(store, world.smith_jones)[0] == "fail"
    assert store.exclusion_lists()[0].as_of == NOV


def test_a_cut_off_full_file_reinstates_no_one(store, world, leie_file):
    many = [person(f"LAST{i:04d}", "FIRST", state="TX") for i in range(600)]
    load_leie(store, leie_file("UPDATED.csv", full_file(world) + many, modified=OCT))
    report = load_leie(store, leie_file("UPDATED.csv", full_file(world)[:2], modified=NOV))
    assert report.details["sweep.refused"] == 602
    assert not_excluded(store, world.clinic)[0] == "fail"
    assert store.exclusion_record_page("LEIE", "", 1000, in_force_listed_before=NOV) != []


@pytest.mark.parametrize(
    "name, rows, kind, error",
    [
        ("leie.csv", [person("A", "B")], None, "say which it is with --kind"),
        ("2510REIN.csv", [person("A", "B")], None, "its first rows have no REINDATE"),
        ("UPDATED.csv", [person("A", "B", REINDATE="20250101")], None, "a reinstatement file?"),
        ("2510EXCL.csv", [person("A", "B", REINDATE="20250101")], None, "a reinstatement file?"),
    ],
)
def test_a_file_whose_kind_cannot_be_told_is_refused_before_anything_is_written(
    store, leie_file, name, rows, kind, error
):
    with pytest.raises(InputError, match=error.replace("?", r"\?")):
        load_leie(store, leie_file(name, rows), kind=kind)
    assert store.runs() == [] and store.counts()["exclusion_records"] == 0


def test_the_kind_can_be_given_for_another_name(store, world, leie_file):
    report = load_leie(store, leie_file("leie-2025-10.csv", full_file(world), modified=OCT), kind="full")
    assert report.loaded == 3
    assert store.exclusion_lists()[0].as_of == OCT


def test_a_file_without_the_leie_header_is_refused(store, tmp_path):
    path = tmp_path / "UPDATED.csv"
    path.write_text("NPI,NAME\n1234567893,SMITH\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match="LASTNAME"):
        load_leie(store, path)
    with pytest.raises(SourceFormatError, match="not found"):
        load_leie(store, tmp_path / "missing.csv")
    assert store.runs() == []


def test_an_interrupted_load_resumes_and_counts_every_row_once(store, world, leie_file, monkeypatch):
    rows = full_file(world) + [person(f"LAST{i}", "FIRST", state="TX") for i in range(6)]
    path = leie_file("UPDATED.csv", rows, modified=OCT)
    calls = {"n": 0}
    real = type(store).upsert_exclusion_records

    def failing(self, records):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk went away")
        return real(self, records)

    monkeypatch.setattr(type(store), "upsert_exclusion_records", failing)
    with pytest.raises(OSError):
        load_leie(store, path, batch_size=2)
    assert store.exclusion_lists() == []  # a cut-off load records no list load
    monkeypatch.setattr(type(store), "upsert_exclusion_records", real)
    report = load_leie(store, path, batch_size=2)
    assert report.resumed_from_line == 5
    assert report.read == 10 and report.loaded == 3 and report.filtered == {"no_directory_match": 7}
    assert store.counts()["exclusion_records"] == 10
    assert store.exclusion_lists()[0].as_of == OCT
    assert not_excluded(store, world.clinic)[0] == "fail"


def test_matches_are_kept_with_their_evidence(store, world, leie_file):
    load_leie(store, leie_file("UPDATED.csv", full_file(world), modified=OCT))
    found = {m.npi: m for m in store.matches(limit=None)}
    assert found[world.lee].agreement["method"] == "npi" and found[world.lee].probability == 1.0
    smith = found[world.smith]
    assert smith.status is MatchStatus.MERGED and smith.decided_by == "model"
    assert smith.left.startswith("leie:") and smith.right == f"nppes:{world.smith}"
    assert smith.agreement["method"] == "name+state" and smith.agreement["middle_name"] == "agree"
    assert found[world.clinic].agreement["method"] == "business name+state"
    (x,) = store.exclusions_for([world.smith])[world.smith]
    assert (x.evidence.source, x.evidence.method, x.evidence.reference) == ("oig_leie", "name+state match", smith.left)


def test_the_command_loads_a_file_and_says_what_is_wrong_with_a_bad_one(world, leie_file, tmp_path, capsys):
    from cli.main import main

    url = f"sqlite:///{tmp_path / 'provnet.db'}"
    path = leie_file("2510EXCL.csv", [person("SMITH", "JOHN", "Q"), person("BAD", "NPI", NPI="1234567890")])
    assert main(["--store", url, "ingest", "leie", str(path)]) == 0
    out = capsys.readouterr().out
    assert "oig_leie 2510EXCL.csv (2025-10-31): completed" in out
    assert "quarantined          1  (invalid_npi 1; policy quarantine)" in out
    odd = leie_file("exclusions.csv", [person("SMITH", "JOHN", "Q")])
    assert main(["--store", url, "ingest", "leie", str(odd)]) == 2
    assert "--kind full|exclusions|reinstatements" in capsys.readouterr().err
    assert main(["--store", url, "ingest", "leie", str(odd), "--kind", "exclusions", "--as-of", "2025-09-30"]) == 0
    assert "exclusions.csv (2025-09-30): completed" in capsys.readouterr().out


def test_a_quoted_header_reads_the_same(store, world, leie_file):
    path = leie_file("UPDATED.csv", full_file(world), modified=OCT)
    text = path.read_bytes().decode("utf-8").split("\r\n", 1)
    quoted = ",".join(f'"{c}"' for c in text[0].split(","))
    path.write_bytes((quoted + "\r\n" + text[1]).encode("utf-8"))
    report = load_leie(store, path, as_of=OCT)
    assert (report.read, report.loaded, report.quarantined_total) == (4, 3, 0)


def test_an_exclusion_supplement_after_a_gap_does_not_move_the_list_date(store, world, leie_file):
    load_leie(store, leie_file("UPDATED.csv", full_file(world), modified=OCT))
    report = load_leie(store, leie_file("2512EXCL.csv", [person("SMITH-JONES", "ROBERT", "K", EXCLDATE="20251210")]))
    assert report.details["list_load.not_recorded"] == 1  # November's supplement is missing
    assert store.exclusion_lists()[0].as_of == OCT
    assert not_excluded(store, world.smith_jones)[0] == "fail"  # its rows are loaded all the same
