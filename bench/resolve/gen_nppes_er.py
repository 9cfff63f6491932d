"""Generate the NPPES-shaped entity-resolution benchmark, with ground truth.

Entities (individuals and organizations) are drawn first; each then appears in
several sources the way it does in practice:

* ``nppes``    one row per NPI. Deactivated NPIs are blank except the NPI (as in
               the real V2 file: no name, no address, not even the entity type).
               Organization subparts are their own NPIs (same name, other site).
* ``api``      NPI Registry answers for some NPIs: same NPI, names in other case,
               street words spelled out, and sometimes a newer address (a move).
* ``roster``   payer/group rosters of individuals: free-text names ("Smith, Bob A.,
               PMHNP-BC", "Dr. Bob Smith"), nicknames, typos, suite formats, phone
               formats, licence numbers with dashes and leading zeros, moves; NPI
               only sometimes, and sometimes the *group's* NPI (an org NPI on a
               person's row: a cross-entity-type trap).
* ``evidence`` REMS / TMS site lists of organizations: DBA or legal name without
               the legal form, no NPI most of the time.

Hard negatives come from a Zipf name distribution (many JOHN SMITHs), spouses
sharing a practice address and phone, subparts, and same-named organizations in
different states. The ``entity_id`` column is the truth.

    .venv/bin/python bench/resolve/gen_nppes_er.py --records 1000000 --out bench/out/er_1m.parquet
"""

from __future__ import annotations

import argparse
import itertools
import random
import time
from pathlib import Path

import pandas as pd
import zipcodes

from directory.npi import make_npi
from ingest.resolve.normalize import NICKNAMES

