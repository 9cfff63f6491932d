"""Writes NPPES main files in the exact published format for tests: the real
header from ``ingest/data``, every value double-quoted, CRLF or LF.

Rows are given as ``{column name: value}``; columns not named are ``""``.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from directory.errors import StoreError
from directory.npi import make_npi
from directory.store.sqlite import SQLiteStore
from ingest.nppes import v1_columns, v2_columns

#: The end date in the file names the tests use, and that name.
FILE_DATE = date(2025, 11, 9)
FILE_NAME = "npidata_pfile_20050523-20251109.csv"
#: Store counts that record runs rather than the directory itself.
BOOKKEEPING = ("ingest_runs", "quarantined")

PSYCHIATRY = "2084P0800X"
PMHNP = "363LP0808X"
FAMILY_MEDICINE = "207Q00000X"  # out of the default scope
GROUP_PRACTICE = "193400000X"
MENTAL_HEALTH_CLINIC = "261QM0801X"


def npi(n: int) -> str:
    """A valid NPI from a small number (1 -> 1000000012...)."""
    return make_npi(str(100000000 + n))


def individual(number: str, **extra: str) -> dict[str, str]:
    row = {
        "NPI": number,
        "Entity Type Code": "1",
        "Provider Last Name (Legal Name)": "O'BRIEN",
        "Provider First Name": "MARY",
        "Provider Middle Name": "K",
        "Provider Name Prefix Text": "DR.",
        "Provider Credential Text": "M.D.",
        "Provider First Line Business Mailing Address": "PO BOX 77",
        "Provider Business Mailing Address City Name": "ALBANY",
        "Provider Business Mailing Address State Name": "NY",
        "Provider Business Mailing Address Postal Code": "12207",
        "Provider First Line Business Practice Location Address": "1 Gustave L  Levy Pl",
        "Provider Second Line Business Practice Location Address": "Floor 4",
        "Provider Business Practice Location Address City Name": "New York",
        "Provider Business Practice Location Address State Name": "NY",
        "Provider Business Practice Location Address Postal Code": "100296574",
        "Provider Business Practice Location Address Country Code (If outside U.S.)": "US",
        "Provider Business Practice Location Address Telephone Number": "2122416756",
        "Provider Enumeration Date": "05/23/2005",
        "Last Update Date": "07/08/2021",
        "Provider Sex Code": "F",
        "Healthcare Provider Taxonomy Code_1": PSYCHIATRY,
        "Provider License Number_1": "123456",
        "Provider License Number State Code_1": "NY",
        "Healthcare Provider Primary Taxonomy Switch_1": "Y",
        "Is Sole Proprietor": "N",
    }
    row.update(extra)
    return row


def organization(number: str, **extra: str) -> dict[str, str]:
    row = {
        "NPI": number,
        "Entity Type Code": "2",
        "Provider Organization Name (Legal Business Name)": "NORTHSIDE   MENTAL HEALTH  CENTER, LLC",
        "Provider Other Organization Name": "NORTHSIDE MIND CLINIC",
        "Provider Other Organization Name Type Code": "3",
        "Provider First Line Business Practice Location Address": "500 N MICHIGAN AVE",
        "Provider Business Practice Location Address City Name": "CHICAGO",
        "Provider Business Practice Location Address State Name": "IL",
        "Provider Business Practice Location Address Postal Code": "60611",
        "Provider Enumeration Date": "01/10/2010",
        "Last Update Date": "03/04/2022",
        "Healthcare Provider Taxonomy Code_1": MENTAL_HEALTH_CLINIC,
        "Healthcare Provider Primary Taxonomy Switch_1": "Y",
        "Is Organization Subpart": "N",
    }
    row.update(extra)
    return row


def deactivated(number: str, when: str) -> dict[str, str]:
    """The sparse row NPPES publishes for a deactivated NPI."""
    return {"NPI": number, "NPI Deactivation Date": when}


def columns_for(version: str) -> tuple[str, ...]:
    return v1_columns() if version == "V1" else v2_columns()


def row_values(columns: Sequence[str], row: dict[str, str]) -> list[str]:
    if "Provider Sex Code" in row and "Provider Gender Code" in columns:
        row = {("Provider Gender Code" if k == "Provider Sex Code" else k): v for k, v in row.items()}
    unknown = set(row) - set(columns)
    assert not unknown, f"test row names columns the header lacks: {unknown}"
    return [row.get(c, "") for c in columns]


def csv_line(values: Sequence[str], newline: str = "\r\n") -> str:
    return '"' + '","'.join(values) + '"' + newline


def write_nppes(
    path: Path,
    rows: Iterable[dict[str, str] | str],
    *,
    version: str = "V2",
    newline: str = "\r\n",
    columns: Sequence[str] | None = None,
) -> Path:
    """Write a main file; a ``str`` in ``rows`` is written verbatim (malformed rows)."""
    columns = tuple(columns or columns_for(version))
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator=newline)
        writer.writerow(columns)
        for row in rows:
            if isinstance(row, str):
                f.write(row)
            else:
                writer.writerow(row_values(columns, row))
    return path


def bulk_rows(count: int, *, in_scope_share: float = 0.1, seed: int = 7) -> Iterable[dict[str, str]]:
    """Rows shaped like a national file: mostly out of the default scope,
    several taxonomies, real ZIP codes. Used for speed measurements."""
    rng = random.Random(seed)
    zips = ("10029", "60611", "02139", "94110", "30303", "98101", "77002", "33101", "85004", "55401")
    other = ("207Q00000X", "207R00000X", "208D00000X", "122300000X", "225100000X", "363LF0000X", "332B00000X")
    scope = (PSYCHIATRY, PMHNP, "103TC0700X", "1041C0700X", "101YM0800X")
    for i in range(count):
        codes = [rng.choice(other) for _ in range(rng.randint(1, 3))]
        if rng.random() < in_scope_share:
            codes[rng.randrange(len(codes))] = rng.choice(scope)
        row = individual(
            npi(i), **{"Provider Business Practice Location Address Postal Code": rng.choice(zips) + "1234"}
        )
        for k, code in enumerate(codes, start=1):
            row[f"Healthcare Provider Taxonomy Code_{k}"] = code
            row[f"Provider License Number_{k}"] = f"L{i}"
            row[f"Provider License Number State Code_{k}"] = "NY"
            row[f"Healthcare Provider Primary Taxonomy Switch_{k}"] = "Y" if k == 1 else "N"
        for k in range(1, 6):  # other identifiers make real rows longer
            row[f"Other Provider Identifier_{k}"] = f"{rng.randrange(10**8):08d}"
            row[f"Other Provider Identifier Type Code_{k}"] = "05"
            row[f"Other Provider Identifier State_{k}"] = "NY"
            row[f"Other Provider Identifier Issuer_{k}"] = "MEDICAID"
        yield row


def directory_counts(store) -> dict[str, int]:
    """Counts of the directory's records, without the run bookkeeping."""
    return {k: v for k, v in store.counts().items() if k not in BOOKKEEPING}


def snapshot(store, npis: Iterable[str]) -> dict:
    """Everything the store holds about ``npis`` from NPPES, for comparing two stores."""
    npis = sorted(npis)
    return {
        "providers": store.providers(npis),
        "locations": store.locations_for(npis),
        "taxonomies": store.taxonomies_for(npis),
        "other_names": store.other_names_for(npis),
        "counts": directory_counts(store),
    }


class CrashingStore(SQLiteStore):
    """Fails the batch commit (a provider write, or a checkpoint on its own)
    after ``batches`` successful ones; with ``die=True`` it cannot even record
    the failure (a killed process)."""

    def __init__(self, path, *, batches: int, die: bool = False):
        super().__init__(path)
        self.left, self.die = batches, die

    def _commit_or_crash(self) -> None:
        if self.left == 0:
            raise StoreError("simulated crash")
        self.left -= 1

    def _write_providers(self, records, checkpoint):
        self._commit_or_crash()
        super()._write_providers(records, checkpoint)

    def _checkpoint(self, checkpoint):
        self._commit_or_crash()
        super()._checkpoint(checkpoint)

    def _finish_run(self, run_id, status, counts):
        if self.die:
            raise StoreError("simulated crash: process gone")
        super()._finish_run(run_id, status, counts)
