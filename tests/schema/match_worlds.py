"""Small directories for the matchProviders tests, each built through the store
port on a real SQLite file, with every fact a ranking depends on chosen here so
the tests derive what they expect from these definitions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from directory.geo import zip_centroid
from directory.model import (
    AccessFacts,
    Credential,
    CredentialKind,
    EntityType,
    Evidence,
    Location,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
    Treatment,
    TreatmentOffering,
)
from directory.npi import make_npi
from directory.reference import nucc_taxonomies
from directory.store import Store

NPPES = Evidence("nppes", date(2026, 10, 6), "bulk_file", 1.0, "npidata_pfile_20261006.csv")
ROSTER = Evidence("roster:northwind", date(2026, 11, 1), "attestation", 0.8, "roster.xlsx#3")
CENTER = zip_centroid("10029")[0]
#: Degrees of latitude per mile.
PER_MILE = 1 / 69.0


@dataclass(frozen=True)
class Person:
    key: str
    first: str
    last: str
    miles_north: float
    accepting: bool | None = True
    wait_days: int | None = 5
    languages: tuple[str, ...] = ("en", "es")
    has_access: bool = True
    in_person: bool = True
    telehealth: bool = False
    city: str = "New York"
    state: str = "NY"
    taxonomy: str = "2084P0800X"
    board: bool = False


@dataclass
class World:
    npis: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> str:
        return self.npis[key]


def build(store: Store, people: list[Person], treatment: Treatment, *, first_number: int = 700) -> World:
    """One provider per person on a meridian through the 10029 centroid,
    ``miles_north`` of it (negative: south), offering ``treatment``."""
    store.upsert_taxonomies(list(nucc_taxonomies()))
    world = World()
    records, offers, access, credentials = [], [], [], []
    for i, p in enumerate(people):
        number = make_npi(f"1{first_number + i:05d}001")
        world.npis[p.key] = number
        place = Location(
            f"{10 + i} {p.last} St",
            p.city,
            p.state,
            "10029" if p.state == "NY" else "02115",
            latitude=CENTER.latitude + p.miles_north * PER_MILE,
            longitude=CENTER.longitude,
        )
        records.append(
            ProviderRecord(
                npi=number,
                entity_type=EntityType.INDIVIDUAL,
                evidence=NPPES,
                first_name=p.first,
                last_name=p.last,
                credential_text="MD",
                last_update=date(2026, 6, 1),
                locations=[ProviderLocation(place, True, NPPES)],
                taxonomies=[ProviderTaxonomy(p.taxonomy, True, f"L{number[:6]}", "NY", NPPES)],
            )
        )
        if p.in_person:
            offers.append(TreatmentOffering(number, treatment, ROSTER, place.key))
        if p.telehealth:
            offers.append(TreatmentOffering(number, treatment, ROSTER, None, telehealth=True))
        if p.has_access:
            access.append(
                AccessFacts(
                    number, ROSTER, p.accepting, telehealth=p.telehealth, languages=p.languages, wait_days=p.wait_days
                )
            )
        if p.board:
            credentials.append((number, Credential(CredentialKind.BOARD_CERTIFICATION, ROSTER, board="ABPN")))
    store.upsert_providers(records)
    store.upsert_treatments(offers)
    store.upsert_access(access)
    store.upsert_credentials(credentials)
    return world
