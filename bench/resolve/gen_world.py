"""The people and organizations behind the five-source benchmark (gen_sources.py
writes the files they appear in).

Names follow the US Census 1990 frequency lists (the ``names`` package), so
common names collide as often as they do in life: there are many JAMES SMITHs,
and a namesake in another state is the rule, not a planted trap. Places are
real ZIP codes with their city and state (the ``zipcodes`` package).

What the world holds, beyond plain providers:

* **group practices** whose clinicians share one suite and one phone (colleagues);
* **health systems with subparts**: their own NPIs, at other addresses, under the
  parent's name, the parent's name and a city, or a brand of their own; some
  share the parent's central phone;
* **individuals with their own PLLC** ("JOHN A SMITH MD PLLC") at the same address and phone;
* **father and son** (Sr and Jr) with one name at one practice;
* **namesakes**: people with the same first and last name in other states;
* **married and hyphenated names**: the NPPES record keeps a former name;
* **moves**: NPPES still shows an old address while the roster and the board have the new one;
* **licences** in one to three states, numbered the way each state's board writes them.
"""

from __future__ import annotations

import itertools
import os
import random
from dataclasses import dataclass, field

import zipcodes

from directory.npi import make_npi

STREETS = """MAIN OAK PINE MAPLE CEDAR ELM WASHINGTON LAKE HILL PARK WALNUT SPRING RIDGE CHURCH MILL RIVER
FOREST HIGHLAND MEADOW SUNSET LINCOLN JEFFERSON MADISON FRANKLIN UNION CENTER MARKET BROAD WATER HARBOR
COLLEGE ACADEMY UNIVERSITY MEDICAL PROFESSIONAL COMMERCE TECHNOLOGY CORPORATE EXECUTIVE KING QUEEN
MONROE JACKSON ADAMS WILSON GRANT HOSPITAL VALLEY CANYON DEER FOX HAWK EAGLE LAUREL WILLOW BIRCH ASPEN
SPRUCE POPLAR CHESTNUT HICKORY MAGNOLIA DOGWOOD PEACHTREE COLONIAL HERITAGE LIBERTY PATRIOT INDEPENDENCE
PROSPECT PLEASANT FAIRVIEW GREENWOOD LAKEVIEW RIVERSIDE HILLCREST WOODLAND BROOKSIDE STATE COUNTY""".split()
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
    ("HIGHWAY", "HWY"),
    ("CIRCLE", "CIR"),
]
DIRS = [("", "")] * 5 + [("NORTH", "N"), ("SOUTH", "S"), ("EAST", "E"), ("WEST", "W")]
ORG_A = """BRIGHT CLEAR NEW TRUE BLUE GREEN HOPE SUMMIT HARBOR LAKESIDE RIVERSIDE MOUNTAIN VALLEY COASTAL
PACIFIC ATLANTIC CENTRAL NORTHERN SOUTHERN MIDWEST PIONEER BEACON COMPASS ANCHOR LIBERTY HERITAGE EVERGREEN
MINDFUL SERENITY RENEWAL PATHWAYS BALANCE HORIZON CORNERSTONE KEYSTONE TRILLIUM BLUEBIRD CARDINAL
WILLOWBROOK OAKWOOD CEDARCREST STONEBRIDGE BRIGHTWATER CLEARVIEW NORTHSTAR TRUENORTH SUNRISE MERIDIAN
ASCEND ELEVATE INSIGHT THRIVE RESTORE REVIVE INSPIRE ALLIANCE UNITY GENESIS""".split()
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
    "BEHAVIORAL MEDICINE",
    "MIND AND BODY",
    "FAMILY PSYCHIATRY",
    "COUNSELING SERVICES",
]
SYSTEM_C = ["HEALTH SYSTEM", "MEDICAL CENTER", "HEALTHCARE", "HEALTH", "REGIONAL MEDICAL CENTER"]
LEGAL = ["LLC", "PLLC", "INC", "P.C.", "PA", "CORP", "L.L.C.", "INC.", "LLP", ""]
PROFESSIONS = [
    # taxonomy, credential choices, licence type, weight
    ("2084P0800X", ["MD", "DO", "M.D.", "D.O."], "MD", 30),
    ("363LP0808X", ["PMHNP-BC", "APRN", "NP", "PMHNP", "APRN, PMHNP-BC"], "APRN", 20),
    ("103T00000X", ["PHD", "PSYD", "Ph.D.", "Psy.D."], "PSY", 15),
    ("1041C0700X", ["LCSW", "LICSW", "LCSW-C"], "LCSW", 15),
    ("101YP2500X", ["LPC", "LPCC", "LMHC"], "LPC", 12),
    ("106H00000X", ["LMFT"], "LMFT", 5),
    ("2084P0805X", ["MD", "DO"], "MD", 3),
]
OUTSIDE = [
    ("207R00000X", "MD", "MD"),
    ("207Q00000X", "DO", "MD"),
    ("163W00000X", "RN", "RN"),
    ("363LF0000X", "FNP", "APRN"),
]
ORG_TAX = ["261QM0801X", "261QM0850X", "283Q00000X", "273R00000X", "261QP2300X", "251S00000X"]
SYSTEM_TAX = ["282N00000X", "283Q00000X", "273R00000X"]
# How each state's board writes its numbers: (letters in front, zero-padded width)
_BOARD_STYLES = [("", 0), ("", 6), ("", 7), ("", 8), ("TYPE", 0), ("TYPE.", 6), ("TYPE", 5), ("", 5)]


