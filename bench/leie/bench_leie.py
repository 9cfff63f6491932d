"""Time `provnet ingest leie` on a national-size LEIE file against a directory.

    python bench/leie/bench_leie.py --rows 83000 --directory 100000 --out bench/out/leie

Writes a synthetic ``UPDATED.csv`` in the published layout (18 quoted columns,
header unquoted, CRLF, dates YYYYMMDD with 00000000 for none, NPI 0000000000 on
most rows) of ``--rows`` rows: 85 % individuals and 15 % businesses, an NPI on
12 % of them; ``--named`` rows name providers of the directory (by NPI, or by
name and state). The directory is either the bundled sample loaded through the
real ingest (``--directory 0``) or ``--directory`` synthetic individuals and
organizations (deterministic, seed 7). It then loads the file into a fresh
store twice (the second run changes nothing) and prints the reports and times.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from datetime import date
from pathlib import Path

from directory.model import EntityType, Evidence, Location, ProviderLocation, ProviderRecord, ProviderTaxonomy
from directory.npi import make_npi
from directory.store.sqlite import SQLiteStore
from ingest.sources.leie import load_leie
from ingest.sources.leie_rows import COLUMNS

FIRSTS = "JAMES MARY JOHN PATRICIA ROBERT JENNIFER MICHAEL LINDA WILLIAM ELIZABETH DAVID BARBARA".split()
LASTS = (
    "SMITH JOHNSON WILLIAMS BROWN JONES GARCIA MILLER DAVIS RODRIGUEZ MARTINEZ HERNANDEZ LOPEZ GONZALEZ "
    "WILSON ANDERSON THOMAS TAYLOR MOORE JACKSON MARTIN LEE PEREZ THOMPSON WHITE HARRIS SANCHEZ CLARK"
).split()
STATES = "NY NJ CA TX FL IL PA OH GA NC MI MA WA AZ CO".split()
NPPES = Evidence("nppes", date(2025, 10, 6), "bulk_file", 1.0, "synthetic")


def synthetic_directory(store: SQLiteStore, n: int, rng: random.Random) -> list[tuple]:
    people = []
    batch: list[ProviderRecord] = []
    for i in range(n):
        npi = make_npi(f"1{i:08d}")
        state = rng.choice(STATES)
        loc = Location(f"{i} Main St", "Town", state, "10001")
        if i % 10 == 9:
            name = f"{rng.choice(LASTS)} {rng.choice(['CLINIC', 'PHARMACY', 'CARE'])} {i}"
            batch.append(
                ProviderRecord(
                    npi,
                    EntityType.ORGANIZATION,
                    NPPES,
                    organization_name=name,
                    locations=[ProviderLocation(loc, True, NPPES)],
                )  # fmt: skip
            )
            people.append(("org", npi, name, state))
        else:
            first, last, middle = rng.choice(FIRSTS), rng.choice(LASTS) + str(i % 997), rng.choice("ABCDEFG")
            batch.append(
                ProviderRecord(
                    npi,
                    EntityType.INDIVIDUAL,
                    NPPES,
                    first_name=first,
                    middle_name=middle,
                    last_name=last,
                    locations=[ProviderLocation(loc, True, NPPES)],
                    taxonomies=[ProviderTaxonomy("2084P0800X", True, "L1", state, NPPES)],
                )  # fmt: skip
            )
            people.append(("person", npi, (first, middle, last), state))
        if len(batch) == 20_000:
            store.upsert_providers(batch)
            batch = []
    store.upsert_providers(batch)
    return people


def sample_directory(store: SQLiteStore) -> list[tuple]:
    from ingest import ingest_nppes, load_taxonomies
    from ingest.sources.catalog import load_catalog

    sample = Path("data/sample")
    load_taxonomies(store)
    (nppes,) = [p for p in sample.glob("npidata_pfile_*.csv")]
    ingest_nppes(store, nppes, scope="all")
    load_catalog(store, sample / "catalog.json")
    people = []
    for page in store.provider_npi_pages():
        for npi, r in store.providers(page).items():
            state = (store.locations_for([npi]).get(npi) or [None])[0]
            st = state.location.state if state else "NY"
            if r.entity_type is EntityType.ORGANIZATION:
                people.append(("org", npi, r.organization_name, st))
            else:
                people.append(("person", npi, (r.first_name, r.middle_name or "", r.last_name), st))
    return people


def write_file(path: Path, rows: int, named: int, people: list[tuple], rng: random.Random) -> None:
    def q(values: list[str]) -> str:
        return ",".join(f'"{v}"' for v in values)

    chosen = rng.sample(people, min(named, len(people)))
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(COLUMNS) + "\r\n")
        for i in range(rows):
            excl = f"{rng.randint(1990, 2025)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            v = dict.fromkeys(COLUMNS, "")
            v.update(NPI="0000000000", EXCLDATE=excl, REINDATE="00000000", WAIVERDATE="00000000", EXCLTYPE="1128a1")
            v["STATE"] = rng.choice(STATES)
            if i < len(chosen):
                kind, npi, name, state = chosen[i]
                v["STATE"] = state
                if i % 3 == 0:
                    v["NPI"] = npi
                if kind == "org":
                    v["BUSNAME"] = str(name).upper()
                else:
                    v["FIRSTNAME"], v["MIDNAME"], v["LASTNAME"] = (str(x or "").upper() for x in name)
            elif rng.random() < 0.15:
                v["BUSNAME"] = f"{rng.choice(LASTS)} MEDICAL SUPPLY {i} INC"
                v["GENERAL"] = "OTHER BUSINESS"
            else:
                v["FIRSTNAME"], v["LASTNAME"] = rng.choice(FIRSTS), f"{rng.choice(LASTS)}X{i}"
                v["MIDNAME"] = rng.choice(["", "A", "B"])
                v["GENERAL"] = "IND- LIC HC SERV PRO"
                if rng.random() < 0.12:
                    v["NPI"] = make_npi(f"19{i:07d}")
            f.write(q([v[c] for c in COLUMNS]) + "\r\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=83_000)
    parser.add_argument("--named", type=int, default=600, help="rows naming providers of the directory")
    parser.add_argument("--directory", type=int, default=0, help="synthetic providers (0: the bundled sample)")
    parser.add_argument("--out", default="bench/out/leie")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    db = out / f"leie_{args.directory or 'sample'}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = SQLiteStore(db)
    store.init_schema()
    started = time.perf_counter()
    people = synthetic_directory(store, args.directory, rng) if args.directory else sample_directory(store)
    print(f"directory: {len(people):,} providers in {time.perf_counter() - started:.1f} s")
    path = out / "UPDATED.csv"
    write_file(path, args.rows, args.named, people, rng)
    print(f"file: {args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB")
    for attempt in ("first load", "re-run"):
        started, cpu = time.perf_counter(), time.process_time()
        report = load_leie(store, path, as_of=date(2025, 11, 10))
        print(f"{attempt}: {time.perf_counter() - started:.1f} s wall, {time.process_time() - cpu:.1f} s CPU")
        print(report)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    store.close()


if __name__ == "__main__":
    main()
