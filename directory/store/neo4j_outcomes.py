"""Outcome aggregates on Neo4j: constant Cypher (parameters only) and the
primitives of :class:`~directory.store.port_outcomes.OutcomeReports`, mixed
into :class:`~directory.store.neo4j.Neo4jStore`.

Graph model: ``(:Npi)-[:REPORTED]->(:Outcome {uid, npi, period_start, period_end,
patients, figures..., alliance_instrument, evidence})``, one node per provider,
period and reporting source.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ..model import AllianceInstrument, OutcomeMeasures
from .neo4j_rows import evidence, evidence_params
from .port_outcomes import outcome_key

# Written only for providers the store holds, like the other facts.
UPSERT_OUTCOMES = """
UNWIND $rows AS row
MATCH (n:Npi {npi: row.npi})
MERGE (o:Outcome {uid: row.uid})
SET o = row.props
MERGE (n)-[:REPORTED]->(o)
RETURN count(*) AS written"""

OUTCOMES_FOR = """
MATCH (n:Npi)-[:REPORTED]->(o:Outcome) WHERE n.npi IN $npis
RETURN n.npi AS npi, properties(o) AS props
ORDER BY npi, o.period_end DESC, o.period_start DESC, o.source"""

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
    uid = "|".join(outcome_key(o))
    return {
        "npi": o.npi,
        "uid": uid,
        "props": {
            "uid": uid,
            "npi": o.npi,
            "period_start": o.period_start.isoformat(),
            "period_end": o.period_end.isoformat(),
            "patients": o.patients,
            "alliance_instrument": None if o.alliance_instrument is None else o.alliance_instrument.value,
            **{name: getattr(o, name) for name in _FIGURES},
            **evidence_params(o.evidence),
        },
    }


def outcome(p: dict) -> OutcomeMeasures:
    instrument = p.get("alliance_instrument")
    return OutcomeMeasures(
        npi=p["npi"],
        period_start=date.fromisoformat(p["period_start"]),
        period_end=date.fromisoformat(p["period_end"]),
        patients=int(p["patients"]),
        evidence=evidence(p),
        alliance_instrument=None if instrument is None else AllianceInstrument(instrument),
        **{name: None if p.get(name) is None else float(p[name]) for name in _FIGURES},
    )


class Neo4jOutcomeReports:
    """The outcome primitives of the Neo4j store (a mixin of Neo4jStore)."""

    if TYPE_CHECKING:

        def _read(self, query: str, params: dict) -> list[dict]: ...
        def _write_rows(self, query: str, rows_: list[dict]) -> int: ...
        def _run(self, write: bool, work: Any, *args: Any) -> Any: ...

    def _upsert_outcomes(self, outcomes: list[OutcomeMeasures]) -> int:
        return self._write_rows(UPSERT_OUTCOMES, [outcome_params(o) for o in outcomes])

    def _outcomes_for(self, npis: list[str]) -> dict[str, list[OutcomeMeasures]]:
        out: dict[str, list[OutcomeMeasures]] = {}
        for row in self._read(OUTCOMES_FOR, {"npis": npis}):
            out.setdefault(row["npi"], []).append(outcome(row["props"]))
        return out