@dataclass
class Place:
    number: str
    direction: tuple[str, str]
    street: str
    street_type: tuple[str, str]
    suite: str
    city: str
    state: str
    zip5: str
    plus4: str
    phone: str


@dataclass
class Licence:
    state: str
    number: str  # digits as issued
    kind: str  # MD, APRN, PSY, ...


@dataclass
class Person:
    eid: str
    npi: str
    first: str
    middle: str
    last: str
    sex: str
    suffix: str = ""
    former_last: str = ""  # the NPPES "other last name" (a maiden name)
    hyphenated: bool = False  # goes by "FORMER-LAST" in some sources
    credential: str = ""
    taxonomy: str = ""
    licence_kind: str = ""
    place: Place | None = None  # where they practise now
    nppes_place: Place | None = None  # where NPPES says (older for some)
    group: Org | None = None
    pllc: Org | None = None
    licences: list[Licence] = field(default_factory=list)
    deactivated: bool = False
    enumerated: tuple[int, int, int] = (2008, 1, 1)
    # The NPPES file is an extract (behavioral-health taxonomies): a clinician whose
    # primary taxonomy is something else is on the board's file and maybe a roster, not in it.
    in_nppes: bool = True


@dataclass
class Org:
    eid: str
    npi: str
    name: str
    legal: str
    place: Place
    taxonomy: str
    dba: str = ""
    parent: Org | None = None  # a subpart's parent
    subparts: list[Org] = field(default_factory=list)
    owner: Person | None = None  # an individual's own PLLC
    other_sites: list[Place] = field(default_factory=list)  # locations NPPES does not list
    tms: bool = False
    rems: bool = False
    deactivated: bool = False

    @property
    def legal_name(self) -> str:
        return f"{self.name} {self.legal}".strip()

    @property
    def merged_eid(self) -> str:
        return self.parent.eid if self.parent else self.eid


def _census(filename: str, floor: float) -> tuple[list[str], list[float]]:
    import names  # bench dependency: the US Census 1990 name frequency lists

    path = os.path.join(os.path.dirname(names.__file__), filename)
    out, weights = [], []
    with open(path) as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2:
                out.append(parts[0])
                weights.append(max(float(parts[1]), floor))
    return out, list(itertools.accumulate(weights))


