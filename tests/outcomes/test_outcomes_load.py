"""`provnet ingest outcomes`: aggregates per provider and period in the
documented CSV format, loaded into a real store. Values out of range are
quarantined with a reason that never repeats the value; files with
patient-level columns are refused whole; small cells are stored but never
shown or used; re-runs change nothing."""

from __future__ import annotations

from datetime import date

import pytest
from outcome_files import ANN, BEN, HEADER, STRANGER

from cli.main import main
from directory.errors import SourceFormatError
from directory.model import AllianceInstrument
from directory.services.outcomes import MIN_PATIENTS, outcomes_shown, scorable_outcomes
from ingest.sources.outcomes import load_outcomes

GOOD = [
    f"{ANN},2025-07-01,2025-09-30,42,18.4,9.1,0.55,0.31,-4.2,WAI-SR,47.5,0.12",
    f"{ANN},2025-04-01,2025-06-30,7,19.0,8.0,0.5,0.25,-3.0,SRS,35.0,0.0",  # fewer than 11 patients
    f"{BEN},2025-07-01,2025-09-30,11,,,,,,,,",  # nothing measured but the count
    f"{STRANGER},2025-07-01,2025-09-30,30,10,5,0.5,0.4,-2,,,0.1",  # not in the directory
]


def test_a_file_loads_and_every_row_is_accounted_for(store, outcomes_file):
    report = load_outcomes(store, outcomes_file(GOOD), source="outcomes:acme")
    assert (report.read, report.inserted, report.filtered) == (4, 3, {"npi_not_in_store": 1})
    cells = store.outcomes_for([ANN, BEN])
    q3, q2 = cells[ANN]
    assert (q3.period_start, q3.patients, q3.phq9_baseline_mean, q3.gad7_change_mean) == (
        date(2025, 7, 1),
        42,
        18.4,
        -4.2,
    )
    assert (q3.alliance_instrument, q3.alliance_mean, q3.dropout_rate) == (AllianceInstrument.WAI_SR, 47.5, 0.12)
    assert (q3.evidence.source, q3.evidence.retrieved, q3.evidence.method, q3.evidence.reference) == (
        "outcomes:acme",
        date(2025, 10, 15),
        "reported_aggregates",
        "outcomes_2025q3.csv",
    )
    assert q2.patients == 7 and q2.phq9_baseline_mean == 19.0  # stored as reported
    (ben,) = cells[BEN]
    assert ben.phq9_baseline_mean is None and ben.alliance_instrument is None


def test_small_cells_are_never_shown_or_used(store, outcomes_file):
    load_outcomes(store, outcomes_file(GOOD))
    shown = outcomes_shown(store, [ANN, BEN])
    q3, q2 = shown[ANN]
    assert not q3.suppressed and q3.patients == 42 and q3.phq9_latest_mean == 9.1
    assert q2.suppressed and q2.reason == f"fewer than {MIN_PATIENTS} patients: figures withheld"
    assert (q2.patients, q2.phq9_baseline_mean, q2.alliance_instrument, q2.alliance_mean, q2.dropout_rate) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert q2.period_start == date(2025, 4, 1) and q2.evidence.source == "outcomes"
    assert not shown[BEN][0].suppressed  # exactly 11 patients may be shown
    usable = scorable_outcomes(store, [ANN, BEN])
    assert [c.patients for c in usable[ANN]] == [42] and [c.patients for c in usable[BEN]] == [11]


@pytest.mark.parametrize(
    "row, reason, says",
    [
        (
            f"{ANN},2025-07-01,2025-09-30,20,27.5,9,0.5,0.3,-4,,,0.1",
            "out_of_range",
            "phq9_baseline_mean is outside 0 to 27",
        ),
        (
            f"{ANN},2025-07-01,2025-09-30,20,18,9,1.25,0.3,-4,,,0.1",
            "out_of_range",
            "phq9_response_rate is outside 0 to 1",
        ),
        (
            f"{ANN},2025-07-01,2025-09-30,20,18,9,0.5,0.3,-21.5,,,0.1",
            "out_of_range",
            "gad7_change_mean is outside -21 to 21",
        ),
        (
            f"{ANN},2025-07-01,2025-09-30,20,18,9,0.5,0.3,-4,WAI-SR,11.5,0.1",
            "out_of_range",
            "alliance_mean is outside 12 to 60",
        ),
        (
            f"{ANN},2025-07-01,2025-09-30,20,18,9,0.5,0.3,-4,SRS,40.5,0.1",
            "out_of_range",
            "alliance_mean is outside 0 to 40",
        ),
        (f"{ANN},2025-07-01,2025-09-30,20,18,9,0.5,0.3,-4,,,-0.25", "out_of_range", "dropout_rate is outside 0 to 1"),
        (f"{ANN},2025-07-01,2025-09-30,-3,18,9,0.5,0.3,-4,,,0.1", "out_of_range", "patients is negative"),
        (f"{ANN},2025-07-01,2025-09-30,12.5,18,9,0.5,0.3,-4,,,0.1", "invalid_value", "patients is not a whole number"),
        (
            f"{ANN},2025-07-01,2025-09-30,20,high,9,0.5,0.3,-4,,,0.1",
            "invalid_value",
            "phq9_baseline_mean is not a number",
        ),
        (f"{ANN},2025-07-01,2025-09-30,20,nan,9,0.5,0.3,-4,,,0.1", "invalid_value", "not a finite number"),
        (f"{ANN},2025-07-01,2025-09-30,20,18,9,0.5,0.3,-4,PHQ,40,0.1", "invalid_value", "is not WAI-SR or SRS"),
        (f"{ANN},2025-07-01,2025-09-30,20,18,9,0.5,0.3,-4,,40,0.1", "missing_value", "without its alliance_instrument"),
        (f"{ANN},07/01/2025,2025-09-30,20,18,9,0.5,0.3,-4,,,0.1", "invalid_date", "is not YYYY-MM-DD"),
        (f"{ANN},2025-02-30,2025-09-30,20,18,9,0.5,0.3,-4,,,0.1", "impossible_date", "not a calendar date"),
        (f"{ANN},2025-09-30,2025-07-01,20,18,9,0.5,0.3,-4,,,0.1", "impossible_date", "is after period_end"),
        (f"{ANN},2025-07-01,2026-09-30,20,18,9,0.5,0.3,-4,,,0.1", "impossible_date", "after the file's date"),
        ("1234567890,2025-07-01,2025-09-30,20,18,9,0.5,0.3,-4,,,0.1", "invalid_npi", "not a valid NPI"),
        (",2025-07-01,2025-09-30,20,18,9,0.5,0.3,-4,,,0.1", "missing_npi", "npi is empty"),
        (f"{ANN},2025-07-01,2025-09-30,20,18,9,0.5,0.3,-4,,0.1", "column_count", "11 columns, expected 12"),
    ],
)
def test_a_bad_row_is_quarantined_with_its_reason(store, outcomes_file, row, reason, says):
    report = load_outcomes(store, outcomes_file([row, GOOD[0]]))
    assert report.quarantined == {reason: 1} and report.inserted == 1
    (kept,) = store.quarantined(report.run_id)
    assert kept.reason == reason and says in kept.detail and kept.raw == row
    for value in ("27.5", "1.25", "-21.5", "11.5", "40.5", "-0.25", "12.5"):
        assert value not in kept.detail  # a reason never repeats a figure (it may be a small cell's)


