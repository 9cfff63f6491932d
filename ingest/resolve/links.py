"""Where a resolve run puts each record: one link per record to the entity of
its cluster (issue 9 point 2). Pure: :func:`entity_links` reads a
:class:`~.result.ResolutionResult`.

**Entity id.** A cluster that holds a provider of the store (an NPPES or NPI
Registry record: ``nppes:<NPI>``) is that provider, and its id is the NPI;
clustering never puts two NPIs in one cluster. Any other cluster is an entity
the store has no provider for, and its id is ``e-`` and 16 hex digits of a
hash of its smallest record reference: stable from run to run as long as the
cluster keeps that record.

**Status, method, probability** of each record's link:

* in a cluster with a provider: ``linked``; the provider's own record by
  method ``registry`` (probability 1); a record a person's merge joined,
  ``decision`` (1); any other, ``model``, with the probability of the
  strongest merged pair it is part of;
* in a cluster without a provider that a pair waiting for review would join to
  another: ``review`` (the probability of its strongest such pair);
* otherwise ``new``: ``single`` (1) alone, else ``model`` or ``decision`` as above.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from directory.model import MatchRecord, MatchStatus
from directory.source_records import LinkStatus, ResolutionLink

from .result import MERGED, REVIEW, ResolutionResult

REGISTRY, MODEL, DECISION, SINGLE, WAITING = "registry", "model", "decision", "single", "review"


def entity_id_of(smallest_ref: str) -> str:
    """The id of an entity without a provider: from its smallest record reference."""
    return "e-" + hashlib.blake2b(smallest_ref.encode(), digest_size=8).hexdigest()


def entity_links(
    result: ResolutionResult,
    registry: Mapping[str, str],
    decisions: Iterable[MatchRecord] = (),
    decided_at: str | None = None,
) -> list[ResolutionLink]:
    """A link for every record of ``result``; ``registry`` maps the references
    of the store's provider records to their NPIs; ``decisions`` are people's
    (merges among them make ``decision`` links)."""
    when = decided_at or datetime.now(UTC).isoformat(timespec="seconds")
    refs = result.refs
    labels = np.asarray(result.clusters, dtype=np.int64)
    n = len(refs)
    n_clusters = int(labels.max(initial=-1)) + 1

    # the provider of each cluster (-1: none), by the position of its registry record
    provider_pos = np.full(n_clusters, -1, dtype=np.int64)
    positions = pd.Series(np.arange(n), index=pd.Index(refs))
    held = [ref for ref in registry if ref in positions.index]
    if held:
        pos = positions[held].to_numpy()
        found = pd.DataFrame({"cluster": labels[pos], "npi": [registry[r] for r in held], "pos": pos})
        first = found.sort_values(["cluster", "npi"], kind="stable").drop_duplicates("cluster")  # the smallest NPI
        provider_pos[first["cluster"].to_numpy()] = first["pos"].to_numpy()
    # smallest ref of each cluster
    smallest = pd.Series(refs, dtype=object).groupby(labels).min()

    left, right, prob, status = result.left, result.right, result.probability, result.status
    best_merge = np.zeros(n)
    merged = status == MERGED
    np.maximum.at(best_merge, left[merged], prob[merged])
    np.maximum.at(best_merge, right[merged], prob[merged])
    best_review = np.zeros(n)
    waiting = status == REVIEW
    np.maximum.at(best_review, left[waiting], prob[waiting])
    np.maximum.at(best_review, right[waiting], prob[waiting])
    cluster_review = np.zeros(n_clusters)
    if waiting.any():
        np.maximum.at(cluster_review, labels[left[waiting]], prob[waiting])
        np.maximum.at(cluster_review, labels[right[waiting]], prob[waiting])

    decided: set[int] = set()
    for d in decisions:
        if d.status is not MatchStatus.MERGED or d.decided_by == "model":
            continue
        if d.left in positions.index and d.right in positions.index:
            a, b = int(positions[d.left]), int(positions[d.right])
            if labels[a] == labels[b]:
                decided.update((a, b))

    out: list[ResolutionLink] = []
    sizes = np.bincount(labels, minlength=n_clusters)
    for i in range(n):
        ref = str(refs[i])
        c = int(labels[i])
        p_pos = int(provider_pos[c])
        if p_pos >= 0:
            npi = registry[str(refs[p_pos])]
            if p_pos == i:
                method, p = REGISTRY, 1.0
            elif i in decided:
                method, p = DECISION, 1.0
            else:
                method, p = MODEL, float(best_merge[i]) or 1.0
            out.append(ResolutionLink(ref, npi, npi, LinkStatus.LINKED, round(p, 6), method, when))
            continue
        entity = entity_id_of(str(smallest[c]))
        if cluster_review[c] > 0:
            p = float(best_review[i]) or float(cluster_review[c])
            out.append(ResolutionLink(ref, entity, None, LinkStatus.REVIEW, round(p, 6), WAITING, when))
        elif sizes[c] == 1:
            out.append(ResolutionLink(ref, entity, None, LinkStatus.NEW, 1.0, SINGLE, when))
        else:
            method, p = (DECISION, 1.0) if i in decided else (MODEL, float(best_merge[i]) or 1.0)
            out.append(ResolutionLink(ref, entity, None, LinkStatus.NEW, round(p, 6), method, when))
    return out
