"""The five-source benchmark through the product's real path: every file loaded
with the real ``provnet`` commands into a fresh embedded store, ``provnet
resolve --export``, and the export scored (pairwise precision, recall and F1
under both truths, the review queue). This is how the held-out benchmark is
scored, so these are the figures that count.

    .venv/bin/python bench/resolve/gen_sources.py --people 165000 --seed 1 --out bench/out/er5_s1
    .venv/bin/python bench/resolve/bench_real_path.py bench/out/er5_s1

Each command is its own process (``provnet`` console script), timed wall and
CPU, with its own peak RSS (``os.wait4``). The store is a new SQLite file
(``--store``, default ``<folder>/real_path.db``, removed first). Commands:

    S=sqlite:///DB; D=2026-01-15
    provnet --store $S db init
    provnet --store $S ingest nppes npidata_pfile_....csv --scope all -q
    provnet --store $S ingest roster roster.csv --mapping roster.mapping.json --source roster --as-of $D
    provnet --store $S ingest licenses licences.txt --mapping licences.mapping.json --source licences --as-of $D
    provnet --store $S ingest sites tms_sites.csv --kind tms --mapping tms_sites.mapping.json \
        --source tms_sites --as-of $D
    provnet --store $S ingest sites rems_sites.tsv --kind esketamine_rems --mapping rems_sites.mapping.json \
        --source rems_sites --as-of $D
    provnet --store $S resolve --export export.csv

Scoring: the pairs of records that share an ``entity_id`` in the export against
the pairs that share one in each truth file, over the records of the export;
records of a truth file the export lacks (rows a load filtered or quarantined)
are counted and their pairs reported as missed in ``*_all`` (as singletons).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from bench_sources import pair_codes, scores  # noqa: E402

PROVNET = str(Path(sys.executable).with_name("provnet"))


def run(argv: list[str], log: Path) -> dict:
    """One provnet command in its own process: wall and CPU seconds, peak RSS."""
    started = time.perf_counter()
    with open(log, "a", encoding="utf-8") as out:
        out.write("$ " + " ".join(argv) + "\n")
        out.flush()
        proc = subprocess.Popen([PROVNET, *argv], stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}); see {log}")
    return {
        "command": " ".join(argv[2:4]),
        "wall_s": round(wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_gb": round(usage.ru_maxrss / 1024**2, 2),
    }


def commands(folder: Path, store: str, export: Path, as_of: str) -> list[list[str]]:
    out = [["--store", store, "db", "init"]]
    for spec in json.loads((folder / "sources.json").read_text()):
        path = str(folder / spec["file"])
        if spec["kind"] == "nppes":
            out.append(["--store", store, "ingest", "nppes", path, "--scope", "all", "-q"])
            continue
        mapping = ["--mapping", str(folder / spec["mapping"]), "--source", spec["source"], "--as-of", as_of]
        if spec["kind"] == "roster":
            out.append(["--store", store, "ingest", "roster", path, *mapping])
        elif spec["kind"] == "licences":
            out.append(["--store", store, "ingest", "licenses", path, *mapping])
        else:
            out.append(["--store", store, "ingest", "sites", path, "--kind", spec["kind"], *mapping])
    out.append(["--store", store, "resolve", "--export", str(export)])
    return out


def score_export(folder: Path, export: Path) -> dict:
    found = pd.read_csv(export, dtype=str, keep_default_na=False)
    refs = (found["source"] + ":" + found["record_id"]).to_numpy(dtype=object)
    clusters = pd.factorize(found["entity_id"])[0]
    predicted = pair_codes(clusters)
    out: dict = {"exported": len(found), "predicted_pairs": len(predicted)}
    for name in ("separate", "merged"):
        truth = pd.read_csv(folder / f"truth_{name}.csv", dtype=str, keep_default_na=False)
        entity = dict(zip(truth["source"] + ":" + truth["record_id"], truth["entity_id"]))
        unknown = [r for r in refs if r not in entity]
        if unknown:
            raise SystemExit(f"{len(unknown)} exported records have no truth, e.g. {unknown[:3]}")
        labels = pd.factorize(np.array([entity[r] for r in refs], dtype=object))[0]
        out[name] = scores(predicted, pair_codes(labels))
        # every truth record: those the export lacks are singletons (their pairs missed)
        missing = sorted(set(entity) - set(refs.tolist()))
        every = np.concatenate([refs, np.array(missing, dtype=object)])
        all_found = np.concatenate([clusters, np.arange(len(missing)) + clusters.max(initial=-1) + 1])
        all_truth = pd.factorize(np.array([entity[r] for r in every], dtype=object))[0]
        out[f"{name}_all"] = scores(pair_codes(all_found), pair_codes(all_truth))
        out["missing_from_export"] = len(missing)
    return out


def store_figures(db: Path) -> dict:
    from directory.model import MatchStatus
    from directory.store import open_store

    with open_store(f"sqlite:///{db}") as store:
        review = len(store.matches(status=MatchStatus.REVIEW, limit=None))
        statuses: dict[str, int] = {}
        for link in store.iter_resolution_links():
            statuses[link.status.value] = statuses.get(link.status.value, 0) + 1
        counts = store.counts()
    return {"review_queue": review, "link_statuses": statuses, "counts": counts}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--store", type=Path, help="the SQLite file (default <folder>/real_path.db; removed first)")
    ap.add_argument("--as-of", default="2026-01-15", help="--as-of of the record files")
    ap.add_argument("--json", type=Path, help="append the figures to this JSON-lines file")
    args = ap.parse_args()
    db = args.store or args.folder / "real_path.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    export = args.folder / "real_path_export.csv"
    log = args.folder / "real_path.log"
    log.write_text("")
    steps = [run(argv, log) for argv in commands(args.folder, f"sqlite:///{db}", export, args.as_of)]
    figures = {
        "folder": str(args.folder),
        "steps": steps,
        "load_wall_s": round(sum(s["wall_s"] for s in steps[:-1]), 1),
        "resolve_wall_s": steps[-1]["wall_s"],
        "peak_rss_gb": max(s["peak_rss_gb"] for s in steps),
        **score_export(args.folder, export),
        **store_figures(db),
        "loadavg": os.getloadavg(),
    }
    figures["review_share"] = round(figures["review_queue"] / max(1, figures["exported"]), 4)
    print(json.dumps(figures, indent=1))
    if args.json:
        with open(args.json, "a") as handle:
            handle.write(json.dumps(figures) + "\n")
    if shutil.which("uptime"):
        subprocess.run(["uptime"], check=False)


if __name__ == "__main__":
    main()
