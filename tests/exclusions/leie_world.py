"""The directory of the exclusion-list tests: a few providers with known
names, states and other names (see :class:`World`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from directory.model import (
    EntityType,
    Evidence,
    Location,
    OtherName,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
)
from directory.npi import make_npi

NPPES = Evidence("nppes", date(2025, 10, 6), "bulk_file", 1.0, "npidata_pfile_20050523-20251005.csv")


def _place(state: str) -> Location:
    zips = {"NY": ("New York", "10036"), "NJ": ("Newark", "07102"), "CA": ("Los Angeles", "90012")}
    city, zip5 = zips[state]
    return Location(f"1 {state} Plaza", city, state, zip5)


def person_record(number, first, last, middle=None, *, state="NY", licence=None, other_names=()):
    return ProviderRecord(
        npi=number,
        entity_type=EntityType.INDIVIDUAL,
        evidence=NPPES,
        first_name=first,
        middle_name=middle,
        last_name=last,
        credential_text="MD",
        last_update=date(2025, 6, 1),
        locations=[ProviderLocation(_place(state), True, NPPES)],
        taxonomies=[ProviderTaxonomy("2084P0800X", True, f"L{number[-5:]}", licence or state, NPPES)],
        other_names=[OtherName(n, "1", NPPES) for n in other_names],
    )


def organization_record(number, name, *, state="NY"):
    return ProviderRecord(
        npi=number,
        entity_type=EntityType.ORGANIZATION,
        evidence=NPPES,
        organization_name=name,
        last_update=date(2025, 6, 1),
        locations=[ProviderLocation(_place(state), True, NPPES)],
        taxonomies=[ProviderTaxonomy("261QM0801X", True, None, None, NPPES)],
    )


@dataclass
class World:
    """NPIs of the directory of these tests, named for who they are."""

    smith: str = make_npi("100000001")  # John Q Smith, NY
    jones: str = make_npi("100000002")  # Mary A Jones, NJ; former name MARY A BROWN
    lee: str = make_npi("100000003")  # Ann Lee, CA (the LEIE row has her NPI)
    smith_jones: str = make_npi("100000004")  # Robert K Smith-Jones, NY
    miller_1: str = make_npi("100000005")  # David Miller, NY, no middle name
    miller_2: str = make_npi("100000006")  # David Miller, NY, no middle name
    parker: str = make_npi("100000007")  # Peter B Parker, CA
    green: str = make_npi("100000008")  # Susan Green, NY, no middle name
    clinic: str = make_npi("200000009")  # HARBOR MIND CLINIC LLC, NY

    def people(self) -> list[str]:
        return [self.smith, self.jones, self.lee, self.smith_jones, self.miller_1, self.miller_2, self.parker]


def build_world(store) -> World:
    w = World()
    store.upsert_providers(
        [
            person_record(w.smith, "John", "Smith", "Q"),
            person_record(w.jones, "Mary", "Jones", "A", state="NJ", other_names=("MARY A BROWN",)),
            person_record(w.lee, "Ann", "Lee", state="CA"),
            person_record(w.smith_jones, "Robert", "Smith-Jones", "K"),
            person_record(w.miller_1, "David", "Miller"),
            person_record(w.miller_2, "David", "Miller"),
            person_record(w.parker, "Peter", "Parker", "B", state="CA"),
            person_record(w.green, "Susan", "Green"),
            organization_record(w.clinic, "HARBOR MIND CLINIC LLC"),
        ]
    )
    return w
