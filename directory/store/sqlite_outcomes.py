"""Outcome aggregates on the embedded store: the primitives of
:class:`~directory.store.port_outcomes.OutcomeReports`, mixed into
:class:`~directory.store.sqlite.SQLiteStore`, each one transaction."""

from __future__ import annotations

import json
import sqlite3
from contextlib import AbstractContextManager
from datetime import date
from typing import TYPE_CHECKING

from ..model import AllianceInstrument, OutcomeMeasures
from .sqlite_rows import evidence

#: Written only for providers the store holds, like the other facts.
UPSERT_OUTCOME = """
INSERT INTO outcome (npi, period_start, period_end, source, patients, phq9_baseline_mean, phq9_latest_mean,
    phq9_response_rate, phq9_remission_rate, gad7_change_mean, alliance_instrument, alliance_mean, dropout_rate,
    retrieved, method, confidence, reference)
SELECT :npi, :period_start, :period_end, :source, :patients, :phq9_baseline_mean, :phq9_latest_mean,
    :phq9_response_rate, :phq9_remission_rate, :gad7_change_mean, :alliance_instrument, :alliance_mean,
    :dropout_rate, :retrieved, :method, :confidence, :reference
WHERE EXISTS (SELECT 1 FROM provider WHERE npi = :npi)
ON CONFLICT (npi, period_start, period_end, source) DO UPDATE SET
    patients = excluded.patients, phq9_baseline_mean = excluded.phq9_baseline_mean,
    phq9_latest_mean = excluded.phq9_latest_mean, phq9_response_rate = excluded.phq9_response_rate,
    phq9_remission_rate = excluded.phq9_remission_rate, gad7_change_mean = excluded.gad7_change_mean,
    alliance_instrument = excluded.alliance_instrument, alliance_mean = excluded.alliance_mean,
    dropout_rate = excluded.dropout_rate, retrieved = excluded.retrieved, method = excluded.method,
    confidence = excluded.confidence, reference = excluded.reference"""

OUTCOMES_FOR = """
SELECT * FROM outcome WHERE npi IN (SELECT value FROM json_each(?))
ORDER BY npi, period_end DESC, period_start DESC, source"""

_FIGURES = (
    "phq9_baseline_mean",
    "phq9_latest_mean",
    "phq9_response_rate",
    "phq9_remission_rate",
    "gad7_change_mean",
    "alliance_mean",
    "dropout_rate",
)


def outcome_params(o: OutcomeMeasures) -> dict:
    e = o.evidence
    return {
        "npi": o.npi,
        "period_start": o.period_start.isoformat(),
        "period_end": o.period_end.isoformat(),
        "source": e.source,
        "patients": o.patients,
        **{name: getattr(o, name) for name in _FIGURES},
        "alliance_instrument": None if o.alliance_instrument is None else o.alliance_instrument.value,
        "retrieved": e.retrieved.isoformat(),
        "method": e.method,
        "confidence": float(e.confidence),
        "reference": e.reference,
    }


def outcome(row: sqlite3.Row) -> OutcomeMeasures:
    instrument = row["alliance_instrument"]
    return OutcomeMeasures(
        npi=row["npi"],
        period_start=date.fromisoformat(row["period_start"]),
        period_end=date.fromisoformat(row["period_end"]),
        patients=row["patients"],
        evidence=evidence(row),
        alliance_instrument=None if instrument is None else AllianceInstrument(instrument),
        **{name: row[name] for name in _FIGURES},
    )


class SQLiteOutcomeReports:
    """The outcome primitives of the embedded store (a mixin of SQLiteStore)."""

    if TYPE_CHECKING:

        def _tx(self, write: bool = True) -> AbstractContextManager[sqlite3.Connection]: ...

    def _upsert_outcomes(self, outcomes: list[OutcomeMeasures]) -> int:
        with self._tx() as conn:
            return conn.executemany(UPSERT_OUTCOME, [outcome_params(o) for o in outcomes]).rowcount

    def _outcomes_for(self, npis: list[str]) -> dict[str, list[OutcomeMeasures]]:
        out: dict[str, list[OutcomeMeasures]] = {}
        with self._tx(write=False) as conn:
            for row in conn.execute(OUTCOMES_FOR, (json.dumps(npis),)):
                out.setdefault(row["npi"], []).append(outcome(row))
        return out
