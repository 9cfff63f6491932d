"""Pure scoring functions: vetting checks, TRD expertise, fact confidence.
No I/O: callers pass the facts they read from the store."""

from .confidence import fact_confidence, freshness, needs_reverification
from .expertise import Expertise, Reason, trd_expertise
from .vetting import Check, CheckStatus, Vetting, vet

__all__ = [
    "Check",
    "CheckStatus",
    "Expertise",
    "Reason",
    "Vetting",
    "fact_confidence",
    "freshness",
    "needs_reverification",
    "trd_expertise",
    "vet",
]
