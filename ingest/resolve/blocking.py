"""Blocking: candidate pairs from several rules, unioned and de-duplicated.

Every rule is a vectorised self-join on a key: records are sorted by key code and
all pairs inside each block are generated with numpy, never a Python loop per
pair. Pairs are kept as two int arrays (left < right, positions in the frame).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from .settings import BlockingRule

log = logging.getLogger(__name__)


def key_codes(frame: pd.DataFrame, rule: BlockingRule) -> tuple[np.ndarray, np.ndarray]:
    """(record position, key code) for every record with a complete key; the
    first key's "|"-separated values are exploded into one row each."""
    positions = np.arange(len(frame), dtype=np.int64)  # the pipeline gives a RangeIndex frame
    combined: np.ndarray | None = None
    for i, key in enumerate(rule.keys):
        column, _, length = key.partition(":")
        values = frame[column]
        if length:
            values = values.str.slice(0, int(length))
        if i == 0:
            multi = np.fromiter(("|" in v for v in values.to_numpy(dtype=object)), dtype=bool, count=len(values))
            if multi.any():  # only the few multi-valued rows are split
                values = pd.concat([values[~multi], values[multi].str.split("|").explode()])
                positions = values.index.to_numpy(dtype=np.int64)
        elif i > 0:
            values = values.iloc[positions]
        codes, uniques = pd.factorize(values.to_numpy(dtype=object))
        codes = codes.astype(np.int64)
        codes[values.to_numpy(dtype=object) == ""] = -1
        if combined is None:
            combined = codes
        else:
            # mixed radix, then re-factorised so the code stays small
            joined = np.where((combined < 0) | (codes < 0), -1, combined * (len(uniques) + 1) + codes)
            combined = np.where(joined < 0, -1, pd.factorize(joined)[0])
    if combined is None:  # a rule without keys pairs nothing
        return positions[:0], positions[:0]
    keep = combined >= 0
    return positions[keep], combined[keep]


def pairs_in_blocks(
    positions: np.ndarray, codes: np.ndarray, max_block_size: int, rule_name: str = ""
) -> tuple[np.ndarray, np.ndarray]:
    """All pairs (left < right) of positions sharing a code, blocks above
    ``max_block_size`` skipped (logged), duplicates removed."""
    if len(codes) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    order = np.lexsort((positions, codes))
    codes, positions = codes[order], positions[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    sizes = np.diff(np.r_[starts, len(codes)])
    too_big = sizes > max_block_size
    if too_big.any():
        log.info(
            "blocking rule %s: skipped %d block(s) larger than %d (largest %d)",
            rule_name,
            int(too_big.sum()),
            max_block_size,
            int(sizes.max()),
        )
    usable = (sizes >= 2) & ~too_big
    starts, sizes = starts[usable], sizes[usable]
    if len(starts) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    # Group members laid out by block, biggest blocks first, so for offset d only
    # a prefix of the array (blocks larger than d) needs looking at.
    by_size = np.argsort(-sizes, kind="stable")
    starts, sizes = starts[by_size], sizes[by_size]
    member_pos = np.repeat(starts, sizes) + _ranges(sizes)
    rank_in_block = _ranges(sizes)
    size_of = np.repeat(sizes, sizes)
    negative_sizes, members_upto = -sizes, np.cumsum(sizes)
    lefts, rights = [], []
    for d in range(1, int(sizes[0])):
        n = int(np.searchsorted(negative_sizes, -d, side="left"))  # blocks with size > d
        if n == 0:
            break
        upto = int(members_upto[n - 1])
        idx = np.flatnonzero(rank_in_block[:upto] + d < size_of[:upto])
        lefts.append(positions[member_pos[idx]])
        rights.append(positions[member_pos[idx] + d])
    left = np.concatenate(lefts)
    right = np.concatenate(rights)
    return _canonical(left, right)


def _ranges(sizes: np.ndarray) -> np.ndarray:
    """0..s-1 for each size s, concatenated."""
    total = int(sizes.sum())
    offsets = np.repeat(np.cumsum(sizes) - sizes, sizes)
    return np.arange(total) - offsets


def _canonical(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lo = np.minimum(left, right)
    hi = np.maximum(left, right)
    keep = lo != hi
    code = np.unique(lo[keep].astype(np.int64) << 32 | hi[keep].astype(np.int64))
    return code >> 32, code & 0xFFFFFFFF


def block(
    frame: pd.DataFrame, rules: list[BlockingRule], link_type: str, dataset: np.ndarray | None = None
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Pairs per rule (before the union), filtered by link type."""
    out = {}
    for rule in rules:
        positions, codes = key_codes(frame, rule)
        left, right = pairs_in_blocks(positions, codes, rule.max_block_size, rule.name)
        if dataset is not None and link_type != "link_and_dedupe":
            same = dataset[left] == dataset[right]
            keep = ~same if link_type == "link_only" else same
            left, right = left[keep], right[keep]
        log.info("blocking rule %s: %d pairs", rule.name, len(left))
        out[rule.name] = (left, right)
    return out


def union(per_rule: dict[str, tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    if not per_rule:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    left = np.concatenate([lr[0] for lr in per_rule.values()])
    right = np.concatenate([lr[1] for lr in per_rule.values()])
    return _canonical(left, right)
