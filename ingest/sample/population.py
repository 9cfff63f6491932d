"""The sample's providers, built deterministically from a seed: per metro a
set of organizations (hospital and its subpart, TMS and mental-health clinics,
infusion and pain clinics, group practices, a community agency) and the
clinicians who work at them or on their own.

Everything here is fictional (see ``ingest.sample.data``). The NPPES writer and
the catalog builder both read this one population so they cannot disagree.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from directory.model import Location
from directory.npi import make_npi

from .data import (
    FIRST_NAMES_F,
    FIRST_NAMES_M,
    LICENCE_FORMATS,
    METROS,
    MFT_CREDENTIALS,
    MIDDLE_INITIALS,
    PHYSICIAN_CREDENTIALS,
    PMHNP_CREDENTIALS,
    PSYCHIATRIST_CREDENTIALS,
    PSYCHOLOGIST_CREDENTIALS,
    STREETS,
    SUITE_FORMS,
    SURNAME_HEADS,
    SURNAME_TAILS,
    Metro,
)

#: The date the sample file speaks for (its name ends 20261109); nothing in it is later.
FILE_DATE = date(2026, 11, 9)
FIRST_ENUMERATION = date(2005, 5, 23)


@dataclass(slots=True)
class Address:
    line1: str
    line2: str
    city: str
    state: str
    zip5: str
    zip4: str  # "" for a 5-digit postal code
    phone: str

    @property
    def location_key(self) -> str:
        return Location(self.line1, self.city, self.state, self.zip5, self.line2).key

    @property
    def postal_code(self) -> str:
        return self.zip5 + self.zip4


@dataclass(slots=True)
class SlotTaxonomy:
    code: str
    licence: str
    state: str
    primary: bool


@dataclass(slots=True)
class SampleProvider:
    npi: str
    entity_type: int
    metro: str
    kind: str  # role in the sample, e.g. "psychiatrist", "tms_clinic"
    address: Address
    mailing: Address
    taxonomies: list[SlotTaxonomy]
    enumerated: date
    updated: date
    # individuals
    last: str = ""
    first: str = ""
    middle: str = ""
    prefix: str = ""
    suffix: str = ""
    credential: str = ""
    sex: str = ""
    sole_proprietor: str = ""
    former_last: str = ""  # NPPES "other last name", type 1 (former name)
    # organizations
    legal_name: str = ""
    dba: str = ""  # "other organization name", type 3
    subpart: bool = False
    parent_name: str = ""
    official: tuple[str, str, str, str, str] = ("", "", "", "", "")  # last, first, title, prefix, credential
    fax: str = ""
    # both
    medicaid_id: str = ""
    deactivated: date | None = None
    deactivation_reason: str = ""
    reactivated: date | None = None
    org_npi: str | None = None  # the organization this clinician practises at
    tags: set[str] = field(default_factory=set)

    @property
    def licences(self) -> list[tuple[str, str]]:
        """Distinct (state, number) pairs from the taxonomy slots."""
        seen: dict[tuple[str, str], None] = {}
        for t in self.taxonomies:
            if t.licence:
                seen[(t.state, t.licence)] = None
        return list(seen)


# (kind, count per metro, primary taxonomy, extra taxonomies)
CLINICIAN_MIX: tuple[tuple[str, int, str, tuple[str, ...]], ...] = (
    ("psychiatrist", 18, "2084P0800X", ()),
    ("child_psychiatrist", 5, "2084P0804X", ("2084P0800X",)),
    ("addiction_psychiatrist", 3, "2084P0802X", ("2084P0800X",)),
    ("geriatric_psychiatrist", 2, "2084P0805X", ("2084P0800X",)),
    ("psychosomatic_psychiatrist", 1, "2084P0015X", ("2084P0800X",)),
    ("pmhnp", 18, "363LP0808X", ()),
    ("psych_cns", 1, "364SP0808X", ()),
    ("psychologist", 8, "103T00000X", ()),
    ("clinical_psychologist", 8, "103TC0700X", ("103T00000X",)),
    ("social_worker", 22, "1041C0700X", ()),
    ("counselor", 12, "", ()),  # the state's counselor taxonomy
    ("addiction_counselor", 2, "101YA0400X", ()),
    ("mft", 8, "106H00000X", ()),
    ("anesthesiologist", 3, "207L00000X", ()),
    ("pain_physician", 2, "208VP0000X", ("207LP2900X",)),
    ("emergency_physician", 1, "207P00000X", ()),
    ("peer_specialist", 2, "175T00000X", ()),
    ("psych_pharmacist", 1, "1835P1300X", ()),
    ("family_physician", 1, "207Q00000X", ()),  # out of the default scope: shows filtering
)

# (kind, count per metro, primary taxonomy, extra taxonomies, name pattern)
ORG_MIX: tuple[tuple[str, int, str, tuple[str, ...], str], ...] = (
    ("hospital", 1, "283Q00000X", ("261QM0801X",), "{s} PSYCHIATRIC HOSPITAL"),
    ("hospital_subpart", 1, "261QM0801X", (), "{s} PSYCHIATRIC HOSPITAL INTERVENTIONAL PSYCHIATRY SERVICE"),
    ("tms_clinic", 3, "261QM0801X", (), "{s} TMS AND MOOD CENTER, LLC"),
    ("mh_clinic", 1, "261QM0850X", ("261QM0801X",), "{s} MENTAL HEALTH ASSOCIATES PC"),
    ("child_clinic", 1, "261QM0855X", (), "{s} CHILD & FAMILY CLINIC"),
    ("infusion_center", 2, "261QI0500X", (), "{s} INFUSION PARTNERS LLC"),
    ("pain_clinic", 1, "261QP3300X", ("261QI0500X",), "{s} PAIN & KETAMINE INSTITUTE"),
    ("group_practice", 2, "193400000X", (), "{s} BEHAVIORAL HEALTH GROUP PLLC"),
    ("agency", 1, "251S00000X", (), "{s} COMMUNITY COUNSELING SERVICES INC"),
)

# Who works at which organization kind: (org kind, clinician kinds in order of preference, how many)
STAFFING: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("hospital", ("psychiatrist", "geriatric_psychiatrist", "psychosomatic_psychiatrist", "anesthesiologist"), 5),
    ("hospital_subpart", ("psychiatrist", "pmhnp", "psych_cns"), 4),
    ("tms_clinic", ("psychiatrist", "pmhnp", "psychologist"), 3),
    ("mh_clinic", ("psychiatrist", "addiction_psychiatrist", "pmhnp", "social_worker", "counselor"), 5),
    ("child_clinic", ("child_psychiatrist", "clinical_psychologist", "mft", "social_worker"), 4),
    ("infusion_center", ("anesthesiologist", "emergency_physician", "psychiatrist"), 2),
    ("pain_clinic", ("pain_physician", "anesthesiologist"), 2),
    ("group_practice", ("clinical_psychologist", "social_worker", "counselor", "mft", "psychologist"), 5),
    ("agency", ("social_worker", "addiction_counselor", "peer_specialist", "counselor"), 4),
)

_OFFICIAL_TITLES = ("CEO", "PRACTICE ADMINISTRATOR", "MEDICAL DIRECTOR", "PRESIDENT", "CHIEF OPERATING OFFICER")


class PopulationBuilder:
    """Builds the whole population from one seed; use :func:`build_population`."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.used_bases: set[int] = set()
        self.used_names: set[tuple[str, str]] = set()
        self.used_surnames: set[str] = set()

    # ------------------------------------------------------------- primitives
    def npi(self) -> str:
        while True:
            base = self.rng.randrange(100_000_000, 300_000_000)
            if base not in self.used_bases:
                self.used_bases.add(base)
                return make_npi(str(base))

    def surname(self, fresh: bool = False) -> str:
        while True:
            name = self.rng.choice(SURNAME_HEADS) + self.rng.choice(SURNAME_TAILS)
            if not fresh or name not in self.used_surnames:
                self.used_surnames.add(name)
                return name

    def digits(self, n: int) -> str:
        return "".join(str(self.rng.randrange(10)) for _ in range(n))

    def phone(self, metro: Metro) -> str:
        return self.rng.choice(metro.area_codes) + str(self.rng.randrange(200, 999)) + self.digits(4)

    def address(self, metro: Metro) -> Address:
        zip5, city = self.rng.choice(metro.zips)
        line1 = f"{self.rng.randrange(1, 2400)} {self.rng.choice(STREETS)}"
        line2 = ""
        if self.rng.random() < 0.55:
            line2 = self.rng.choice(SUITE_FORMS).format(n=self.rng.randrange(100, 2200), f=self.rng.randrange(2, 30))
        zip4 = self.digits(4) if self.rng.random() < 0.4 else ""
        return Address(line1, line2, city.upper(), metro.state, zip5, zip4, self.phone(metro))

    def mailing_for(self, practice: Address, metro: Metro) -> Address:
        if self.rng.random() < 0.15:  # a PO box in the same city
            return Address(
                f"PO BOX {self.rng.randrange(100, 99999)}",
                "",
                practice.city,
                practice.state,
                practice.zip5,
                self.digits(4),
                practice.phone,
            )
        return Address(
            practice.line1, practice.line2, practice.city, practice.state, practice.zip5, practice.zip4, practice.phone
        )

    def dates(self) -> tuple[date, date]:
        span = (date(2025, 12, 31) - FIRST_ENUMERATION).days
        enumerated = FIRST_ENUMERATION + timedelta(days=self.rng.randrange(span))
        latest = FILE_DATE - timedelta(days=3)
        updated = enumerated + timedelta(days=self.rng.randrange(max(1, (latest - enumerated).days)))
        return enumerated, updated

    def licence(self, state: str, profession: str) -> str:
        fmt = LICENCE_FORMATS.get((state, profession)) or LICENCE_FORMATS.get((state, "physician")) or "{d6}"
        return fmt.format(d5=self.digits(5), d6=self.digits(6), d7=self.digits(7), d8=self.digits(8))

    # ------------------------------------------------------------- providers
    def organization(
        self,
        metro: Metro,
        kind: str,
        primary: str,
        extra: tuple[str, ...],
        pattern: str,
        parent: SampleProvider | None = None,
    ) -> SampleProvider:
        base = parent.legal_name.replace(" PSYCHIATRIC HOSPITAL", "") if parent else self.surname(fresh=True)
        address = self.address(metro)
        if parent is not None:  # a subpart on the parent's campus, another building
            address = Address(
                f"{self.rng.randrange(1, 2400)} {parent.address.line1.split(' ', 1)[1]}",
                f"FL {self.rng.randrange(2, 12)}",
                parent.address.city,
                metro.state,
                parent.address.zip5,
                "",
                self.phone(metro),
            )
        enumerated, updated = self.dates()
        taxonomies = [SlotTaxonomy(primary, "", "", True)] + [SlotTaxonomy(c, "", "", False) for c in extra]
        if kind == "hospital":  # hospitals report a facility licence
            taxonomies[0].licence = self.digits(7)
            taxonomies[0].state = metro.state
        official_first = self.rng.choice(FIRST_NAMES_F + FIRST_NAMES_M)
        title = self.rng.choice(_OFFICIAL_TITLES)
        org = SampleProvider(
            npi=self.npi(),
            entity_type=2,
            metro=metro.code,
            kind=kind,
            address=address,
            mailing=self.mailing_for(address, metro),
            taxonomies=taxonomies,
            enumerated=enumerated,
            updated=updated,
            legal_name=pattern.format(s=base),
            subpart=parent is not None,
            parent_name=parent.legal_name if parent else "",
            official=(
                self.surname(),
                official_first,
                title,
                "DR." if title == "MEDICAL DIRECTOR" else "",
                "MD" if title == "MEDICAL DIRECTOR" else "",
            ),
            fax=self.phone(metro) if self.rng.random() < 0.6 else "",
            medicaid_id=self.digits(8) if self.rng.random() < 0.5 else "",
        )
        if kind in ("tms_clinic", "infusion_center") and self.rng.random() < 0.6:
            org.dba = f"{base} {'TMS' if kind == 'tms_clinic' else 'KETAMINE CLINIC'}"
        return org

    def clinician(self, metro: Metro, kind: str, primary: str, extra: tuple[str, ...]) -> SampleProvider:
        rng = self.rng
        sex = rng.choice("FM")
        while True:
            first = rng.choice(FIRST_NAMES_F if sex == "F" else FIRST_NAMES_M)
            last = self.surname()
            if (first, last) not in self.used_names:
                self.used_names.add((first, last))
                break
        if kind == "counselor":
            primary = metro.counselor_taxonomy
        profession = "physician" if primary.startswith("20") else "nurse" if primary.startswith("36") else "other"
        number = self.licence(metro.state, profession)
        taxonomies = [SlotTaxonomy(primary, number, metro.state, True)]
        taxonomies += [SlotTaxonomy(c, number, metro.state, False) for c in extra]
        if profession == "physician" and rng.random() < 0.2:  # licensed in the neighbouring state too
            state = metro.neighbour_state
            taxonomies.append(SlotTaxonomy(primary, self.licence(state, "physician"), state, False))
        address = self.address(metro)
        enumerated, updated = self.dates()
        person = SampleProvider(
            npi=self.npi(),
            entity_type=1,
            metro=metro.code,
            kind=kind,
            address=address,
            mailing=self.mailing_for(address, metro),
            taxonomies=taxonomies,
            enumerated=enumerated,
            updated=updated,
            last=last,
            first=first,
            middle=rng.choice(MIDDLE_INITIALS) if rng.random() < 0.6 else "",
            prefix="DR." if profession == "physician" and rng.random() < 0.4 else "",
            suffix=rng.choice(("JR.", "III")) if rng.random() < 0.03 else "",
            credential=self.credential(metro, kind),
            sex=sex,
            sole_proprietor=rng.choice("YNNNX"),
            medicaid_id=self.digits(8) if rng.random() < 0.3 else "",
        )
        if sex == "F" and rng.random() < 0.12:
            person.former_last = self.surname()
        return person

    def credential(self, metro: Metro, kind: str) -> str:
        rng = self.rng
        if kind.endswith("psychiatrist"):
            return rng.choice(PSYCHIATRIST_CREDENTIALS)
        table = {
            "pmhnp": PMHNP_CREDENTIALS,
            "psych_cns": ("APRN, PMHCNS-BC", "CNS"),
            "psychologist": PSYCHOLOGIST_CREDENTIALS,
            "clinical_psychologist": PSYCHOLOGIST_CREDENTIALS,
            "social_worker": metro.social_worker_credentials,
            "counselor": metro.counselor_credentials,
            "addiction_counselor": ("CADC", "LADC", "CASAC"),
            "mft": MFT_CREDENTIALS,
            "peer_specialist": ("CPS", "CPRS", ""),
            "psych_pharmacist": ("PHARMD, BCPP", "PHARM.D."),
        }
        return rng.choice(table.get(kind, PHYSICIAN_CREDENTIALS))


