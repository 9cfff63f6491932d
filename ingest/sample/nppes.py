"""Writes the sample population as an NPPES V2 main file, exactly as CMS
ships it: the real 330-column header, every value double-quoted, CRLF line
ends, dates MM/DD/YYYY, postal codes of 5 or 9 digits, phones as digits.

A few rows are broken on purpose (see :data:`BAD_ROWS`) so a load of the sample
shows quarantine at work; they are listed in the manifest with their reason.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

from directory.npi import make_npi

from .population import UNKNOWN_TAXONOMY, SampleProvider

NPPES_FILE_NAME = "npidata_pfile_20050523-20261109.csv"
HEADER_FILE = "npidata_pfile_v2_fileheader.csv"
TAXONOMY_SLOTS = 15


@lru_cache(maxsize=1)
def header() -> tuple[str, ...]:
    """The real V2 header, from the copy the project ships."""
    text = resources.files("ingest").joinpath("data", HEADER_FILE).read_text(encoding="utf-8")
    return tuple(next(csv.reader(text.splitlines())))


@dataclass(frozen=True, slots=True)
class BadRow:
    """A row broken on purpose, and the quarantine reason ingest should give it."""

    line: int  # physical line in the file (the header is line 1)
    npi: str
    reason: str  # an ingest.quarantine.ReasonCode value
    detail: str


def _mdy(d: date | None) -> str:
    return d.strftime("%m/%d/%Y") if d else ""


def provider_row(p: SampleProvider) -> dict[str, str]:
    """The NPPES columns of one provider (absent columns are empty)."""
    row = {
        "NPI": p.npi,
        "Entity Type Code": str(p.entity_type),
        "Provider Enumeration Date": _mdy(p.enumerated),
        "Last Update Date": _mdy(p.updated),
        "NPI Deactivation Reason Code": p.deactivation_reason,
        "NPI Deactivation Date": _mdy(p.deactivated),
        "NPI Reactivation Date": _mdy(p.reactivated),
        "Certification Date": _mdy(p.updated) if int(p.npi[-3:]) % 3 else "",
    }
    m, a = p.mailing, p.address
    for prefix, addr, fax in (("Mailing", m, p.fax), ("Practice Location", a, p.fax)):
        row[f"Provider First Line Business {prefix} Address"] = addr.line1
        row[f"Provider Second Line Business {prefix} Address"] = addr.line2
        row[f"Provider Business {prefix} Address City Name"] = addr.city
        row[f"Provider Business {prefix} Address State Name"] = addr.state
        row[f"Provider Business {prefix} Address Postal Code"] = addr.postal_code
        row[f"Provider Business {prefix} Address Country Code (If outside U.S.)"] = "US"
        row[f"Provider Business {prefix} Address Telephone Number"] = addr.phone
        row[f"Provider Business {prefix} Address Fax Number"] = fax
    if p.entity_type == 1:
        row.update(
            {
                "Provider Last Name (Legal Name)": p.last,
                "Provider First Name": p.first,
                "Provider Middle Name": p.middle,
                "Provider Name Prefix Text": p.prefix,
                "Provider Name Suffix Text": p.suffix,
                "Provider Credential Text": p.credential,
                "Provider Sex Code": p.sex,
                "Is Sole Proprietor": p.sole_proprietor,
            }
        )
        if p.former_last:
            row.update(
                {
                    "Provider Other Last Name": p.former_last,
                    "Provider Other First Name": p.first,
                    "Provider Other Credential Text": p.credential,
                    "Provider Other Last Name Type Code": "1",
                }
            )
    else:
        last, first, title, prefix, credential = p.official
        row.update(
            {
                "Provider Organization Name (Legal Business Name)": p.legal_name,
                "Provider Other Organization Name": p.dba,
                "Provider Other Organization Name Type Code": "3" if p.dba else "",
                "Authorized Official Last Name": last,
                "Authorized Official First Name": first,
                "Authorized Official Title or Position": title,
                "Authorized Official Telephone Number": p.address.phone,
                "Authorized Official Name Prefix Text": prefix,
                "Authorized Official Credential Text": credential,
                "Is Organization Subpart": "Y" if p.subpart else "N",
                "Parent Organization LBN": p.parent_name,
            }
        )
    for k, t in enumerate(p.taxonomies[:TAXONOMY_SLOTS], start=1):
        row[f"Healthcare Provider Taxonomy Code_{k}"] = t.code
        row[f"Provider License Number_{k}"] = t.licence
        row[f"Provider License Number State Code_{k}"] = t.state
        row[f"Healthcare Provider Primary Taxonomy Switch_{k}"] = "Y" if t.primary else "N"
    if p.medicaid_id:
        row.update(
            {
                "Other Provider Identifier_1": p.medicaid_id,
                "Other Provider Identifier Type Code_1": "05",  # MEDICAID
                "Other Provider Identifier State_1": p.address.state,
            }
        )
    return row


def _fields(row: dict[str, str]) -> list[str]:
    cols = header()
    unknown = set(row) - set(cols)
    if unknown:  # a typo in a column name above would silently drop a value
        raise ValueError(f"not NPPES V2 columns: {sorted(unknown)}")
    return [row.get(c, "") for c in cols]


def _bad_rows(population: list[SampleProvider], rng: random.Random) -> list[tuple[str, list[str], str]]:
    """(reason, fields, detail) of the deliberately broken rows, built from
    copies of real sample rows so everything but the defect is plausible."""
    people = [p for p in population if p.entity_type == 1 and p.kind == "psychiatrist"]
    template = provider_row(people[0])
    out: list[tuple[str, list[str], str]] = []

    def fresh_npi() -> str:
        return make_npi(str(rng.randrange(100_000_000, 300_000_000)))

    valid = fresh_npi()
    row = dict(template, NPI=valid[:9] + str((int(valid[9]) + 1) % 10))
    out.append(("invalid_npi", _fields(row), "check digit does not match (Luhn with prefix 80840)"))

    row = dict(template, NPI=fresh_npi())
    row["Provider Enumeration Date"] = "02/30/2019"
    out.append(("impossible_date", _fields(row), "enumeration date 02/30/2019 does not exist"))

    row = dict(template, NPI=fresh_npi())
    row["Entity Type Code"] = "3"
    out.append(("bad_entity_type", _fields(row), "entity type code 3 (only 1 and 2 exist)"))

    row = dict(template, NPI=fresh_npi())
    out.append(("column_count", _fields(row)[:-1], "329 values under a 330-column header"))

    twin = provider_row(people[1])  # the NPI again, later in the file, with a new phone
    twin["Provider Business Practice Location Address Telephone Number"] = "2125550100"
    out.append(("duplicate_npi", _fields(twin), f"second row of NPI {twin['NPI']} in the file"))
    return out


def sparse_deactivation_row(rng: random.Random) -> list[str]:
    """A deactivated NPI as CMS publishes most of them: NPI and date only."""
    npi = make_npi(str(rng.randrange(100_000_000, 300_000_000)))
    return _fields({"NPI": npi, "NPI Deactivation Date": "10/17/2022"})


def nppes_text(population: list[SampleProvider], seed: int) -> tuple[bytes, list[BadRow], dict[str, int]]:
    """The file's bytes, its documented bad rows (quarantined, then warning-only) and row counts."""
    rng = random.Random(f"{seed}:bad-rows")
    rows = sorted((provider_row(p) for p in population), key=lambda r: r["NPI"])
    body: list[list[str]] = [_fields(r) for r in rows]
    bad = _bad_rows(population, rng)
    body.append(sparse_deactivation_row(rng))
    body.sort(key=lambda f: f[0])
    duplicate_of = bad[-1][1][0]
    first_index = next(i for i, f in enumerate(body) if f[0] == duplicate_of)
    # spread the broken rows through the file; the duplicate goes after its original
    positions = [len(body) // 6, len(body) // 3, len(body) // 2, 2 * len(body) // 3]
    placed: list[tuple[int, tuple[str, list[str], str]]] = list(zip(positions, bad[:-1]))
    placed.append((max(first_index + 1, 5 * len(body) // 6), bad[-1]))
    for pos, item in sorted(placed, key=lambda x: x[0], reverse=True):
        body.insert(pos, item[1])
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header())
    writer.writerows(body)
    documented: list[BadRow] = []
    bad_by_id = {id(item[1]): item for _, item in placed}
    for line, fields in enumerate(body, start=2):
        found = bad_by_id.get(id(fields))
        if found is not None:
            documented.append(BadRow(line, fields[0], found[0], found[2]))
    warned = {p.npi for p in population if "unknown_taxonomy" in p.tags}
    for line, fields in enumerate(body, start=2):
        if fields[0] in warned and id(fields) not in bad_by_id:
            documented.append(
                BadRow(
                    line,
                    fields[0],
                    "invalid_taxonomy",
                    f"taxonomy slot holds {UNKNOWN_TAXONOMY}, not a NUCC code (warning: row loads)",
                )
            )
    counts = {
        "rows": len(body),
        "providers": len(population),
        "bad_rows": len(documented) - len(warned),
        "sparse_deactivations": 1,
    }
    return buffer.getvalue().encode("utf-8"), documented, counts


__all__ = ["BadRow", "NPPES_FILE_NAME", "header", "nppes_text"]
