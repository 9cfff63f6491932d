"""EM recovers known m probabilities and the match share from synthetic gammas."""

from __future__ import annotations

import numpy as np

from ingest.resolve import em


def synthetic(n, prior, m, u, null_rate, rng):
    is_match = rng.random(n) < prior
    gamma = np.empty((n, len(m)), dtype=np.int8)
    for j, (mj, uj) in enumerate(zip(m, u)):
        gamma[is_match, j] = rng.choice(len(mj), is_match.sum(), p=mj)
        gamma[~is_match, j] = rng.choice(len(uj), (~is_match).sum(), p=uj)
        gamma[rng.random(n) < null_rate, j] = -1
    return gamma


def test_em_recovers_m_and_prior():
    rng = np.random.default_rng(1)
    m = [np.array([0.05, 0.15, 0.8]), np.array([0.1, 0.9]), np.array([0.2, 0.3, 0.5]), np.array([0.03, 0.97])]
    u = [np.array([0.9, 0.08, 0.02]), np.array([0.95, 0.05]), np.array([0.7, 0.2, 0.1]), np.array([0.8, 0.2])]
    gamma = synthetic(200_000, 0.2, m, u, 0.05, rng)
    levels = [len(x) for x in m]
    pats, counts, _ = em.patterns(gamma, levels)
    assert counts.sum() == len(gamma) and len(pats) < 200
    learnt, prior, iterations = em.run_em(pats, counts, em.initial_m(levels), u, 0.5, [True] * 4, True, 200, 1e-7)
    assert abs(prior - 0.2) < 0.01
    for got, want in zip(learnt, m):
        assert np.abs(got - want).max() < 0.02, (got, want)
    assert iterations > 2


def test_u_from_random_pairs_never_zero():
    gamma = np.array([[0, 1], [0, -1], [0, 1]], dtype=np.int8)
    u = em.u_from_random_pairs(gamma, [3, 2])
    assert all((x > 0).all() and abs(x.sum() - 1) < 1e-12 for x in u)
    assert u[1][1] > u[1][0]


def test_a_fixed_m_survives_training():
    rng = np.random.default_rng(2)
    m = [np.array([0.1, 0.9]), np.array([0.2, 0.8])]
    u = [np.array([0.9, 0.1]), np.array([0.9, 0.1])]
    gamma = synthetic(50_000, 0.3, m, u, 0.0, rng)
    out = em.train_m([("all", gamma, [True, True])], [2, 2], u, 200, 1e-7, given_m=[np.array([0.1, 0.9]), None])
    assert out[0].tolist() == [0.1, 0.9]  # kept exactly
    assert abs(out[1][1] - 0.8) < 0.03  # the other one is still learnt
