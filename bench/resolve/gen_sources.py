"""Write the five-source entity-resolution benchmark: the files as their
publishers ship them, a column mapping for each, and the ground truth.

    .venv/bin/python bench/resolve/gen_sources.py --people 200000 --seed 1 --out bench/out/er5_s1

writes into ``--out``:

* ``npidata_pfile_20050523-20260111.csv``: an NPPES V2 main file with the exact
  330-column header and NPPES quoting (every field quoted); deactivated NPIs are
  rows with nothing but the NPI and the deactivation date;
* ``roster.csv``: a payer roster as exported from a spreadsheet (one row per
  provider, location and network; free-text names in four layouts, one-line
  addresses with the suite inline, ZIPs that lost their leading zero, phones in
  every format, group NPIs on individual rows, mistyped NPIs, nicknames,
  typos, transposed names, married names) (``--roster-xlsx``: an .xlsx instead);
* ``licences.txt``: state boards' licence rows, pipe-delimited;
* ``tms_sites.csv`` and ``rems_sites.tsv``: treatment-site lists under the
  names the sites trade under, some at locations NPPES does not list;
* ``*.mapping.json``: each file's column mapping (see ``ingest/mapping.py``);
* ``sources.json``: file, kind, source name and mapping of each source;
* ``truth_separate.csv`` and ``truth_merged.csv``: ``source,record_id,entity_id``
  with subparts as their own entities, and with subparts counted as their parent;
* ``hard_cases.csv``: ``case,entity_a,entity_b`` pairs that must stay apart.
"""

import argparse
import csv
import json
import time
from pathlib import Path

from gen_nppes_file import NPPES_FILE
from gen_render import mistype
from gen_site_lists import SiteWriter
from gen_world import Person, World

NETWORKS = ["COMM-PPO", "COMM-HMO", "MA-HMO", "MEDICAID-MC", "EXCHANGE-EPO"]


