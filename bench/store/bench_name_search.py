"""Name search on a store loaded by the NPPES benchmark: the size and build time
of the name-word index, and the latency of name queries.

    python bench/nppes/gen_national.py --rows 1000000 --out bench/out/np1m.csv
    python bench/nppes/bench_ingest.py --file bench/out/np1m.csv --db bench/out/np1m.db --batch-size 30000
    python bench/store/bench_name_search.py --db bench/out/np1m.db

The build is timed on a copy of the store, as the end of a bulk load does it:
every stored name pending, their words inserted in one statement
(``name word index caught up`` in the log of ``bench_ingest.py --verbose`` is
the same step of the real load). ``--copies N`` first adds N more copies of
the stored names (a letter appended to each, so words vary): with 8, the 1M
prefix's names become a national-size set of about 1.3M.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path

from directory.model import SearchCriteria
from directory.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]
#: Words of the generated file's few hundred names: exact, a transposition,
#: a one-word typo, a short prefix (thousands of hits), an organization.
QUERIES = ("Michael Martinez", "Micheal Martinez", "Smyth", "Mart", "Heather Wilson", "Reynolds Health", "Quilpocket")


def index_size(path: Path) -> dict[str, float]:
    """MiB of each name table and index (SQLite's dbstat)."""
    raw = sqlite3.connect(path)
    try:
        rows = raw.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    finally:
        raw.close()
    return {name: size / 2**20 for name, size in rows if "name" in name and name != "other_name"}


def time_build(path: Path, copies: int) -> None:
    scratch = path.with_name(path.stem + "_build.db")
    shutil.copyfile(path, scratch)
    try:
        raw = sqlite3.connect(scratch)
        with raw:
            top = raw.execute("SELECT max(id) FROM provider_name").fetchone()[0] or 0
            for k in range(copies):
                suffix = "ABCDEFGHIJ"[k % 10] * (k % 3 + 1)
                raw.execute(
                    "INSERT INTO provider_name (npi, name) "
                    "SELECT npi, name || ' ' || ? FROM provider_name WHERE id <= ?",
                    (suffix, top),
                )
        raw.close()
        store = SQLiteStore(scratch)
        store.init_schema()
        with store._tx() as conn:  # the state at the end of a bulk load: every name pending
            conn.execute("DELETE FROM name_word")
            conn.execute("INSERT INTO name_word_pending SELECT id FROM provider_name")
            names = conn.execute("SELECT count(*) FROM provider_name").fetchone()[0]
        store._begin_bulk()
        wall, cpu = time.perf_counter(), time.process_time()
        store._end_bulk()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        with store._tx(write=False) as conn:
            words = conn.execute("SELECT count(*) FROM name_word").fetchone()[0]
        store.close()
        print(f"name-word index build: {names:,} names -> {words:,} rows in {wall:.2f} s ({cpu:.2f} s CPU)")
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(scratch) + suffix).unlink(missing_ok=True)


def time_queries(path: Path, runs: int) -> None:
    store = SQLiteStore(path)
    store.init_schema()
    try:
        for query in QUERIES:
            criteria = SearchCriteria(name=query, limit=20)
            store.search(criteria)  # warm the page cache
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                page = store.search(criteria)
                times.append((time.perf_counter() - started) * 1000)
            top = ", ".join(h.display_name for h in page.hits[:2])
            print(
                f"{query!r:20} {page.total:6,} hits  median {statistics.median(times):6.1f} ms  "
                f"max {max(times):6.1f} ms  first: {top}"
            )
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "bench_nppes.db")
    parser.add_argument("--runs", type=int, default=9, help="timed runs of each query")
    parser.add_argument("--copies", type=int, default=0, help="extra copies of the names for the build")
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"{args.db} not found: run bench/nppes/bench_ingest.py first", file=sys.stderr)
        return 2
    for name, mib in sorted(index_size(args.db).items()):
        print(f"{name:24} {mib:7.2f} MiB")
    if not args.skip_build:
        time_build(args.db, args.copies)
    time_queries(args.db, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