FIRST = """JAMES ROBERT JOHN MICHAEL DAVID WILLIAM RICHARD JOSEPH THOMAS CHRISTOPHER CHARLES DANIEL MATTHEW
ANTHONY MARK DONALD STEVEN ANDREW PAUL JOSHUA KENNETH KEVIN BRIAN GEORGE TIMOTHY RONALD JASON EDWARD JEFFREY
RYAN JACOB GARY NICHOLAS ERIC JONATHAN STEPHEN LARRY JUSTIN SCOTT BRANDON BENJAMIN SAMUEL GREGORY ALEXANDER
PATRICK FRANK RAYMOND JACK DENNIS JERRY TYLER AARON JOSE ADAM NATHAN HENRY ZACHARY DOUGLAS PETER KYLE NOAH
ETHAN JEREMY WALTER CHRISTIAN KEITH ROGER TERRY AUSTIN SEAN GERALD CARL HAROLD DYLAN ARTHUR LAWRENCE JORDAN
JESSE BRYAN BILLY BRUCE GABRIEL JOE LOGAN ALAN JUAN ALBERT WILLIE ELIJAH WAYNE RANDY VINCENT MASON ROY RALPH
BOBBY RUSSELL BRADLEY PHILIP EUGENE MARY PATRICIA JENNIFER LINDA ELIZABETH BARBARA SUSAN JESSICA SARAH KAREN
LISA NANCY BETTY SANDRA MARGARET ASHLEY KIMBERLY EMILY DONNA MICHELLE CAROL AMANDA MELISSA DEBORAH STEPHANIE
DOROTHY REBECCA SHARON LAURA CYNTHIA AMY KATHLEEN ANGELA SHIRLEY BRENDA EMMA ANNA PAMELA NICOLE SAMANTHA
KATHERINE CHRISTINE HELEN DEBRA RACHEL CAROLYN JANET MARIA CATHERINE HEATHER DIANE OLIVIA JULIE JOYCE
VICTORIA RUTH VIRGINIA LAUREN KELLY CHRISTINA JOAN EVELYN JUDITH ANDREA HANNAH MEGAN CHERYL JACQUELINE
MARTHA MADISON TERESA GLORIA SARA JANICE ANN KATHRYN ABIGAIL SOPHIA FRANCES JEAN ALICE JUDY ISABELLA JULIA
GRACE AMBER DENISE DANIELLE MARILYN BEVERLY CHARLOTTE NATALIE THERESA DIANA BRITTANY DORIS KAYLA ALEXIS
LORI MARIE PRIYA RAJESH WEI MING HUI ANIL SUNIL DEEPA AHMED FATIMA OMAR YUSUF CARLOS LUIS MIGUEL SOFIA""".split()
LAST_HEAD = """SMITH JOHNSON WILLIAMS BROWN JONES GARCIA MILLER DAVIS RODRIGUEZ MARTINEZ HERNANDEZ LOPEZ GONZALEZ
WILSON ANDERSON THOMAS TAYLOR MOORE JACKSON MARTIN LEE PEREZ THOMPSON WHITE HARRIS SANCHEZ CLARK RAMIREZ LEWIS
ROBINSON WALKER YOUNG ALLEN KING WRIGHT SCOTT TORRES NGUYEN HILL FLORES GREEN ADAMS NELSON BAKER HALL RIVERA
CAMPBELL MITCHELL CARTER ROBERTS PATEL SHAH KIM CHEN WANG SINGH KUMAR COHEN OBRIEN MURPHY KELLY""".split()
SYLLABLES = """AL AN AR BA BE BO CA CO DA DE DI EL EN ER FA FE GA GO HA HE HO IN KA KE LA LE LI LO LU MA ME MI MO
NA NE NI NO OR PA PE RA RE RI RO SA SE SI SO TA TE TI TO VA VE WA WI ZA ZE""".split()
STREETS = """MAIN OAK PINE MAPLE CEDAR ELM WASHINGTON LAKE HILL PARK WALNUT SPRING RIDGE CHURCH MILL RIVER
FOREST HIGHLAND MEADOW SUNSET LINCOLN JEFFERSON MADISON FRANKLIN UNION CENTER MARKET BROAD WATER HARBOR
COLLEGE ACADEMY UNIVERSITY MEDICAL PROFESSIONAL COMMERCE TECHNOLOGY CORPORATE EXECUTIVE""".split()
STREET_TYPES = [
    ("STREET", "ST"),
    ("AVENUE", "AVE"),
    ("ROAD", "RD"),
    ("BOULEVARD", "BLVD"),
    ("DRIVE", "DR"),
    ("LANE", "LN"),
    ("COURT", "CT"),
    ("PARKWAY", "PKWY"),
    ("PLACE", "PL"),
    ("WAY", "WAY"),
]
DIRS = [("", ""), ("", ""), ("", ""), ("NORTH", "N"), ("SOUTH", "S"), ("EAST", "E"), ("WEST", "W")]
ORG_A = """BRIGHT CLEAR NEW TRUE BLUE GREEN HOPE SUMMIT HARBOR LAKESIDE RIVERSIDE MOUNTAIN VALLEY COASTAL
PACIFIC ATLANTIC CENTRAL NORTHERN SOUTHERN MIDWEST PIONEER BEACON COMPASS ANCHOR LIBERTY HERITAGE EVERGREEN
MINDFUL SERENITY RENEWAL PATHWAYS BALANCE HORIZON""".split()
ORG_B = """MIND PATH WAY LIFE SPRING BRIDGE LIGHT POINT STONE OAK CREST VIEW HAVEN""".split()
ORG_C = [
    "BEHAVIORAL HEALTH",
    "PSYCHIATRY",
    "TMS CENTER",
    "KETAMINE CLINIC",
    "MENTAL HEALTH",
    "WELLNESS",
    "PSYCHIATRIC ASSOCIATES",
    "COUNSELING CENTER",
    "NEUROMODULATION",
    "BRAIN HEALTH",
    "HEALTH PARTNERS",
]
LEGAL = ["LLC", "PLLC", "INC", "P.C.", "PA", "CORP", "L.L.C.", "INC.", ""]
CREDS = ["MD", "DO", "PMHNP-BC", "APRN", "PHD", "PSYD", "LCSW", "LPC", "NP", "M.D.", "D.O."]
IND_TAX = ["2084P0800X", "363LP0808X", "103T00000X", "1041C0700X", "101YP2500X", "2084P0805X", "364SP0808X"]
ORG_TAX = ["261QM0801X", "261QM0850X", "283Q00000X", "273R00000X", "261QP2300X"]
REVERSE_NICK: dict[str, list[str]] = {}
for nick, canon in NICKNAMES.items():
    REVERSE_NICK.setdefault(canon, []).append(nick)