@pytest.mark.parametrize(
    "header",
    [
        HEADER + ",patient_id",
        HEADER + ",MRN",
        HEADER + ",Date of Birth",
        "patient_name," + HEADER,
        HEADER.replace("npi,", "npi,member_id,"),
    ],
)
def test_a_file_with_patient_level_columns_is_refused_whole(store, outcomes_file, header):
    path = outcomes_file([GOOD[0] + ",x"], header=header)
    with pytest.raises(SourceFormatError, match="looks like patient-level data"):
        load_outcomes(store, path)
    assert store.runs() == [] and store.counts()["outcomes"] == 0


def test_a_file_with_other_columns_or_missing_ones_is_refused(store, outcomes_file):
    with pytest.raises(SourceFormatError, match=r"unknown column\(s\) 'site'"):
        load_outcomes(store, outcomes_file([GOOD[0] + ",x"], header=HEADER + ",site"))
    with pytest.raises(SourceFormatError, match="missing dropout_rate"):
        load_outcomes(store, outcomes_file([GOOD[0]], header=HEADER.replace(",dropout_rate", "")))
    assert store.runs() == []


def test_loading_again_changes_nothing_and_a_corrected_file_updates(store, outcomes_file):
    path = outcomes_file(GOOD)
    load_outcomes(store, path)
    before = store.outcomes_for([ANN, BEN])
    again = load_outcomes(store, path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert store.outcomes_for([ANN, BEN]) == before
    fixed = outcomes_file([GOOD[0].replace(",42,", ",43,")], name="outcomes_2025q3_v2.csv")
    report = load_outcomes(store, fixed)
    assert (report.inserted, report.updated) == (0, 1)
    assert store.outcomes_for([ANN])[ANN][0].patients == 43


def test_the_commands_load_and_show_without_small_cell_figures(store, outcomes_file, tmp_path, capsys):
    import json

    url = f"sqlite:///{tmp_path / 'provnet.db'}"
    assert main(["--store", url, "ingest", "outcomes", str(outcomes_file(GOOD)), "--source", "outcomes:acme"]) == 0
    out = capsys.readouterr().out
    assert "outcomes:acme outcomes_2025q3.csv (2025-10-15): completed" in out
    assert "19.0" not in out and "35.0" not in out  # the report is counts only
    assert main(["--store", url, "outcomes", ANN, BEN]) == 0
    shown = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(s["npi"], s["period_start"], s["suppressed"]) for s in shown] == [
        (ANN, "2025-07-01", False),
        (ANN, "2025-04-01", True),
        (BEN, "2025-07-01", False),
    ]
    small = shown[1]
    assert small["reason"].startswith("fewer than 11 patients")
    figures = [
        k
        for k in small
        if k not in ("npi", "period_start", "period_end", "suppressed", "reason", "source", "retrieved", "reference")
    ]
    assert figures and all(small[k] is None for k in figures)
    assert shown[0]["patients"] == 42 and shown[0]["alliance_instrument"] == "WAI-SR"
    assert main(["--store", url, "ingest", "outcomes", str(tmp_path / "nope.csv")]) == 2


def test_the_readme_example_file_loads_as_the_readme_says(store, tmp_path):
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Outcomes (measurement-based care)") :]
    example = re.search(r"```csv\n(.*?)```", section, re.S).group(1)
    path = tmp_path / "readme_outcomes.csv"
    path.write_text(example, encoding="utf-8")
    report = load_outcomes(store, path)
    assert (report.read, report.inserted, report.quarantined_total) == (3, 3, 0)
    shown = outcomes_shown(store, [ANN, BEN])
    assert [c.suppressed for c in shown[ANN]] == [False, True]
    assert shown[BEN][0].phq9_baseline_mean == 16.0 and shown[BEN][0].patients == 25
