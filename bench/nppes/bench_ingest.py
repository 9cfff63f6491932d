"""Time the real NPPES ingest (``ingest.ingest_nppes``) on a generated
national-size main file, into a fresh embedded SQLite store on disk.

    python bench/nppes/gen_national.py                     # bench/out/npidata_pfile_national.csv, 9.3M rows
    python bench/nppes/bench_ingest.py --batch-size 30000                  # the whole file
    python bench/nppes/bench_ingest.py --rows 1000000 --batch-size 30000  # a 1M-row prefix

Prints the run report, wall seconds, rows/s and peak RSS (this process plus
any children), and ``--json`` writes the same figures to a file. The target of
the issue is at most 300 s and under 2 GB peak RSS for the 9.3M-row file
(figures and machine in ``bench/nppes/RESULTS.md``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import sys
import time
from pathlib import Path

from directory.store import open_store
from ingest import ingest_nppes

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench" / "out"
TARGET_SECONDS = 300
TARGET_RSS_BYTES = 2 * 1024**3


def prefix_file(source: Path, rows: int, target: Path) -> Path:
    """The header and the first ``rows`` physical lines of ``source`` (made once, reused)."""
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    tmp = target.with_suffix(".partial")
    with open(source, "rb") as src, open(tmp, "wb", buffering=16 << 20) as dst:
        for n, line in enumerate(src):
            if n > rows:
                break
            dst.write(line)
    os.replace(tmp, target)
    return target


def peak_rss_bytes() -> tuple[int, int]:
    """(this process, its waited-for children) peak resident set; Linux reports KiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return own, children


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=OUT / "npidata_pfile_national.csv")
    parser.add_argument("--rows", type=int, default=0, help="load only the first ROWS data rows (a prefix copy)")
    parser.add_argument("--db", type=Path, default=OUT / "bench_nppes.db", help="deleted first: always a fresh store")
    parser.add_argument("--batch-size", type=int, default=None, help="default: the batch_size setting")
    parser.add_argument("--scope", default="default")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(asctime)s %(name)s %(message)s"
    )

    if not args.file.exists():
        print(f"{args.file} not found: run bench/nppes/gen_national.py first", file=sys.stderr)
        return 2
    path = args.file
    if args.rows:
        path = prefix_file(args.file, args.rows, args.file.with_name(f"{args.file.stem}_{args.rows}.csv"))
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(args.db) + suffix).unlink(missing_ok=True)

    def progress(snapshot) -> None:
        print(
            f"  {snapshot.read:>10,} rows read  {snapshot.elapsed_seconds:7.1f} s  "
            f"loaded {snapshot.loaded:>9,}  cpu {time.process_time() - cpu_started:6.1f} s  "
            f"load average {os.getloadavg()[0]:.1f}",
            file=sys.stderr,
        )

    started, cpu_started = time.perf_counter(), time.process_time()
    store = open_store(f"sqlite:///{args.db}")
    try:
        report = ingest_nppes(
            store, path, scope=args.scope, batch_size=args.batch_size, progress=progress, progress_every=1_000_000
        )
    finally:
        store.close()
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    child_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    child_cpu = child_usage.ru_utime + child_usage.ru_stime
    own, children = peak_rss_bytes()
    db_bytes = sum(Path(str(args.db) + s).stat().st_size for s in ("", "-wal") if Path(str(args.db) + s).exists())

    print(report)
    figures = {
        "file": str(path),
        "file_bytes": path.stat().st_size,
        "rows_read": report.read,
        "rows_loaded": report.loaded,
        "rows_filtered": report.filtered_total,
        "rows_quarantined": report.quarantined_total,
        "filtered": report.filtered,
        "quarantined": report.quarantined,
        "adds_up": report.read == report.loaded + report.filtered_total + report.quarantined_total,
        "wall_seconds": round(wall, 1),
        "rows_per_second": round(report.read / wall),
        "cpu_seconds": round(cpu, 1),  # user + system of this process
        "cpu_seconds_children": round(child_cpu, 1),  # the reading child of a parallel load
        "peak_rss_mb": round(own / 2**20),
        "peak_rss_children_mb": round(children / 2**20),
        "db_mb": round(db_bytes / 2**20),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    print(
        f"wall {wall:.1f} s (cpu {cpu:.1f} s, child cpu {child_cpu:.1f} s), {figures['rows_per_second']:,} rows/s, "
        f"peak RSS {figures['peak_rss_mb']:,} MB "
        f"(children {figures['peak_rss_children_mb']:,} MB), store {figures['db_mb']:,} MB; "
        f"read == loaded + filtered + quarantined: {figures['adds_up']}"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    full = report.read >= 9_000_000
    if full:
        ok = wall <= TARGET_SECONDS and own + children < TARGET_RSS_BYTES
        print(f"target (<= {TARGET_SECONDS} s, < 2 GB): {'met' if ok else 'MISSED'}")
    return 0 if figures["adds_up"] else 1


if __name__ == "__main__":
    sys.exit(main())