class Generator:
    def __init__(self, seed: int):
        self.r = random.Random(seed)
        zips = [z for z in zipcodes.list_all() if z["zip_code_type"] == "STANDARD" and z["active"]]
        self.zips = [(z["zip_code"], z["city"].upper(), z["state"]) for z in zips]
        tail = {"".join(self.r.choice(SYLLABLES) for _ in range(self.r.choice((2, 3, 3, 4)))) for _ in range(60000)}
        self.last_names = LAST_HEAD + sorted(tail - set(LAST_HEAD))
        # Zipf-like: a few names are very common, most are rare
        self.last_cum = list(itertools.accumulate(1.0 / (i + 10) ** 1.05 for i in range(len(self.last_names))))
        self.first_cum = list(itertools.accumulate(1.0 / (i + 3) ** 0.9 for i in range(len(FIRST))))
        self.npi_next = 100_000_000
        self.rows: list[dict] = []

    # --------------------------------------------------------------- pieces
    def npi(self, entity_type: int) -> str:
        self.npi_next += self.r.randint(1, 97)
        return make_npi(str(entity_type) + str(self.npi_next)[1:9].zfill(8))

    def place(self) -> dict:
        zip5, city, state = self.r.choice(self.zips)
        d = self.r.choice(DIRS)
        st = self.r.choice(STREET_TYPES)
        suite = self.r.choice(["", "", str(self.r.randint(100, 950)), str(self.r.randint(1, 30))])
        return {
            "number": str(self.r.randint(1, 9999)),
            "dir": d,
            "street": self.r.choice(STREETS),
            "type": st,
            "suite": suite,
            "city": city,
            "state": state,
            "zip": zip5,
            "phone": f"{self.r.randint(201, 989)}{self.r.randint(200, 999)}{self.r.randint(0, 9999):04d}",
        }

    def line1(self, p: dict, spelled: bool) -> str:
        i = 0 if spelled else 1
        parts = [p["number"], p["dir"][i], p["street"], p["type"][i]]
        return " ".join(x for x in parts if x)

    def line2(self, p: dict) -> str:
        if not p["suite"]:
            return ""
        return self.r.choice(["SUITE {}", "STE {}", "STE. {}", "# {}", "#{}", "UNIT {}"]).format(p["suite"])

    def phone_text(self, digits: str) -> str:
        return self.r.choice(["{}{}{}", "({}) {}-{}", "{}-{}-{}", "{}.{}.{}", "1-{}-{}-{}"]).format(
            digits[:3], digits[3:6], digits[6:]
        )

    def typo(self, text: str) -> str:
        if len(text) < 4:
            return text
        i = self.r.randrange(1, len(text) - 1)
        op = self.r.random()
        if op < 0.33:
            return text[:i] + text[i + 1 :]
        if op < 0.66:
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        return text[:i] + self.r.choice("AEIOURSTLN") + text[i + 1 :]

    def case(self, text: str) -> str:
        return text.title() if self.r.random() < 0.5 else text

    def licence(self, state: str) -> str:
        return f"{state}{self.r.randint(1000, 999999)}"

    def licence_text(self, lic: str) -> str:
        state, num = lic[:2], lic[2:]
        return self.r.choice([lic, f"{state}-{num}", f"{state}00{num}", num.zfill(8), f"{state.lower()}{num}"])

    def add(self, entity_id: int, **row) -> None:
        row["entity_id"] = entity_id
        self.rows.append(row)

    # -------------------------------------------------------------- entities
    def individual(self, eid: int, shared_place: dict | None = None, last: str | None = None) -> dict:
        r = self.r
        first = r.choices(FIRST, cum_weights=self.first_cum)[0]
        person = {
            "eid": eid,
            "npi": self.npi(1),
            "first": first,
            "middle": r.choice("ABCDEFGHJKLMNPRSTW") if r.random() < 0.7 else "",
            "last": last or r.choices(self.last_names, cum_weights=self.last_cum)[0],
            "cred": r.choice(CREDS),
            "place": shared_place or self.place(),
            "tax": r.choice(IND_TAX),
            "former": r.choices(self.last_names, cum_weights=self.last_cum)[0] if r.random() < 0.04 else "",
            "deactivated": r.random() < 0.03,
        }
        person["licence"] = self.licence(person["place"]["state"])
        p = person["place"]
        if person["deactivated"]:
            self.add(eid, ref=f"nppes:{person['npi']}", npi=person["npi"])
        else:
            self.add(
                eid,
                ref=f"nppes:{person['npi']}",
                entity_type="1",
                npi=person["npi"],
                first_name=first,
                middle_name=person["middle"],
                last_name=person["last"],
                other_last_names=person["former"],
                address_line1=self.line1(p, r.random() < 0.3),
                address_line2=self.line2(p),
                city=p["city"],
                state=p["state"],
                zip=p["zip"] + r.choice(["", "", str(r.randint(1000, 9999))]),
                phones=p["phone"],
                licences=person["licence"],
                taxonomy_codes=person["tax"],
            )
        return person

    def api_of_individual(self, person: dict) -> None:
        r = self.r
        p = self.place() if r.random() < 0.2 else person["place"]  # a move the API already shows
        self.add(
            person["eid"],
            ref=f"api:{person['npi']}",
            entity_type="1",
            npi=person["npi"],
            first_name=self.case(person["first"]),
            middle_name=person["middle"],
            last_name=self.case(person["last"]),
            address_line1=self.case(self.line1(p, r.random() < 0.6)),
            address_line2=self.line2(p),
            city=p["city"],
            state=p["state"],
            zip=p["zip"],
            phones=self.phone_text(p["phone"]),
            licences=person["licence"],
            taxonomy_codes=person["tax"],
        )

    def roster_of_individual(self, person: dict, roster: str, row: int, group_npi: str | None) -> None:
        r = self.r
        first = person["first"]
        if r.random() < 0.25 and REVERSE_NICK.get(first):
            first = r.choice(REVERSE_NICK[first])
        last = person["last"]
        if r.random() < 0.08:
            last = self.typo(last)
        elif r.random() < 0.05:
            first = self.typo(first)
        mid = f" {person['middle']}." if person["middle"] and r.random() < 0.5 else ""
        full = r.choice(
            [
                f"{last}, {first}{mid}, {person['cred']}",
                f"{first}{mid} {last} {person['cred']}",
                f"Dr. {first} {last}",
                f"{last}, {first}",
            ]
        )
        moved = r.random() < 0.15
        p = self.place() if moved else person["place"]
        npi = ""
        roll = r.random()
        if roll < 0.65:
            npi = person["npi"]
        elif roll < 0.72 and group_npi:
            npi = group_npi  # the group's NPI on a person's row
        self.add(
            person["eid"],
            ref=f"roster:{roster}:{row}",
            entity_type="1",
            npi=npi,
            full_name=self.case(full),
            address_line1=self.case(self.line1(p, r.random() < 0.5)),
            address_line2=self.line2(p),
            city=p["city"],
            state=p["state"],
            zip=p["zip"],
            phones=self.phone_text(p["phone"]),
            licences=self.licence_text(person["licence"]) if r.random() < 0.6 else "",
        )

    def organization(self, eid: int, name: str | None = None, parent: dict | None = None) -> dict:
        r = self.r
        base = name or f"{r.choice(ORG_A)} {r.choice(ORG_B) if r.random() < 0.4 else ''} {r.choice(ORG_C)}".replace(
            "  ", " "
        )
        org = {
            "eid": eid,
            "npi": self.npi(2),
            "name": base,
            "legal": r.choice(LEGAL),
            "place": self.place(),
            "dba": "" if r.random() > 0.3 else f"{r.choice(ORG_A)} {r.choice(ORG_C)}",
            "tax": r.choice(ORG_TAX),
            "deactivated": r.random() < 0.03,
        }
        p = org["place"]
        if org["deactivated"]:
            self.add(eid, ref=f"nppes:{org['npi']}", npi=org["npi"])
            return org
        self.add(
            eid,
            ref=f"nppes:{org['npi']}",
            entity_type="2",
            npi=org["npi"],
            organization_name=f"{base} {org['legal']}".strip(),
            other_organization_names=org["dba"],
            address_line1=self.line1(p, r.random() < 0.3),
            address_line2=self.line2(p),
            city=p["city"],
            state=p["state"],
            zip=p["zip"],
            phones=p["phone"],
            taxonomy_codes=org["tax"],
        )
        return org

    def api_of_org(self, org: dict) -> None:
        r = self.r
        p = self.place() if r.random() < 0.1 else org["place"]
        self.add(
            org["eid"],
            ref=f"api:{org['npi']}",
            entity_type="2",
            npi=org["npi"],
            organization_name=self.case(f"{org['name']}, {org['legal']}".strip(", ")),
            other_organization_names=org["dba"],
            address_line1=self.case(self.line1(p, True)),
            address_line2=self.line2(p),
            city=p["city"],
            state=p["state"],
            zip=p["zip"],
            phones=self.phone_text(p["phone"]),
            taxonomy_codes=org["tax"],
        )

    def evidence_of_org(self, org: dict, list_name: str, row: int) -> None:
        r = self.r
        name = org["dba"] if org["dba"] and r.random() < 0.6 else org["name"]
        if r.random() < 0.1:
            name = self.typo(name)
        p = org["place"]
        self.add(
            org["eid"],
            ref=f"evidence:{list_name}:{row}",
            entity_type="2",
            npi=org["npi"] if r.random() < 0.2 else "",
            organization_name=self.case(name),
            address_line1=self.case(self.line1(p, r.random() < 0.5)),
            address_line2=self.line2(p),
            city=p["city"],
            state=p["state"],
            zip=p["zip"],
            phones=self.phone_text(p["phone"]) if r.random() < 0.7 else "",
        )

    # -------------------------------------------------------------- the lot
    def generate(self, target_records: int) -> pd.DataFrame:
        r = self.r
        eid = 0
        roster_rows = 0
        orgs: list[dict] = []
        while len(self.rows) < target_records:
            eid += 1
            if r.random() < 0.2:
                org = self.organization(eid)
                orgs.append(org)
                if not org["deactivated"]:
                    if r.random() < 0.3:
                        self.api_of_org(org)
                    if r.random() < 0.3:
                        self.evidence_of_org(org, r.choice(["rems", "tms_registry"]), len(self.rows))
                    if r.random() < 0.08:  # subparts: same name, other site, own NPI, own entity
                        for _ in range(r.randint(1, 3)):
                            eid += 1
                            sub = self.organization(eid, name=org["name"])
                            if r.random() < 0.3 and not sub["deactivated"]:
                                self.api_of_org(sub)
                    if r.random() < 0.03:  # same name, another state, unrelated
                        eid += 1
                        self.organization(eid, name=org["name"])
                continue
            person = self.individual(eid)
            group = r.choice(orgs)["npi"] if orgs else None
            if not person["deactivated"] and r.random() < 0.3:
                self.api_of_individual(person)
            if r.random() < 0.25:
                roster_rows += 1
                self.roster_of_individual(person, r.choice(["acme", "bluecross", "groupx"]), roster_rows, group)
            if r.random() < 0.02:  # a spouse at the same practice: same last name, address, phone
                eid += 1
                self.individual(eid, shared_place=person["place"], last=person["last"])
        frame = pd.DataFrame(self.rows[:target_records]).fillna("")
        return frame


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    t = time.perf_counter()
    frame = Generator(args.seed).generate(args.records)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(args.out, index=False)
    sizes = frame.groupby("entity_id").size()
    print(
        f"{len(frame)} records, {frame['entity_id'].nunique()} entities, "
        f"{int((sizes * (sizes - 1) // 2).sum())} true pairs, by source "
        f"{frame['ref'].str.partition(':')[0].value_counts().to_dict()} in {time.perf_counter() - t:.1f}s -> {args.out}"
    )


if __name__ == "__main__":
    main()
