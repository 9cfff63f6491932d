"""Unsupervised Fellegi-Sunter training, guarded so that it cannot collapse.

* u (how often two *different* entities agree at a level) is counted on random
  pairs, which are almost all non-matches.
* m (how often the *same* entity agrees at a level) is estimated by EM with u
  fixed, one session per blocking rule; a comparison the rule blocks on agrees
  by construction in that session, and so does every comparison of its group
  (a phone block agrees on the place too), so they are left out there and
  their m comes from the other sessions (the splink recipe). EM starts from
  the levels seen among *anchor* pairs (one NPI in two sources), not from a guess.
* the prior is the share of matches among **all** pairs of records, estimated
  by EM over the candidate pairs with every other pair counted a non-match.
  Estimated among the candidate pairs alone it collapses: u comes from random
  pairs, but the non-matches among candidates (namesakes, colleagues) agree far
  more often than random pairs do, so EM takes them for matches until nearly
  every candidate pair is one.
* :func:`guard` then checks what came out: every m and u within
  [``FLOOR``, 1], each comparison's weights rising from its weakest level to
  its strongest, "else" evidence against and the top level evidence for, and
  the prior within one match and ``max_matches_per_record`` matches per
  record. Whatever it has to correct is logged as a warning naming the
  parameter, and returned. A comparison whose m and u are both given (the
  NPI) is left as given.

EM runs on the distinct gamma patterns with their counts, so a million pairs
cost as much as the few hundred patterns they contain.
"""

from __future__ import annotations

import logging

import numpy as np

from .comparison import NULL

log = logging.getLogger(__name__)
_FLOOR = 1e-9
#: Least probability any m or u level keeps, so no single level decides a pair alone.
FLOOR = 1e-6


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


def m_from_pairs(gamma: np.ndarray, n_levels: list[int], min_pairs: int = 30) -> list[np.ndarray | None]:
    """Level frequencies among pairs known to match (anchors); None where fewer
    than ``min_pairs`` anchors have both sides of a comparison."""
    out: list[np.ndarray | None] = []
    for j, n in enumerate(n_levels):
        g = gamma[:, j]
        g = g[g != NULL].astype(np.int64)
        if len(g) < min_pairs:
            out.append(None)
            continue
        counts = np.bincount(g, minlength=n).astype(float) + 0.5  # no level is impossible
        out.append(counts / counts.sum())
    return out


def train_m(
    sessions: list[tuple[str, np.ndarray, list[bool]]],
    n_levels: list[int],
    u: list[np.ndarray],
    max_iterations: int,
    tolerance: float,
    given_m: list[np.ndarray | None] | None = None,
    start_m: list[np.ndarray | None] | None = None,
) -> list[np.ndarray]:
    """m per comparison: the mean of its estimates over the sessions where it was
    active, each weighed by the matches EM found in it. ``sessions`` holds (rule
    name, gamma of that rule's pairs, active flags); ``given_m`` the fixed m of
    comparisons that are not estimated (else None); ``start_m`` where EM starts
    (else a generic guess)."""
    given_m = given_m or [None] * len(n_levels)
    start_m = start_m or [None] * len(n_levels)
    fixed = [g is not None for g in given_m]
    initial = initial_m(n_levels)
    start = [
        np.asarray(g, dtype=float) if g is not None else (s if s is not None else init)
        for g, s, init in zip(given_m, start_m, initial)
    ]
    sums = [np.zeros(n) for n in n_levels]
    mass = [0.0] * len(n_levels)
    for name, gamma, active in sessions:
        if len(gamma) == 0:
            continue
        pats, counts, _ = patterns(gamma, n_levels)
        m, prior, iterations = run_em(pats, counts, start, u, 0.3, active, True, max_iterations, tolerance, fixed)
        matches = prior * len(gamma)
        log.info(
            "EM session %s: %d pairs, %d patterns, %.0f matches (%.4f) after %d iterations",
            name,
            len(gamma),
            len(pats),
            matches,
            prior,
            iterations,
        )
        for j, on in enumerate(active):
            present = float((gamma[:, j] != NULL).mean()) if on else 0.0
            if on and matches * present >= 1:
                sums[j] += m[j] * matches * present
                mass[j] += matches * present
    out = []
    for j in range(len(n_levels)):
        if fixed[j]:
            out.append(start[j])
        elif mass[j] == 0:
            # blocked on in every session, or never with a value on both sides (no dates of birth)
            log.warning("comparison %d had no pairs to learn m from; its m stays at its starting value", j)
            out.append(start[j])
        else:
            out.append(sums[j] / mass[j])
    return out


def train_prior(
    gamma: np.ndarray,
    n_levels: list[int],
    m: list[np.ndarray],
    u: list[np.ndarray],
    total_pairs: float,
    max_matches: float,
    max_iterations: int,
    tolerance: float,
) -> tuple[float, list[str]]:
    """(share of matches among all ``total_pairs`` pairs, warnings): EM over the
    candidate pairs (``gamma``) with m and u fixed, every pair not among them a
    non-match; kept within [1, ``max_matches``] matches."""
    warnings: list[str] = []
    pats, counts, _ = patterns(gamma, n_levels)
    low, high = 1.0 / total_pairs, min(max_matches / total_pairs, 0.5)
    if len(pats) == 0:
        return low, warnings
    log_bf = np.zeros(len(pats))
    for j in range(pats.shape[1]):
        g = pats[:, j]
        present = g != NULL
        log_bf[present] += np.log(np.maximum(m[j][g[present]], _FLOOR)) - np.log(u[j][g[present]])
    prior = float(np.clip(len(gamma) / total_pairs / 10, low, high))
    for _ in range(max_iterations * 5):
        logit = np.clip(np.log(prior) - np.log1p(-prior) + log_bf, -700, 700)
        expected = float((counts / (1.0 + np.exp(-logit))).sum())
        new = float(np.clip(expected / total_pairs, low, high))
        if abs(new - prior) <= tolerance * prior:
            prior = new
            break
        prior = new
    if prior >= high * (1 - 1e-9):
        warnings.append(
            f"prior: EM put more than {max_matches:.0f} matches among {total_pairs:.3g} pairs; clipped to {high:.3g}"
        )
    for w in warnings:
        log.warning("degenerate parameter: %s", w)
    return prior, warnings


