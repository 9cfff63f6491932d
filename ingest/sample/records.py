"""The sample's files of records, each with its column mapping, loaded by the
real record loaders (``provnet ingest roster|licenses|sites``):

* ``northwind_roster_2026-10.csv``: Northwind Health's roster of its two
  networks, one row per provider, location and network, as a payer exports it
  (free-text names in two layouts, suites inline, phones and ZIPs in several
  formats, no NPI on some rows, a few providers at a new address or phone,
  an employee-assistance network the directory does not hold, one row that
  names no one);
* ``ny_licence_board_2026-10.txt``: New York's licence board file (pipe
  delimited, no NPI), the statuses and expiry dates of the NY licences;
* ``tms_sites_2026-10.csv``: a TMS site list (devices, protocols);
* ``spravato_rems_2026-10.tsv``: the esketamine REMS list of certified settings.

They describe the same fictional providers as the NPPES file and the catalog,
so resolution links them, and every source's evidence shows in ``make run``.
Same seed, same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass
from datetime import date

from directory.model import Treatment

from .population import SampleProvider

ROSTER_FILE = "northwind_roster_2026-10.csv"
LICENCE_FILE = "ny_licence_board_2026-10.txt"
TMS_FILE = "tms_sites_2026-10.csv"
REMS_FILE = "spravato_rems_2026-10.tsv"
NETWORK_CODES = {"northwind-choice": "NW-CHOICE", "northwind-ma": "NW-MA"}


@dataclass(frozen=True, slots=True)
class SampleSource:
    """How ``provnet sample load`` loads one file: its loader's kind, the
    mapping beside it, the source name and the date the file speaks for."""

    file: str
    kind: str  # roster, licences, tms, esketamine_rems
    mapping: str
    source: str
    as_of: date


SOURCES: tuple[SampleSource, ...] = (
    SampleSource(ROSTER_FILE, "roster", "northwind_roster.mapping.json", "northwind-roster", date(2026, 10, 1)),
    SampleSource(LICENCE_FILE, "licences", "ny_licence_board.mapping.json", "ny-licence-board", date(2026, 10, 18)),
    SampleSource(TMS_FILE, "tms", "tms_sites.mapping.json", "tms-registry", date(2026, 10, 20)),
    SampleSource(REMS_FILE, "esketamine_rems", "spravato_rems.mapping.json", "spravato-rems", date(2026, 10, 15)),
)

MAPPINGS: dict[str, dict] = {
    "northwind_roster.mapping.json": {
        "columns": {
            "record_id": "Roster Line",
            "provider_type": "Prov Type",
            "npi": "NPI",
            "full_name": "Provider Name",
            "organization_name": "Practice Name",
            "address": "Street",
            "city": "City",
            "state": "St",
            "zip": "ZIP",
            "phone": "Office Phone",
            "license_number": "Lic #",
            "license_state": "Lic St",
            "network_id": "Network",
            "accepting_new_patients": "Accepting New",
            "telehealth": "Telehealth",
            "effective_date": "Eff Date",
            "end_date": "Term Date",
        },
        "values": {
            "provider_type": {"P": "individual", "F": "organization"},
            "network_id": {code: network for network, code in NETWORK_CODES.items()},
        },
    },
    "ny_licence_board.mapping.json": {
        "columns": {
            "license_number": "LICENSE_NO",
            "license_type": "PROFESSION",
            "last_name": "LAST_NAME",
            "first_name": "FIRST_NAME",
            "middle_name": "MIDDLE",
            "state": "BOARD",
            "status": "STATUS",
            "issue_date": "ISSUED",
            "expiration_date": "EXPIRES",
            "city": "CITY",
            "address_state": "STATE",
            "zip": "ZIP",
        },
        "values": {
            "status": {
                "REGISTERED": "active",
                "NOT REGISTERED": "inactive",
                "EXPIRED": "expired",
                "SURRENDERED": "revoked",
                "REVOKED": "revoked",
                "RESTRICTED": "restricted",
            }
        },
    },
    "tms_sites.mapping.json": {
        "columns": {
            "record_id": "Site ID",
            "site_name": "Site Name",
            "address_line_1": "Address",
            "address_line_2": "Suite",
            "city": "City",
            "state": "State",
            "zip": "ZIP",
            "phone": "Phone",
            "npi": "NPI",
            "device": "Device",
            "protocols": "Protocols",
        }
    },
    "spravato_rems.mapping.json": {
        "columns": {
            "record_id": "REMS Setting ID",
            "site_name": "Healthcare Setting Name",
            "address": "Address",
            "city": "City",
            "state": "State",
            "zip": "Zip",
            "phone": "Phone",
            "setting_type": "Setting Type",
            "certification_date": "Certification Date",
        }
    },
}

_BOARD_STATUS = {"active": "REGISTERED", "expired": "EXPIRED", "restricted": "RESTRICTED", "revoked": "SURRENDERED"}
_PROFESSIONS = {"MD": "MEDICINE", "DO": "MEDICINE", "NP": "NURSE PRACTITIONER", "PSYD": "PSYCHOLOGY"}


def _csv(rows: list[list[str]], delimiter: str = ",") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _phone(rng: random.Random, digits: str) -> str:
    if len(digits) != 10:
        return digits
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return rng.choice((f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"+1 {a} {b} {c}"))


def _us(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


_KEEP_UPPER = frozenset({"LLC", "PLLC", "PC", "INC", "TMS", "NE", "NW", "SE", "SW"})


def _title(text: str) -> str:
    """Title case as a spreadsheet user types it; legal forms and acronyms stay upper case."""
    words = []
    for word in text.split():
        bare = word.strip(",.")
        words.append(word if bare in _KEEP_UPPER or not bare.isalpha() else word.capitalize())
    return " ".join(words)


def _person_name(rng: random.Random, p: SampleProvider) -> str:
    cred = p.credential.replace(".", "").split(",")[0].strip()
    middle = f" {p.middle[:1]}" if p.middle else ""
    if rng.random() < 0.5:
        return f"{_title(p.last)}, {_title(p.first)}{middle}" + (f", {cred}" if cred else "")
    return f"{_title(p.first)} {_title(p.last)}" + (f", {cred}" if cred else "")


def _site_name(p: SampleProvider) -> str:
    name = p.dba or p.legal_name
    for form in (", LLC", " LLC", " PLLC", " PC", " INC"):
        name = name.removesuffix(form)
    return _title(name)


def roster(population: list[SampleProvider], catalog: dict, seed: int) -> bytes:
    rng = random.Random(f"{seed}:roster")
    by_npi = {p.npi: p for p in population}
    header = list(MAPPINGS["northwind_roster.mapping.json"]["columns"].values())
    rows: list[list[str]] = [header]
    members = [m for m in catalog["network_members"] if m["network_id"] in NETWORK_CODES]
    line = 0
    for m in sorted(members, key=lambda m: (m["npi"], m["network_id"])):
        p = by_npi[m["npi"]]
        if p.deactivated and not p.reactivated and "northwind-choice" != m["network_id"]:
            continue
        line += 1
        person = p.entity_type == 1
        a = p.address
        street, zip_code, phone = f"{a.line1} {a.line2}".strip(), a.zip5, a.phone
        roll = rng.random()
        if roll < 0.04:  # moved: another suite of the building, and a new phone
            street, phone = f"{a.line1} SUITE {rng.randrange(100, 990)}", a.phone[:6] + f"{rng.randrange(10000):04d}"
        elif roll < 0.1:  # the front desk's number
            phone = a.phone[:6] + f"{rng.randrange(10000):04d}"
        if rng.random() < 0.3 and a.zip4:
            zip_code = f"{a.zip5}-{a.zip4}"
        licence = next(((n, s) for s, n in p.licences if s == a.state), ("", ""))
        rows.append(
            [
                f"NW-{line:05d}",
                "P" if person else "F",
                "" if rng.random() < 0.12 else p.npi,
                _person_name(rng, p) if person else _title(p.legal_name),
                _title(by_npi[p.org_npi].legal_name) if person and p.org_npi and p.org_npi in by_npi else "",
                _title(street),
                _title(a.city),
                a.state,
                zip_code,
                _phone(rng, phone),
                licence[0],
                licence[1],
                NETWORK_CODES[m["network_id"]],
                rng.choice(("Y", "Y", "Y", "N", "")),
                rng.choice(("Y", "N", "", "")),
                _us(date.fromisoformat(m["added_on"])),
                "",
            ]
        )
    # the payer's employee-assistance network, which the directory does not hold
    eap = [p for p in population if p.entity_type == 1 and p.kind in ("social_worker", "counselor")][:6]
    for p in eap:
        line += 1
        a = p.address
        rows.append(
            [f"NW-{line:05d}", "P", p.npi, _person_name(rng, p), "", _title(f"{a.line1} {a.line2}".strip()),
             _title(a.city), a.state, a.zip5, _phone(rng, a.phone), "", "", "NW-EAP", "Y", "Y", "1/1/2026", ""]
        )  # fmt: skip
    line += 1
    rows.append([f"NW-{line:05d}", "P", "", "", "", "", "", "", "", "", "", "", "NW-CHOICE", "", "", "", ""])
    return _csv(rows)


def licence_board(population: list[SampleProvider], catalog: dict, seed: int) -> bytes:
    rng = random.Random(f"{seed}:ny-board")
    held = {(c["npi"], c["state"], c["number"]): c for c in catalog["credentials"] if c["kind"] == "state_license"}
    rows = [list(MAPPINGS["ny_licence_board.mapping.json"]["columns"].values())]
    for p in sorted(population, key=lambda p: p.npi):
        if p.entity_type != 1:
            continue
        for state, number in p.licences:
            c = held.get((p.npi, state, number))
            if state != "NY" or c is None:
                continue
            expires = date.fromisoformat(c["expires"])
            rows.append(
                [
                    number,
                    _PROFESSIONS.get(p.credential.replace(".", "").split(",")[0].strip(), "MENTAL HEALTH"),
                    p.former_last if p.former_last and rng.random() < 0.5 else p.last,
                    p.first,
                    p.middle,
                    "NY",
                    _BOARD_STATUS[c["status"]],
                    _us(p.enumerated),
                    _us(expires),
                    p.address.city.upper(),
                    p.address.state,
                    p.address.zip5,
                ]
            )
    return _csv(rows, "|")


def _offers(catalog: dict, treatments: set[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for t in catalog["treatments"]:
        if t["treatment"] in treatments and not t.get("telehealth"):
            out.setdefault(t["npi"], set()).add(t["treatment"])
    return out


def tms_sites(population: list[SampleProvider], catalog: dict, seed: int) -> bytes:
    rng = random.Random(f"{seed}:tms")
    tms = _offers(catalog, {Treatment.TMS_STANDARD.value, Treatment.TMS_ACCELERATED.value})
    rows = [list(MAPPINGS["tms_sites.mapping.json"]["columns"].values())]
    sites = [p for p in sorted(population, key=lambda p: p.npi) if p.entity_type == 2 and p.npi in tms]
    for i, p in enumerate(sites, start=1):
        fast = Treatment.TMS_ACCELERATED.value in tms[p.npi]
        protocols = rng.choice(("Standard; iTBS", "Standard; SAINT")) if fast else "Standard"
        a = p.address
        rows.append(
            [f"TMS-{i:04d}", _site_name(p), _title(a.line1), a.line2, _title(a.city), a.state, a.zip5,
             _phone(rng, a.phone), p.npi if rng.random() < 0.5 else "",
             rng.choice(("NeuroStar Advanced Therapy", "BrainsWay Deep TMS", "MagVenture MagVita")), protocols]
        )  # fmt: skip
    return _csv(rows)


def rems_sites(population: list[SampleProvider], catalog: dict, seed: int) -> bytes:
    rng = random.Random(f"{seed}:rems")
    sites: dict[str, str] = {}
    for t in catalog["treatments"]:
        detail = t.get("detail") or ""
        if t["treatment"] == Treatment.ESKETAMINE_REMS.value and "site id " in detail:
            sites[t["npi"]] = detail.split("site id ")[1].split(";")[0]
    rows = [list(MAPPINGS["spravato_rems.mapping.json"]["columns"].values())]
    for p in sorted(population, key=lambda p: p.npi):
        if p.npi not in sites:
            continue
        a = p.address
        setting = "Hospital" if p.kind.startswith("hospital") else rng.choice(("Outpatient clinic", "Physician office"))
        certified = date(2019, 3, 5) + (date(2026, 6, 30) - date(2019, 3, 5)) * rng.random()
        rows.append(
            [sites[p.npi], p.legal_name, f"{a.line1} {a.line2}".strip(), a.city.upper(), a.state, a.postal_code,
             _phone(rng, a.phone), setting, certified.isoformat()]
        )  # fmt: skip
    return _csv(rows, "\t")


def record_files(population: list[SampleProvider], catalog: dict, seed: int) -> dict[str, bytes]:
    """File name -> bytes of each record file and mapping."""
    files = {
        ROSTER_FILE: roster(population, catalog, seed),
        LICENCE_FILE: licence_board(population, catalog, seed),
        TMS_FILE: tms_sites(population, catalog, seed),
        REMS_FILE: rems_sites(population, catalog, seed),
    }
    for name, mapping in MAPPINGS.items():
        files[name] = (json.dumps(mapping, indent=2) + "\n").encode("utf-8")
    return files
