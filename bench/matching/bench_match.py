"""matchProviders under load: `provnet serve` on the generated directory, driven
over HTTP by wrk with bench/matching/match.lua (a typical navigator need per
request, ZIP and treatment varied), at 1 client and at 16.

    apt-get install wrk            # the load generator (Debian package)
    python bench/matching/gen_directory.py --providers 1000000 --db bench/out/match_1m.db
    python bench/matching/bench_match.py --db bench/out/match_1m.db --workers 1 2

For each worker count: refresh the ranking profiles that are stale (a nightly
job's work; a new day makes every profile stale), start the server, warm it up
(20 s at 16 clients, so every worker has its connections and caches), then
measure. Prints the machine, the load average around each run (other jobs on a
shared machine make the figures pessimistic) and one JSON line per run.
Targets: 1 client p50 <= 10 ms and p99 <= 25 ms; 16 clients >= 500 requests/s
with p99 <= 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

from directory.services.matching import refresh_profiles
from directory.store import open_store

LUA = Path(__file__).resolve().parent / "match.lua"
ZIPS = 5000


def machine() -> str:
    lines = [subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip()]
    cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
    lines += [line for line in cpu if line.split(":")[0] in ("Model name", "CPU(s)", "Thread(s) per core")]
    lines += [subprocess.run(["free", "-g"], capture_output=True, text=True).stdout.splitlines()[1]]
    lines.append(f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}")
    return "\n".join(lines)


def load() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_seconds(server: subprocess.Popen) -> float:
    """User and system CPU seconds of the server and its worker processes so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, session = int(stat.parent.name), int(fields[3])  # fields after the name: state ppid pgrp session ...
        if session == server.pid or pid == server.pid:
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def write_zips(db: Path, out: Path) -> None:
    """ZIPs drawn from the providers' primary locations: a dense metro comes up as often as its providers."""
    conn = sqlite3.connect(db)
    found = [
        r[0]
        for r in conn.execute(
            "SELECT l.zip5 FROM provider_location pl JOIN location l ON l.id = pl.location_id "
            "WHERE pl.is_primary = 1 ORDER BY pl.npi"
        )
    ]
    conn.close()
    rng = random.Random(7)
    out.write_text("\n".join(rng.choice(found) for _ in range(ZIPS)) + "\n")


def wrk(url: str, zips: Path, threads: int, clients: int, seconds: int, variant: str = "full") -> dict:
    done = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{clients}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            url,
            "--",
            str(zips),
            variant,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def serve(db: Path, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "PROVNET_STORE": f"sqlite:///{db}"}
    env.pop("PROVNET_AUTH_TOKENS", None)
    provnet = Path(sys.executable).with_name("provnet")
    server = subprocess.Popen(
        [str(provnet), "serve", "--port", str(port), "--workers", str(workers)], env=env, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                return server
        except requests.ConnectionError:
            time.sleep(0.5)
    stop(server)
    raise SystemExit("the server did not start")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)  # the server and its workers: the session this script started
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("bench/out/match_1m.db"))
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--port", type=int, default=8177)
    parser.add_argument(
        "--variants",
        nargs="+",
        default=["full"],
        choices=["full", "list"],
        help="full: matches with the evidence of their treatment claims; list: without it",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    print(machine())
    zips = args.db.with_name(args.db.stem + "_zips.txt")
    write_zips(args.db, zips)
    store = open_store(f"sqlite:///{args.db}")
    started = time.monotonic()
    report = refresh_profiles(store, datetime.now(UTC).date())
    store.close()
    print(f"profiles: {report.computed:,} recomputed, {report.fresh:,} fresh ({time.monotonic() - started:.1f} s)")
    url = f"http://127.0.0.1:{args.port}/graphql"
    for workers in args.workers:
        server = serve(args.db, args.port, workers)
        try:
            wrk(url, zips, 2, 16, 20)  # warm-up
            for variant, (threads, clients) in ((v, run) for v in args.variants for run in ((1, 1), (2, 16))):
                before, cpu = load(), cpu_seconds(server)
                result = wrk(url, zips, threads, clients, args.seconds, variant)
                # CPU per request depends far less on the other jobs of a shared machine than latency does
                per_request = (cpu_seconds(server) - cpu) * 1000 / max(1, result["requests"])
                extra = {
                    "server_cpu_ms_per_request": round(per_request, 2),
                    "load_before": before,
                    "load_after": load(),
                }
                print(
                    json.dumps({"workers": workers, "clients": clients, "query": variant, **result, **extra}),
                    flush=True,
                )
        finally:
            stop(server)


if __name__ == "__main__":
    main()
