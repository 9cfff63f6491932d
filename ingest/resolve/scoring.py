"""Scoring: gamma vectors -> match weight (log2 Bayes factor) and probability.

A level's partial weight is log2(m/u); an empty side weighs 0. With term-frequency
adjustment, an exact agreement on a value weighs log2(m / tf(value)) instead of
log2(m / u): two records sharing a rare surname count for more than two SMITHs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .comparison import NULL, ColumnCache
from .settings import ResolveSettings


def level_weights(settings: ResolveSettings) -> list[np.ndarray]:
    return [np.log2(np.asarray(c.m) / np.asarray(c.u)) for c in settings.comparisons]


def partial_weights(
    settings: ResolveSettings, cache: ColumnCache, gamma: np.ndarray, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """(pairs x comparisons) float32 partial weights, term-frequency adjusted."""
    weights = level_weights(settings)
    out = np.zeros(gamma.shape, dtype=np.float32)
    for j, c in enumerate(settings.comparisons):
        g = gamma[:, j]
        present = g != NULL
        out[present, j] = weights[j][g[present]]
        if settings.tf_adjust and c.tf_adjust:
            codes = cache.codes(c.column)
            if int((codes >= 0).sum()) < settings.tf_min_values:
                continue
            top = c.n_levels - 1
            assert c.u is not None, "untrained settings"
            tf = cache.term_frequency(c.column)
            exact = (g == top) & (codes[left] == codes[right])
            value_tf = np.maximum(tf[left[exact]], settings.tf_minimum)
            out[exact, j] += np.log2(c.u[top] / value_tf).astype(np.float32)
            if c.alternates:
                # an exact match on another name / DBA: weighed by how common that name is
                via_alternate = np.flatnonzero((g == top) & (codes[left] != codes[right]))
                if len(via_alternate):
                    out[via_alternate, j] += _alternate_tf_weights(
                        cache, c, left[via_alternate], right[via_alternate], settings.tf_minimum
                    )
    return out


def _alternate_tf_weights(cache: ColumnCache, c, left: np.ndarray, right: np.ndarray, tf_minimum: float) -> np.ndarray:
    """log2(u / tf) of the rarest name each pair shares (vectorised joins, no loop)."""
    table, share = cache.name_table(c.column, c.alternates)
    pairs = np.arange(len(left))
    names_left = pd.DataFrame({"pair": pairs, "record": left}).merge(table, on="record")
    names_right = pd.DataFrame({"pair": pairs, "record": right}).merge(table, on="record")
    shared = names_left[["pair", "name"]].merge(names_right[["pair", "name"]], on=["pair", "name"])
    rarest = pd.Series(share[shared["name"].to_numpy()]).groupby(shared["pair"].to_numpy()).min()
    out = np.zeros(len(left), dtype=np.float32)
    out[rarest.index.to_numpy()] = np.log2(c.u[-1] / np.maximum(rarest.to_numpy(), tf_minimum))
    return out


def prior_weight(settings: ResolveSettings) -> float:
    p = settings.probability_two_random_records_match
    assert p is not None, "untrained settings"
    return float(np.log2(p / (1 - p)))


def pair_prior_weights(settings: ResolveSettings, types: np.ndarray | None, left, right) -> np.ndarray:
    """The prior of each pair, as a weight: its entity type's where both records
    have that type and the settings hold one, else the overall prior."""
    out = np.full(len(left), prior_weight(settings))
    if types is None or not settings.prior_by_entity_type:
        return out
    for entity_type, p in settings.prior_by_entity_type.items():
        both = (types[left] == entity_type) & (types[right] == entity_type)
        out[both] = np.log2(p / (1 - p))
    return out


def probability(weight: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp2(-np.clip(weight, -1000, 1000)))


def explain(settings: ResolveSettings, gamma_row: np.ndarray, weight_row: np.ndarray) -> dict[str, str]:
    """comparison -> "level label (+weight)" for one pair; empty sides say so."""
    out = {}
    for j, c in enumerate(settings.comparisons):
        g = int(gamma_row[j])
        label = "null" if g == NULL else c.labels[g]
        out[c.name] = f"{label} ({float(weight_row[j]):+.2f})"
    return out
