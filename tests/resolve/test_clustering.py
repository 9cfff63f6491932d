from __future__ import annotations

import numpy as np

from ingest.resolve.clustering import cluster


def test_connected_components():
    labels, refused = cluster(6, np.array([0, 1, 4]), np.array([1, 2, 5]), np.array([0.99, 0.98, 0.97]))
    assert labels.tolist() == [0, 0, 0, 1, 2, 2]
    assert not refused.any()


def test_two_npis_never_end_up_in_one_cluster():
    # 0 and 2 hold different NPIs; 1 (a roster row) looks like both; the stronger link wins
    npis = np.array([10, -1, 20])
    labels, refused = cluster(3, np.array([0, 1]), np.array([1, 2]), np.array([0.97, 0.99]), npis)
    assert labels[1] == labels[2] != labels[0]
    assert refused.tolist() == [True, False]


def test_a_person_can_merge_two_npis():
    npis = np.array([10, 20])
    labels, refused = cluster(2, np.array([0]), np.array([1]), np.array([0.6]), npis, forced=np.array([True]))
    assert labels[0] == labels[1] and not refused.any()
