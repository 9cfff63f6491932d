"""Reading the NPPES main file: header versions by name, line endings, and
file-level refusals that happen before anything is written."""

from __future__ import annotations

import os
import random
from datetime import date, datetime

import pytest
from nppes_files import FILE_DATE, PSYCHIATRY, csv_line, individual, npi, organization, write_nppes

from directory.errors import SourceFormatError
from ingest import ingest_nppes, read_main_file
from ingest.nppes import MainFile, file_date, v1_columns, v2_columns


def test_real_header_versions():
    v2, v1 = v2_columns(), v1_columns()
    assert len(v2) == 330 and len(v1) == 329
    assert v2[41] == "Provider Sex Code" and v2[-1] == "Certification Date"
    assert v1[41] == "Provider Gender Code" and "Certification Date" not in v1


@pytest.mark.parametrize("version", ["V1", "V2"])
def test_both_header_versions_load_the_same_record(open_sqlite, nppes_file, version):
    path = nppes_file([individual(npi(1))], version=version)
    with MainFile(path) as main:
        assert main.columns.version == version
        assert main.columns.count == (329 if version == "V1" else 330)
        assert main.columns.certification_date == (None if version == "V1" else 329)
    store = open_sqlite()
    report = ingest_nppes(store, path)
    assert report.inserted == 1
    record = store.providers([npi(1)])[npi(1)]
    assert record.sex == "F"  # from Provider Sex Code (V2) or Provider Gender Code (V1)
    assert record.last_name == "O'Brien"


def test_shuffled_header_is_read_by_name(open_sqlite, nppes_file, tmp_path):
    rows = [individual(npi(1)), organization(npi(2))]
    plain = nppes_file(rows)
    shuffled_columns = list(v2_columns())
    random.Random(3).shuffle(shuffled_columns)
    assert shuffled_columns[0] != "NPI"
    (tmp_path / "shuffled").mkdir()
    shuffled = write_nppes(tmp_path / "shuffled" / plain.name, rows, columns=shuffled_columns)
    a, b = open_sqlite("a.db"), open_sqlite("b.db")
    ingest_nppes(a, plain)
    ingest_nppes(b, shuffled)
    npis = [npi(1), npi(2)]
    assert a.providers(npis) == b.providers(npis)
    assert a.locations_for(npis) == b.locations_for(npis)
    assert a.taxonomies_for(npis) == b.taxonomies_for(npis)
    assert a.other_names_for(npis) == b.other_names_for(npis)
    assert len(b.providers(npis)) == 2


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_crlf_and_lf_line_ends(nppes_file, newline):
    path = nppes_file([individual(npi(1)), individual(npi(2))], newline=newline)
    assert path.read_bytes().count(b"\r\n") == (3 if newline == "\r\n" else 0)
    rows = list(read_main_file(path))
    assert [r.fields[0] for r in rows] == [npi(1), npi(2)]
    assert [(r.line, r.end_line) for r in rows] == [(2, 2), (3, 3)]
    assert all(r.problem is None and len(r.fields) == 330 for r in rows)
    assert rows[0].raw.rstrip("\r\n").startswith(f'"{npi(1)}","1",')


def test_file_without_final_line_end_reads_its_last_row(tmp_path):
    path = tmp_path / "npidata_pfile_20050523-20251109.csv"
    path.write_text(csv_line(v2_columns()) + csv_line([npi(1), "1"] + [""] * 328, newline=""), encoding="utf-8")
    (row,) = read_main_file(path)
    assert row.problem is None and row.fields[0] == npi(1)


def test_a_value_spanning_lines_inside_quotes_is_one_record(nppes_file):
    path = nppes_file(
        [
            individual(npi(1), **{"Provider Second Line Business Practice Location Address": "SUITE\r\n200"}),
            individual(npi(2)),
        ]
    )
    first, second = read_main_file(path)
    assert first.problem is None and (first.line, first.end_line) == (2, 3)
    assert second.line == 4 and second.fields[0] == npi(2)


def test_file_date_from_name_or_mtime(tmp_path):
    assert file_date(tmp_path / "npidata_pfile_20050523-20251109.csv") == FILE_DATE
    other = tmp_path / "npidata_weekly.csv"
    other.write_text("x", encoding="utf-8")
    noon = datetime(2024, 3, 15, 12).timestamp()
    os.utime(other, (noon, noon))
    assert file_date(other) == date(2024, 3, 15)


def _header_without(name: str) -> list[str]:
    return [c for c in v2_columns() if c != name]


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "not found"),
        (b"", "empty"),
        (b"\r\n", "no header"),
        (b'"a","b"\r\n"1","2"\r\n', "not an NPPES main file"),
        (b"\xff\xfeN\x00P\x00I\x00", "not UTF-8"),
        (
            csv_line(_header_without("Provider Business Practice Location Address City Name")).encode(),
            "missing 1 column",
        ),
        (csv_line([*v2_columns(), "Favourite Colour"]).encode(), "unknown column(s): Favourite Colour"),
        (csv_line([*v2_columns(), "NPI"]).encode(), "repeats columns: NPI"),
        (csv_line([c for c in v2_columns() if "Taxonomy Code_" not in c]).encode(), "missing 15 column"),
    ],
    ids=[
        "missing",
        "empty",
        "blank",
        "wrong-header",
        "utf16",
        "missing-column",
        "unknown-column",
        "repeated",
        "no-taxonomy",
    ],
)
def test_bad_files_are_refused_before_anything_is_written(open_sqlite, tmp_path, content, message):
    path = tmp_path / "npidata_pfile_20050523-20251109.csv"
    if content is not None:
        path.write_bytes(content + csv_line([npi(1), "1"] + [""] * 328).encode())
        if content == b"":
            path.write_bytes(b"")
    store = open_sqlite()
    with pytest.raises(SourceFormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ingest_nppes(store, path)
    with pytest.raises(SourceFormatError):
        read_main_file(path)  # refused at once, not on first iteration
    assert all(v == 0 for v in store.counts().values()), store.counts()


def test_reader_streams(nppes_file):
    path = nppes_file(individual(npi(i)) for i in range(1, 50))
    rows = read_main_file(path)
    first = next(rows)
    assert first.fields[0] == npi(1)
    assert sum(1 for _ in rows) == 48


def test_taxonomy_columns_found_by_name_in_v1(nppes_file):
    path = nppes_file([individual(npi(1))], version="V1")
    with MainFile(path) as main:
        (row,) = list(main.rows())
        assert row.fields[main.columns.taxonomy_codes[0]] == PSYCHIATRY
        assert row.fields[main.columns.sex] == "F"


def test_header_with_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "npidata_pfile_20050523-20251109.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_line(v2_columns()).encode() + csv_line([npi(1), "1"] + [""] * 328).encode())
    (row,) = read_main_file(path)
    assert row.fields[0] == npi(1) and row.problem is None
