"""A real provnet API for the schema tests: a SQLite store on disk, filled with
port operations, served by uvicorn on 127.0.0.1 and queried over HTTP. The
fixtures that use these are in conftest.py; tests import from here directly."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import requests
import uvicorn

from directory.geo import zip_centroid
from directory.model import (
    AccessFacts,
    Affiliation,
    Credential,
    CredentialKind,
    Employer,
    EntityType,
    Evidence,
    Exclusion,
    ExclusionListLoad,
    Location,
    MatchRecord,
    MatchStatus,
    Network,
    NetworkKind,
    NetworkMember,
    OtherName,
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
from directory.services import api_keys
from directory.store import Store

TOKENS = (  # development tokens (PROVNET_AUTH_TOKENS); DEV_TOKENS names them
    "adm=admin,acme-tok=employer:acme,globex-tok=employer:globex,nw-tok=payer:northwind,sw-tok=payer:southwind,"
    "nav-tok=navigator"
)
#: Who each test caller is: the role and tenant of their credential.
GRANTS = {
    "navigator": ("navigator", None),
    "employer A": ("employer", "acme"),
    "employer B": ("employer", "globex"),
    "payer A": ("payer", "northwind"),
    "payer B": ("payer", "southwind"),
    "admin": ("admin", None),
}
#: The development token (of TOKENS) of each.
DEV_TOKENS = {
    "navigator": "nav-tok",
    "employer A": "acme-tok",
    "employer B": "globex-tok",
    "payer A": "nw-tok",
    "payer B": "sw-tok",
    "admin": "adm",
}
#: Credentials that must get nowhere (see issue_keys).
BAD_KEYS = ("expired key", "revoked key", "wrong secret", "unknown key id", "malformed key", "unknown token")
NPPES = Evidence("nppes", date(2025, 10, 6), "bulk_file", 1.0, "npidata_pfile_20251006.csv")
REMS = Evidence("rems_list", date(2025, 11, 1), "bulk_file", 0.95, "spravato-rems-2025-11.csv")
ROSTER = Evidence("roster:northwind", date(2025, 9, 1), "attestation", 0.8, "roster.xlsx#3")
LEIE_FILE = Evidence("oig_leie", date(2025, 11, 8), "bulk_file", 1.0, "UPDATED.csv")
GLOBEX_NOTE = Evidence("api:employer:globex", date(2025, 9, 1), "curation", 1.0, "globex vetting call: strong TRD team")
SOUTHWIND_NOTE = Evidence("api:payer:southwind", date(2025, 9, 2), "curation", 1.0, "southwind credentialing memo")
FIRST = [
    "Ana",
    "Ben",
    "Cara",
    "Dev",
    "Eli",
    "Fay",
    "Gus",
    "Hana",
    "Ivo",
    "Jun",
    "Kai",
    "Lea",
    "Max",
    "Nia",
    "Oto",
    "Pia",
    "Quin",
    "Rae",
    "Sol",
    "Tam",
    "Uma",
    "Vic",
    "Wes",
    "Xia",
]


@dataclass
class Directory:
    """What the fixture put in the store, so tests derive their expectations from it."""

    in_plan_near: list[str] = field(default_factory=list)  # esketamine, within 10 mi of 10029, in the plan
    out_of_network: list[str] = field(default_factory=list)
    far: list[str] = field(default_factory=list)
    deactivated: str = ""
    organization: str = ""
    subpart: str = ""
    excluded: str = ""


def _individual(npi: str, first: str, last: str, lat: float, lon: float, zip5: str, state: str) -> ProviderRecord:
    loc = Location(
        f"{len(first) * 11} {last} Ave",
        "New York" if state == "NY" else "Boston",
        state,
        zip5,
        county="New York County" if state == "NY" else "Suffolk County",
        latitude=lat,
        longitude=lon,
    )
    return ProviderRecord(
        npi=npi,
        entity_type=EntityType.INDIVIDUAL,
        evidence=NPPES,
        first_name=first,
        last_name=last,
        credential_text="MD",
        enumeration_date=date(2012, 3, 4),
        last_update=date(2025, 6, 1),
        locations=[ProviderLocation(loc, True, NPPES)],
        taxonomies=[ProviderTaxonomy("2084P0800X", True, f"L{npi[:6]}", state, NPPES)],
    )


def populate(store: Store) -> Directory:
    d = Directory()
    center = zip_centroid("10029")[0]
    boston = zip_centroid("02115")[0]
    store.upsert_taxonomies(list(nucc_taxonomies()))
    records: list[ProviderRecord] = []
    for i, first in enumerate(FIRST):
        npi = make_npi(f"1{i:03d}00001")
        lat, lon = center.latitude + 0.004 * (i % 12), center.longitude - 0.003 * (i // 12)
        records.append(_individual(npi, first, f"Moreau{chr(65 + i)}", lat, lon, "10029", "NY"))
        (d.out_of_network if i >= 22 else d.in_plan_near).append(npi)
    for i in range(2):
        npi = make_npi(f"1{i:03d}00777")
        records.append(_individual(npi, f"Far{i}", "Boston", boston.latitude, boston.longitude, "02115", "MA"))
        d.far.append(npi)
    d.deactivated = make_npi("199900001")
    gone = _individual(d.deactivated, "Old", "Gone", center.latitude, center.longitude, "10029", "NY")
    gone.deactivation_date = date(2024, 1, 2)
    records.append(gone)
    d.organization, d.subpart = make_npi("150000001"), make_npi("150000002")
    clinic = Location(
        "1 Harbor Pl",
        "New York",
        "NY",
        "10029",
        county="New York County",
        latitude=center.latitude,
        longitude=center.longitude,
    )
    records.append(
        ProviderRecord(
            npi=d.organization,
            entity_type=EntityType.ORGANIZATION,
            evidence=NPPES,
            organization_name="HARBOR MIND CLINIC",
            is_subpart=False,
            locations=[ProviderLocation(clinic, True, NPPES)],
            taxonomies=[ProviderTaxonomy("261QM0801X", True, None, None, NPPES)],
            other_names=[OtherName("HARBOR MIND", "3", NPPES)],
        )
    )
    records.append(
        ProviderRecord(
            npi=d.subpart,
            entity_type=EntityType.ORGANIZATION,
            evidence=NPPES,
            organization_name="HARBOR MIND CLINIC EAST",
            is_subpart=True,
            parent_organization_name="HARBOR MIND CLINIC",
            locations=[ProviderLocation(clinic, True, NPPES)],
            taxonomies=[ProviderTaxonomy("261QM0801X", True, None, None, NPPES)],
        )
    )
    store.upsert_providers(records)

    everyone = d.in_plan_near + d.out_of_network + d.far + [d.deactivated]
    store.upsert_treatments(
        [TreatmentOffering(npi, Treatment.ESKETAMINE_REMS, REMS, detail=f"REMS site {npi[-4:]}") for npi in everyone]
        + [TreatmentOffering(npi, Treatment.TMS_STANDARD, ROSTER, detail="NeuroStar") for npi in everyone[::2]]
    )
    store.upsert_credentials(
        [
            (
                npi,
                Credential(
                    CredentialKind.STATE_LICENSE,
                    ROSTER,
                    number=f"L{npi[:6]}",
                    state="NY",
                    status="active",
                    expires=date(2027, 1, 31),
                ),
            )
            for npi in everyone
        ]
        + [
            (
                npi,
                Credential(
                    CredentialKind.BOARD_CERTIFICATION,
                    ROSTER,
                    board="ABPN",
                    specialty="Psychiatry",
                    certified_on=date(2015, 5, 1),
                ),
            )
            for npi in everyone[::3]
        ]
    )
    store.upsert_access(
        [
            AccessFacts(
                npi,
                ROSTER,
                accepting_new_patients=i % 2 == 0,
                telehealth=False,
                languages=("en", "es"),
                wait_days=7 + i,
            )
            for i, npi in enumerate(everyone)
        ]
    )
    store.upsert_affiliations([Affiliation(npi, d.organization, ROSTER) for npi in d.in_plan_near[:3]])
    d.excluded = d.in_plan_near[1]
    store.upsert_exclusions([Exclusion(d.excluded, "LEIE", "1128b4", date(2020, 2, 2), NPPES)])
    store.record_exclusion_lists([ExclusionListLoad("LEIE", date(2025, 11, 1), LEIE_FILE)])

    store.upsert_payers(
        [Payer("northwind", "Northwind Health"), Payer("southwind", "Southwind Care"), Payer("eastwind", "Eastwind")]
    )
    # the plans each employer offers its employees (Eastwind Select uses Globex's own vetted network)
    store.upsert_employers(
        [Employer("acme", "Acme Corp", ("northwind-ma-hmo",)), Employer("globex", "Globex", ("eastwind-select",))]
    )
    store.upsert_networks(
        [
            Network("northwind-ma", "Northwind MA Behavioral", NetworkKind.PAYER, "northwind"),
            Network("southwind-ppo", "Southwind PPO Behavioral", NetworkKind.PAYER, "southwind"),
            Network("eastwind-hmo", "Eastwind HMO", NetworkKind.PAYER, "eastwind"),
            Network("acme-vetted", "Acme TRD Network", NetworkKind.EMPLOYER, "acme", regions=(Region(state="NY"),)),
            Network(
                "globex-vetted",
                "Globex TRD Network",
                NetworkKind.EMPLOYER,
                "globex",
                regions=(Region(zip5="10029", radius_miles=5.0),),
            ),
        ]
    )
    store.upsert_plans(
        [
            Plan("northwind-ma-hmo", "northwind", "Northwind MA HMO", "MA-HMO", ("northwind-ma",)),
            Plan("southwind-ppo", "southwind", "Southwind PPO", "PPO", ("southwind-ppo",)),
            # a plan that also uses an employer's vetted network (a self-funded employer plan)
            Plan("eastwind-select", "eastwind", "Eastwind Select", "Commercial", ("eastwind-hmo", "globex-vetted")),
        ]
    )
    store.add_network_members(
        [
            NetworkMember("northwind-ma", npi, ROSTER, date(2025, 9, 1))
            for npi in d.in_plan_near + d.far + [d.deactivated]
        ]
    )
    store.add_network_members([NetworkMember("globex-vetted", d.in_plan_near[5], GLOBEX_NOTE, date(2025, 9, 1))])
    store.add_network_members([NetworkMember("southwind-ppo", d.in_plan_near[6], SOUTHWIND_NOTE, date(2025, 9, 2))])
    store.save_matches(
        [
            MatchRecord(
                match_id="m-1",
                left=f"nppes:{d.in_plan_near[0]}",
                right="npi_api:" + d.in_plan_near[0],
                probability=0.81,
                match_weight=4.2,
                agreement={"name": "fuzzy>=0.92 (+6.1)"},
                status=MatchStatus.REVIEW,
                decided_by="model",
                decided_at="2025-11-01T00:00:00+00:00",
            )
        ]
    )
    return d


def issue_keys(store: Store) -> dict[str, str]:
    """An API key of each of GRANTS, issued into ``store`` by the real service,
    and the BAD_KEYS: employer B's key that expired (issued in 2024 to end in
    2024), an admin key that was revoked, the admin key with another secret, its
    secret under an id no key has, the admin key one character short, and a
    development token nobody configured."""
    keys = {
        who: api_keys.issue(store, role, tenant, label=f"test {who}").token for who, (role, tenant) in GRANTS.items()
    }
    past = datetime(2024, 1, 2, tzinfo=UTC)
    keys["expired key"] = api_keys.issue(store, "employer", "globex", expires=date(2024, 6, 1), now=past).token
    revoked = api_keys.issue(store, "admin", label="revoked admin")
    api_keys.revoke(store, revoked.key.key_id)
    keys["revoked key"] = revoked.token
    key_id, secret = api_keys.parse(keys["admin"])  # type: ignore[misc]
    other = "A" * 43 if secret != "A" * 43 else "B" * 43
    keys["wrong secret"] = f"pvn_{key_id}_{other}"
    keys["unknown key id"] = f"pvn_{'0' * 16}_{secret}"
    keys["malformed key"] = keys["admin"][:-1]
    keys["unknown token"] = "not-a-configured-token"
    return keys


class LiveServer:
    """uvicorn serving an app on a free loopback port, in a thread."""

    def __init__(self, app) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


class Client:
    def __init__(self, url: str, token: str | None = None):
        self.url, self.token = url, token

    def post(self, query: str, variables: dict | None = None, token: str | None = None) -> requests.Response:
        token = token if token is not None else self.token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.post(
            f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, headers=headers, timeout=30
        )

    def gql(self, query: str, variables: dict | None = None, token: str | None = None) -> dict:
        response = self.post(query, variables, token)
        assert response.status_code == 200, response.text
        return response.json()

    def data(self, query: str, variables: dict | None = None, token: str | None = None) -> dict:
        body = self.gql(query, variables, token)
        assert "errors" not in body, body["errors"]
        return body["data"]
