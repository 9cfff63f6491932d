"""A small directory for the curation, report and benefit-gap service tests,
written through the store port onto the embedded store on disk: psychiatrists
around East Harlem (NY), Boston (MA) and Newark (NJ) with licences, TRD
treatments at their locations and access facts, one excluded, one with an
expired licence, one deactivated; a payer network, a plan, an employer that
offers the plan, and an employer network. Tests derive expectations from
``World``, never from hard-coded results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from directory.geo import zip_centroid
from directory.model import (
    AccessFacts,
    Credential,
    CredentialKind,
    Employer,
    EntityType,
    Evidence,
    Exclusion,
    ExclusionListLoad,
    Location,
    Network,
    NetworkKind,
    NetworkMember,
    Payer,
    Plan,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
    Region,
    Treatment,
    TreatmentOffering,
)
from directory.npi import make_npi
from directory.reference import nucc_taxonomies
from directory.store import Store

TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
NPPES = Evidence("nppes", date(2026, 11, 9), "bulk_file", 1.0, "npidata_pfile_20261109.csv")
BOARD = Evidence("state_board", date(2026, 11, 2), "license_lookup", 0.95, "licence lookup")
REMS = Evidence("rems_list", date(2026, 11, 1), "bulk_file", 0.95, "spravato-rems.csv")
ROSTER = Evidence("roster:northwind", date(2026, 10, 20), "attestation", 0.8, "roster.xlsx")
LEIE = Evidence("oig_leie", date(2026, 11, 8), "bulk_file", 1.0, "UPDATED.csv")
PSYCHIATRY = "2084P0800X"
CENTRES = {"10029": "NY", "02115": "MA", "07102": "NJ"}


@dataclass
class World:
    ny: list[str] = field(default_factory=list)  # verified psychiatrists near 10029
    ma: list[str] = field(default_factory=list)  # verified psychiatrists near 02115
    nj: list[str] = field(default_factory=list)
    excluded: str = ""  # NY, excluded by LEIE
    expired: str = ""  # NY, licence expired
    deactivated: str = ""  # NY
    places: dict[str, Location] = field(default_factory=dict)  # NPI -> its one location


def _place(zip5: str, i: int) -> Location:
    centre = zip_centroid(zip5)
    assert centre is not None
    point, county, state = centre
    return Location(
        f"{100 + i} Test Ave",
        "Somewhere",
        state or CENTRES[zip5],
        zip5,
        county=county,
        latitude=point.latitude + 0.01 * (i % 4),
        longitude=point.longitude - 0.01 * (i // 4),
        phone=f"21255501{i:02d}",
    )


def build(store: Store) -> World:
    w = World()
    store.upsert_taxonomies(list(nucc_taxonomies()))
    records: list[ProviderRecord] = []
    n = 0
    for zip5, count, group in (("10029", 9, w.ny), ("02115", 3, w.ma), ("07102", 2, w.nj)):
        for i in range(count):
            n += 1
            npi = make_npi(f"1{n:04d}7300")
            loc = _place(zip5, i)
            w.places[npi] = loc
            group.append(npi)
            records.append(
                ProviderRecord(
                    npi=npi,
                    entity_type=EntityType.INDIVIDUAL,
                    evidence=NPPES,
                    first_name=f"Test{n}",
                    last_name="Psychiatrist",
                    credential_text="MD",
                    enumeration_date=date(2012, 1, 1),
                    last_update=date(2026, 1, 1),
                    locations=[ProviderLocation(loc, True, NPPES)],
                    taxonomies=[ProviderTaxonomy(PSYCHIATRY, True, f"L{n}", loc.state, NPPES)],
                )
            )
    w.excluded, w.expired, w.deactivated = w.ny[-3], w.ny[-2], w.ny[-1]
    records[len(w.ny) - 1].deactivation_date = date(2026, 6, 1)
    store.upsert_providers(records)
    w.ny = w.ny[:-3]
    everyone = [r.npi for r in records]
    state_of = {r.npi: r.locations[0].location.state for r in records}
    store.upsert_credentials(
        [
            (
                npi,
                Credential(
                    CredentialKind.STATE_LICENSE,
                    BOARD,
                    number=f"L{npi[:5]}",
                    state=state_of[npi],
                    status="active",
                    expires=date(2026, 11, 1) if npi == w.expired else date(2028, 1, 31),
                ),
            )
            for npi in everyone
        ]
    )
    store.upsert_treatments(
        [TreatmentOffering(npi, Treatment.ESKETAMINE_REMS, REMS, w.places[npi].key) for npi in everyone]
        + [TreatmentOffering(npi, Treatment.TMS_STANDARD, ROSTER, w.places[npi].key) for npi in everyone[::2]]
        # a telehealth offering reaches nobody in person
        + [TreatmentOffering(w.nj[0], Treatment.ECT, ROSTER, None, telehealth=True)]
    )
    store.upsert_access(
        [AccessFacts(npi, ROSTER, accepting_new_patients=i % 2 == 0, wait_days=7) for i, npi in enumerate(everyone)]
    )
    store.upsert_exclusions([Exclusion(w.excluded, "LEIE", "1128b4", date(2024, 2, 2), LEIE)])
    store.record_exclusion_lists([ExclusionListLoad("LEIE", date(2026, 11, 1), LEIE)])
    store.upsert_payers([Payer("northwind", "Northwind")])
    store.upsert_networks(
        [
            Network("nw-bh", "Northwind Behavioral", NetworkKind.PAYER, "northwind"),
            Network("acme-trd", "Acme TRD", NetworkKind.EMPLOYER, "acme", regions=(Region(state="NY"),)),
        ]
    )
    store.upsert_plans([Plan("nw-ppo", "northwind", "Northwind PPO", "PPO", ("nw-bh",))])
    store.upsert_employers([Employer("acme", "Acme", ("nw-ppo",))])
    store.add_network_members([NetworkMember("nw-bh", npi, ROSTER, date(2026, 10, 20)) for npi in everyone])
    return w
