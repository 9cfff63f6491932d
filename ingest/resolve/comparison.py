"""Comparison: candidate pairs -> gamma vectors (one comparison level per column).

Gamma is an int8 matrix (pairs x comparisons): -1 where either side is empty,
0 for "else", higher for stronger agreement (see settings.py for the levels).
String similarity runs in rapidfuzz's C++ (``process.cpdist``, all cores),
exact and prefix tests on factorised integer codes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

from .settings import Comparison

NULL = -1
# (scorer, the score it gives identical strings); typed loosely: rapidfuzz's scorer protocol
# does not cover its own Cython functions
_SCORERS: dict[str, tuple[Callable[..., float], float]] = {
    "jaro_winkler": (JaroWinkler.normalized_similarity, 1.0),
    "token_sort": (fuzz.token_sort_ratio, 100.0),
    "ratio": (fuzz.ratio, 100.0),
}
ANY_EQUAL_WIDTH = 4  # values kept per record for "|"-separated sets


class ColumnCache:
    """Per-frame work shared by every pair batch: integer codes, set matrices, term frequencies."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self._codes: dict[str, np.ndarray] = {}
        self._sets: dict[str, np.ndarray] = {}
        self._tf: dict[str, np.ndarray] = {}
        self._values: dict[str, np.ndarray] = {}
        self._names: dict[str, tuple[pd.DataFrame, np.ndarray]] = {}

    def values(self, column: str) -> np.ndarray:
        if column not in self._values:
            self._values[column] = self.frame[column].to_numpy(dtype=object)
        return self._values[column]

    def codes(self, column: str, length: int | None = None) -> np.ndarray:
        """Integer code per record, -1 for empty."""
        key = f"{column}:{length}"
        if key not in self._codes:
            values = self.frame[column]
            if length is not None:
                values = values.str.slice(0, length)
            codes, _ = pd.factorize(values)
            codes = codes.astype(np.int64)
            codes[(values == "").to_numpy()] = -1
            self._codes[key] = codes
        return self._codes[key]

    def set_matrix(self, column: str) -> np.ndarray:
        """(records x up to ANY_EQUAL_WIDTH) codes of each record's values, -1 padding."""
        if column not in self._sets:
            values = self.frame[column]
            exploded = _split(values[values != ""]).sort_index(kind="stable")
            exploded = exploded[exploded != ""]
            codes, _ = pd.factorize(exploded)
            self._sets[column] = _pack(len(self.frame), exploded.index.to_numpy(), codes)
        return self._sets[column]

    def licence_matrices(self, column: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Set matrices of ``STATE:NUMBER`` licence keys: (the keys whose state is
        known, every number, the numbers of unknown state); the last two share codes."""
        if f"{column}#keyed" not in self._sets:
            values = self.frame[column]
            exploded = _split(values[values != ""]).sort_index(kind="stable")
            exploded = exploded[exploded != ""]
            parts = exploded.str.partition(":") if len(exploded) else pd.DataFrame({0: [], 2: []}, dtype=object)
            state, number = parts[0], parts[2]
            rows = exploded.index.to_numpy()
            known = (state != "").to_numpy()
            keyed, _ = pd.factorize(exploded[known])
            numbers, _ = pd.factorize(number)
            n = len(self.frame)
            self._sets[f"{column}#keyed"] = _pack(n, rows[known], keyed)
            self._sets[f"{column}#number"] = _pack(n, rows, numbers)
            self._sets[f"{column}#nostate"] = _pack(n, rows[~known], numbers[~known])
        return self._sets[f"{column}#keyed"], self._sets[f"{column}#number"], self._sets[f"{column}#nostate"]

    def name_table(self, column: str, alternates: str) -> tuple[pd.DataFrame, np.ndarray]:
        """Every (record, name code) of the primary and alternate names, and the
        share of all names each name code has."""
        key = f"{column}|{alternates}"
        if key not in self._names:
            alts = self.frame[alternates]
            names = pd.concat([self.frame[column], _split(alts[alts != ""])])
            names = names[names.notna() & (names != "")]
            codes, _ = pd.factorize(names)
            table = pd.DataFrame({"record": names.index.to_numpy(dtype=np.int64), "name": codes})
            table = table.drop_duplicates()
            share = np.bincount(codes) / max(len(codes), 1)
            self._names[key] = (table, share)
        return self._names[key]

    def term_frequency(self, column: str) -> np.ndarray:
        """Share of non-empty records holding each record's value (0 for empty)."""
        if column not in self._tf:
            codes = self.codes(column)
            present = codes >= 0
            counts = np.bincount(codes[present]) if present.any() else np.zeros(0)
            tf = np.zeros(len(codes))
            if present.any():
                tf[present] = counts[codes[present]] / present.sum()
            self._tf[column] = tf
        return self._tf[column]


def _pack(n_records: int, rows: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """(records x up to ANY_EQUAL_WIDTH) matrix of each record's codes (rows sorted), -1 padding."""
    if len(rows) == 0:
        return np.full((n_records, 1), -1, dtype=np.int64)
    starts = np.r_[True, rows[1:] != rows[:-1]]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(rows)), 0))
    rank = np.arange(len(rows)) - group_start
    keep = rank < ANY_EQUAL_WIDTH
    width = min(int(rank.max()) + 1, ANY_EQUAL_WIDTH)  # most records hold one value
    matrix = np.full((n_records, width), -1, dtype=np.int64)
    matrix[rows[keep], rank[keep]] = codes[keep]
    return matrix


