"""Unsupervised Fellegi-Sunter training.

* u (how often two *different* entities agree at a level) is counted on random
  pairs, which are almost all non-matches.
* m (how often the *same* entity agrees at a level) is estimated by EM with u
  fixed, one session per blocking rule; a comparison whose column the rule
  blocks on agrees by construction in that session, so it is left out there
  and its m comes from the other sessions (the splink recipe).
* the prior (share of matches among candidate pairs) is a last EM pass over all
  candidate pairs with m and u fixed.

EM runs on the distinct gamma patterns with their counts, so a million pairs
cost as much as the few hundred patterns they contain.
"""

from __future__ import annotations

import logging

import numpy as np

from .comparison import NULL

log = logging.getLogger(__name__)
_FLOOR = 1e-9


def patterns(gamma: np.ndarray, n_levels: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distinct rows, their counts, row -> pattern index)."""
    if len(gamma) == 0:
        return gamma, np.zeros(0, np.int64), np.zeros(0, np.int64)
    code = np.zeros(len(gamma), dtype=np.int64)
    for j, n in enumerate(n_levels):
        code = code * (n + 1) + (gamma[:, j].astype(np.int64) + 1)
    _, first, inverse, counts = np.unique(code, return_index=True, return_inverse=True, return_counts=True)
    return gamma[first], counts, inverse


def u_from_random_pairs(gamma: np.ndarray, n_levels: list[int]) -> list[np.ndarray]:
    """Level frequencies among random pairs; a level never seen gets one count,
    so no weight is infinite."""
    out = []
    for j, n in enumerate(n_levels):
        g = gamma[:, j]
        counts = np.bincount(g[g != NULL].astype(np.int64), minlength=n).astype(float)
        counts = np.maximum(counts, 1.0)
        out.append(counts / counts.sum())
    return out


def initial_m(n_levels: list[int]) -> list[np.ndarray]:
    # Stronger levels start likelier among matches; EM moves them from here.
    return [np.power(4.0, np.arange(n)) / np.power(4.0, np.arange(n)).sum() for n in n_levels]


def run_em(
    pats: np.ndarray,
    counts: np.ndarray,
    m: list[np.ndarray],
    u: list[np.ndarray],
    prior: float,
    active: list[bool],
    estimate_m: bool,
    max_iterations: int,
    tolerance: float,
    fixed: list[bool] | None = None,
) -> tuple[list[np.ndarray], float, int]:
    """EM over gamma patterns; returns (m, prior, iterations). Inactive
    comparisons neither contribute nor change; fixed ones contribute but keep their m."""
    fixed = fixed or [False] * len(m)
    m = [x.copy() for x in m]
    n_comp = pats.shape[1]
    total = counts.sum()
    iteration = 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007 - returned after the loop
        log_ratio = np.full(len(pats), np.log(prior / (1 - prior)))
        for j in range(n_comp):
            if not active[j]:
                continue
            g = pats[:, j]
            present = g != NULL
            log_ratio[present] += np.log(np.maximum(m[j][g[present]], _FLOOR)) - np.log(u[j][g[present]])
        posterior = 1.0 / (1.0 + np.exp(-np.clip(log_ratio, -700, 700)))
        weighted = counts * posterior
        new_prior = float(np.clip(weighted.sum() / total, 1e-9, 1 - 1e-9))
        change = abs(new_prior - prior)
        if estimate_m:
            for j in range(n_comp):
                if not active[j] or fixed[j]:
                    continue
                g = pats[:, j]
                present = g != NULL
                mass = np.bincount(g[present].astype(np.int64), weights=weighted[present], minlength=len(m[j]))
                if mass.sum() <= 0:
                    continue
                new_m = np.maximum(mass / mass.sum(), _FLOOR)
                new_m /= new_m.sum()
                change = max(change, float(np.abs(new_m - m[j]).max()))
                m[j] = new_m
        prior = new_prior
        if change < tolerance:
            break
    return m, prior, iteration


def train_m(
    sessions: list[tuple[str, np.ndarray, list[bool]]],
    n_levels: list[int],
    u: list[np.ndarray],
    max_iterations: int,
    tolerance: float,
    given_m: list[np.ndarray | None] | None = None,
) -> list[np.ndarray]:
    """m per comparison: the mean of its estimates over the sessions where it was active.
    ``sessions`` holds (rule name, gamma of that rule's pairs, active flags);
    ``given_m`` holds the fixed m of comparisons that are not estimated (else None)."""
    given_m = given_m or [None] * len(n_levels)
    fixed = [g is not None for g in given_m]
    start = [np.asarray(g, dtype=float) if g is not None else init for g, init in zip(given_m, initial_m(n_levels))]
    sums = [np.zeros(n) for n in n_levels]
    seen = [0] * len(n_levels)
    for name, gamma, active in sessions:
        if len(gamma) == 0:
            continue
        pats, counts, _ = patterns(gamma, n_levels)
        m, prior, iterations = run_em(pats, counts, start, u, 0.3, active, True, max_iterations, tolerance, fixed)
        log.info(
            "EM session %s: %d pairs, %d patterns, prior %.4f after %d iterations",
            name,
            len(gamma),
            len(pats),
            prior,
            iterations,
        )
        for j, on in enumerate(active):
            if on:
                sums[j] += m[j]
                seen[j] += 1
    fallback = initial_m(n_levels)
    out = []
    for j in range(len(n_levels)):
        if fixed[j]:
            out.append(start[j])
        elif seen[j] == 0:
            log.warning("comparison %d was blocked on in every session; its m stays at the initial guess", j)
            out.append(fallback[j])
        else:
            out.append(sums[j] / seen[j])
    return out


def train_prior(
    gamma: np.ndarray,
    n_levels: list[int],
    m: list[np.ndarray],
    u: list[np.ndarray],
    max_iterations: int,
    tolerance: float,
) -> float:
    pats, counts, _ = patterns(gamma, n_levels)
    if len(pats) == 0:
        return 0.5
    _, prior, _ = run_em(pats, counts, m, u, 0.1, [True] * len(n_levels), False, max_iterations * 5, tolerance)
    return prior
