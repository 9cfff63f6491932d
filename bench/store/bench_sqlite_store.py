"""Time the embedded store alone: write N synthetic provider records (spread
over the contiguous US) in ingest-sized batches, then run typical searches.

    python bench/store/bench_sqlite_store.py --records 1000000 --db bench/out/store_1m.db

Synthetic data is deliberately name-poor (26 first and 55 last names), which is
harder on the name pre-filter than real NPPES names.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date
from pathlib import Path

from directory.model import (
    AccessFacts,
    EntityType,
    Evidence,
    GeoPoint,
    Location,
    OtherName,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
    SearchCriteria,
    Treatment,
    TreatmentOffering,
)
from directory.npi import make_npi
from directory.store.sqlite import SQLiteStore

FIRST = (
    "James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan "
    "Joseph Jessica Thomas Sarah Charles Karen Ana Li Wei Mohammed Olga Priya"
).split()
LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez "
    "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez "
    "Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker "
    "Hall Rivera Campbell Mitchell Carter Roberts Kowalski Okafor Yamamoto Schmidt"
).split()
CODES = ("2084P0800X", "363LP0808X", "103T00000X", "1041C0700X", "101YM0800X", "207L00000X")
EVIDENCE = Evidence("nppes", date(2024, 5, 1), "bulk_file", 1.0, "npidata.csv")
NYC = GeoPoint(40.75, -73.98)
SEARCHES = {
    "near 25 mi": SearchCriteria(near=NYC, radius_miles=25),
    "near 100 mi + taxonomy": SearchCriteria(near=NYC, radius_miles=100, taxonomy_codes=("2084P0800X",)),
    "TMS + near 50 mi + telehealth": SearchCriteria(
        treatments=(Treatment.TMS_STANDARD,), near=NYC, radius_miles=50, include_telehealth=True
    ),
    "name with typos": SearchCriteria(name="Jonh Smyth"),
    "name + near": SearchCriteria(name="Jonh Smyth", near=NYC, radius_miles=100),
    "one-word name": SearchCriteria(name="Kowalsky"),
    "taxonomy only": SearchCriteria(taxonomy_codes=("207L00000X",)),
    "accepting + state": SearchCriteria(accepting_new_patients=True, state="PA"),
    "no filter": SearchCriteria(),
}


def _npi(i: int) -> str:
    return make_npi(f"{100_000_000 + i:09d}")


def record(i: int, rng: random.Random) -> ProviderRecord:
    lat, lon = rng.uniform(25, 48), rng.uniform(-123, -70)
    zip5 = f"{rng.randint(10000, 99999)}"
    places = [
        ProviderLocation(
            Location(f"{rng.randint(1, 9999)} Main St", "City", "NY", zip5, latitude=lat, longitude=lon), True, EVIDENCE
        )
    ]
    if i % 5 == 0:
        places.append(
            ProviderLocation(
                Location(
                    f"{rng.randint(1, 9999)} Oak Ave", "Town", "PA", zip5, latitude=lat + 0.1, longitude=lon + 0.1
                ),
                False,
                EVIDENCE,
            )
        )
    taxonomies = [ProviderTaxonomy(rng.choice(CODES), True, "L123", "NY", EVIDENCE)]
    if i % 3 == 0:
        taxonomies.append(ProviderTaxonomy(rng.choice(CODES), False, "L124", "NJ", EVIDENCE))
    others = [OtherName(rng.choice(LAST) + " Clinic", "3", EVIDENCE)] if i % 10 == 0 else []
    return ProviderRecord(
        _npi(i),
        EntityType.INDIVIDUAL,
        EVIDENCE,
        last_name=rng.choice(LAST),
        first_name=rng.choice(FIRST),
        middle_name="Q" if i % 4 == 0 else None,
        credential_text="MD",
        last_update=date(2024, 1, 1),
        locations=places,
        taxonomies=taxonomies,
        other_names=others,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--db", type=Path, default=Path("bench/out/store_bench.db"))
    args = parser.parse_args()
    for suffix in ("", "-wal", "-shm"):
        Path(str(args.db) + suffix).unlink(missing_ok=True)
    store = SQLiteStore(args.db)
    store.init_schema()
    rng = random.Random(7)
    started = time.perf_counter()
    batch: list[ProviderRecord] = []
    for i in range(args.records):
        batch.append(record(i, rng))
        if len(batch) == args.batch:
            store.upsert_providers(batch)
            batch = []
    store.upsert_providers(batch)
    seconds = time.perf_counter() - started
    print(
        f"upsert {args.records} records: {seconds:.1f} s, {args.records / seconds:.0f} records/s "
        "(generation and content hashing included)"
    )
    store.upsert_treatments(
        [
            TreatmentOffering(_npi(i), Treatment.TMS_STANDARD, EVIDENCE, telehealth=i % 7 == 0)
            for i in range(0, args.records, 50)
        ]
    )
    store.upsert_access(
        [
            AccessFacts(_npi(i), EVIDENCE, accepting_new_patients=True, telehealth=True)
            for i in range(0, args.records, 20)
        ]
    )
    for label, criteria in SEARCHES.items():
        timings = []
        for _ in range(3):
            t = time.perf_counter()
            page = store.search(criteria)
            timings.append(time.perf_counter() - t)
        print(f"{label:32s} best of 3 {1000 * min(timings):8.1f} ms  total={page.total}")
    store.close()
    print(f"database: {args.db.stat().st_size / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
