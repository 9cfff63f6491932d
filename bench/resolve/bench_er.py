"""Our matcher on the NPPES-shaped benchmark: precision, recall and time.

    .venv/bin/python bench/resolve/gen_nppes_er.py --records 1000000 --out bench/out/er_1m.parquet
    .venv/bin/python bench/resolve/bench_er.py bench/out/er_1m.parquet

Time covers normalisation (entity_frame) and the whole pipeline (blocking,
comparison, EM training, scoring, clustering); reading the file is reported apart.
Precision and recall are pairwise over the final clusters against ``entity_id``.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd

from directory.model import EntityType
from ingest.resolve import EntityRecord, entity_frame, provider_settings, raw_frame, resolve_frame
from ingest.resolve.blocking import pairs_in_blocks


def pair_codes(labels: np.ndarray) -> np.ndarray:
    """All within-group pairs of record positions as sorted int64 codes."""
    positions = np.arange(len(labels), dtype=np.int64)
    left, right = pairs_in_blocks(positions, labels.astype(np.int64), max_block_size=10**9)
    return left << 32 | right


def as_records(raw: pd.DataFrame) -> list[EntityRecord]:
    """The benchmark rows as the EntityRecords the product's resolve() takes."""
    multi = {"other_last_names", "other_organization_names", "phones", "licences", "taxonomy_codes"}
    types = {"1": EntityType.INDIVIDUAL, "2": EntityType.ORGANIZATION}
    names = [c for c in raw.columns if c != "entity_id"]
    out = []
    for row in raw[names].itertuples(index=False):
        values = dict(zip(names, row))
        values["entity_type"] = types.get(values.get("entity_type"))
        for key in multi & values.keys():
            values[key] = tuple(v for v in values[key].split("|") if v)
        out.append(EntityRecord(**{k: (v if v != "" else None) if k not in multi else v for k, v in values.items()}))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--limit", type=int, default=None, help="first N records only")
    ap.add_argument("--merge-threshold", type=float, default=None)
    ap.add_argument(
        "--via-records",
        action="store_true",
        help="build EntityRecords first (not timed) and time raw_frame + entity_frame + resolve",
    )
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(relativeCreated)8.0f ms %(name)s %(message)s")
    t0 = time.perf_counter()
    raw = pd.read_parquet(args.data)
    if args.limit:
        raw = raw.head(args.limit)
    read_s = time.perf_counter() - t0

    records = as_records(raw) if args.via_records else None
    t1 = time.perf_counter()
    cpu1 = time.process_time()
    frame = entity_frame(raw_frame(records) if records is not None else raw)
    normalize_s = time.perf_counter() - t1
    overrides = {} if args.merge_threshold is None else {"merge_threshold": args.merge_threshold}
    settings = provider_settings(**overrides)
    t2 = time.perf_counter()
    result = resolve_frame(frame, settings)
    resolve_s = time.perf_counter() - t2
    total_s = time.perf_counter() - t1
    cpu_s = time.process_time() - cpu1  # both cores' CPU seconds: the figure other load cannot inflate

    truth = pair_codes(pd.factorize(raw["entity_id"])[0])
    found = pair_codes(result.clusters)
    tp = len(np.intersect1d(truth, found, assume_unique=True))
    precision = tp / len(found) if len(found) else 1.0
    recall = tp / len(truth) if len(truth) else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    review = int((result.status == 2).sum())
    print(
        f"records {len(raw)}  candidate pairs {result.n_pairs}  true pairs {len(truth)}  predicted pairs {len(found)}"
    )
    print(f"precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}  review queue {review}")
    print(
        f"seconds: read {read_s:.1f} (not counted)  normalize {normalize_s:.1f}  resolve {resolve_s:.1f}  "
        f"total {total_s:.1f}  (CPU seconds, all threads: {cpu_s:.1f})  stages {result.timings}"
    )


if __name__ == "__main__":
    main()
