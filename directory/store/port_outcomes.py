"""The store port's outcome half: measurement-based-care aggregates per
provider and period (:class:`OutcomeMeasures`). ``Store`` inherits it;
adapters implement the primitives (``sqlite_outcomes``, ``neo4j_outcomes``).

The store keeps every cell as reported, small ones included; what may be
shown or used is decided in one place, ``directory.services.outcomes``.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Sequence

from ..model import OutcomeMeasures


def outcome_key(o: OutcomeMeasures) -> tuple[str, str, str, str]:
    """What one cell is: the provider, the period and who reported it."""
    return (o.npi, o.period_start.isoformat(), o.period_end.isoformat(), o.evidence.source)


class OutcomeReports(abc.ABC):
    def _trip(self) -> None:  # pragma: no cover - Store counts round trips
        raise NotImplementedError

    def upsert_outcomes(self, outcomes: Sequence[OutcomeMeasures]) -> int:
        """Insert or replace cells by (npi, period, source), only for NPIs the
        store holds; the last of a key in the batch wins. Returns how many were written."""
        latest = {outcome_key(o): o for o in outcomes}
        if not latest:
            return 0
        self._trip()
        return self._upsert_outcomes([latest[k] for k in sorted(latest)])

    def outcomes_for(self, npis: Iterable[str]) -> dict[str, list[OutcomeMeasures]]:
        """Every stored cell of each NPI, newest period first (then by source)."""
        self._trip()
        return self._outcomes_for(sorted(set(npis)))

    @abc.abstractmethod
    def _upsert_outcomes(self, outcomes: list[OutcomeMeasures]) -> int: ...
    @abc.abstractmethod
    def _outcomes_for(self, npis: list[str]) -> dict[str, list[OutcomeMeasures]]: ...