def u_without_matches(u_random: list[np.ndarray], m: list[np.ndarray], priors: list[float]) -> list[np.ndarray]:
    """u with the matches taken out of the random pairs it was counted on: a level's
    share among random pairs where both sides have a value is ``prior * m + (1 -
    prior) * u``, ``prior`` being the share of matches among those pairs. For most
    levels the matches change nothing; for an identifier (one licence, one phone)
    they are nearly all of the agreeing random pairs, so u counted raw would make
    the identifier look as common among non-matches as matches are among all pairs."""
    out = []
    for uj, mj, prior in zip(u_random, m, priors):
        prior = min(max(prior, 0.0), 0.5)
        corrected = np.maximum(np.asarray(uj) - prior * np.asarray(mj), 0.0) / (1.0 - prior)
        out.append(_bounded(corrected))
    return out


def match_share_by_comparison(
    gamma: np.ndarray, m: list[np.ndarray], u: list[np.ndarray], prior: float, present: np.ndarray, total: float
) -> list[float]:
    """For each comparison, the share of matches among all pairs where both sides
    have a value: the matches EM expects among the candidate pairs with a value,
    over the pairs with a value (``present``: its share among random pairs, times
    ``total``). Records that carry an identifier match more often than records
    that do not (a roster lists a provider once per location and network)."""
    pats, counts, _ = patterns(gamma, [len(x) for x in m])
    if len(pats) == 0:
        return [prior] * len(m)
    log_bf = np.zeros(len(pats))
    for j in range(pats.shape[1]):
        g = pats[:, j]
        ok = g != NULL
        log_bf[ok] += np.log(np.maximum(m[j][g[ok]], _FLOOR)) - np.log(u[j][g[ok]])
    post = counts / (1.0 + np.exp(-np.clip(np.log(prior) - np.log1p(-prior) + log_bf, -700, 700)))
    out = []
    for j in range(pats.shape[1]):
        pairs = present[j] * total
        out.append(float(post[pats[:, j] != NULL].sum() / pairs) if pairs >= 1 else prior)
    return out


def guard(
    names: list[str], m: list[np.ndarray], u: list[np.ndarray], fixed: list[bool] | None = None
) -> tuple[list[np.ndarray], list[np.ndarray], list[str]]:
    """(m, u, warnings): every probability within [FLOOR, 1] and summing to 1;
    weights (log m/u) rising from the weakest level to the strongest (adjacent
    levels that fall are pooled); the weakest level evidence against a match and
    the strongest evidence for it. Each correction is a warning naming the
    comparison and level."""
    warnings: list[str] = []
    m_out, u_out = [], []
    for k, (name, mj, uj) in enumerate(zip(names, m, u)):
        if fixed is not None and fixed[k]:  # given whole by the settings: not estimated, not guarded
            m_out.append(np.asarray(mj, dtype=float))
            u_out.append(np.asarray(uj, dtype=float))
            continue
        mj = _bounded(np.asarray(mj, dtype=float))
        uj = _bounded(np.asarray(uj, dtype=float))
        if mj[0] > uj[0]:
            warnings.append(f"{name}: m of the weakest level ({mj[0]:.3g}) exceeds its u ({uj[0]:.3g}); set to u")
            mj[0] = uj[0]
            mj[1:] *= (1 - mj[0]) / mj[1:].sum()
        if mj[-1] < uj[-1]:
            warnings.append(f"{name}: m of the strongest level ({mj[-1]:.3g}) is below its u ({uj[-1]:.3g}); set to u")
            mj[-1] = uj[-1]
            mj[:-1] *= (1 - mj[-1]) / mj[:-1].sum()
        pooled = _monotone(mj, uj)
        if not np.allclose(pooled, mj, rtol=1e-9, atol=0):
            bad = [k for k in range(1, len(mj)) if mj[k] / uj[k] < mj[k - 1] / uj[k - 1]]
            warnings.append(f"{name}: level(s) {bad} weighed less than the level below; pooled")
            mj = _bounded(pooled)
        m_out.append(mj)
        u_out.append(uj)
    for w in warnings:
        log.warning("degenerate parameter: %s", w)
    return m_out, u_out, warnings


def _bounded(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.nan_to_num(p, nan=FLOOR), FLOOR, 1.0)
    return p / p.sum()


def _monotone(m: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Pool adjacent violators: the m closest to ``m`` whose ratio m/u never falls
    from one level to the next, keeping the total of m."""
    blocks = [[k] for k in range(len(m))]
    ratios = [m[k] / u[k] for k in range(len(m))]
    i = 0
    while i < len(blocks) - 1:
        if ratios[i + 1] < ratios[i]:
            blocks[i] += blocks.pop(i + 1)
            ratios.pop(i + 1)
            ratios[i] = m[blocks[i]].sum() / u[blocks[i]].sum()
            i = max(i - 1, 0)
        else:
            i += 1
    out = m.copy()
    for block, ratio in zip(blocks, ratios):
        out[block] = ratio * u[block]
    return out
