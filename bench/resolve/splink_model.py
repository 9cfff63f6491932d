"""The Splink model the five-source benchmark compares against (Splink 5, DuckDB).

It gets the very columns our matcher compares (``entity_frame``: names with
nicknames resolved, normalised organization names and street lines, ZIP5,
state, phones and licence numbers as arrays, NPI, entity type) and comparisons
for all of them, state, ZIP, phone and licence included, so the two differ in
the model, not in what they see. It is given what a careful Splink user would
do with them: state, ZIP and street as one comparison (not three that count one
place thrice) and blocking within an entity type (a person and an organization
never pair). Training is Splink's recipe: the prior from a
deterministic rule (one NPI), u from random pairs, m by EM on an NPI block and
a name block; pairs at or above 0.95 are clustered, as ours are.
"""

from __future__ import annotations

import logging
import time

import numpy as np
import pandas as pd

THRESHOLD = 0.95
U_PAIRS = 5_000_000


def _location():
    """State, ZIP and street as one comparison, as ours has them: three separate
    comparisons would count one place three times (colleagues at one suite would
    look like one person)."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="location",
        comparison_levels=[
            cll.CustomLevel("(state_l IS NULL OR state_r IS NULL) AND (zip5_l IS NULL OR zip5_r IS NULL)").configure(
                is_null_level=True
            ),
            cll.CustomLevel("zip5_l = zip5_r AND address_l = address_r", "street"),
            cll.CustomLevel("zip5_l = zip5_r AND jaro_winkler_similarity(address_l, address_r) >= 0.9", "street>=0.9"),
            cll.CustomLevel("zip5_l = zip5_r", "zip"),
            cll.CustomLevel("substr(zip5_l, 1, 3) = substr(zip5_r, 1, 3)", "zip3"),
            cll.CustomLevel("state_l = state_r", "state"),
            cll.ElseLevel(),
        ],
    )


def _settings():
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    def within_type(*columns: str, **kw):
        # an individual and an organization are never one entity: pairs only within a type
        return block_on(*columns, "entity_type", **kw)

    return SettingsCreator(
        unique_id_column_name="unique_id",
        link_type="dedupe_only",
        comparisons=[
            cl.ExactMatch("npi"),
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
            cl.ExactMatch("middle_initial"),
            cl.ExactMatch("suffix"),
            cl.JaroWinklerAtThresholds("org_name", [0.95, 0.88]).configure(term_frequency_adjustments=True),
            _location(),
            cl.ArrayIntersectAtSizes("phones_arr", [1]),
            cl.ArrayIntersectAtSizes("licence_arr", [1]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("npi"),
            within_type("phones_arr", arrays_to_explode=["phones_arr"]),
            within_type("licence_arr", arrays_to_explode=["licence_arr"]),
            within_type("first_name", "last_name", "state"),
            within_type("first_name", "last_name"),
            within_type("last_name", "zip5"),
            within_type("first_name", "zip5"),
            within_type("org_name", "state"),
            within_type("address", "zip5"),
        ],
        retain_intermediate_calculation_columns=False,
    )


def splink_frame(frame: pd.DataFrame) -> pd.DataFrame:
    cols = [
        "npi",
        "entity_type",
        "first_name",
        "last_name",
        "middle_initial",
        "suffix",
        "org_name",
        "address",
        "zip5",
        "state",
    ]
    out = frame[cols].replace({"": None})
    out.insert(0, "unique_id", np.arange(len(frame)))

    def array(series: pd.Series) -> list:
        return [v.split("|") if v else None for v in series.tolist()]

    out["phones_arr"] = array(frame["phones"])
    out["licence_arr"] = array(frame["licence_numbers"])
    return out


def splink_clusters(frame: pd.DataFrame) -> tuple[np.ndarray, int, dict]:
    """(cluster per record in frame order, review-band pairs, stage seconds)."""
    from splink import DuckDBAPI, Linker, block_on

    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        timings[name] = round(time.perf_counter() - clock, 2)
        clock = time.perf_counter()

    data = splink_frame(frame)
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(data), _settings(), log_level=logging.WARNING)
    lap("register")
    linker.training.estimate_probability_two_random_records_match([block_on("npi")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=42)
    # one identifier block (names, places and phones of matches) and one name block (the NPI);
    # a block on the place alone would take colleagues at one suite for matches
    for rule in (block_on("npi"), block_on("first_name", "last_name")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    lap("training")
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    scored = predictions.as_pandas_dataframe()
    review = int(((scored["match_probability"] >= 0.5) & (scored["match_probability"] < THRESHOLD)).sum())
    lap("prediction")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, THRESHOLD)
    table = clusters.as_pandas_dataframe()[["unique_id", "cluster_id"]]
    lap("clustering")
    ids = pd.Series(table["cluster_id"].to_numpy(), index=table["unique_id"].to_numpy()).reindex(np.arange(len(frame)))
    return pd.factorize(ids.to_numpy())[0], review, timings
