"""The quality component's source: outcome measures per provider.

Outcome aggregates (PHQ-9 response and the like) are being added by another
part of provnet, with small-cell suppression. Matching reads them only through
a function of this shape, which must return **non-suppressed cells only** (at
least 11 patients behind each); the score checks the count again
(``MatchWeights.min_quality_patients``) so a suppressed cell can never count.

Until that service lands, :func:`no_outcomes` is the reader: it makes no store
call and returns nothing, so the quality component has no value for anyone and
the score is taken over the other components (see ``scoring.matching``).
Wiring the real reader is one argument: ``match_providers(..., quality=outcome_cells)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from scoring import QualityCell

from ...model import Treatment
from ...store import Store

#: (store, NPIs, treatments asked, today) -> the best non-suppressed cell per NPI that has one.
QualityReader = Callable[[Store, Sequence[str], Sequence[Treatment], date], Mapping[str, QualityCell]]


def no_outcomes(
    store: Store, npis: Sequence[str], treatments: Sequence[Treatment], today: date
) -> dict[str, QualityCell]:
    """No outcome data yet: no cells, no store call."""
    return {}
