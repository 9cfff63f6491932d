"""Builders for the adequacy tests: a real SQLite store on disk, providers placed
at exact coordinates, and the inputs as real CSV files."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

from directory.geo import EARTH_RADIUS_MILES
from directory.model import (
    AccessFacts,
    Credential,
    CredentialKind,
    EntityType,
    Evidence,
    ExclusionListLoad,
    Location,
    Network,
    NetworkKind,
    NetworkMember,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
)
from directory.npi import make_npi
from directory.reference import nucc_taxonomies
from directory.services import adequacy
from directory.services.adequacy.zips import zip_index
from directory.store.sqlite import SQLiteStore

NPPES = Evidence("nppes", date(2026, 1, 5), "bulk_file", 1.0, "test")
ROSTER = Evidence("roster:test", date(2026, 1, 5), "attestation", 0.9, "test")
TODAY = date(2026, 2, 1)
NET = "test-net"
PSYCHIATRY = "2084P0800X"
SOCIAL_WORK = "1041C0700X"
PSYCHOLOGY = "103TC0700X"
SPEEDS = {"Large Metro": 30.0, "Metro": 40.0, "Micro": 45.0, "Rural": 50.0, "CEAC": 55.0}


def npi(n: int) -> str:
    return make_npi(f"{1_300_000_00 + n:09d}")


def north_of(lat: float, miles: float) -> float:
    """The latitude ``miles`` due north (exactly, on the haversine sphere)."""
    return lat + math.degrees(miles / EARTH_RADIUS_MILES)


def zip_point(zip5: str) -> tuple[float, float, str, str]:
    lat, lon, county, state = zip_index()[zip5]
    assert county and state
    return lat, lon, county, state


def open_store(tmp_path: Path) -> SQLiteStore:
    store = SQLiteStore(tmp_path / "provnet.db")
    store.init_schema()
    store.upsert_taxonomies(list(nucc_taxonomies()))
    store.upsert_networks([Network(NET, "Test network", NetworkKind.PAYER, "northwind")])
    return store


def provider(
    number: int,
    sites: list[tuple[float, float, str, str | None, str]],
    codes: tuple[str, ...] = (PSYCHIATRY,),
    license_state: str = "NY",
) -> ProviderRecord:
    """sites: (lat, lon, zip5, county, state)."""
    return ProviderRecord(
        npi=npi(number),
        entity_type=EntityType.INDIVIDUAL,
        evidence=NPPES,
        first_name="Pat",
        last_name=f"Test{number}",
        last_update=date(2025, 12, 1),
        locations=[
            ProviderLocation(Location(f"{number} Main St #{k}", "Town", st, z, "", county, lat, lon), k == 0, NPPES)
            for k, (lat, lon, z, county, st) in enumerate(sites)
        ],
        taxonomies=[ProviderTaxonomy(c, k == 0, f"L{number}", license_state, NPPES) for k, c in enumerate(codes)],
    )


def add(store, records, *, network=(), telehealth=(), vetted=()) -> None:
    store.upsert_providers(records)
    if network:
        store.add_network_members([NetworkMember(NET, n, ROSTER) for n in network])
    if telehealth:
        store.upsert_access([AccessFacts(n, ROSTER, telehealth=True) for n in telehealth])
    if vetted:
        # vetting passes only once an exclusion list has been loaded
        store.record_exclusion_lists([ExclusionListLoad("LEIE", TODAY, ROSTER)])
        records_by = {r.npi: r for r in records}
        store.upsert_credentials(
            [
                (n, Credential(CredentialKind.STATE_LICENSE, ROSTER, number=f"L{n}", state=s, status="active"))
                for n in vetted
                for s in sorted({pl.location.state for pl in records_by[n].locations})
            ]
        )


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def counties_of(tmp_path: Path, rows: list[tuple[str, str, str]]) -> adequacy.Counties:
    text = "state,county,county_type\n" + "".join(f"{s},{c},{t}\n" for s, c, t in rows)
    return adequacy.read_counties(adequacy.CsvText.of(write(tmp_path / "counties.csv", text)))


def run(store, members: dict[str, int], counties, *, standards=None, specialties=None, travel=None, fixes=True):
    return adequacy.assess(
        store,
        NET,
        members=adequacy.members_from_pairs(members.items()),
        standards=standards or adequacy.default_standards(),
        counties=counties,
        specialties=specialties or adequacy.default_specialties(),
        travel=travel or adequacy.StraightLine(),
        speeds=SPEEDS,
        today=TODAY,
        fixes=fixes,
    )
