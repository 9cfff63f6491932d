"""Clustering: connected components over merged pairs, joined strongest first
under constraints that hold for whole clusters.

Pairs are joined in order of match weight (not probability, which saturates at
1 and would leave the order of the strongest pairs to chance) with a
union-find. A join is refused when the two clusters would hold

* two different NPIs (two enumerations: the pair goes to review instead),
* an individual and an organization, or
* two records that must stay apart (``cannot_left``/``cannot_right``: the
  rules of :mod:`ingest.resolve.rules`, e.g. two people whose names differ),

so a chain like A ~ roster row ~ B cannot merge two providers that merely share
a name, a suite or a phone.
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
    *,
    type_codes: np.ndarray | None = None,
    cannot_left: np.ndarray | None = None,
    cannot_right: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(cluster id per record, refused mask per pair). Cluster ids are 0..k-1 in
    order of each cluster's first record. ``forced`` pairs (a person merged them)
    are joined first and never refused."""
    if forced is None:
        forced = np.zeros(len(left), dtype=bool)
    parent = list(range(n_records))
    cluster_npi = npi_codes.tolist() if npi_codes is not None else None
    cluster_type = type_codes.tolist() if type_codes is not None else None
    refused = np.zeros(len(left), dtype=bool)
    # records each record must stay apart from; kept per root, merged small into large
    apart: dict[int, set[int]] = {}
    members: dict[int, list[int]] = {}
    if cannot_left is not None and cannot_right is not None and len(cannot_left):
        touched = np.zeros(n_records, dtype=bool)
        touched[left] = touched[right] = True
        keep = touched[cannot_left] & touched[cannot_right]
        for a, b in zip(cannot_left[keep].tolist(), cannot_right[keep].tolist()):
            apart.setdefault(a, set()).add(b)
            apart.setdefault(b, set()).add(a)

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def kept_apart(ra: int, rb: int) -> bool:
        # the sets are symmetric, so looking from the smaller cluster into the other's set suffices
        ma, mb = members.get(ra, [ra]), members.get(rb, [rb])
        if len(ma) > len(mb):
            ma, rb = mb, ra
        other = apart.get(rb)
        return other is not None and any(x in other for x in ma)

    order = np.lexsort((-strength, ~forced))
    lefts, rights, forces = left[order].tolist(), right[order].tolist(), forced[order].tolist()
    for k, (a, b, force) in enumerate(zip(lefts, rights, forces)):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if not force:
            if cluster_npi is not None:
                na, nb = cluster_npi[ra], cluster_npi[rb]
                if na >= 0 and nb >= 0 and na != nb:
                    refused[order[k]] = True
                    continue
            if cluster_type is not None:
                ta, tb = cluster_type[ra], cluster_type[rb]
                if ta >= 0 and tb >= 0 and ta != tb:
                    refused[order[k]] = True
                    continue
            if apart and kept_apart(ra, rb):
                refused[order[k]] = True
                continue
        if ra < rb:
            ra, rb = rb, ra
        parent[ra] = rb  # rb (the smaller id) stays the root
        if cluster_npi is not None and cluster_npi[rb] < 0:
            cluster_npi[rb] = cluster_npi[ra]
        if cluster_type is not None and cluster_type[rb] < 0:
            cluster_type[rb] = cluster_type[ra]
        if apart:
            sa, sb = apart.pop(ra, None), apart.get(rb)
            if sa:
                if sb is None:
                    apart[rb] = sa
                elif len(sa) > len(sb):
                    sa |= sb
                    apart[rb] = sa
                else:
                    sb |= sa
            mem = members.pop(ra, [ra])
            members.setdefault(rb, [rb]).extend(mem)
    roots = np.fromiter((find(i) for i in range(n_records)), dtype=np.int64, count=n_records)
    _, labels = np.unique(roots, return_inverse=True)
    return labels.astype(np.int64), refused
