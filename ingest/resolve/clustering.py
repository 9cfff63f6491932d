"""Clustering: connected components over merged pairs, with one guard.

Pairs are joined strongest first with a union-find. A join that would put two
different NPIs into one entity is refused (two NPIs are two enumerations, so the
pair goes to review instead): chains like A ~ roster row ~ B cannot merge two
NPPES providers that merely share a name.
"""

from __future__ import annotations

import numpy as np


def cluster(
    n_records: int,
    left: np.ndarray,
    right: np.ndarray,
    strength: np.ndarray,
    npi_codes: np.ndarray | None = None,
    forced: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(cluster id per record, refused mask per pair). Cluster ids are 0..k-1 in
    order of each cluster's first record. ``forced`` pairs (a person merged them)
    are joined first and never refused."""
    if forced is None:
        forced = np.zeros(len(left), dtype=bool)
    parent = list(range(n_records))
    cluster_npi = npi_codes.tolist() if npi_codes is not None else None
    refused = np.zeros(len(left), dtype=bool)

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    order = np.lexsort((-strength, ~forced))
    lefts, rights, forces = left[order].tolist(), right[order].tolist(), forced[order].tolist()
    for k, (a, b, force) in enumerate(zip(lefts, rights, forces)):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if cluster_npi is not None:
            na, nb = cluster_npi[ra], cluster_npi[rb]
            if na >= 0 and nb >= 0 and na != nb and not force:
                refused[order[k]] = True
                continue
            merged_npi = na if na >= 0 else nb
        if ra < rb:
            ra, rb = rb, ra
        parent[ra] = rb
        if cluster_npi is not None:
            cluster_npi[rb] = merged_npi
    roots = np.fromiter((find(i) for i in range(n_records)), dtype=np.int64, count=n_records)
    _, labels = np.unique(roots, return_inverse=True)
    return labels.astype(np.int64), refused
