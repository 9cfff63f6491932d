"""Generate the network adequacy benchmark inputs (deterministic, seed 11):

* a SQLite store with 50,000 providers across every county of California, each
  at a real ZIP centroid (ZIPs weighted towards the dense counties), holding
  real NUCC taxonomies of the five specialties (some two), 60 % of them in the
  network ``bench-ca`` in the dense counties and fewer in the sparse ones (so
  some counties fail and the fixes are computed), 10 % with telehealth access facts;
* ``members.csv``: 1,000,000 member-level rows ``member_id,zip`` (opaque ids);
* ``counties.csv``: every California county of the ``zipcodes`` table with a
  county type. The types are synthetic (by how many ZIPs a county has), not
  CMS's designations: the benchmark measures speed, not California.

    python bench/adequacy/gen_adequacy.py --out bench/out/adequacy
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from datetime import date
from pathlib import Path

import numpy as np

from directory.model import (
    AccessFacts,
    EntityType,
    Evidence,
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
from directory.services.adequacy.zips import zip_index
from directory.store.sqlite import SQLiteStore

STATE = "CA"
NETWORK = "bench-ca"
EV = Evidence("nppes", date(2026, 1, 5), "bulk_file", 1.0, "bench")
ROSTER = Evidence("roster:bench", date(2026, 1, 5), "attestation", 0.9, "bench")
#: (taxonomy code, weight): individuals of the four clinician specialties and the two facility kinds
CODES = (
    ("2084P0800X", 18),
    ("103TC0700X", 14),
    ("1041C0700X", 30),
    ("101YM0800X", 20),
    ("261QM0801X", 12),
    ("283Q00000X", 6),
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="bench/out/adequacy")
    parser.add_argument("--providers", type=int, default=50_000)
    parser.add_argument("--members", type=int, default=1_000_000)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(11)
    nrng = np.random.default_rng(11)
    zips = sorted((z, v) for z, v in zip_index().items() if v[3] == STATE and v[2])
    by_county: dict[str, list[str]] = {}
    for z, v in zips:
        by_county.setdefault(v[2] or "", []).append(z)
    # dense counties (many ZIPs) weigh more, as members and providers do
    weights = np.array([len(by_county[v[2] or ""]) ** 0.5 for _, v in zips], float)
    weights /= weights.sum()

    kinds: dict[str, str] = {}
    joins = {"Large Metro": 0.6, "Metro": 0.5, "Micro": 0.25, "Rural": 0.1, "CEAC": 0.05}
    with (out / "counties.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["state", "county", "county_type"])
        for county, members in sorted(by_county.items()):
            n = len(members)
            kind = (
                "Large Metro"
                if n >= 100
                else "Metro"
                if n >= 30
                else "Micro"
                if n >= 12
                else "Rural"
                if n >= 5
                else "CEAC"
            )
            kinds[county] = kind
            w.writerow([STATE, county, kind])

    started = time.monotonic()
    member_zips = nrng.choice(len(zips), size=args.members, p=weights)
    with (out / "members.csv").open("w", newline="") as f:
        f.write("member_id,zip\n")
        f.writelines(f"M{i:08d},{zips[j][0]}\n" for i, j in enumerate(member_zips))
    print(f"members.csv: {args.members:,} rows in {time.monotonic() - started:.1f} s")

    db = out / "store.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = SQLiteStore(db)
    store.init_schema()
    store.upsert_taxonomies(list(nucc_taxonomies()))
    store.upsert_networks([Network(NETWORK, "Bench CA network", NetworkKind.PAYER, "bench")])
    codes, code_weights = zip(*CODES)
    provider_zips = nrng.choice(len(zips), size=args.providers, p=weights)
    started = time.monotonic()
    members: list[NetworkMember] = []
    tele: list[AccessFacts] = []
    with store.bulk_load():
        batch: list[ProviderRecord] = []
        for i in range(args.providers):
            npi = make_npi(f"{1_100_000_00 + i:09d}")
            z, (lat, lon, county, _) = zips[int(provider_zips[i])]
            taxa = rng.choices(codes, weights=code_weights, k=2 if rng.random() < 0.15 else 1)
            org = taxa[0] in ("261QM0801X", "283Q00000X")
            record = ProviderRecord(
                npi=npi,
                entity_type=EntityType.ORGANIZATION if org else EntityType.INDIVIDUAL,
                evidence=EV,
                organization_name=f"BENCH CLINIC {i}" if org else None,
                first_name=None if org else "ALEX",
                last_name=None if org else f"BENCH{i}",
                last_update=date(2025, 12, 1),
                locations=[
                    ProviderLocation(Location(f"{i} MAIN ST", "TOWN", STATE, z, "", county, lat, lon), True, EV)
                ],
                taxonomies=[
                    ProviderTaxonomy(code, k == 0, f"L{i}", STATE, EV) for k, code in enumerate(dict.fromkeys(taxa))
                ],
            )
            batch.append(record)
            if rng.random() < joins[kinds[county or ""]]:
                members.append(NetworkMember(NETWORK, npi, ROSTER))
            if rng.random() < 0.1:
                tele.append(AccessFacts(npi, ROSTER, telehealth=True))
            if len(batch) == 5000:
                store.upsert_providers(batch)
                batch = []
        store.upsert_providers(batch)
    for start in range(0, len(members), 5000):
        store.add_network_members(members[start : start + 5000])
    store.upsert_access(tele)
    print(
        f"store.db: {args.providers:,} providers, {len(members):,} in {NETWORK} in {time.monotonic() - started:.1f} s"
    )
    store.close()


if __name__ == "__main__":
    main()
