"""Bad rows: every reason code is quarantined with its raw text, and the
policy (quarantine, fail fast, ignore) decides what happens next."""

from __future__ import annotations

import pytest
from nppes_files import FILE_DATE, csv_line, deactivated, individual, npi, row_values

from directory.errors import SourceFormatError
from ingest import BadRowPolicy, ReasonCode, ingest_nppes
from ingest.nppes import v2_columns

GOOD = individual(npi(1))


def line_of(row: dict[str, str]) -> str:
    return csv_line(row_values(v2_columns(), row))


def values_of(row: dict[str, str]) -> list[str]:
    return row_values(v2_columns(), row)


# (case id, rows after the good first row, expected reason, text the stored raw row must contain)
CASES = [
    ("missing_npi", [individual("")], ReasonCode.MISSING_NPI, '"","1","",'),
    ("invalid_npi", [individual("1234567890")], ReasonCode.INVALID_NPI, '"1234567890","1"'),
    ("short_npi", [individual("12345")], ReasonCode.INVALID_NPI, '"12345","1"'),
    ("entity_type_3", [individual(npi(2), **{"Entity Type Code": "3"})], ReasonCode.BAD_ENTITY_TYPE, f'"{npi(2)}","3"'),
    ("no_entity_type_no_deactivation", [{"NPI": npi(2)}], ReasonCode.BAD_ENTITY_TYPE, f'"{npi(2)}",""'),
    ("extra_column", [csv_line([*values_of(individual(npi(2))), "surplus"])], ReasonCode.COLUMN_COUNT, '"surplus"'),
    ("missing_column", [csv_line(values_of(individual(npi(2)))[:-1])], ReasonCode.COLUMN_COUNT, f'"{npi(2)}","1"'),
    ("malformed_csv", [f'"{npi(2)}",x\ry,"1"\r\n'], ReasonCode.MALFORMED_CSV, f'"{npi(2)}",x'),
    (
        "invalid_date",
        [individual(npi(2), **{"Provider Enumeration Date": "2005-05-23"})],
        ReasonCode.INVALID_DATE,
        "2005-05-23",
    ),
    (
        "impossible_date",
        [individual(npi(2), **{"Last Update Date": "02/30/2020"})],
        ReasonCode.IMPOSSIBLE_DATE,
        "02/30/2020",
    ),
    (
        "ancient_date",
        [individual(npi(2), **{"Provider Enumeration Date": "01/01/1850"})],
        ReasonCode.IMPOSSIBLE_DATE,
        "01/01/1850",
    ),
    (
        "future_date",
        [individual(npi(2), **{"NPI Reactivation Date": "01/01/2999"})],
        ReasonCode.IMPOSSIBLE_DATE,
        "01/01/2999",
    ),
    ("bad_deactivation_date", [deactivated(npi(2), "31/12/2020")], ReasonCode.IMPOSSIBLE_DATE, "31/12/2020"),
    (
        "oversized_field",
        [individual(npi(2), **{"Provider Other Organization Name": "A" * 1001})],
        ReasonCode.OVERSIZED_FIELD,
        "A" * 1001,
    ),
    ("duplicate_npi", [individual(npi(1), **{"Provider First Name": "SECOND"})], ReasonCode.DUPLICATE_NPI, "SECOND"),
    ("duplicate_deactivation", [deactivated(npi(1), "01/02/2024")], ReasonCode.DUPLICATE_NPI, "01/02/2024"),
    ("truncated_row", [line_of(individual(npi(2)))[:300]], ReasonCode.TRUNCATED_ROW, f'"{npi(2)}","1"'),
    ("truncated_inside_quotes", [line_of(individual(npi(2)))[:-40]], ReasonCode.TRUNCATED_ROW, f'"{npi(2)}","1"'),
    (
        "truncated_after_comma",
        [line_of(individual(npi(2))).split('"M.D.",')[0] + '"M.D.",'],
        ReasonCode.TRUNCATED_ROW,
        f'"{npi(2)}","1"',
    ),
]