class Writer(SiteWriter):
    """Every file of the benchmark (NPPES from NppesWriter, the site lists from SiteWriter)."""

    # ------------------------------------------------------------ roster
    ROSTER_COLUMNS = [
        "Record ID",
        "Provider Type",
        "NPI",
        "Provider Name",
        "Group Name",
        "Specialty",
        "Taxonomy",
        "Service Address",
        "City",
        "State",
        "Zip",
        "Phone",
        "License Number",
        "License State",
        "Network",
        "Accepting New Patients",
        "Telehealth",
        "Effective Date",
        "Term Date",
    ]

    def roster_name(self, p: Person) -> str:
        r = self.r
        first = self.given(p.first, 0.15)
        last = p.last
        if p.former_last:
            roll = r.random()
            if p.hyphenated and roll < 0.5:
                last = f"{p.former_last}-{p.last}"
            elif roll < 0.2:
                last = p.former_last
        if r.random() < 0.03:
            last = self.typo(last)
        elif r.random() < 0.02:
            first = self.typo(first)
        roll = r.random()
        mid = "" if not p.middle or roll < 0.3 else p.middle[0] if roll < 0.8 else p.middle
        suffix = p.suffix if p.suffix and r.random() < 0.6 else ""
        cred = p.credential
        if r.random() < 0.02:
            first, last = last, first  # keyed into the wrong boxes
        sfx = f" {suffix}" if suffix else ""
        layout = r.random()
        if layout < 0.35:  # Last, First M[, CRED]
            text = f"{last}{sfx}, {first}{' ' + mid if mid else ''}{', ' + cred if r.random() < 0.5 else ''}"
        elif layout < 0.6:  # First Last, CRED
            text = f"{first} {last}{sfx}, {cred}"
        elif layout < 0.82:  # First M. Last
            text = f"{first}{' ' + mid[0] + '.' if mid else ''} {last}{sfx}"
        else:  # LAST FIRST M, as older systems print it
            return f"{last} {first}{' ' + mid[0] if mid else ''}".upper()
        return self.case(text)

    def roster(self) -> None:
        r = self.r
        rows: list[list[str]] = []
        rid = 0
        for p in self.w.people:
            if r.random() > 0.32 or p.place is None or p.taxonomy.startswith(("207", "163W", "363LF")):
                continue
            name = self.roster_name(p)
            roll = r.random()
            if roll < 0.80:
                npi = p.npi
            elif roll < 0.87 and p.group is not None:
                npi = p.group.npi  # the group's NPI on the person's row
            elif roll < 0.90:
                npi = mistype(p.npi, r)
            else:
                npi = ""
            places = [p.place]
            if r.random() < 0.2:
                if p.group is not None and p.group.other_sites:
                    places.append(p.group.other_sites[0])
                else:
                    places.append(self.w.place(near=p.place))
            lic = p.licences[0] if r.random() < 0.7 else None
            lic_text = self.licence_text(lic, with_state=0.3) if lic else ""
            lic_state = lic.state if lic and r.random() < 0.8 else ""
            group = p.group.legal_name if p.group else (p.pllc.legal_name if p.pllc else "")
            networks = r.sample(NETWORKS, r.choice([1, 1, 2, 2, 3]))
            for place in places:
                for network in networks:
                    rid += 1
                    suite = self.suite(place)
                    address = f"{self.line1(place, 0.5)}{' ' + suite if suite else ''}"
                    rows.append(
                        [
                            f"R{rid:07d}",
                            "Practitioner",
                            npi,
                            name,
                            self.case(group),
                            r.choice(["Psychiatry", "Behavioral Health", "Counseling", "Psychology", ""]),
                            p.taxonomy if r.random() < 0.5 else "",
                            self.case(address),
                            self.case(place.city),
                            place.state,
                            self.zip_text(place, spreadsheet=True),
                            self.phone_text(place.phone) if r.random() < 0.95 else "",
                            lic_text,
                            lic_state,
                            network,
                            r.choice(["Y", "N", "Yes", "No", ""]),
                            r.choice(["Y", "N", ""]),
                            f"{r.randint(1, 12)}/{r.randint(1, 28)}/{r.randint(2015, 2025)}",
                            r.choice(
                                ["", "", "12/31/9999", f"{r.randint(1, 12)}/{r.randint(1, 28)}/{r.randint(2026, 2028)}"]
                            ),
                        ]
                    )
                    self.add_truth("roster", f"R{rid:07d}", p.eid)
        for o in self.w.orgs:
            if not (o.tms or o.rems or r.random() < 0.03):
                continue
            name = o.dba if o.dba and r.random() < 0.4 else o.legal_name
            npi = o.npi if r.random() < 0.85 else ""
            for network in r.sample(NETWORKS, r.choice([1, 2])):
                rid += 1
                suite = self.suite(o.place)
                rows.append(
                    [
                        f"R{rid:07d}",
                        "Facility",
                        npi,
                        "",
                        self.case(name),
                        "Behavioral Health",
                        o.taxonomy if r.random() < 0.5 else "",
                        self.case(f"{self.line1(o.place, 0.5)}{' ' + suite if suite else ''}"),
                        self.case(o.place.city),
                        o.place.state,
                        self.zip_text(o.place, spreadsheet=True),
                        self.phone_text(o.place.phone),
                        "",
                        "",
                        network,
                        r.choice(["Y", "N"]),
                        r.choice(["Y", "N"]),
                        f"{r.randint(1, 12)}/{r.randint(1, 28)}/{r.randint(2015, 2025)}",
                        "",
                    ]
                )
                self.add_truth("roster", f"R{rid:07d}", o.eid, o.merged_eid)
        order = list(range(len(rows)))
        r.shuffle(order)
        rows = [rows[i] for i in order]
        if self.roster_xlsx:
            from openpyxl import Workbook

            book = Workbook(write_only=True)
            sheet = book.create_sheet("Roster")
            sheet.append(self.ROSTER_COLUMNS)
            for row in rows:
                # as a spreadsheet holds them: ZIP, NPI and phone digits as numbers
                cells: list[object] = list(row)
                for i in (2, 10, 11):
                    if row[i].isdigit():
                        cells[i] = int(row[i])
                sheet.append(cells)
            book.save(self.out / "roster.xlsx")
        else:
            with open(self.out / "roster.csv", "w", newline="", encoding="utf-8-sig") as handle:
                writer = csv.writer(handle)
                writer.writerow(self.ROSTER_COLUMNS)
                writer.writerows(rows)
        self.mapping(
            "roster",
            {
                "record_id": "Record ID",
                "provider_type": "Provider Type",
                "npi": "NPI",
                "full_name": "Provider Name",
                "organization_name": "Group Name",
                "specialty": "Specialty",
                "taxonomy_code": "Taxonomy",
                "address": "Service Address",
                "city": "City",
                "state": "State",
                "zip": "Zip",
                "phone": "Phone",
                "license_number": "License Number",
                "license_state": "License State",
                "network_id": "Network",
                "accepting_new_patients": "Accepting New Patients",
                "telehealth": "Telehealth",
                "effective_date": "Effective Date",
                "end_date": "Term Date",
            },
            {"provider_type": {"Practitioner": "individual", "Facility": "organization"}},
        )

    # ---------------------------------------------------------- licences
    def licences(self) -> None:
        r = self.r
        header = [
            "LIC_NO",
            "LIC_TYPE",
            "LAST_NAME",
            "FIRST_NAME",
            "MIDDLE_NAME",
            "SUFFIX",
            "BOARD_STATE",
            "LIC_STATUS",
            "ISSUE_DT",
            "EXPIRE_DT",
            "ADDR_CITY",
            "ADDR_STATE",
            "ADDR_ZIP",
            "NPI_NUMBER",
            "ROW_ID",
        ]
        rows = []
        n = 0
        for p in self.w.people:
            if r.random() > 0.62 or p.place is None:
                continue
            last = p.last
            if p.former_last and r.random() < 0.3:
                last = p.former_last
            for lic in p.licences:
                n += 1
                roll = r.random()
                # the board's address of record: the practice, else a home near it
                home = p.place if roll < 0.7 else self.w.place(near=p.place)
                status = r.choices(["ACTIVE", "EXPIRED", "INACTIVE", "LAPSED"], weights=[85, 8, 4, 3])[0]
                issued = f"{r.randint(1, 12):02d}/{r.randint(1, 28):02d}/{r.randint(1985, 2024)}"
                year = r.randint(2026, 2028) if status == "ACTIVE" else r.randint(2015, 2024)
                expires = f"{r.randint(1, 12):02d}/{r.randint(1, 28):02d}/{year}"
                if r.random() < 0.002:  # a broken date, as board exports have
                    expires = r.choice(["02/30/2027", "13/05/2026", "2027-31-12", "00/00/0000", "31/01/2027"])
                rows.append(
                    [
                        self.licence_text(lic, with_state=0.05),
                        lic.kind,
                        last if r.random() > 0.01 else self.typo(last),
                        p.first,
                        p.middle if r.random() < 0.5 else p.middle[:1],
                        p.suffix,
                        lic.state,
                        status,
                        issued,
                        expires,
                        home.city,
                        home.state,
                        self.zip_text(home, spreadsheet=False)[:5],
                        p.npi if r.random() < 0.35 else "",
                        f"L{n:07d}",
                    ]
                )
                self.add_truth("licences", f"L{n:07d}", p.eid)
        r.shuffle(rows)
        with open(self.out / "licences.txt", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter="|")
            writer.writerow(header)
            writer.writerows(rows)
        self.mapping(
            "licences",
            {
                "record_id": "ROW_ID",
                "license_number": "LIC_NO",
                "license_type": "LIC_TYPE",
                "last_name": "LAST_NAME",
                "first_name": "FIRST_NAME",
                "middle_name": "MIDDLE_NAME",
                "suffix": "SUFFIX",
                "state": "BOARD_STATE",
                "status": "LIC_STATUS",
                "issue_date": "ISSUE_DT",
                "expiration_date": "EXPIRE_DT",
                "city": "ADDR_CITY",
                "address_state": "ADDR_STATE",
                "zip": "ADDR_ZIP",
                "npi": "NPI_NUMBER",
            },
            {"status": {"ACTIVE": "active", "EXPIRED": "expired", "INACTIVE": "inactive", "LAPSED": "expired"}},
        )

    # ------------------------------------------------------------ the rest
    def mapping(self, kind: str, columns: dict[str, str], values: dict) -> None:
        name = {"esketamine_rems": "rems_sites", "tms": "tms_sites"}.get(kind, kind)
        (self.out / f"{name}.mapping.json").write_text(json.dumps({"columns": columns, "values": values}, indent=1))

    def finish(self) -> None:
        for name, column in (("truth_separate.csv", 2), ("truth_merged.csv", 3)):
            with open(self.out / name, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["source", "record_id", "entity_id"])
                writer.writerows((t[0], t[1], t[column]) for t in self.truth)
        with open(self.out / "hard_cases.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["case", "entity_a", "entity_b"])
            cases = set(self.w.hard_cases) | {("namesake_states", a, b) for a, b in self.w.namesakes()}
            writer.writerows(sorted(cases))
        roster = "roster.xlsx" if self.roster_xlsx else "roster.csv"
        sources = [
            {"source": "nppes", "kind": "nppes", "file": NPPES_FILE},
            {"source": "roster", "kind": "roster", "file": roster, "mapping": "roster.mapping.json"},
            {"source": "licences", "kind": "licences", "file": "licences.txt", "mapping": "licences.mapping.json"},
            {"source": "tms_sites", "kind": "tms", "file": "tms_sites.csv", "mapping": "tms_sites.mapping.json"},
            {
                "source": "rems_sites",
                "kind": "esketamine_rems",
                "file": "rems_sites.tsv",
                "mapping": "rems_sites.mapping.json",
            },
        ]
        (self.out / "sources.json").write_text(json.dumps(sources, indent=1))


def generate(out: Path, people: int, seed: int, roster_xlsx: bool = False) -> Writer:
    """Draw a world of about ``people`` individuals and write every file of it into ``out``."""
    world = World(seed)
    world.build(people)
    world.outside_clinicians(people // 4)
    out.mkdir(parents=True, exist_ok=True)
    writer = Writer(world, out, roster_xlsx)
    writer.nppes()
    writer.roster()
    writer.licences()
    writer.tms()
    writer.rems()
    writer.finish()
    return writer


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=200_000, help="individuals drawn (records come to about 2.5x)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--roster-xlsx", action="store_true", help="write the roster as .xlsx (slower to read)")
    args = ap.parse_args()
    start = time.perf_counter()
    writer = generate(args.out, args.people, args.seed, args.roster_xlsx)
    world = writer.w
    counts: dict[str, int] = {}
    for t in writer.truth:
        counts[t[0]] = counts.get(t[0], 0) + 1
    print(
        f"{len(writer.truth)} records {counts}; {len(world.people)} people, {len(world.orgs)} organizations "
        f"({sum(1 for o in world.orgs if o.parent)} subparts); {time.perf_counter() - start:.1f}s -> {args.out}"
    )


if __name__ == "__main__":
    main()
