"""Pure scoring functions: vetting checks, TRD expertise, fact confidence, the match score.
No I/O: callers pass the facts they read from the store."""

from .confidence import fact_confidence, freshness, needs_reverification
from .expertise import Expertise, Reason, expertise_for, trd_expertise
from .matching import Component, MatchScore, MatchWeights, QualityCell, match_score
from .vetting import Check, CheckStatus, Vetting, vet

__all__ = [
    "Check",
    "CheckStatus",
    "Component",
    "Expertise",
    "MatchScore",
    "MatchWeights",
    "QualityCell",
    "Reason",
    "Vetting",
    "expertise_for",
    "fact_confidence",
    "freshness",
    "match_score",
    "needs_reverification",
    "trd_expertise",
    "vet",
]