@pytest.mark.parametrize("rows, code, raw_part", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_reason_code_is_quarantined_with_its_raw_row(open_sqlite, nppes_file, rows, code, raw_part):
    path = nppes_file([GOOD, *rows])
    store = open_sqlite()
    report = ingest_nppes(store, path, today=FILE_DATE)
    report.check()
    assert report.read == 2
    assert report.quarantined == {code.value: 1}
    assert report.loaded == 1 and report.inserted == 1
    (kept,) = store.quarantined(report.run_id)
    assert (kept.reason, kept.line_number, kept.source) == (code.value, 3, "nppes")
    assert raw_part in kept.raw and kept.detail
    assert not kept.raw.endswith("\n")
    assert list(store.providers([npi(1), npi(2)])) == [npi(1)]
    if code is ReasonCode.DUPLICATE_NPI:  # the first row of an NPI wins
        assert store.providers([npi(1)])[npi(1)].first_name == "Mary"


def test_invalid_utf8_is_quarantined_with_its_bytes_kept(open_sqlite, nppes_file):
    path = nppes_file([GOOD])
    bad = line_of(individual(npi(2), **{"Provider First Name": "JOS\udce9"})).encode("utf-8", "surrogateescape")
    assert b"JOS\xe9" in bad  # a Latin-1 byte, not UTF-8
    with open(path, "ab") as f:
        f.write(bad)
        f.write(line_of(individual(npi(3))).encode())
    store = open_sqlite()
    report = ingest_nppes(store, path, today=FILE_DATE)
    assert report.quarantined == {"invalid_utf8": 1} and report.inserted == 2
    (kept,) = store.quarantined(report.run_id)
    assert kept.line_number == 3 and "JOS\\xe9" in kept.raw and "0xe9" in kept.detail
    assert sorted(store.providers([npi(1), npi(2), npi(3)])) == [npi(1), npi(3)]


def test_invalid_taxonomy_is_a_warning_the_row_loads_and_the_row_is_kept(open_sqlite, nppes_file):
    row = individual(
        npi(2),
        **{"Healthcare Provider Taxonomy Code_2": "999X00000X", "Healthcare Provider Primary Taxonomy Switch_2": "N"},
    )
    store = open_sqlite()
    report = ingest_nppes(store, nppes_file([GOOD, row]), today=FILE_DATE)
    assert report.quarantined == {} and report.warnings == {"invalid_taxonomy": 1}
    assert report.loaded == 2 == report.read
    assert [t.code for t in store.taxonomies_for([npi(2)])[npi(2)]] == ["2084P0800X"]
    (kept,) = store.quarantined(report.run_id)
    assert kept.reason == "invalid_taxonomy" and kept.detail.startswith("warning") and "999X00000X" in kept.raw


def test_many_bad_rows_add_up(open_sqlite, nppes_file):
    rows = [GOOD] + [r for c in CASES if not c[0].startswith("truncated") for r in c[1]]
    rows += [individual(npi(50), **{"Healthcare Provider Taxonomy Code_1": "207Q00000X"})]  # out of scope
    store = open_sqlite()
    report = ingest_nppes(store, nppes_file(rows), today=FILE_DATE)
    report.check()
    assert report.read == len(rows)
    assert report.loaded == 1 and report.filtered == {"out_of_scope": 1}
    assert report.quarantined_total == len(rows) - 2
    assert len(store.quarantined(report.run_id)) == report.quarantined_total


def test_fail_fast_stops_at_the_first_bad_row_and_keeps_what_came_before(open_sqlite, nppes_file):
    rows = [GOOD, individual(npi(2)), individual("1234567890"), individual(npi(3))]
    store, path = open_sqlite(), nppes_file(rows)
    with pytest.raises(SourceFormatError, match=r"line 4: invalid_npi"):
        ingest_nppes(store, path, policy=BadRowPolicy.FAIL_FAST, batch_size=1, today=FILE_DATE)
    assert sorted(store.providers([npi(1), npi(2), npi(3)])) == [npi(1), npi(2)]
    (run,) = store.runs("nppes")
    assert run.status == "failed" and run.resume_line == 3
    assert [q.line_number for q in store.quarantined(run.run_id)] == [4]
    # run again with a forgiving policy: it resumes after the committed rows
    report = ingest_nppes(store, path, policy="quarantine", today=FILE_DATE)
    assert report.run_id == run.run_id and report.resumed_from_line == 3
    assert report.read == 4 and report.quarantined == {"invalid_npi": 1} and report.inserted == 3
    assert sorted(store.providers([npi(1), npi(2), npi(3)])) == [npi(1), npi(2), npi(3)]


def test_ignore_counts_bad_rows_but_keeps_nothing(open_sqlite, nppes_file):
    rows = [GOOD, individual("1234567890"), individual(npi(2), **{"Healthcare Provider Taxonomy Code_2": "999X00000X"})]
    store = open_sqlite()
    report = ingest_nppes(store, nppes_file(rows), policy=BadRowPolicy.IGNORE, today=FILE_DATE)
    assert report.quarantined == {"invalid_npi": 1} and report.warnings == {"invalid_taxonomy": 1}
    assert report.loaded == 2
    assert store.quarantined(report.run_id) == []


def test_reason_codes_are_stable_strings():
    assert {c.value for c in ReasonCode} >= {
        "invalid_npi",
        "missing_npi",
        "bad_entity_type",
        "column_count",
        "invalid_date",
        "impossible_date",
        "invalid_utf8",
        "oversized_field",
        "invalid_taxonomy",
        "duplicate_npi",
        "truncated_row",
    }
