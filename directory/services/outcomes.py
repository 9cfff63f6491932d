"""Outcome aggregates (PHQ-9, GAD-7, alliance) per provider and period: what
may be shown, and what a score may use. Every path asks here.

**Small cells.** A figure drawn from fewer than :data:`MIN_PATIENTS` patients
can point at a person, so such a cell is stored as reported and never shown or
used anywhere:

* :func:`outcomes_shown` is what people see (GraphQL ``Provider.outcomes``, the
  ``provnet outcomes`` command): a small cell keeps its period and evidence,
  every figure and its patient count are None, ``suppressed`` is true and the
  reason says why;
* :func:`scorable_outcomes` is what a score may read (the matching service,
  any ranking): only cells of at least :data:`MIN_PATIENTS` patients, never a
  small one.

No other function of provnet reads outcome figures from the store.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..model import AllianceInstrument, Evidence, OutcomeMeasures
from ..store import Store

#: The fewest patients a cell may rest on to be shown or used (the common
#: small-cell rule of public health reporting: counts of 1 to 10 are withheld).
MIN_PATIENTS = 11
SUPPRESSED_REASON = f"fewer than {MIN_PATIENTS} patients: figures withheld"

#: The figures of a cell, in the order outputs list them.
FIGURES = (
    "phq9_baseline_mean",
    "phq9_latest_mean",
    "phq9_response_rate",
    "phq9_remission_rate",
    "gad7_change_mean",
    "alliance_mean",
    "dropout_rate",
)


@dataclass(frozen=True, slots=True)
class ShownOutcome:
    """One cell as it may be shown: all None but the period and evidence when suppressed."""

    npi: str
    period_start: date
    period_end: date
    evidence: Evidence
    suppressed: bool
    reason: str | None = None
    patients: int | None = None
    phq9_baseline_mean: float | None = None
    phq9_latest_mean: float | None = None
    phq9_response_rate: float | None = None
    phq9_remission_rate: float | None = None
    gad7_change_mean: float | None = None
    alliance_instrument: AllianceInstrument | None = None
    alliance_mean: float | None = None
    dropout_rate: float | None = None


def is_suppressed(outcome: OutcomeMeasures) -> bool:
    return outcome.patients < MIN_PATIENTS


def shown(outcome: OutcomeMeasures) -> ShownOutcome:
    """A cell as it may be shown (see the module docstring)."""
    base = ShownOutcome(
        npi=outcome.npi,
        period_start=outcome.period_start,
        period_end=outcome.period_end,
        evidence=outcome.evidence,
        suppressed=is_suppressed(outcome),
    )
    if base.suppressed:
        return dataclasses.replace(base, reason=SUPPRESSED_REASON)
    return dataclasses.replace(
        base,
        patients=outcome.patients,
        alliance_instrument=outcome.alliance_instrument,
        **{name: getattr(outcome, name) for name in FIGURES},
    )


def outcomes_shown(store: Store, npis: Iterable[str]) -> dict[str, list[ShownOutcome]]:
    """Every cell of each NPI as it may be shown, newest period first; one round trip."""
    return {npi: [shown(o) for o in cells] for npi, cells in store.outcomes_for(npis).items()}


def scorable_outcomes(store: Store, npis: Iterable[str]) -> dict[str, list[OutcomeMeasures]]:
    """The cells a score may use: only those of at least MIN_PATIENTS patients,
    newest period first; NPIs with none are absent. One round trip."""
    out = {}
    for npi, cells in store.outcomes_for(npis).items():
        usable = [o for o in cells if not is_suppressed(o)]
        if usable:
            out[npi] = usable
    return out
