"""Pure scoring functions: vetting checks, vetting under a network's criteria,
TRD expertise, fact confidence and the freshness and agreement of each fact.
No I/O: callers pass the facts they read from the store."""

from .confidence import FRESH_DAYS, fact_confidence, freshness, needs_reverification
from .criteria import CRITERIA_CHECKS, MANDATORY_CHECKS, SCORING_VERSION, TRD_EXPERTISE, Change, changes, judge
from .expertise import Expertise, Reason, trd_expertise
from .fact_status import Agreement, FactKind, FactStatus, SourceClaim, TreatmentList, fact_statuses
from .vetting import CHECKS, Check, CheckStatus, Vetting, vet

__all__ = [
    "Agreement",
    "CHECKS",
    "CRITERIA_CHECKS",
    "Change",
    "Check",
    "CheckStatus",
    "Expertise",
    "FRESH_DAYS",
    "FactKind",
    "FactStatus",
    "MANDATORY_CHECKS",
    "Reason",
    "SCORING_VERSION",
    "SourceClaim",
    "TRD_EXPERTISE",
    "TreatmentList",
    "Vetting",
    "changes",
    "fact_confidence",
    "fact_statuses",
    "freshness",
    "judge",
    "needs_reverification",
    "trd_expertise",
    "vet",
]
