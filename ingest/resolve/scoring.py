"""Scoring: gamma vectors -> match weight (log2 Bayes factor) and probability.

A level's partial weight is log2(m/u); an empty side weighs 0. With term-frequency
adjustment, an exact agreement on a value weighs log2(m / tf(value)) instead of
log2(m / u): two records sharing a rare surname count for more than two SMITHs.
"""

from __future__ import annotations

import numpy as np

from .comparison import NULL, ColumnCache
from .settings import ResolveSettings


def level_weights(settings: ResolveSettings) -> list[np.ndarray]:
    return [np.log2(np.asarray(c.m) / np.asarray(c.u)) for c in settings.comparisons]


def partial_weights(settings: ResolveSettings, cache: ColumnCache, gamma: np.ndarray, left: np.ndarray,
                    right: np.ndarray) -> np.ndarray:
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
            tf = cache.term_frequency(c.column)
            # only where the primary values are the very same (an exact match on an
            # alternate name keeps the level's plain weight)
            exact = (g == top) & (codes[left] == codes[right])
            value_tf = np.maximum(tf[left[exact]], settings.tf_minimum)
            out[exact, j] += np.log2(c.u[top] / value_tf).astype(np.float32)
    return out


def prior_weight(settings: ResolveSettings) -> float:
    p = settings.probability_two_random_records_match
    return float(np.log2(p / (1 - p)))


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
