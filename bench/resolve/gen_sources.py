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

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

from gen_world import Licence, Org, Person, Place, World

from ingest.nppes import v2_columns

NPPES_FILE = "npidata_pfile_20050523-20260111.csv"
NETWORKS = ["COMM-PPO", "COMM-HMO", "MA-HMO", "MEDICAID-MC", "EXCHANGE-EPO"]
# Nicknames as people write them, drawn up for the benchmark (independent of the matcher's table)
NICKNAMES = {
    "ROBERT": ["BOB", "ROB", "BOBBY", "ROBBIE"],
    "WILLIAM": ["BILL", "WILL", "BILLY", "LIAM"],
    "JAMES": ["JIM", "JIMMY", "JAMIE"],
    "JOHN": ["JACK", "JOHNNY"],
    "MICHAEL": ["MIKE", "MICKEY"],
    "RICHARD": ["RICK", "DICK", "RICH", "RICKY"],
    "THOMAS": ["TOM", "TOMMY"],
    "DAVID": ["DAVE"],
    "STEVEN": ["STEVE"],
    "STEPHEN": ["STEVE"],
    "CHRISTOPHER": ["CHRIS"],
    "DANIEL": ["DAN", "DANNY"],
    "JOSEPH": ["JOE", "JOEY"],
    "MATTHEW": ["MATT"],
    "ANTHONY": ["TONY"],
    "ANDREW": ["ANDY", "DREW"],
    "EDWARD": ["ED", "EDDIE", "TED"],
    "CHARLES": ["CHUCK", "CHARLIE"],
    "GREGORY": ["GREG"],
    "JEFFREY": ["JEFF"],
    "LAWRENCE": ["LARRY"],
    "NICHOLAS": ["NICK"],
    "PATRICK": ["PAT"],
    "PETER": ["PETE"],
    "RONALD": ["RON"],
    "SAMUEL": ["SAM"],
    "TIMOTHY": ["TIM"],
    "BENJAMIN": ["BEN"],
    "ALEXANDER": ["ALEX"],
    "KENNETH": ["KEN"],
    "DOUGLAS": ["DOUG"],
    "PHILIP": ["PHIL"],
    "FREDERICK": ["FRED"],
    "JOSHUA": ["JOSH"],
    "ELIZABETH": ["LIZ", "BETH", "BETSY", "LIZZIE"],
    "KATHERINE": ["KATE", "KATIE", "KATHY"],
    "CATHERINE": ["CATHY", "CATE"],
    "MARGARET": ["PEGGY", "MAGGIE", "MEG"],
    "SUSAN": ["SUE", "SUSIE"],
    "JENNIFER": ["JEN", "JENNY"],
    "PATRICIA": ["PATTY", "TRISH", "PAT"],
    "REBECCA": ["BECKY", "BECCA"],
    "DEBORAH": ["DEB", "DEBBIE"],
    "VICTORIA": ["VICKY", "TORI"],
    "CHRISTINE": ["CHRIS", "CHRISSY"],
    "JESSICA": ["JESS"],
    "STEPHANIE": ["STEPH"],
    "ABIGAIL": ["ABBY"],
    "AMANDA": ["MANDY"],
    "KIMBERLY": ["KIM"],
    "SAMANTHA": ["SAM"],
    "ALEXANDRA": ["ALEX"],
    "JACQUELINE": ["JACKIE"],
    "CYNTHIA": ["CINDY"],
}
SITE_WORDS = ["TMS", "TMS CENTER", "TMS INSTITUTE", "NEUROMODULATION", "BRAIN HEALTH", "INTERVENTIONAL PSYCHIATRY"]
DEVICES = ["NeuroStar", "BrainsWay Deep TMS", "MagVenture", "Magstim Horizon", "CloudTMS"]


