from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from ingest.resolve import BlockingRule
from ingest.resolve.blocking import block, pairs_in_blocks, union


def brute_force(codes):
    return {(i, j) for i, j in combinations(range(len(codes)), 2) if codes[i] == codes[j]}


def test_pairs_in_blocks_equals_brute_force():
    rng = np.random.default_rng(7)
    codes = rng.integers(0, 40, 500)
    left, right = pairs_in_blocks(np.arange(500), codes, max_block_size=1000)
    assert set(zip(left.tolist(), right.tolist())) == brute_force(codes)
    assert (left < right).all()


def test_oversized_blocks_are_skipped():
    codes = np.array([1] * 6 + [2] * 2)
    left, right = pairs_in_blocks(np.arange(8), codes, max_block_size=5)
    assert set(zip(left.tolist(), right.tolist())) == {(6, 7)}


def test_rules_union_explode_and_prefix():
    frame = pd.DataFrame(
        {
            "name": ["SMITH", "SMYTHE", "JONES", "SMITH", ""],
            "phones": ["111|222", "222", "333", "", "111"],
            "zip5": ["02139", "02138", "02139", "99999", "02139"],
        }
    )
    per_rule = block(
        frame,
        [
            BlockingRule("name", ["name"]),
            BlockingRule("phone", ["phones"]),
            BlockingRule("zip3_name", ["zip5:3", "name:2"]),
        ],
        "dedupe_only",
    )
    assert set(zip(*map(np.ndarray.tolist, per_rule["name"]))) == {(0, 3)}  # empty keys never pair
    assert set(zip(*map(np.ndarray.tolist, per_rule["phone"]))) == {(0, 1), (0, 4)}
    assert set(zip(*map(np.ndarray.tolist, per_rule["zip3_name"]))) == {(0, 1)}
    left, right = union(per_rule)
    assert list(zip(left.tolist(), right.tolist())) == [(0, 1), (0, 3), (0, 4)]


def test_link_only_keeps_pairs_across_data_sets():
    frame = pd.DataFrame({"name": ["A", "A", "A"]})
    per_rule = block(frame, [BlockingRule("name", ["name"])], "link_only", np.array(["x", "x", "y"]))
    assert set(zip(*map(np.ndarray.tolist, per_rule["name"]))) == {(0, 2), (1, 2)}
