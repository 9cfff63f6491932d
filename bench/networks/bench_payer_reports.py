"""Time a payer's reports on a generated network of tens of thousands of members.

Generates (deterministic, seed 7) a SQLite store with ``--members`` providers
(default 30,000) at real California ZIP centroids, each with an NPPES record
(one practice location with a phone, a NUCC taxonomy of the adequacy mapping),
a state licence, access facts from a roster (a tenth of them older than 90
days, one in thirty contradicted by a second source), and a TRD treatment for
three in ten; all are members of the payer network ``bench-payer``. Then
times, through the services the API and CLI call:

* members by specialty and county (``networkComposition``, ``provnet network composition``);
* the directory-accuracy summary (``directoryAccuracy``, ``provnet network accuracy``);
* the first page of stale or contradicted listings, and a walk through every page;
* the CSV export of every member (``provnet network export``);
* a first page of 20 candidates for an employer network whose region is all of
  California, and one whose region is 25 miles around a San Francisco ZIP
  (``networkCandidates``: the store's search narrows, then a page is judged).

with the store round trips each took. Run:

    .venv/bin/python bench/networks/bench_payer_reports.py --out bench/out/networks [--members 30000]
"""

from __future__ import annotations

import argparse
import io
import random
import time
from datetime import date
from pathlib import Path

from directory.model import (
    AccessFacts,
    Credential,
    CredentialKind,
    Employer,
    EntityType,
    Evidence,
    ExclusionListLoad,
    Location,
    Network,
    NetworkKind,
    NetworkMember,
    Payer,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
    Region,
    Treatment,
    TreatmentOffering,
)
from directory.npi import make_npi
from directory.reference import nucc_taxonomies
from directory.services import member_export, network_candidates, network_reports
from directory.services.adequacy.zips import zip_index
from directory.store.sqlite import SQLiteStore

TODAY = date(2026, 12, 1)
NPPES = Evidence("nppes", date(2026, 11, 9), "bulk_file", 1.0, "bench")
BOARD = Evidence("state_board:CA", date(2026, 10, 18), "license_lookup", 0.95, "bench")
FRESH = Evidence("roster:bench", date(2026, 10, 1), "attestation", 0.8, "bench")
OLD = Evidence("roster:bench", date(2026, 6, 1), "attestation", 0.8, "bench")
LEIE = Evidence("oig_leie", date(2026, 11, 1), "bulk_file", 1.0, "bench")
SHOPPER = Evidence("secret_shopper", date(2026, 11, 20), "phone_survey", 0.7, "bench")
CODES = ("2084P0800X", "103TC0700X", "1041C0700X", "101YM0800X", "261QM0801X", "363LP0808X")
TREATMENTS = (Treatment.TMS_STANDARD, Treatment.ESKETAMINE_REMS, Treatment.IV_KETAMINE, Treatment.ECT)
NETWORK = "bench-payer"
BATCH = 5000