def build_population(seed: int) -> list[SampleProvider]:
    """Every provider of the sample, in a fixed order (metro, then creation)."""
    b = PopulationBuilder(seed)
    everyone: list[SampleProvider] = []
    for metro in METROS:
        orgs: list[SampleProvider] = []
        hospital: SampleProvider | None = None
        for kind, count, primary, extra, pattern in ORG_MIX:
            for _ in range(count):
                parent = hospital if kind == "hospital_subpart" else None
                org = b.organization(metro, kind, primary, extra, pattern, parent)
                hospital = org if kind == "hospital" else hospital
                orgs.append(org)
        people: dict[str, list[SampleProvider]] = {}
        for kind, count, primary, extra in CLINICIAN_MIX:
            people[kind] = [b.clinician(metro, kind, primary, extra) for _ in range(count)]
        _staff(b.rng, orgs, people)
        everyone += orgs
        everyone += [p for kind, *_ in CLINICIAN_MIX for p in people[kind]]
    _lifecycle_events(everyone)
    _unknown_taxonomy(everyone)
    return everyone


#: Not a NUCC code: the row loads, the slot is dropped and a warning kept.
UNKNOWN_TAXONOMY = "2084P0899X"


def _unknown_taxonomy(everyone: list[SampleProvider]) -> None:
    person = [p for p in everyone if p.kind == "psychiatrist" and not p.deactivated][20]
    first = person.taxonomies[0]
    person.taxonomies.append(SlotTaxonomy(UNKNOWN_TAXONOMY, first.licence, first.state, False))
    person.tags.add("unknown_taxonomy")


