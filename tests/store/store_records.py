"""Small factories of domain records for the store contract suite, and one
search world with known geometry (points around Times Square)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from directory.model import (
    AccessFacts,
    EntityType,
    Evidence,
    GeoPoint,
    Location,
    Network,
    NetworkKind,
    NetworkMember,
    OtherName,
    Payer,
    Plan,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
    Treatment,
    TreatmentOffering,
)
from directory.npi import make_npi
from directory.reference import nucc_taxonomies

NPPES = Evidence("nppes", date(2024, 5, 1), "bulk_file", 1.0, "npidata_pfile_20240401-20240430.csv")
API = Evidence("npi_registry_api", date(2024, 6, 3), "api", 0.95, "https://npiregistry.cms.hhs.gov/api/?number=x")
ROSTER = Evidence("roster:acme", date(2024, 6, 10), "attestation", 0.8, "acme_roster.xlsx:row 12")

TIMES_SQUARE = GeoPoint(40.7580, -73.9855)
MIDTOWN = Location(
    "1501 Broadway", "New York", "NY", "10036", "Suite 1200", "New York", 40.7566, -73.9867, "2125550100"
)
BROOKLYN = Location("45 Main St", "Brooklyn", "NY", "11201", "", "Kings", 40.7033, -73.9903, "7185550111")
NEWARK = Location("1 Washington Pl", "Newark", "NJ", "07102", "", "Essex", 40.7395, -74.1724, None)
PHILADELPHIA = Location(
    "1500 Market St", "Philadelphia", "PA", "19102", "", "Philadelphia", 39.9526, -75.1652, "2155550123"
)
UNGEOCODED = Location("9 Nowhere Rd", "Hudson", "NY", "12534")

PSYCHIATRY = "2084P0800X"
PMHNP = "363LP0808X"
MH_CLINIC = "261QM0801X"


def npi(n: int) -> str:
    """A valid NPI (Luhn check digit) from a small number."""
    return make_npi(f"{1_000_000_00 + n:09d}")


def org_npi(n: int) -> str:
    return make_npi(f"{2_000_000_00 + n:09d}")


def individual(
    number: str,
    first: str = "John",
    last: str = "Smith",
    *,
    evidence: Evidence = NPPES,
    last_update: date = date(2024, 4, 15),
    locations=(MIDTOWN,),
    taxonomies=(PSYCHIATRY,),
    other_names=(),
    **extra,
) -> ProviderRecord:
    return ProviderRecord(
        npi=number,
        entity_type=EntityType.INDIVIDUAL,
        evidence=evidence,
        first_name=first,
        last_name=last,
        credential_text=extra.pop("credential_text", "MD"),
        sex=extra.pop("sex", "M"),
        sole_proprietor=extra.pop("sole_proprietor", False),
        enumeration_date=date(2010, 3, 1),
        last_update=last_update,
        locations=[ProviderLocation(loc, i == 0, evidence) for i, loc in enumerate(locations)],
        taxonomies=[
            ProviderTaxonomy(code, i == 0, f"L{i}{number[-4:]}", "NY", evidence) for i, code in enumerate(taxonomies)
        ],
        other_names=[OtherName(name, "1", evidence) for name in other_names],
        **extra,
    )


def organization(
    number: str,
    name: str,
    *,
    evidence: Evidence = NPPES,
    last_update: date = date(2024, 4, 15),
    locations=(MIDTOWN,),
    taxonomies=(MH_CLINIC,),
    other_names=(),
    **extra,
) -> ProviderRecord:
    return ProviderRecord(
        npi=number,
        entity_type=EntityType.ORGANIZATION,
        evidence=evidence,
        organization_name=name,
        is_subpart=extra.pop("is_subpart", False),
        enumeration_date=date(2008, 1, 2),
        last_update=last_update,
        locations=[ProviderLocation(loc, i == 0, evidence) for i, loc in enumerate(locations)],
        taxonomies=[ProviderTaxonomy(code, i == 0, None, None, evidence) for i, code in enumerate(taxonomies)],
        other_names=[OtherName(n, "3", evidence) for n in other_names],
        **extra,
    )


def offering(
    number: str,
    treatment: Treatment = Treatment.TMS_STANDARD,
    *,
    location: Location | None = MIDTOWN,
    telehealth: bool = False,
    evidence: Evidence = ROSTER,
) -> TreatmentOffering:
    return TreatmentOffering(
        number,
        treatment,
        evidence,
        location.key if location else None,
        telehealth,
        "NeuroStar" if treatment is Treatment.TMS_STANDARD else None,
    )


def load_nucc(store, codes=(PSYCHIATRY, PMHNP, MH_CLINIC)) -> None:
    store.upsert_taxonomies([t for t in nucc_taxonomies() if t.code in codes])


@dataclass
class SearchWorld:
    """NPIs of the search world, named by what makes each one interesting."""

    near_tms: str  # TMS at Midtown, plan network, accepting
    brooklyn_tms: str  # TMS at Brooklyn, plan network, not accepting
    newark_tms_no_plan: str  # TMS at Newark, in no network
    philly_tms: str  # TMS in Philadelphia (far), plan network, telehealth TMS
    esketamine: str  # esketamine at Midtown, plan network
    two_sites: str  # TMS at Brooklyn and Philadelphia, second network of the plan
    clinic: str  # an organization offering TMS at Midtown, no network


def build_search_world(store) -> SearchWorld:
    w = SearchWorld(npi(1), npi(2), npi(3), npi(4), npi(5), npi(6), org_npi(7))
    load_nucc(store)
    store.upsert_providers(
        [
            individual(w.near_tms, "Alice", "Adams"),
            individual(w.brooklyn_tms, "Boris", "Brown", locations=(BROOKLYN,), taxonomies=(PMHNP,)),
            individual(w.newark_tms_no_plan, "Carla", "Cruz", locations=(NEWARK,)),
            individual(w.philly_tms, "Dmitri", "Diaz", locations=(PHILADELPHIA,)),
            individual(w.esketamine, "Erin", "Evans"),
            individual(w.two_sites, "Boris", "Baker", locations=(PHILADELPHIA, BROOKLYN)),
            organization(w.clinic, "Bright Mind TMS Center", other_names=("Brightmind Neuro",)),
        ]
    )
    store.upsert_treatments(
        [
            offering(w.near_tms),
            offering(w.brooklyn_tms, location=BROOKLYN),
            offering(w.newark_tms_no_plan, location=NEWARK),
            offering(w.philly_tms, location=PHILADELPHIA),
            offering(w.philly_tms, location=None, telehealth=True),
            offering(w.esketamine, Treatment.ESKETAMINE_REMS),
            offering(w.two_sites, location=PHILADELPHIA),
            offering(w.clinic, Treatment.TMS_ACCELERATED),
        ]
    )
    store.upsert_access(
        [
            AccessFacts(
                w.near_tms, ROSTER, accepting_new_patients=True, telehealth=False, languages=("en", "es"), wait_days=7
            ),
            AccessFacts(w.brooklyn_tms, ROSTER, accepting_new_patients=False, telehealth=True),
            AccessFacts(w.newark_tms_no_plan, ROSTER, accepting_new_patients=True, telehealth=True),
        ]
    )
    store.upsert_payers([Payer("payer-1", "Empire Health")])
    store.upsert_networks(
        [
            Network("net-a", "Empire PPO Network", NetworkKind.PAYER, "payer-1"),
            Network("net-b", "Empire Behavioral Network", NetworkKind.PAYER, "payer-1"),
            Network("net-other", "Other Network", NetworkKind.PAYER, "payer-1"),
        ]
    )
    store.upsert_plans(
        [
            Plan("plan-1", "payer-1", "Empire Gold PPO", "PPO", ("net-a", "net-b")),
            Plan("plan-2", "payer-1", "Empire Basic", "HMO", ("net-other",)),
        ]
    )
    store.add_network_members(
        [
            NetworkMember("net-a", n, ROSTER, date(2024, 1, 1))
            for n in (w.near_tms, w.brooklyn_tms, w.philly_tms, w.esketamine)
        ]
        + [NetworkMember("net-b", w.two_sites, ROSTER, date(2024, 2, 1))]
    )
    return w
