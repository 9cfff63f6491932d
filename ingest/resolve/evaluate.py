"""Pairwise precision, recall and F1 against ground truth."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True, slots=True)
class PairScores:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        real = self.true_positives + self.false_negatives
        return self.true_positives / real if real else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def pair_scores(predicted: Iterable[tuple[str, str]], truth: Iterable[tuple[str, str]]) -> PairScores:
    pred = {tuple(sorted(p)) for p in predicted}
    real = {tuple(sorted(p)) for p in truth}
    tp = len(pred & real)
    return PairScores(tp, len(pred) - tp, len(real) - tp)


def cluster_pairs(clusters: Mapping[str, int], keep=lambda a, b: True) -> set[tuple[str, str]]:
    """Every pair of refs inside one cluster (optionally filtered, e.g. across data sets only)."""
    members: dict[int, list[str]] = defaultdict(list)
    for ref, cid in clusters.items():
        members[cid].append(ref)
    out: set[tuple[str, str]] = set()
    for refs in members.values():
        if len(refs) > 1:
            out.update((a, b) if a <= b else (b, a) for a, b in combinations(refs, 2) if keep(a, b))
    return out