class World:
    """Draws entities; every choice goes through one seeded Random."""

    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.last_names, self.last_cum = _census("dist.all.last", 0.0004)
        self.male, self.male_cum = _census("dist.male.first", 0.0008)
        self.female, self.female_cum = _census("dist.female.first", 0.0008)
        zips = [z for z in zipcodes.list_all() if z["zip_code_type"] == "STANDARD" and z["active"]]
        self.zips = [(z["zip_code"], z["city"].upper(), z["state"]) for z in zips]
        self.zips_by_state: dict[str, list[tuple[str, str, str]]] = {}
        for z in self.zips:
            self.zips_by_state.setdefault(z[2], []).append(z)
        self.zip3: dict[str, list[tuple[str, str, str]]] = {}
        for z in self.zips:
            self.zip3.setdefault(z[0][:3], []).append(z)
        self.states = sorted(self.zips_by_state)
        self.board_style = {s: self.r.choice(_BOARD_STYLES) for s in self.states}
        self.used_npis: set[str] = set()
        self.people: list[Person] = []
        self.orgs: list[Org] = []
        self.hard_cases: list[tuple[str, str, str]] = []
        self._eid = itertools.count(1)

    # ------------------------------------------------------------ pieces
    def eid(self, prefix: str) -> str:
        return f"{prefix}{next(self._eid)}"

    def npi(self) -> str:
        while True:  # the first digit says nothing about the entity type
            npi = make_npi(str(self.r.randint(100_000_000, 299_999_999)))
            if npi not in self.used_npis:
                self.used_npis.add(npi)
                return npi

    def phone(self) -> str:
        r = self.r
        # NANP: neither the area code nor the exchange starts with 0 or 1
        return f"{r.randint(200, 999)}{r.randint(200, 999)}{r.randint(0, 9999):04d}"

    def place(self, near: Place | None = None, state: str | None = None, phone: str | None = None) -> Place:
        r = self.r
        if near is not None:  # the same ZIP3 mostly, else somewhere in the same state
            area = self.zip3.get(near.zip5[:3]) if r.random() < 0.8 else None
            zip5, city, st = r.choice(area or self.zips_by_state[near.state])
        elif state is not None:
            zip5, city, st = r.choice(self.zips_by_state[state])
        else:
            zip5, city, st = r.choice(self.zips)
        suite = r.choice(
            ["", "", "", str(r.randint(100, 950)), str(r.randint(1, 40)), f"{r.randint(1, 9)}{r.choice('ABC')}"]
        )
        return Place(
            number=str(r.choice([r.randint(1, 999), r.randint(100, 9999), r.randint(1000, 29999)])),
            direction=r.choice(DIRS),
            street=r.choice(STREETS),
            street_type=r.choice(STREET_TYPES),
            suite=suite,
            city=city,
            state=st,
            zip5=zip5,
            plus4=f"{r.randint(1, 9999):04d}",
            phone=phone or self.phone(),
        )

    def first_name(self, sex: str) -> str:
        if sex == "F":
            return self.r.choices(self.female, cum_weights=self.female_cum)[0]
        return self.r.choices(self.male, cum_weights=self.male_cum)[0]

    def last_name(self) -> str:
        return self.r.choices(self.last_names, cum_weights=self.last_cum)[0]

    def licence(self, state: str, kind: str) -> Licence:
        return Licence(state, str(self.r.randint(1000, 999_999)), kind)

    def org_name(self) -> str:
        r = self.r
        roll = r.random()
        if roll < 0.55:
            return f"{r.choice(ORG_A)} {r.choice(ORG_C)}"
        if roll < 0.8:
            return f"{self.last_name()} {r.choice(ORG_C)}"
        if roll < 0.9:
            return f"{r.choice(ORG_A)} {r.choice(ORG_A)} {r.choice(ORG_C)}"
        service = r.choice(["TMS", "KETAMINE", "SPRAVATO", "INTERVENTIONAL PSYCHIATRY"])
        return f"{r.choice(ORG_A)} {service} {r.choice(['CENTER', 'INSTITUTE', 'CLINIC', 'PARTNERS'])}"

    # ----------------------------------------------------------- entities
    def organization(self, place: Place | None = None, name: str | None = None, system: bool = False) -> Org:
        r = self.r
        org = Org(
            eid=self.eid("O"),
            npi=self.npi(),
            name=name or (f"{r.choice(ORG_A)} {r.choice(SYSTEM_C)}" if system else self.org_name()),
            legal=r.choice(LEGAL) if not system else r.choice(["INC", "", "CORPORATION"]),
            place=place or self.place(),
            taxonomy=r.choice(SYSTEM_TAX if system else ORG_TAX),
            deactivated=r.random() < 0.015,
        )
        if r.random() < 0.25:
            org.dba = f"{r.choice(ORG_A)} {r.choice(ORG_C)}"
        self.orgs.append(org)
        return org

    def subpart(self, parent: Org) -> Org:
        r = self.r
        roll = r.random()
        if roll < 0.35:
            name = parent.name  # one legal name, many NPIs: as NPPES has it
        elif roll < 0.7:
            name = f"{parent.name} {r.choice(['-', ''])} {r.choice([parent.place.city, r.choice(ORG_C)])}".replace(
                "  ", " "
            )
        else:
            name = f"{r.choice(ORG_A)} {r.choice(ORG_C)}"  # a brand of its own
        phone = parent.place.phone if r.random() < 0.35 else None  # the system's central line
        sub = self.organization(self.place(near=parent.place, phone=phone), name=name)
        sub.legal = parent.legal if r.random() < 0.7 else r.choice(LEGAL)
        sub.parent = parent
        sub.taxonomy = r.choice(ORG_TAX)
        parent.subparts.append(sub)
        self.hard_cases.append(("subpart_parent", sub.eid, parent.eid))
        return sub

    def person(
        self, place: Place, group: Org | None = None, first: str | None = None, last: str | None = None
    ) -> Person:
        r = self.r
        sex = r.choice("MF")
        tax, creds, kind, _ = r.choices(PROFESSIONS, weights=[p[3] for p in PROFESSIONS])[0]
        middle = ""
        if r.random() < 0.75:
            middle = self.first_name(r.choice("MF")) if r.random() < 0.6 else r.choice("ABCDEFGHJKLMNPRSTW")
        p = Person(
            eid=self.eid("P"),
            npi=self.npi(),
            first=first or self.first_name(sex),
            middle=middle,
            last=last or self.last_name(),
            sex=sex,
            credential=r.choice(creds),
            taxonomy=tax,
            licence_kind=kind,
            place=place,
            group=group,
            deactivated=r.random() < 0.02,
            enumerated=(r.randint(2005, 2025), r.randint(1, 12), r.randint(1, 28)),
        )
        p.in_nppes = r.random() > 0.03
        if sex == "F" and r.random() < 0.12:
            p.former_last = self.last_name()
            p.hyphenated = r.random() < 0.3
        p.nppes_place = place if r.random() > 0.12 else self.place(state=place.state if r.random() < 0.7 else None)
        p.licences = [self.licence(place.state, kind)]
        extra = r.random()
        if extra < 0.2:
            others = [s for s in self.states if s != place.state]
            for state in r.sample(others, 1 if extra < 0.15 else 2):
                p.licences.append(self.licence(state, kind))
        self.people.append(p)
        return p

    def build(self, n_people: int) -> None:
        """About ``n_people`` individuals with their groups, systems and PLLCs."""
        r = self.r
        while len(self.people) < n_people:
            roll = r.random()
            if roll < 0.012:  # a health system with subparts and employed clinicians
                system = self.organization(system=True)
                sites = [system] + [self.subpart(system) for _ in range(r.randint(1, 5))]
                system.tms = r.random() < 0.5
                system.rems = r.random() < 0.6
                for site in sites[1:]:
                    site.tms = system.tms and r.random() < 0.5
                    site.rems = system.rems and r.random() < 0.5
                for site in sites:
                    for _ in range(r.randint(2, 12)):
                        self.person(site.place, group=site)
            elif roll < 0.30:  # a group practice: colleagues at one suite and one phone
                group = self.organization()
                group.tms = r.random() < 0.18
                group.rems = r.random() < 0.12
                if r.random() < 0.2:
                    group.other_sites.append(
                        self.place(near=group.place, phone=group.place.phone if r.random() < 0.6 else None)
                    )
                size = min(int(r.paretovariate(1.3)) + 1, 40)
                members = [self.person(group.place, group=group) for _ in range(size)]
                for a, b in itertools.combinations(members[:4], 2):
                    self.hard_cases.append(("colleague_suite", a.eid, b.eid))
                if r.random() < 0.04 and members:  # spouses in one practice: one surname
                    spouse = self.person(group.place, group=group, last=members[0].last)
                    self.hard_cases.append(("colleague_suite", members[0].eid, spouse.eid))
            else:  # solo practice, often with a PLLC of its own
                p = self.person(self.place())
                if r.random() < 0.3:
                    self.pllc(p)
                if r.random() < 0.012:  # father and son, one name, one practice
                    son = self.person(p.place, group=p.group, first=p.first, last=p.last)
                    p.suffix, son.suffix = r.choice([("SR", "JR"), ("", "JR"), ("SR", ""), ("", "II"), ("II", "III")])
                    son.taxonomy, son.credential, son.licence_kind = p.taxonomy, p.credential, p.licence_kind
                    son.licences = [self.licence(p.place.state, p.licence_kind)]
                    self.hard_cases.append(("father_son", p.eid, son.eid))
            if r.random() < 0.02 and self.people:  # a namesake in another state
                model = r.choice(self.people)
                other = self.person(self.place(state=r.choice([s for s in self.states if s != model.place.state])))
                other.first, other.last = model.first, model.last
                self.hard_cases.append(("namesake_states", model.eid, other.eid))

    def outside_clinicians(self, n: int) -> None:
        """Licensees of other specialties: on the boards' files, not in the NPPES extract."""
        for _ in range(n):
            p = self.person(self.place())
            p.in_nppes = False
            p.taxonomy, p.credential, p.licence_kind = self.r.choice(OUTSIDE)
            for lic in p.licences:
                lic.kind = p.licence_kind

    def pllc(self, p: Person) -> Org:
        r = self.r
        mid = f" {p.middle[0]}" if p.middle and r.random() < 0.5 else ""
        cred = p.credential.split(",")[0].replace(".", "")
        name = r.choice(
            [
                f"{p.first}{mid} {p.last} {cred}",
                f"{p.first} {p.last}",
                f"{p.last} {r.choice(['PSYCHIATRY', 'PSYCHIATRIC SERVICES', 'COUNSELING', 'BEHAVIORAL HEALTH'])}",
            ]
        )
        org = self.organization(place=p.place, name=name)
        org.legal = r.choice(["PLLC", "PC", "LLC", "P.A.", "PLLC", "INC"])
        org.dba = ""
        org.owner = p
        org.tms = r.random() < 0.15
        org.rems = r.random() < 0.1
        p.pllc = org
        self.hard_cases.append(("individual_pllc", p.eid, org.eid))
        return org

    def namesakes(self) -> list[tuple[str, str]]:
        """Every pair of people with one first and last name in different states (capped per name)."""
        by_name: dict[tuple[str, str], list[Person]] = {}
        for p in self.people:
            by_name.setdefault((p.first, p.last), []).append(p)
        out = []
        for group in by_name.values():
            if 1 < len(group) <= 6:
                for a, b in itertools.combinations(group, 2):
                    if a.place and b.place and a.place.state != b.place.state:
                        out.append((a.eid, b.eid))
        return out
