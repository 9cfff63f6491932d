"""Pure scoring functions: vetting checks, vetting under a network's criteria,
TRD expertise, fact confidence, the freshness and agreement of each fact, and
the match score. No I/O: callers pass the facts they read from the store."""

from .confidence import FRESH_DAYS, fact_confidence, freshness, needs_reverification
from .criteria import CRITERIA_CHECKS, MANDATORY_CHECKS, SCORING_VERSION, TRD_EXPERTISE, Change, changes, judge
from .expertise import Expertise, Reason, expertise_for, trd_expertise
from .fact_status import Agreement, FactKind, FactStatus, SourceClaim, TreatmentList, fact_statuses
from .matching import Component, MatchScore, MatchWeights, QualityCell, match_score
from .vetting import CHECKS, Check, CheckStatus, Vetting, vet

__all__ = [
    "Agreement",
    "CHECKS",
    "CRITERIA_CHECKS",
    "Change",
    "Check",
    "CheckStatus",
    "Component",
    "Expertise",
    "FRESH_DAYS",
    "FactKind",
    "FactStatus",
    "MANDATORY_CHECKS",
    "MatchScore",
    "MatchWeights",
    "QualityCell",
    "Reason",
    "SCORING_VERSION",
    "SourceClaim",
    "TRD_EXPERTISE",
    "TreatmentList",
    "Vetting",
    "changes",
    "expertise_for",
    "fact_confidence",
    "fact_statuses",
    "freshness",
    "judge",
    "match_score",
    "needs_reverification",
    "trd_expertise",
    "vet",
]