def _split(values: pd.Series) -> pd.Series:
    """ "|"-separated values, one row each (index kept); single values are not split."""
    multi = values.str.contains("|", regex=False)
    if not multi.any():
        return values
    return pd.concat([values[~multi], values[multi].str.split("|").explode()])


def compare(cache: ColumnCache, comparison: Comparison, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Gamma (int8) of one comparison for the pairs (left[i], right[i])."""
    kind = comparison.kind
    if kind == "any_equal":
        return _any_equal(cache.set_matrix(comparison.column), left, right)
    if kind == "licence":
        return _licence(cache, comparison.column, left, right)
    if kind == "location":
        return _location(cache, comparison, left, right)
    codes = cache.codes(comparison.column)
    cl, cr = codes[left], codes[right]
    gamma = np.full(len(left), NULL, dtype=np.int8)
    both = (cl >= 0) & (cr >= 0)
    equal = both & (cl == cr)
    top = comparison.n_levels - 1
    if kind == "exact":
        gamma[both] = 0
        gamma[equal] = top
        return gamma
    if kind == "npi":
        gamma[both] = 0
        gamma[equal] = top
        if comparison.context:
            gamma[_npi_typos(cache, comparison, left, right)] = 1
        return gamma
    if kind == "prefix":
        gamma[both] = 0
        for level, length in enumerate(sorted(int(t) for t in comparison.thresholds), start=1):
            pc = cache.codes(comparison.column, length)
            gamma[both & (pc[left] == pc[right])] = level
        gamma[equal] = top
        return gamma
    fuzzy = both & ~equal
    idx = np.flatnonzero(fuzzy)
    values = cache.values(comparison.column)
    if kind == "levenshtein":
        dist = process.cpdist(values[left[idx]], values[right[idx]], scorer=Levenshtein.distance, workers=-1)
        level_of = np.zeros(len(idx), dtype=np.int8)
        for level, limit in enumerate(sorted(comparison.thresholds, reverse=True), start=1):
            level_of[dist <= limit] = level
    else:
        scores = similarity(values[left[idx]], values[right[idx]], comparison.scorer)
        if comparison.alternates:
            scores = _best_with_alternates(cache, comparison, left[idx], right[idx], scores)
        level_of = np.zeros(len(idx), dtype=np.int8)
        for level, t in enumerate(sorted(comparison.thresholds), start=1):
            level_of[scores >= t] = level
        level_of[scores >= 1.0] = top  # same tokens in another order, or an exact other name / DBA
    gamma[both] = 0
    gamma[idx] = level_of
    gamma[equal] = top
    return gamma


def similarity(a: np.ndarray, b: np.ndarray, scorer: str) -> np.ndarray:
    if len(a) == 0:
        return np.zeros(0, dtype=np.float32)
    fn, scale = _SCORERS[scorer]
    scorer_fn: Any = fn
    return process.cpdist(a, b, scorer=scorer_fn, workers=-1) / scale


def _best_with_alternates(
    cache: ColumnCache, comparison: Comparison, left: np.ndarray, right: np.ndarray, scores: np.ndarray
) -> np.ndarray:
    """Best score over every name of each side; only pairs where a side has alternates."""
    assert comparison.alternates is not None
    alts = cache.values(comparison.alternates)
    primary = cache.values(comparison.column)
    has = (alts[left] != "") | (alts[right] != "")
    idx = np.flatnonzero(has)
    if len(idx) == 0:
        return scores
    fn, scale = _SCORERS[comparison.scorer]
    out = scores.copy()
    for i in idx:
        lnames = [primary[left[i]], *[a for a in alts[left[i]].split("|") if a]]
        rnames = [primary[right[i]], *[a for a in alts[right[i]].split("|") if a]]
        out[i] = max(fn(x, y) for x in lnames for y in rnames) / scale
    return out


def _npi_typos(cache: ColumnCache, comparison: Comparison, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Pairs where one side's NPI fails its check digit and is one keying error
    (a digit changed, dropped or added, two neighbours swapped) from the other's NPI."""
    valid, typo = cache.values(comparison.column), cache.values(comparison.context[0])
    out = np.zeros(len(left), dtype=bool)
    for a, b in ((left, right), (right, left)):
        idx = np.flatnonzero((typo[a] != "") & (valid[b] != ""))
        if len(idx):
            dist = process.cpdist(typo[a[idx]], valid[b[idx]], scorer=OSA.distance, workers=-1)
            out[idx[dist <= 1]] = True
    return out


def _location(cache: ColumnCache, comparison: Comparison, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """other state / state / ZIP3 / ZIP / street >= t ... / street (see settings.py)."""
    zip_column, state_column = comparison.context
    state, zip5, zip3 = cache.codes(state_column), cache.codes(zip_column), cache.codes(zip_column, 3)
    gamma = np.full(len(left), NULL, dtype=np.int8)
    have_state = (state[left] >= 0) & (state[right] >= 0)
    same_state = have_state & (state[left] == state[right])
    have_zip = (zip5[left] >= 0) & (zip5[right] >= 0)
    same_zip = have_zip & (zip5[left] == zip5[right])
    gamma[have_state | have_zip] = 0
    gamma[same_state] = 1
    gamma[have_zip & (zip3[left] == zip3[right]) & (same_state | ~have_state)] = 2
    gamma[same_zip] = 3
    street = cache.codes(comparison.column)
    place_agrees = (same_zip | ~have_zip) & (same_state | ~have_state) & (have_state | have_zip)
    both = place_agrees & (street[left] >= 0) & (street[right] >= 0)
    equal = both & (street[left] == street[right])
    idx = np.flatnonzero(both & ~equal)
    values = cache.values(comparison.column)
    scores = similarity(values[left[idx]], values[right[idx]], comparison.scorer)
    for level, t in enumerate(sorted(comparison.thresholds), start=4):
        gamma[idx[scores >= t]] = level
    gamma[equal] = comparison.n_levels - 1
    return gamma


def transpose(
    cache: ColumnCache,
    first: Comparison,
    last: Comparison,
    gamma_first: np.ndarray,
    gamma_last: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
) -> None:
    """Where a pair agrees better with one side's first and last name read the other
    way round (a name keyed into the wrong boxes: "SPEROS SUE" for Susan Speros),
    take that reading for both; in place. The other reading of a record uses its
    ``<last>_as_given`` and ``<first>_as_surname`` columns where the frame has them
    (so a nickname in the surname box still resolves), else the plain columns."""
    idx = np.flatnonzero((gamma_first == 0) | (gamma_last == 0))
    if len(idx) == 0:
        return
    fv, lv = cache.values(first.column), cache.values(last.column)
    as_given = f"{last.column}_as_given"
    as_surname = f"{first.column}_as_surname"
    gv = cache.values(as_given) if as_given in cache.frame.columns else lv
    sv = cache.values(as_surname) if as_surname in cache.frame.columns else fv
    a, b = left[idx], right[idx]
    best_first = np.full(len(idx), NULL, dtype=np.int8)
    best_last = np.full(len(idx), NULL, dtype=np.int8)
    alternates = cache.values(last.alternates) if last.alternates else None
    for x, y in ((a, b), (b, a)):  # x's name read the other way round
        given = _levels(first, gv[x], fv[y])
        surname = _levels(last, sv[x], lv[y])
        if alternates is not None:  # y's former or double-barrelled names count too
            for i in np.flatnonzero((alternates[y] != "") & (given > 0) & (surname < last.n_levels - 1)):
                for alt in alternates[y[i]].split("|"):
                    surname[i] = max(surname[i], _levels(last, np.array([sv[x[i]]]), np.array([alt]))[0])
        better = np.minimum(given, surname) > np.minimum(best_first, best_last)
        best_first[better], best_last[better] = given[better], surname[better]
    better = (np.minimum(best_first, best_last) > np.minimum(gamma_first[idx], gamma_last[idx])) & (
        np.minimum(best_first, best_last) > 0
    )
    gamma_first[idx[better]] = best_first[better]
    gamma_last[idx[better]] = best_last[better]


def _levels(c: Comparison, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Similarity levels of a ``similarity`` comparison on two value arrays (NULL where one is empty)."""
    scores = similarity(x, y, c.scorer)
    level = np.zeros(len(x), dtype=np.int8)
    for k, t in enumerate(sorted(c.thresholds), start=1):
        level[scores >= t] = k
    level[scores >= 1.0] = c.n_levels - 1
    level[(x == "") | (y == "")] = NULL
    return level


def _shares(ml: np.ndarray, mr: np.ndarray) -> np.ndarray:
    """Rows where the two code matrices hold a common value (-1 is no value)."""
    shared = np.zeros(len(ml), dtype=bool)
    for i in range(ml.shape[1]):
        li = ml[:, i]
        hit = li >= 0
        for j in range(mr.shape[1]):
            shared |= hit & (li == mr[:, j])
    return shared


def _any_equal(matrix: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    ml, mr = matrix[left], matrix[right]
    both = (ml[:, 0] >= 0) & (mr[:, 0] >= 0)
    gamma = np.full(len(left), NULL, dtype=np.int8)
    gamma[both] = 0
    gamma[_shares(ml, mr)] = 1
    return gamma


def _licence(cache: ColumnCache, column: str, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """else / the same number where one side does not say the state / the same
    state and number. One number in two states is two licences: else."""
    keyed, numbers, nostate = cache.licence_matrices(column)
    nl, nr = numbers[left], numbers[right]
    gamma = np.full(len(left), NULL, dtype=np.int8)
    gamma[(nl[:, 0] >= 0) & (nr[:, 0] >= 0)] = 0
    gamma[_shares(nostate[left], nr) | _shares(nl, nostate[right])] = 1
    gamma[_shares(keyed[left], keyed[right])] = 2
    return gamma


def gamma_matrix(
    cache: ColumnCache,
    comparisons: list[Comparison],
    left: np.ndarray,
    right: np.ndarray,
    cross_type: np.ndarray | None = None,
    transposable: list[str] | None = None,
) -> np.ndarray:
    """Gamma of every comparison; NPI levels are null across entity types; the
    ``transposable`` pair of comparisons is also read crosswise."""
    out = np.empty((len(left), len(comparisons)), dtype=np.int8)
    for j, c in enumerate(comparisons):
        out[:, j] = compare(cache, c, left, right)
        if c.kind == "npi" and cross_type is not None:
            out[cross_type, j] = NULL
    if transposable:
        names = [c.name for c in comparisons]
        i, k = names.index(transposable[0]), names.index(transposable[1])
        gi, gk = out[:, i].copy(), out[:, k].copy()
        transpose(cache, comparisons[i], comparisons[k], gi, gk, left, right)
        out[:, i], out[:, k] = gi, gk
    return out
