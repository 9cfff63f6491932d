"""GraphQL type of a provider's outcome aggregates (``Provider.outcomes``).
What may be shown is decided by ``directory.services.outcomes``; this only
presents it: a period of fewer than 11 patients arrives with its figures
already withheld."""

from __future__ import annotations

from datetime import date

import strawberry

from directory.model import AllianceInstrument
from directory.services.outcomes import MIN_PATIENTS, ShownOutcome

from ..evidence import Evidence, FactKind

strawberry.enum(
    AllianceInstrument, description="Therapeutic alliance measure: WAI-SR (total 12 to 60) or SRS (total 0 to 40)."
)

#: The most periods one provider shows, newest first.
MAX_OUTCOMES = 20


@strawberry.type(
    description="Outcome and alliance aggregates of one provider over one period, as the practice reported them. "
    f"A period resting on fewer than {MIN_PATIENTS} patients shows none of its figures: the patient count and "
    "every figure are null, `suppressed` is true and `suppressedReason` says why."
)
class OutcomePeriod:
    period_start: date
    period_end: date
    suppressed: bool = strawberry.field(description=f"Fewer than {MIN_PATIENTS} patients: no figure is shown.")
    suppressed_reason: str | None
    patients: int | None = strawberry.field(description="How many patients the figures rest on.")
    phq9_baseline_mean: float | None = strawberry.field(description="Mean PHQ-9 (0 to 27) at the start of care.")
    phq9_latest_mean: float | None = strawberry.field(description="Mean PHQ-9 at the latest measurement.")
    phq9_response_rate: float | None = strawberry.field(description="Share (0 to 1) whose PHQ-9 fell by half or more.")
    phq9_remission_rate: float | None = strawberry.field(description="Share (0 to 1) with a PHQ-9 under 5.")
    gad7_change_mean: float | None = strawberry.field(description="Mean GAD-7 change, latest minus baseline.")
    alliance_instrument: AllianceInstrument | None
    alliance_mean: float | None = strawberry.field(description="Mean alliance score on its instrument's scale.")
    dropout_rate: float | None = strawberry.field(description="Share (0 to 1) who left care early.")
    evidence: Evidence

    @classmethod
    def of(cls, o: ShownOutcome, today: date) -> OutcomePeriod:
        return cls(
            period_start=o.period_start,
            period_end=o.period_end,
            suppressed=o.suppressed,
            suppressed_reason=o.reason,
            patients=o.patients,
            phq9_baseline_mean=o.phq9_baseline_mean,
            phq9_latest_mean=o.phq9_latest_mean,
            phq9_response_rate=o.phq9_response_rate,
            phq9_remission_rate=o.phq9_remission_rate,
            gad7_change_mean=o.gad7_change_mean,
            alliance_instrument=o.alliance_instrument,
            alliance_mean=o.alliance_mean,
            dropout_rate=o.dropout_rate,
            evidence=Evidence.of(o.evidence, FactKind.OUTCOME, f"outcomes {o.period_start}..{o.period_end}", today),
        )
