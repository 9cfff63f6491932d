"""Writes the rest of an NPPES bundle in the published formats for tests:
pl_pfile, othername_pfile and endpoint_pfile (real headers, every value
double-quoted, CRLF), monthly and weekly zips named as CMS names them, and the
deactivation report as a real .xlsx."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from nppes_files import row_values, v2_columns

from ingest.reference_files import reference_header

PL_HEADER = reference_header("pl")
OTHERNAME_HEADER = reference_header("othername")
ENDPOINT_HEADER = reference_header("endpoint")


def pl_row(
    number: str,
    line1: str = "200 W 57TH ST",
    city: str = "NEW YORK",
    state: str = "NY",
    postal: str = "100194001",
    **extra: str,
) -> dict[str, str]:
    row = {
        "NPI": number,
        "Provider Secondary Practice Location Address- Address Line 1": line1,
        "Provider Secondary Practice Location Address-  Address Line 2": extra.pop("line2", "SUITE 300"),
        "Provider Secondary Practice Location Address - City Name": city,
        "Provider Secondary Practice Location Address - State Name": state,
        "Provider Secondary Practice Location Address - Postal Code": postal,
        "Provider Secondary Practice Location Address - Country Code (If outside U.S.)": "US",
        "Provider Secondary Practice Location Address - Telephone Number": extra.pop("phone", "2125550199"),
        "Provider Secondary Practice Location Address - Telephone Extension": "",
        "Provider Practice Location Address - Fax Number": "",
    }
    row.update(extra)
    return row


def othername_row(number: str, name: str, code: str = "3") -> dict[str, str]:
    return {"NPI": number, "Provider Other Organization Name": name, "Provider Other Organization Name Type Code": code}


def endpoint_row(number: str) -> dict[str, str]:
    return {
        "NPI": number,
        "Endpoint Type": "DIRECT",
        "Endpoint Type Description": "Direct Messaging Address",
        "Endpoint": f"dr{number}@direct.example.org",
        "Affiliation": "N",
        "Use Code": "DIRECT",
        "Use Description": "Direct",
        "Content Type": "CSV",
        "Content Description": "CSV",
        "Affiliation Address Country": "US",
    }


def csv_text(columns: Sequence[str], rows: Iterable[dict[str, str] | str], newline: str = "\r\n") -> str:
    """A whole file as CMS writes it; a ``str`` row is written verbatim."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator=newline)
    writer.writerow(columns)
    for row in rows:
        if isinstance(row, str):
            out.write(row)
        else:
            writer.writerow(row_values(columns, row))
    return out.getvalue()


def header_text(columns: Sequence[str]) -> str:
    return csv_text(columns, [])


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[dict[str, str] | str]) -> Path:
    path.write_bytes(csv_text(columns, rows).encode("utf-8"))
    return path


def bundle_members(span: str, *, main=(), pl=(), othername=(), endpoint=()) -> dict[str, bytes]:
    """The files of one bundle (``span`` is ``<start>-<end>``, YYYYMMDD) with their header twins."""
    files = {}
    for prefix, columns, rows in (
        ("npidata_pfile", v2_columns(), main),
        ("pl_pfile", PL_HEADER, pl),
        ("othername_pfile", OTHERNAME_HEADER, othername),
        ("endpoint_pfile", ENDPOINT_HEADER, endpoint),
    ):
        files[f"{prefix}_{span}.csv"] = csv_text(columns, rows).encode("utf-8")
        files[f"{prefix}_{span}_fileheader.csv"] = header_text(columns).encode("utf-8")
    files["NPPES_Data_Dissemination_Readme.pdf"] = b"%PDF-1.4 readme"
    return files


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def write_folder(folder: Path, members: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in members.items():
        (folder / name).write_bytes(data)
    return folder


def write_deactivation_report(
    path: Path,
    rows: Iterable[tuple[str, str]],
    *,
    title: str = "NPPES Deactivated Records as of Nov 10 2025",
    header=("NPI", "NPPES Deactivation Date"),
    sheet: str = "DeactivatedNPIs",
) -> Path:
    """The monthly report: a title row, a header row, then NPI and MM/DD/YYYY, both as text."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append([title])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    book.save(path)
    return path
