"""How much to trust a fact: the source's own confidence, decayed with age.

Directory rules (No Surprises Act) expect verification every 90 days, so a fact
keeps full weight for 90 days and then loses weight until it counts half at
two years; it never reaches zero because an old fact is still a lead.
"""

from __future__ import annotations

from datetime import date

from directory.model import Evidence

FRESH_DAYS = 90
HALF_WEIGHT_DAYS = 730
FLOOR = 0.25


def freshness(retrieved: date, today: date) -> float:
    """1.0 within FRESH_DAYS, then linear down to 0.5 at HALF_WEIGHT_DAYS, floored."""
    age = (today - retrieved).days
    if age <= FRESH_DAYS:
        return 1.0
    slope = 0.5 / (HALF_WEIGHT_DAYS - FRESH_DAYS)
    return max(FLOOR, 1.0 - slope * (age - FRESH_DAYS))


def fact_confidence(evidence: Evidence, today: date) -> float:
    """Confidence in one fact today, 0..1."""
    return round(max(0.0, min(1.0, evidence.confidence)) * freshness(evidence.retrieved, today), 4)


def needs_reverification(evidence: Evidence, today: date) -> bool:
    return (today - evidence.retrieved).days > FRESH_DAYS