def generate(path: Path, members: int) -> SQLiteStore:
    rng = random.Random(7)
    zips = sorted((z, v) for z, v in zip_index().items() if v[3] == "CA")
    store = SQLiteStore(path)
    store.init_schema()
    store.upsert_taxonomies(list(nucc_taxonomies()))
    store.upsert_payers([Payer("bench", "Bench Health")])
    store.upsert_networks([Network(NETWORK, "Bench Payer Network", NetworkKind.PAYER, "bench")])
    store.record_exclusion_lists([ExclusionListLoad("LEIE", date(2026, 11, 1), LEIE)])
    store.upsert_employers([Employer("bench-employer", "Bench Employer")])
    for network_id, region in (("bench-ca", Region(state="CA")), ("bench-sf", Region(zip5="94103", radius_miles=25))):
        store.upsert_networks(
            [Network(network_id, network_id, NetworkKind.EMPLOYER, "bench-employer", regions=(region,))]
        )
    for start in range(0, members, BATCH):
        records, creds, access, offers, joined = [], [], [], [], []
        for i in range(start, min(start + BATCH, members)):
            npi = make_npi(f"1{i:08d}")
            z, (lat, lon, county, state) = rng.choice(zips)
            loc = Location(
                f"{i} Bench Way", "Somewhere", "CA", z, county=county, latitude=lat, longitude=lon, phone=f"415{i:07d}"
            )
            records.append(
                ProviderRecord(
                    npi=npi,
                    entity_type=EntityType.INDIVIDUAL,
                    evidence=NPPES,
                    first_name=f"B{i}",
                    last_name="Bench",
                    last_update=date(2026, 1, 1),
                    locations=[ProviderLocation(loc, True, NPPES)],
                    taxonomies=[ProviderTaxonomy(rng.choice(CODES), True, f"L{i}", "CA", NPPES)],
                )
            )
            creds.append(
                (
                    npi,
                    Credential(
                        CredentialKind.STATE_LICENSE,
                        BOARD,
                        number=f"L{i}",
                        state="CA",
                        status="active",
                        expires=date(2028, 1, 1),
                    ),
                )
            )
            answer = rng.random() < 0.6
            access.append(
                AccessFacts(
                    npi,
                    OLD if rng.random() < 0.1 else FRESH,
                    accepting_new_patients=answer,
                    telehealth=rng.random() < 0.3,
                    wait_days=rng.randint(2, 40),
                )
            )
            if rng.random() < 1 / 30:
                access.append(AccessFacts(npi, SHOPPER, accepting_new_patients=not answer))
            if rng.random() < 0.3:
                offers.append(TreatmentOffering(npi, rng.choice(TREATMENTS), FRESH, loc.key))
            joined.append(NetworkMember(NETWORK, npi, FRESH, date(2026, 10, 1)))
        store.upsert_providers(records)
        store.upsert_credentials(creds)
        store.upsert_access(access)
        store.upsert_treatments(offers)
        store.add_network_members(joined)
    return store


def timed(store: SQLiteStore, what: str, call):
    before, started = store.round_trips, time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    print(f"{what:<46} {seconds:8.2f} s  {store.round_trips - before:5d} round trips")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="bench/out/networks")
    parser.add_argument("--members", type=int, default=30_000)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"payer-{args.members}.db"
    if path.exists():
        store = SQLiteStore(path)
        store.init_schema()
    else:
        started = time.perf_counter()
        store = generate(path, args.members)
        print(f"generated {args.members:,} members in {time.perf_counter() - started:.1f} s")
    (network,) = store.networks([NETWORK])
    print(f"network {NETWORK}: {len(store.network_members(NETWORK)):,} members")
    timed(store, "members by specialty and county", lambda: network_reports.composition(store, network))
    accuracy = timed(store, "directory accuracy", lambda: network_reports.directory_accuracy(store, network, TODAY))
    for f in accuracy.fields:
        print(f"    {f.field:<24} verified {f.share_verified:.3f}  stale {f.stale:,}  contradicted {f.contradicted:,}")
    page = timed(
        store,
        "stale or contradicted: first page of 50",
        lambda: network_reports.stale_or_contradicted(store, network, TODAY, first=50),
    )
    print(f"    {len(page.items)} listings, {page.scanned:,} members judged")

    def walk() -> int:
        seen, cursor = 0, None
        while True:
            p = network_reports.stale_or_contradicted(store, network, TODAY, first=100, after=cursor)
            seen += len(p.items)
            if not p.has_next_page:
                return seen
            cursor = p.end_cursor

    print(f"    {timed(store, 'stale or contradicted: every page of 100', walk):,} listings in all")
    buffer = io.StringIO()
    rows = timed(store, "CSV export of every member", lambda: member_export.export_all(store, network, TODAY, buffer))
    print(f"    {rows:,} rows, {len(buffer.getvalue()) / 1e6:.1f} MB")
    for network_id in ("bench-ca", "bench-sf"):
        (employer_network,) = store.networks([network_id])
        label = f"candidates, first page of 20 ({employer_network.regions[0].state or '25 mi of 94103'})"
        page = timed(
            store, label, lambda n=employer_network: network_candidates.candidates_page(store, n, TODAY, first=20)
        )
        print(f"    {len(page.candidates)} candidates, {page.scanned:,} providers judged")
    store.close()


if __name__ == "__main__":
    main()
