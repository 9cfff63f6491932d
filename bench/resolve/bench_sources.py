"""The five-source benchmark end to end: files -> mapping layer (and the NPPES
reader) -> EntityRecords -> resolve -> clusters -> pairwise precision, recall
and F1 against both truths (subparts separate, subparts merged), beside Splink
on the same records.

    .venv/bin/python bench/resolve/gen_sources.py --people 175000 --seed 1 --out bench/out/er5_s1
    .venv/bin/python bench/resolve/bench_sources.py bench/out/er5_s1                  # ours
    .venv/bin/python bench/resolve/bench_sources.py bench/out/er5_s1 --matcher splink # Splink 5 (DuckDB)

Each run is its own process, so its peak RSS is its own. Seconds: ``read`` is
reading and mapping the files into EntityRecords (the loaders' work, not
counted in ``resolve``); ``resolve`` is raw_frame + entity_frame + the
pipeline (blocking, comparison, EM, scoring, clustering) for ours, and
registering the frame + training + prediction + clustering for Splink.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from ingest.mapping import load_mapping, read_rows
from ingest.resolve import entity_frame, provider_settings, raw_frame, resolve_frame
from ingest.resolve.blocking import pairs_in_blocks
from ingest.resolve.records import EntityRecord
from ingest.resolve.sources import NppesReadReport, nppes_records, record_from_row


def read_sources(folder: Path) -> tuple[list[EntityRecord], dict[str, int]]:
    """Every source of ``sources.json`` as EntityRecords, through the real readers."""
    records: list[EntityRecord] = []
    problems: dict[str, int] = defaultdict(int)
    for spec in json.loads((folder / "sources.json").read_text()):
        path = folder / spec["file"]
        if spec["kind"] == "nppes":
            report = NppesReadReport()
            records.extend(nppes_records(path, spec["source"], report=report))
            for code, n in report.rejected.items():
                problems[f"nppes:{code}"] += n
            continue
        mapping = load_mapping(folder / spec["mapping"], spec["kind"])
        for number, row in enumerate(read_rows(path, mapping), start=1):
            for p in row.problems:
                problems[f"{spec['source']}:{p.code.value}"] += 1
            if row.values:  # a row with a bad date is still somebody: resolve what it says
                records.append(record_from_row(spec["kind"], spec["source"], row.values, number))
    return records, dict(problems)


def pair_codes(labels: np.ndarray) -> np.ndarray:
    positions = np.arange(len(labels), dtype=np.int64)
    left, right = pairs_in_blocks(positions, labels.astype(np.int64), max_block_size=10**9)
    return left << 32 | right


def scores(found: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    tp = len(np.intersect1d(truth, found, assume_unique=True))
    p = tp / len(found) if len(found) else 1.0
    r = tp / len(truth) if len(truth) else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f1, 4),
        "fp": len(found) - tp,
        "fn": len(truth) - tp,
    }


def truth_labels(folder: Path, refs: list[str], name: str) -> np.ndarray:
    truth = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
    entity = dict(zip(truth["source"] + ":" + truth["record_id"], truth["entity_id"]))
    missing = [r for r in refs if r not in entity]
    if missing:
        raise SystemExit(f"{len(missing)} records have no truth, e.g. {missing[:3]}")
    return pd.factorize(np.array([entity[r] for r in refs], dtype=object))[0]


def hard_case_rates(folder: Path, refs: list[str], clusters: np.ndarray) -> dict[str, str]:
    """Share of each kind of must-stay-apart entity pair that shares a cluster."""
    truth = pd.read_csv(folder / "truth_separate.csv", dtype=str, keep_default_na=False)
    entity_of = dict(zip(truth["source"] + ":" + truth["record_id"], truth["entity_id"]))
    clusters_of: dict[str, set[int]] = defaultdict(set)
    for ref, c in zip(refs, clusters.tolist()):
        clusters_of[entity_of[ref]].add(c)
    out = {}
    cases = pd.read_csv(folder / "hard_cases.csv", dtype=str)
    for case, group in cases.groupby("case"):
        merged = sum(bool(clusters_of[a] & clusters_of[b]) for a, b in zip(group["entity_a"], group["entity_b"]))
        out[str(case)] = f"{merged}/{len(group)} = {merged / len(group):.1%}"
    return out


def run_ours(frame_records: list[EntityRecord]) -> tuple[np.ndarray, int, dict]:
    frame = entity_frame(raw_frame(frame_records))
    result = resolve_frame(frame, provider_settings())
    return result.clusters, int((result.status == 2).sum()), result.timings


def run_splink(records: list[EntityRecord]) -> tuple[np.ndarray, int, dict]:
    from splink_model import splink_clusters

    frame = entity_frame(raw_frame(records))
    return splink_clusters(frame)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--matcher", choices=("ours", "splink"), default="ours")
    ap.add_argument("--export", type=Path, help="write source,record_id,entity_id of every record here")
    ap.add_argument("--json", type=Path, help="append the figures to this JSON-lines file")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(relativeCreated)8.0f ms %(name)s %(message)s")
    t0 = time.perf_counter()
    records, problems = read_sources(args.folder)
    read_s = time.perf_counter() - t0
    refs = [r.ref for r in records]
    t1 = time.perf_counter()
    cpu1 = time.process_time()
    clusters, review, timings = (run_ours if args.matcher == "ours" else run_splink)(records)
    resolve_s = time.perf_counter() - t1
    cpu_s = time.process_time() - cpu1
    rss_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    found = pair_codes(clusters)
    figures = {
        "folder": str(args.folder),
        "matcher": args.matcher,
        "records": len(records),
        "row_problems": problems,
        "separate": scores(found, pair_codes(truth_labels(args.folder, refs, "truth_separate.csv"))),
        "merged": scores(found, pair_codes(truth_labels(args.folder, refs, "truth_merged.csv"))),
        "predicted_pairs": len(found),
        "review_queue": review,
        "review_share": round(review / len(records), 4),
        "hard_cases": hard_case_rates(args.folder, refs, clusters),
        "seconds": {"read": round(read_s, 1), "resolve": round(resolve_s, 1), "resolve_cpu": round(cpu_s, 1)},
        "stages": timings,
        "peak_rss_gb": round(rss_gb, 2),
    }
    print(json.dumps(figures, indent=1))
    if args.json:
        with open(args.json, "a") as handle:
            handle.write(json.dumps(figures) + "\n")
    if args.export:
        with open(args.export, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["source", "record_id", "entity_id"])
            for ref, c in zip(refs, clusters.tolist()):
                source, _, record_id = ref.partition(":")
                writer.writerow([source, record_id, c])


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
