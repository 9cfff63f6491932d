"""The training stage: u from random pairs, m by EM per blocking rule, the prior
over all pairs, then the guards (see :mod:`ingest.resolve.em`)."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from . import em
from .comparison import ColumnCache, gamma_matrix
from .settings import BlockingRule, ResolveSettings

log = logging.getLogger(__name__)


def covered(settings: ResolveSettings, rule: BlockingRule) -> set[str]:
    """Comparisons a rule decides, and every comparison in a group with one of them."""
    names = set(rule.covers)
    if not names:
        keys = {k.partition(":")[0] for k in rule.keys}
        for c in settings.comparisons:
            if {c.column, *c.context, c.alternates} & keys:
                names.add(c.name)
    groups = {c.group for c in settings.comparisons if c.name in names and c.group}
    return names | {c.name for c in settings.comparisons if c.group and c.group in groups}


def total_pairs(n: int, settings: ResolveSettings, dataset: np.ndarray | None) -> float:
    """How many pairs the link type compares, had there been no blocking."""
    if settings.link_type == "dedupe_only" or dataset is None:
        return n * (n - 1) / 2
    sizes = pd.Series(dataset).value_counts().to_numpy(dtype=float)
    across = (sizes.sum() ** 2 - (sizes**2).sum()) / 2
    if settings.link_type == "link_only":
        return max(across, 1.0)
    return n * (n - 1) / 2


def anchors(frame: pd.DataFrame, settings: ResolveSettings, gamma: np.ndarray, left, right) -> np.ndarray:
    """Candidate pairs one NPI joins across two sources: matches but for a rare
    error, so their levels show what a match looks like before EM has run."""
    j = next((k for k, c in enumerate(settings.comparisons) if c.kind == "npi"), None)
    if j is None or "source_dataset" not in frame.columns:
        return np.zeros(len(left), dtype=bool)
    top = settings.comparisons[j].n_levels - 1
    source = frame["source_dataset"].to_numpy(dtype=object)
    return (gamma[:, j] == top) & (source[left] != source[right])


def train(
    settings: ResolveSettings,
    frame: pd.DataFrame,
    cache: ColumnCache,
    dataset: np.ndarray | None,
    per_rule: dict[str, tuple[np.ndarray, np.ndarray]],
    left: np.ndarray,
    right: np.ndarray,
    gamma: np.ndarray,
) -> list[str]:
    """Train ``settings`` in place; returns the guards' warnings."""
    comparisons = settings.comparisons
    n_levels = [c.n_levels for c in comparisons]
    rng = np.random.default_rng(settings.seed)
    rl, rr = _random_pairs(len(frame), settings, dataset, rng)
    random_gamma = gamma_matrix(cache, comparisons, rl, rr, transposable=settings.transposable)
    present = (random_gamma != -1).mean(axis=0) if len(random_gamma) else np.zeros(len(comparisons))
    u = em.u_from_random_pairs(random_gamma, n_levels)
    for j, c in enumerate(comparisons):
        if c.fix_u:
            u[j] = np.asarray(c.u, dtype=float)
    anchored = anchors(frame, settings, gamma, left, right)
    start = em.m_from_pairs(gamma[anchored], n_levels)
    log.info("EM starts from %d anchor pairs (one NPI in two sources)", int(anchored.sum()))
    union_codes = left << 32 | right
    sessions = []
    for rule in settings.blocking_rules:
        rule_left, rule_right = per_rule[rule.name]
        rows = np.searchsorted(union_codes, rule_left << 32 | rule_right)
        if len(rows) > settings.em_max_pairs:
            rows = rng.choice(rows, settings.em_max_pairs, replace=False)
        decided = covered(settings, rule)
        active = [c.name not in decided for c in comparisons]
        sessions.append((rule.name, gamma[rows], active))
    given = [np.asarray(c.m) if c.fix_m else None for c in comparisons]
    m = em.train_m(sessions, n_levels, u, settings.em_max_iterations, settings.em_tolerance, given, start)
    names = [c.name for c in comparisons]
    fixed = [c.fix_m and c.fix_u for c in comparisons]
    n_total = total_pairs(len(frame), settings, dataset)
    max_matches = settings.max_matches_per_record * len(frame) / 2
    u_random = u
    m, u, _ = em.guard(names, m, u_random, fixed)
    prior, _ = em.train_prior(
        gamma, n_levels, m, u, n_total, max_matches, settings.em_max_iterations, settings.em_tolerance
    )
    # u counted on random pairs includes their matches; take them out, then settle the prior again
    shares = em.match_share_by_comparison(gamma, m, u, prior, present, n_total)
    u = em.u_without_matches(u_random, m, shares)
    for j, c in enumerate(comparisons):
        if c.fix_u:
            u[j] = np.asarray(c.u, dtype=float)
    m, u, warnings = em.guard(names, m, u, fixed)
    prior, prior_warnings = em.train_prior(
        gamma, n_levels, m, u, n_total, max_matches, settings.em_max_iterations, settings.em_tolerance
    )
    by_type: dict[str, float] = {}
    if "entity_type" in frame.columns and settings.link_type != "link_only":
        types = frame["entity_type"].to_numpy(dtype=object)
        for entity_type in ("1", "2"):
            n_type = int((types == entity_type).sum())
            both = (types[left] == entity_type) & (types[right] == entity_type)
            if n_type >= 2 and both.any():
                by_type[entity_type], type_warnings = em.train_prior(
                    gamma[both],
                    n_levels,
                    m,
                    u,
                    n_type * (n_type - 1) / 2,
                    settings.max_matches_per_record * n_type / 2,
                    settings.em_max_iterations,
                    settings.em_tolerance,
                )
                prior_warnings += [f"entity type {entity_type}: {w}" for w in type_warnings]
    for c, mj, uj in zip(comparisons, m, u):
        c.m = [float(x) for x in mj]
        c.u = [float(x) for x in uj]
    settings.probability_two_random_records_match = float(prior)
    settings.prior_by_entity_type = by_type
    log.info(
        "trained: prior %.3g among %.3g pairs (%.0f matches); by entity type %s",
        prior,
        n_total,
        prior * n_total,
        by_type,
    )
    return warnings + prior_warnings


def _random_pairs(n: int, settings: ResolveSettings, dataset, rng) -> tuple[np.ndarray, np.ndarray]:
    size = settings.u_sample_pairs
    if settings.link_type == "link_only" and dataset is not None:
        names = pd.unique(dataset)
        first = np.flatnonzero(dataset == names[0])
        rest = np.flatnonzero(dataset != names[0])
        left, right = rng.choice(first, size), rng.choice(rest, size)
    else:
        left, right = rng.integers(0, n, size), rng.integers(0, n, size)
    keep = left != right
    return left[keep], right[keep]
