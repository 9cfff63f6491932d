"""FEBRL 1-4: our matcher next to Splink (DuckDB backend), same data, same machine.

    .venv/bin/python bench/resolve/bench_febrl.py            # all four, both matchers
    .venv/bin/python bench/resolve/bench_febrl.py febrl3 --only ours

Both are unsupervised (no labels used in training), use the same columns, the
same blocking rules and a 0.9 match-probability threshold, and are scored the
same way: pairwise precision/recall/F1 over the final clusters (for febrl4, only
pairs across the two files). Seconds are wall-clock from the loaded frame to the
clusters, training included.
"""

from __future__ import annotations

import argparse
import logging
import time

import febrl_data
import pandas as pd

from ingest.resolve import cluster_pairs, pair_scores, resolve_frame

THRESHOLD = 0.9
U_SAMPLE_PAIRS = 300_000  # random pairs for u, both matchers (febrl_settings.json says the same)


def run_ours(name: str):
    frame, truth = febrl_data.load(name)
    settings = febrl_data.settings_for(name)
    settings.merge_threshold = THRESHOLD
    start = time.perf_counter()
    result = resolve_frame(frame, settings)
    seconds = time.perf_counter() - start
    across = (lambda a, b: a[0] != b[0]) if name == "febrl4" else (lambda a, b: True)
    return pair_scores(cluster_pairs(result.clusters_of_refs(), across), truth), seconds


def splink_settings(link_type: str):
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        unique_id_column_name="ref",
        link_type=link_type,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.LevenshteinAtThresholds("street_number", [1]),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.8]),
            cl.JaroWinklerAtThresholds("address_2", [0.9, 0.8]),
            cl.JaroWinklerAtThresholds("suburb", [0.92, 0.8]).configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("postcode", [1]),
            cl.ExactMatch("state"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode", "street_number"),
            block_on("address_1"),
        ],
    )


def run_splink(name: str):
    from splink import DuckDBAPI, Linker, block_on

    frame, truth = febrl_data.load(name)
    frame = frame.replace({"": None})
    start = time.perf_counter()
    db_api = DuckDBAPI()
    if name == "febrl4":
        tables = [
            db_api.register(frame[frame["source_dataset"] == s].drop(columns="source_dataset"), dataset_display_name=s)
            for s in ("a", "b")
        ]
        linker = Linker(tables, splink_settings("link_only"), log_level=logging.WARNING)
    else:
        linker = Linker(db_api.register(frame), splink_settings("dedupe_only"), log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth"), block_on("soc_sec_id", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=42)
    for rule in (block_on("given_name"), block_on("surname"), block_on("date_of_birth")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, THRESHOLD).as_pandas_dataframe()
    seconds = time.perf_counter() - start
    ids = dict(zip(clusters["ref"], clusters["cluster_id"]))
    across = (lambda a, b: a[0] != b[0]) if name == "febrl4" else (lambda a, b: True)
    return pair_scores(cluster_pairs(ids, across), truth), seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", default=list(febrl_data.NAMES))
    ap.add_argument("--only", choices=("ours", "splink"))
    args = ap.parse_args()
    rows = []
    for name in args.names:
        for matcher, run in (("ours", run_ours), ("splink", run_splink)):
            if args.only and matcher != args.only:
                continue
            scores, seconds = run(name)
            rows.append(
                {
                    "data": name,
                    "matcher": matcher,
                    "precision": round(scores.precision, 4),
                    "recall": round(scores.recall, 4),
                    "f1": round(scores.f1, 4),
                    "seconds": round(seconds, 2),
                    "tp": scores.true_positives,
                    "fp": scores.false_positives,
                    "fn": scores.false_negatives,
                }
            )
            print(rows[-1], flush=True)
    print(pd.DataFrame(rows).to_markdown(index=False) if _has_tabulate() else pd.DataFrame(rows).to_string())


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
