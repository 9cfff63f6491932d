"""Time network adequacy on the generated inputs (gen_adequacy.py), from
reading the files to the written report, as `provnet adequacy` does it.

    python bench/adequacy/bench_adequacy.py --dir bench/out/adequacy
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from pathlib import Path

from directory.services import adequacy
from directory.store.sqlite import SQLiteStore


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default="bench/out/adequacy")
    parser.add_argument("--network", default="bench-ca")
    args = parser.parse_args()
    folder = Path(args.dir)
    marks: list[tuple[str, float]] = []
    t0 = time.perf_counter()

    def mark(stage: str) -> None:
        marks.append((stage, time.perf_counter()))

    members = adequacy.read_members(folder / "members.csv")
    mark("read members")
    standards = adequacy.default_standards()
    counties = adequacy.load_counties(folder / "counties.csv")
    specialties = adequacy.default_specialties()
    travel, speeds = adequacy.travel_from_settings({})
    mark("read standards, counties, specialties")
    store = SQLiteStore(folder / "store.db")
    result = adequacy.assess(
        store,
        args.network,
        members=members,
        standards=standards,
        counties=counties,
        specialties=specialties,
        travel=travel,
        speeds=speeds,
        today=date(2026, 1, 15),
    )
    mark("assess (store read, coverage, fixes)")
    report = adequacy.report_dict(
        result,
        members=members,
        standards=standards,
        counties=counties,
        specialties=specialties,
        today=date(2026, 1, 15),
    )
    (folder / "report.json").write_text(json.dumps(report, indent=2))
    (folder / "report.csv").write_text(adequacy.to_csv(adequacy.csv_rows(result), adequacy.CSV_COLUMNS))
    mark("write report")
    store.close()
    last = t0
    for stage, at in marks:
        print(f"{stage:40s} {at - last:6.2f} s")
        last = at
    s = report["summary"]
    print(
        f"total {last - t0:.2f} s: {members.rows:,} member rows, {len(members.counts):,} ZIPs, "
        f"{len(result.providers):,} providers read, {s['counties']} counties, {s['cells']} results "
        f"({s['passed']} passed, {s['failed']} failed), round trips {store.round_trips}"
    )


if __name__ == "__main__":
    main()