def _staff(rng: random.Random, orgs: list[SampleProvider], people: dict[str, list[SampleProvider]]) -> None:
    """Place clinicians at organizations; most then practise at its address."""
    free = {kind: list(group) for kind, group in people.items()}
    for org_kind, wanted, count in STAFFING:
        for org in (o for o in orgs if o.kind == org_kind):
            for i in range(count):
                kind = wanted[i % len(wanted)]
                if not free.get(kind):
                    continue
                person = free[kind].pop(0)
                person.org_npi = org.npi
                if rng.random() < 0.85:  # NPPES practice address = the organization's
                    a = org.address
                    person.address = Address(a.line1, a.line2, a.city, a.state, a.zip5, a.zip4, a.phone)
                    person.mailing = Address(a.line1, a.line2, a.city, a.state, a.zip5, a.zip4, a.phone)
                    person.tags.add("at_org_address")


def _lifecycle_events(everyone: list[SampleProvider]) -> None:
    """Deactivate a few NPIs (with reason) and reactivate one, at fixed picks."""
    people = [p for p in everyone if p.entity_type == 1 and p.org_npi is None]
    orgs = [p for p in everyone if p.entity_type == 2 and p.kind == "group_practice"]
    people[3].deactivated, people[3].deactivation_reason = date(2024, 2, 12), "DT"  # death
    people[40].deactivated, people[40].deactivation_reason = date(2025, 8, 1), "OT"  # other
    orgs[2].deactivated, orgs[2].deactivation_reason = date(2023, 6, 30), "DB"  # disbandment
    reactivated = people[77]
    reactivated.deactivated, reactivated.reactivated = date(2019, 3, 15), date(2020, 6, 1)
    for p in (people[3], people[40], orgs[2], reactivated):
        p.tags.add("lifecycle")
        p.enumerated = min(p.enumerated, date(2012, 1, 1))
        p.updated = max(p.updated, (p.reactivated or p.deactivated) or p.updated)
