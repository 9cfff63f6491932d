"""OIG LEIE files in the published format for the tests: the 18-column
header unquoted, every value of a row quoted, dates YYYYMMDD with 00000000 for
none, NPI 0000000000 when unknown (see ingest/sources/leie_rows.py)."""

from __future__ import annotations

from pathlib import Path

from ingest.sources.leie_rows import COLUMNS

HEADER = ",".join(COLUMNS)
NO_DATE, NO_NPI = "00000000", "0000000000"


def leie_row(**values: str) -> dict[str, str]:
    """A row: every column empty but the zero-filled NPI and dates; keys are column names."""
    row = {c: "" for c in COLUMNS}
    row.update(NPI=NO_NPI, EXCLDATE=NO_DATE, REINDATE=NO_DATE, WAIVERDATE=NO_DATE, EXCLTYPE="1128a1")
    row.update(values)
    return row


def person(last: str, first: str, middle: str = "", *, state: str = "NY", **values: str) -> dict[str, str]:
    return leie_row(
        LASTNAME=last,
        FIRSTNAME=first,
        MIDNAME=middle,
        GENERAL="IND- LIC HC SERV PRO",
        SPECIALTY="PSYCHIATRIST",
        STATE=state,
        EXCLDATE=values.pop("EXCLDATE", "20200319"),
        **values,
    )


def business(name: str, *, state: str = "NY", **values: str) -> dict[str, str]:
    return leie_row(
        BUSNAME=name,
        GENERAL="OTHER BUSINESS",
        SPECIALTY="PHARMACY",
        STATE=state,
        EXCLDATE=values.pop("EXCLDATE", "20220320"),
        **values,
    )


def line(row: dict[str, str]) -> str:
    return ",".join('"' + row[c].replace('"', '""') + '"' for c in COLUMNS)


def write_leie(path: Path, rows: list[dict[str, str] | str], *, newline: str = "\r\n") -> Path:
    """Write the file; a str row is written as it is (a malformed line)."""
    text = newline.join([HEADER] + [r if isinstance(r, str) else line(r) for r in rows]) + newline
    path.write_bytes(text.encode("utf-8"))
    return path