class Writer:
    def __init__(self, world: World, out: Path, roster_xlsx: bool):
        self.w = world
        self.r = world.r
        self.out = out
        self.roster_xlsx = roster_xlsx
        self.truth: list[tuple[str, str, str, str]] = []  # source, record id, entity (separate), entity (merged)

    # ------------------------------------------------------------ text
    def case(self, text: str) -> str:
        roll = self.r.random()
        return text.title() if roll < 0.45 else text.lower() if roll < 0.48 else text

    def typo(self, text: str) -> str:
        if len(text) < 4:
            return text
        r = self.r
        i = r.randrange(1, len(text) - 1)
        op = r.random()
        if op < 0.3:
            return text[:i] + text[i + 1 :]
        if op < 0.6:
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        if op < 0.8:
            return text[:i] + r.choice("AEIOURSTLNMC") + text[i + 1 :]
        return text[:i] + text[i] + text[i:]  # a doubled letter

    def line1(self, p: Place, spelled: float = 0.3) -> str:
        i = 0 if self.r.random() < spelled else 1
        return " ".join(x for x in (p.number, p.direction[i], p.street, p.street_type[i]) if x)

    def suite(self, p: Place) -> str:
        if not p.suite:
            return ""
        fmt = self.r.choice(["STE {}", "SUITE {}", "# {}", "#{}", "STE. {}", "UNIT {}", "Suite {}", "Ste {}"])
        return fmt.format(p.suite)

    def phone_text(self, digits: str) -> str:
        a, b, c = digits[:3], digits[3:6], digits[6:]
        fmt = self.r.choice(
            [
                "{}{}{}",
                "({}) {}-{}",
                "{}-{}-{}",
                "{}.{}.{}",
                "+1 {} {} {}",
                "1-{}-{}-{}",
                "{} {} {}",
                "({}){}-{}",
                "{}-{}-{} x{}",
                "({}) {}-{} ext. {}",
            ]
        )
        return fmt.format(a, b, c, self.r.randint(1, 999))

    def zip_text(self, p: Place, spreadsheet: bool) -> str:
        roll = self.r.random()
        z = p.zip5 if roll < 0.6 else f"{p.zip5}-{p.plus4}" if roll < 0.85 else f"{p.zip5}{p.plus4}"
        if spreadsheet and self.r.random() < 0.7:
            z = z.lstrip("0")  # a spreadsheet held the ZIP as a number
        return z

    def licence_text(self, lic: Licence, with_state: float) -> str:
        """A licence number as a source writes it: the board's own style, sometimes
        with the state in front, sometimes without its zeros."""
        letters, width = self.w.board_style[lic.state]
        number = lic.number.zfill(width) if width else lic.number
        prefix = lic.kind if letters.startswith("TYPE") else ""
        text = f"{prefix}{'.' if letters == 'TYPE.' else ''}{number}"
        roll = self.r.random()
        if roll < with_state:
            return self.r.choice([f"{lic.state}{number}", f"{lic.state}-{number}", f"{lic.state} {text}"])
        if roll < with_state + 0.15:
            return lic.number  # no letters, no zeros
        return text

    def given(self, first: str, nick: float) -> str:
        if self.r.random() < nick and first in NICKNAMES:
            return self.r.choice(NICKNAMES[first])
        return first

    def add_truth(self, source: str, record_id: str, eid: str, merged: str | None = None) -> None:
        self.truth.append((source, record_id, eid, merged or eid))

    # ------------------------------------------------------------ NPPES
    def nppes(self) -> None:
        header = v2_columns()
        index = {name: i for i, name in enumerate(header)}
        path = self.out / NPPES_FILE
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
            writer.writerow(header)
            rows = [("P", p) for p in self.w.people if p.in_nppes] + [("O", o) for o in self.w.orgs]
            self.r.shuffle(rows)
            for kind, entity in rows:
                row = [""] * len(header)

                def put(column: str, value: str, row: list[str] = row) -> None:
                    row[index[column]] = value

                put("NPI", entity.npi)
                if entity.deactivated:
                    put("NPI Deactivation Date", f"{self.r.randint(1, 12):02d}/{self.r.randint(1, 28):02d}/2024")
                    writer.writerow(row)
                    self.add_truth("nppes", entity.npi, entity.eid, getattr(entity, "merged_eid", entity.eid))
                    continue
                if kind == "P":
                    self._nppes_person(entity, put)  # type: ignore[arg-type]
                else:
                    self._nppes_org(entity, put)  # type: ignore[arg-type]
                writer.writerow(row)
                merged = entity.merged_eid if isinstance(entity, Org) else entity.eid
                self.add_truth("nppes", entity.npi, entity.eid, merged)

    def _nppes_address(self, put, p: Place) -> None:
        r = self.r
        suite = self.suite(p)
        if suite and r.random() < 0.3:
            put("Provider First Line Business Practice Location Address", f"{self.line1(p)} {suite}")
        else:
            put("Provider First Line Business Practice Location Address", self.line1(p))
            put("Provider Second Line Business Practice Location Address", suite)
        put("Provider Business Practice Location Address City Name", p.city)
        put("Provider Business Practice Location Address State Name", p.state)
        put("Provider Business Practice Location Address Postal Code", p.zip5 + (p.plus4 if r.random() < 0.6 else ""))
        put("Provider Business Practice Location Address Country Code (If outside U.S.)", "US")
        if r.random() < 0.95:
            put("Provider Business Practice Location Address Telephone Number", p.phone)
        if r.random() < 0.7:
            put("Provider First Line Business Mailing Address", self.line1(p))
            put("Provider Second Line Business Mailing Address", suite)
        else:
            put("Provider First Line Business Mailing Address", f"PO BOX {r.randint(1, 9999)}")
        put("Provider Business Mailing Address City Name", p.city)
        put("Provider Business Mailing Address State Name", p.state)
        put("Provider Business Mailing Address Postal Code", p.zip5)
        put("Provider Business Mailing Address Country Code (If outside U.S.)", "US")

    def _dates(self, put, enumerated: tuple[int, int, int]) -> None:
        y, m, d = enumerated
        put("Provider Enumeration Date", f"{m:02d}/{d:02d}/{y}")
        put(
            "Last Update Date",
            f"{self.r.randint(1, 12):02d}/{self.r.randint(1, 28):02d}/{max(y, self.r.randint(2015, 2025))}",
        )

    def _nppes_person(self, p: Person, put) -> None:
        r = self.r
        put("Entity Type Code", "1")
        put("Provider Last Name (Legal Name)", p.last)
        put("Provider First Name", p.first)
        put("Provider Middle Name", p.middle if r.random() < 0.85 else p.middle[:1])
        if r.random() < 0.15:
            put("Provider Name Prefix Text", r.choice(["DR.", "DR", "MS.", "MR."]))
        if p.suffix:
            put("Provider Name Suffix Text", {"JR": "JR.", "SR": "SR."}.get(p.suffix, p.suffix))
        put("Provider Credential Text", p.credential if r.random() < 0.9 else "")
        if p.former_last:
            put("Provider Other Last Name", p.former_last)
            put("Provider Other First Name", p.first)
            put("Provider Other Last Name Type Code", "1")
        place = p.nppes_place or p.place
        assert place is not None
        self._nppes_address(put, place)
        self._dates(put, p.enumerated)
        put("Provider Sex Code", p.sex)
        put("Is Sole Proprietor", "Y" if p.group is None and p.pllc is None and r.random() < 0.6 else "N")
        put("Healthcare Provider Taxonomy Code_1", p.taxonomy)
        if r.random() < 0.85:
            lic = p.licences[0]
            put("Provider License Number_1", self.licence_text(lic, with_state=0.25))
            put("Provider License Number State Code_1", lic.state)
        put("Healthcare Provider Primary Taxonomy Switch_1", "Y")
        if len(p.licences) > 1 and r.random() < 0.35:
            lic = p.licences[1]
            put("Healthcare Provider Taxonomy Code_2", p.taxonomy)
            put("Provider License Number_2", self.licence_text(lic, with_state=0.25))
            put("Provider License Number State Code_2", lic.state)
            put("Healthcare Provider Primary Taxonomy Switch_2", "N")

    def _nppes_org(self, o: Org, put) -> None:
        r = self.r
        put("Entity Type Code", "2")
        put("Provider Organization Name (Legal Business Name)", o.legal_name)
        if o.dba:
            put("Provider Other Organization Name", o.dba)
            put("Provider Other Organization Name Type Code", "3")
        self._nppes_address(put, o.place)
        self._dates(put, (r.randint(2005, 2025), r.randint(1, 12), r.randint(1, 28)))
        official = o.owner or (o.parent.owner if o.parent else None)
        put("Authorized Official Last Name", official.last if official else self.w.last_name())
        put("Authorized Official First Name", official.first if official else self.w.first_name(r.choice("MF")))
        put("Authorized Official Title or Position", r.choice(["OWNER", "PRESIDENT", "CEO", "ADMINISTRATOR"]))
        put("Authorized Official Telephone Number", o.place.phone)
        put("Is Organization Subpart", "Y" if o.parent else "N")
        if o.parent:
            put("Parent Organization LBN", o.parent.legal_name)
        put("Healthcare Provider Taxonomy Code_1", o.taxonomy)
        put("Healthcare Provider Primary Taxonomy Switch_1", "Y")

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

    # ------------------------------------------------------------- sites
    def site_name(self, o: Org, brand: Org) -> str:
        r = self.r
        roll = r.random()
        if brand.dba and roll < 0.35:
            name = brand.dba
        elif roll < 0.65:
            name = brand.name
        elif roll < 0.85:
            name = (
                f"{brand.name} {r.choice(SITE_WORDS)}" if r.random() < 0.5 else f"{o.place.city} {r.choice(SITE_WORDS)}"
            )
            if o.owner is not None and r.random() < 0.5:
                name = f"{o.owner.first} {o.owner.last} {o.owner.credential.split(',')[0]}"
        else:
            name = brand.legal_name
        return self.typo(name) if r.random() < 0.04 else name

    def site_place(self, o: Org) -> tuple[Place, bool]:
        """Where the list puts the site: the NPPES address, or a location NPPES does not list."""
        r = self.r
        if r.random() < 0.7:
            return o.place, True
        if o.other_sites:
            return o.other_sites[0], False
        place = self.w.place(near=o.place, phone=o.place.phone if r.random() < 0.5 else None)
        o.other_sites.append(place)
        return place, False

    def tms(self) -> None:
        r = self.r
        header = [
            "Site ID",
            "Practice Name",
            "Street Address",
            "Suite",
            "City",
            "State",
            "ZIP Code",
            "Phone Number",
            "NPI",
            "Device",
            "Protocols",
        ]
        rows = []
        for o in self.w.orgs:
            if not o.tms:
                continue
            for _ in range(1 if r.random() < 0.85 else 2):
                place, _listed = self.site_place(o)
                brand = o.parent if o.parent is not None and r.random() < 0.3 else o
                roll = r.random()
                npi = o.npi if roll < 0.25 else (o.parent.npi if o.parent is not None and roll < 0.3 else "")
                phone = place.phone if r.random() < 0.75 else "" if r.random() < 0.5 else self.w.phone()
                sid = f"TMS-{len(rows) + 1:06d}"
                rows.append(
                    [
                        sid,
                        self.case(self.site_name(o, brand)),
                        self.case(self.line1(place, 0.6)),
                        self.suite(place),
                        self.case(place.city),
                        place.state,
                        self.zip_text(place, spreadsheet=False),
                        self.phone_text(phone) if phone else "",
                        npi,
                        r.choice(DEVICES),
                        r.choice(["Standard", "Standard; iTBS", "iTBS", "SAINT", "Standard; Deep TMS"]),
                    ]
                )
                self.add_truth("tms_sites", sid, o.eid, o.merged_eid)
        with open(self.out / "tms_sites.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        self.mapping(
            "tms",
            {
                "record_id": "Site ID",
                "site_name": "Practice Name",
                "address_line_1": "Street Address",
                "address_line_2": "Suite",
                "city": "City",
                "state": "State",
                "zip": "ZIP Code",
                "phone": "Phone Number",
                "npi": "NPI",
                "device": "Device",
                "protocols": "Protocols",
            },
            {},
        )

    def rems(self) -> None:
        r = self.r
        header = [
            "REMS Setting ID",
            "Healthcare Setting Name",
            "Address",
            "City",
            "State",
            "Zip",
            "Phone",
            "Setting Type",
            "Certification Date",
        ]
        rows = []
        for o in self.w.orgs:
            if not o.rems:
                continue
            place, _listed = self.site_place(o)
            brand = o.parent if o.parent is not None and r.random() < 0.3 else o
            suite = self.suite(place)
            sid = f"RS{len(rows) + 1:06d}"
            rows.append(
                [
                    sid,
                    self.site_name(o, brand).upper(),
                    f"{self.line1(place, 0.4)}{r.choice([', ', ' ']) + suite if suite else ''}".upper(),
                    place.city,
                    place.state,
                    self.zip_text(place, spreadsheet=False),
                    self.phone_text(place.phone) if r.random() < 0.8 else "",
                    r.choice(["Outpatient", "Outpatient", "Hospital", "Physician Office"]),
                    f"{r.randint(2019, 2025)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
                ]
            )
            self.add_truth("rems_sites", sid, o.eid, o.merged_eid)
        with open(self.out / "rems_sites.tsv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter="\t")
            writer.writerow(header)
            writer.writerows(rows)
        self.mapping(
            "esketamine_rems",
            {
                "record_id": "REMS Setting ID",
                "site_name": "Healthcare Setting Name",
                "address": "Address",
                "city": "City",
                "state": "State",
                "zip": "Zip",
                "phone": "Phone",
                "setting_type": "Setting Type",
                "certification_date": "Certification Date",
            },
            {},
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


def mistype(npi: str, r) -> str:
    """One keying error: a digit changed, two neighbours swapped, or one dropped."""
    i = r.randrange(0, 9)
    roll = r.random()
    if roll < 0.5:
        return npi[:i] + str((int(npi[i]) + r.randint(1, 9)) % 10) + npi[i + 1 :]
    if roll < 0.85:
        return npi[:i] + npi[i + 1] + npi[i] + npi[i + 2 :] if npi[i] != npi[i + 1] else npi[:i] + npi[i + 1 :]
    return npi[:i] + npi[i + 1 :]


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
