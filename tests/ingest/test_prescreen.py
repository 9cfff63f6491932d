"""The byte-level out-of-scope test may skip a line only when the full reader
and screen would filter that row: checked line by line against the real ones."""

from __future__ import annotations

import pytest
from nppes_files import (
    FAMILY_MEDICINE,
    FILE_DATE,
    GROUP_PRACTICE,
    PMHNP,
    PSYCHIATRY,
    CrashingStore,
    bulk_rows,
    deactivated,
    individual,
    npi,
    organization,
    snapshot,
    write_nppes,
)

import ingest.sources.nppes as nppes_source
from directory.errors import StoreError
from ingest import ingest_nppes
from ingest.linked_scope import LinkedScope
from ingest.nppes import MainFile
from ingest.prescreen import out_of_scope_test
from ingest.scope import Scope
from ingest.stages import FILTER_RUN, Kind, screen

TAXONOMY_15 = "Healthcare Provider Taxonomy Code_15"


def out_of_scope(n: int, **extra: str) -> dict[str, str]:
    return individual(npi(n), **{"Healthcare Provider Taxonomy Code_1": FAMILY_MEDICINE, **extra})


CASES: dict[str, tuple[dict[str, str] | str, bool]] = {
    # name: (row, may skip)
    "out of scope": (out_of_scope(1), True),
    "out of scope organization": (organization(npi(2), **{"Healthcare Provider Taxonomy Code_1": "332B00000X"}), True),
    "scope code only in a licence column": (out_of_scope(3, **{"Provider License Number_1": PSYCHIATRY}), True),
    "scope code with spaces (the matcher does not strip)": (
        out_of_scope(4, **{"Healthcare Provider Taxonomy Code_2": f" {PSYCHIATRY}"}),
        True,
    ),
    "in scope, slot 1": (individual(npi(5)), False),
    "in scope, slot 15": (out_of_scope(6, **{TAXONOMY_15: PMHNP}), False),
    "group practice organization": (
        organization(npi(7), **{"Healthcare Provider Taxonomy Code_1": GROUP_PRACTICE}),
        False,
    ),
    "group practice code on an individual": (
        out_of_scope(8, **{"Healthcare Provider Taxonomy Code_2": GROUP_PRACTICE}),
        False,
    ),
    "sparse deactivation": (deactivated(npi(9), "01/02/2020"), False),
    "doubled inner quote": (out_of_scope(10, **{"Provider Last Name (Legal Name)": 'O"BRIEN'}), False),
    "separator inside a value": (out_of_scope(11, **{"Provider Last Name (Legal Name)": 'A","B'}), False),
    "non-ASCII name": (out_of_scope(12, **{"Provider Last Name (Legal Name)": "PEÑA"}), False),
    "oversized field": (out_of_scope(13, **{"Provider Other Organization Name": "X" * 2100}), False),
    "value spanning two lines": (
        out_of_scope(14, **{"Provider Second Line Business Practice Location Address": "A\r\nB"}),
        False,
    ),
    "value starting with a line end": (
        out_of_scope(15, **{"Provider Second Line Business Practice Location Address": "\nB"}),
        False,
    ),
    "empty entity type, not sparse": (out_of_scope(16, **{"Entity Type Code": ""}), False),
}


def _outcomes_by_line(path) -> dict[int, int]:
    """Line a record starts on -> its kind from the real reader and screen."""
    with MainFile(path) as main:
        rows = list(main.rows())
        columns = main.columns
    kept = {
        id(row): kind
        for kind, row, _ in screen(iter(rows), columns, Scope.default().matcher(columns))
        if kind != Kind.FILTER
    }
    # A filter outcome stands for a run of rows; every row not yielded alone was filtered.
    return {row.line: kept.get(id(row), Kind.FILTER) for row in rows}


def _physical_lines(path) -> list[bytes]:
    with open(path, "rb") as f:
        return f.readlines()


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_only_rows_the_screen_filters_are_skipped(tmp_path, newline):
    plain = [npi(20), "1"] + [""] * 328
    raw_lines = [
        '"' + '","'.join(plain) + '"' + newline,  # out of scope, may skip
        '"' + '","'.join(plain[:-1]) + '"' + newline,  # 329 columns
        '"' + '","'.join(plain) + '"\t' + newline,  # junk after the last quote
    ]
    path = write_nppes(
        tmp_path / "npidata_pfile_20050523-20251109.csv", [c for c, _ in CASES.values()] + raw_lines, newline=newline
    )
    with open(path, "ab") as f:  # invalid UTF-8, then a last row cut off without a line end
        f.write(b'"' + b'","'.join([npi(22).encode(), b"1", b"\xff"] + [b""] * 327) + b'"' + newline.encode())
        f.write(b'"' + b'","'.join([npi(23).encode(), b"1"] + [b""] * 200) + b'"')
    with MainFile(path) as main:
        skippable = out_of_scope_test(main.columns, Scope.default())
    kinds = _outcomes_by_line(path)
    lines = _physical_lines(path)
    skipped = {number for number, line in enumerate(lines, start=1) if number > 1 and skippable(line)}

    for number in skipped:  # the guarantee: a skipped line is a whole record the screen filters
        assert kinds.get(number) == Kind.FILTER, f"line {number} skipped, but the screen says {kinds.get(number)}"
    starts = sorted(kinds)  # records in file order: the cases, then the raw lines
    assert len(starts) == len(CASES) + 5
    for (name, (_, may_skip)), line in zip(CASES.items(), starts):
        assert (line in skipped) == may_skip, name
    assert [line in skipped for line in starts[len(CASES) :]] == [True, False, False, False, False]


