"""What a resolve run returns: scored pairs, their decisions, clusters, evidence."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from directory.model import MatchRecord, MatchStatus

from . import scoring
from .settings import ResolveSettings

NONE, MERGED, REVIEW = 0, 1, 2


def match_id(left: str, right: str) -> str:
    """Stable id of a pair, whichever way round it is given."""
    a, b = sorted((left, right))
    return hashlib.blake2b(f"{a}\x1f{b}".encode(), digest_size=10).hexdigest()


@dataclass
class ResolutionResult:
    settings: ResolveSettings  # trained: save its JSON to reproduce the run
    refs: np.ndarray  # record position -> ref
    npis: np.ndarray | None
    left: np.ndarray  # candidate pairs (positions), left < right
    right: np.ndarray
    probability: np.ndarray
    match_weight: np.ndarray
    status: np.ndarray  # NONE, MERGED, REVIEW per pair
    clusters: np.ndarray  # cluster id per record
    gamma_kept: np.ndarray  # gamma and partial weights of the MERGED and REVIEW pairs only
    partials_kept: np.ndarray
    kept_index: np.ndarray  # pair index of each kept row
    capped: np.ndarray  # pairs the NPI rules kept from merging
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # parameters training had to correct (em.guard)

    @property
    def n_pairs(self) -> int:
        return len(self.left)

    def pair_indices(self, status: int) -> np.ndarray:
        return np.flatnonzero(self.status == status)

    def explain(self, pair: int) -> dict[str, str]:
        """comparison -> "level (partial weight)" for a MERGED or REVIEW pair."""
        row = int(np.searchsorted(self.kept_index, pair))
        if row >= len(self.kept_index) or self.kept_index[row] != pair:
            raise KeyError(f"pair {pair} was neither merged nor sent to review")
        return scoring.explain(self.settings, self.gamma_kept[row], self.partials_kept[row])

    def clusters_of_refs(self) -> dict[str, int]:
        return dict(zip(self.refs.tolist(), self.clusters.tolist()))

    def match_records(self, decided_at: str | None = None) -> list[MatchRecord]:
        """The MERGED and REVIEW pairs as the store keeps them, with their evidence."""
        when = decided_at or datetime.now(UTC).isoformat(timespec="seconds")
        out = []
        for row, pair in enumerate(self.kept_index.tolist()):
            a, b = self.refs[self.left[pair]], self.refs[self.right[pair]]
            a, b = sorted((a, b))
            agreement = scoring.explain(self.settings, self.gamma_kept[row], self.partials_kept[row])
            if self.capped[pair]:
                agreement["rule"] = "capped to review: different NPIs or entity types"
            out.append(
                MatchRecord(
                    match_id=match_id(a, b),
                    left=a,
                    right=b,
                    probability=float(self.probability[pair]),
                    match_weight=float(self.match_weight[pair]),
                    agreement=agreement,
                    status=MatchStatus.MERGED if self.status[pair] == MERGED else MatchStatus.REVIEW,
                    decided_by="model",
                    decided_at=when,
                    npi=self._pair_npi(pair),
                )
            )
        return out

    def _pair_npi(self, pair: int) -> str | None:
        if self.npis is None or self.capped[pair]:
            return None
        for side in (self.left[pair], self.right[pair]):
            if self.npis[side]:
                return str(self.npis[side])
        return None
