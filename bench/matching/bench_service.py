"""Where a match answer's time goes, without HTTP: the matching service alone
(CPU per need, by how many candidates the need has) and the whole GraphQL
execution in process, on the generated directory. CPU seconds, so the figures
move less with other jobs on a shared machine than latencies do.

    python bench/matching/bench_service.py --db bench/out/match_1m.db --needs 400
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from directory.geo import zip_centroid
from directory.model import Treatment
from directory.services.matching import Need, Telehealth, match_providers
from directory.store import open_store
from schema.auth import ANONYMOUS
from schema.context import Context
from schema.root import build_schema

TRD = [
    Treatment.TMS_STANDARD,
    Treatment.ESKETAMINE_REMS,
    Treatment.IV_KETAMINE,
    Treatment.ECT,
    Treatment.TMS_ACCELERATED,
]
PLANS = ["plan-0", "plan-1", "plan-2", None]
BANDS = ((0, 50), (50, 150), (150, 400), (400, 800), (800, 10**9))
QUERY = (
    "query Match($need: PatientNeedInput!) { matchProviders(need: $need, first: 10) { "
    "totalCount considered relaxed { kind added } errors { code message } "
    "matches { rank score distanceMiles via relaxed unknown npi name components { name points } "
    "treatments { treatment evidence { source retrieved currentConfidence } } } } }"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("bench/out/match_1m.db"))
    parser.add_argument("--needs", type=int, default=400)
    args = parser.parse_args()
    zips = args.db.with_name(args.db.stem + "_zips.txt").read_text().split()  # written by bench_match.py
    store = open_store(f"sqlite:///{args.db}")
    today = datetime.now(UTC).date()
    rng = random.Random(1)
    needs = []
    for _ in range(args.needs):
        point, _, state = zip_centroid(rng.choice(zips)) or (None, None, None)
        treatment, plan = rng.choice(TRD), rng.choice(PLANS)
        needs.append(Need(near=point, max_miles=25, treatments=(treatment,), state=state, plan_id=plan))
    for need in needs:  # warm: page cache, parsed profiles
        match_providers(store, need, today)
    gc.collect()
    gc.freeze()
    costs = []
    for need in needs:
        started = time.process_time()
        found = match_providers(store, need, today)
        costs.append((found.considered, (time.process_time() - started) * 1000))
    print(f"matching service, {args.needs} needs (25 miles, a TRD treatment, a national plan or none):")
    for low, high in BANDS:
        band = [ms for n, ms in costs if low <= n < high]
        if band:
            share = 100 * len(band) / len(costs)
            top = high if high < 10**9 else "more"
            print(f"  {low}-{top} candidates: {share:.1f} % of needs, {statistics.mean(band):.2f} ms CPU")
    print(f"  mean {statistics.mean(ms for _, ms in costs):.2f} ms CPU per need")

    schema = build_schema()

    async def run() -> None:
        for need in needs:
            variables = {
                "need": {
                    "near": {"latitude": need.near.latitude, "longitude": need.near.longitude},
                    "state": need.state,
                    "maxMiles": 25,
                    "treatments": [need.treatments[0].name],
                    "planId": need.plan_id,
                    "telehealth": Telehealth.IF_NEEDED.name,
                }
            }
            result = await schema.execute(QUERY, variables, context_value=Context.build(store, ANONYMOUS))
            assert not result.errors, result.errors

    asyncio.run(run())  # warm
    started = time.process_time()
    asyncio.run(run())
    per_need = (time.process_time() - started) * 1000 / len(needs)
    print(f"GraphQL in process (the benchmark's query): {per_need:.2f} ms CPU per need")
    store.close()


if __name__ == "__main__":
    main()