def test_multi_line_records_are_never_skipped(tmp_path):
    row = out_of_scope(30, **{"Provider Second Line Business Practice Location Address": 'FLOOR "2"\r\nROOM 5'})
    path = write_nppes(tmp_path / "npidata_pfile_20050523-20251109.csv", [row])
    with MainFile(path) as main:
        skippable = out_of_scope_test(main.columns, Scope.default())
    assert not any(skippable(line) for line in _physical_lines(path)[1:])


def test_v1_header_and_custom_scope(tmp_path):
    rows = [out_of_scope(40), individual(npi(41)), out_of_scope(42, **{TAXONOMY_15: "207L00000X"})]
    path = write_nppes(tmp_path / "npidata_pfile_20050523-20251109.csv", rows, version="V1")
    with MainFile(path) as main:
        default = out_of_scope_test(main.columns, Scope.default())
        custom = out_of_scope_test(main.columns, Scope.parse(FAMILY_MEDICINE))
    lines = _physical_lines(path)[1:]
    assert [default(line) for line in lines] == [True, False, False]
    assert [custom(line) for line in lines] == [False, True, False]


def test_scopes_beyond_taxonomy_codes_never_skip(tmp_path):
    path = write_nppes(tmp_path / "npidata_pfile_20050523-20251109.csv", [out_of_scope(50)])
    linked = LinkedScope("default+linked", Scope.default().codes)  # matches by address and names too
    with MainFile(path) as main:
        assert out_of_scope_test(main.columns, Scope.everything()) is None
        assert out_of_scope_test(main.columns, linked) is None


def _load(store, path, monkeypatch, *, prescreen: bool, **kwargs):
    """A load with the prescreen on or off (off: every line goes to the CSV parser)."""
    with monkeypatch.context() as m:
        if not prescreen:
            m.setattr(nppes_source, "out_of_scope_test", lambda columns, scope: None)
        return ingest_nppes(store, path, today=FILE_DATE, parallel=False, **kwargs)


def _report(report) -> dict:
    data = report.to_dict()
    for volatile in ("elapsed_seconds", "rows_per_second"):
        data.pop(volatile)
    return data


def test_same_report_and_store_with_and_without_the_prescreen(nppes_file, open_sqlite, monkeypatch):
    rows = list(bulk_rows(300, in_scope_share=0.2))
    rows[10:10] = [
        deactivated(npi(500), "01/02/2020"),
        organization(npi(501), **{"Healthcare Provider Taxonomy Code_1": GROUP_PRACTICE}),
    ]
    rows.append(out_of_scope(502, **{"Provider Last Name (Legal Name)": 'O"BRIEN'}))
    path = nppes_file(rows)
    parsed, screened = open_sqlite("parsed.db"), open_sqlite("screened.db")
    without = _load(parsed, path, monkeypatch, prescreen=False, batch_size=16)
    with_ = _load(screened, path, monkeypatch, prescreen=True, batch_size=16)
    assert _report(with_) == _report(without)
    assert with_.filtered["out_of_scope"] > 200
    npis = [r["NPI"] for r in rows]
    assert snapshot(screened, npis) == snapshot(parsed, npis)


def test_resume_inside_a_run_of_skipped_lines(tmp_path, nppes_file, open_sqlite, monkeypatch):
    # Without the prescreen, filtered rows are counted in runs of FILTER_RUN, so a
    # checkpoint can fall inside what the prescreen reads as one run of lines.
    rows = [individual(npi(i)) for i in range(1, 4)]
    rows += [out_of_scope(i) for i in range(10, 10 + 2 * FILTER_RUN + 500)]
    rows += [individual(npi(i)) for i in range(4, 7)]
    path = nppes_file(rows)
    clean = _load(open_sqlite("clean.db"), path, monkeypatch, prescreen=True, batch_size=1)

    crashing = CrashingStore(tmp_path / "crash.db", batches=5)
    crashing.init_schema()
    with pytest.raises(StoreError, match="simulated crash"):
        _load(crashing, path, monkeypatch, prescreen=False, batch_size=1, checkpoint_every=1)
    crashing.close()
    store = open_sqlite("crash.db")
    (unfinished,) = store.runs("nppes")
    long_run = (5, 4 + 2 * FILTER_RUN + 500)  # physical lines of the out-of-scope rows
    assert long_run[0] < unfinished.resume_line < long_run[1]
    resumed = _load(store, path, monkeypatch, prescreen=True, batch_size=1)
    assert resumed.resumed_from_line == unfinished.resume_line
    resumed.check()
    assert (resumed.read, resumed.loaded, resumed.filtered) == (clean.read, clean.loaded, clean.filtered)
    assert snapshot(store, [r["NPI"] for r in rows]) == snapshot(open_sqlite("clean.db"), [r["NPI"] for r in rows])


def test_a_line_whose_npi_the_store_holds_is_never_skipped(tmp_path):
    path = write_nppes(tmp_path / "npidata_pfile_20050523-20251109.csv", [out_of_scope(60), out_of_scope(61)])
    with MainFile(path) as main:
        skippable = out_of_scope_test(main.columns, Scope.default().with_known([npi(60)]))
        keeps = Scope.default().with_known([npi(60)]).matcher(main.columns)
        fields = [row.fields for row in main.rows()]
    assert [skippable(line) for line in _physical_lines(path)[1:]] == [False, True]
    assert [keeps(f) for f in fields] == [True, False]
