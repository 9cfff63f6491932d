"""Vetting criteria and results on Neo4j (see :mod:`.vetting_books`): constant
Cypher (parameters only, no ``CALL`` subqueries, as in :mod:`.neo4j_cypher`),
the transaction functions, and the primitives ``Neo4jStore`` inherits.

    (:VettingCriteria {network_id, criteria (JSON), set_by, set_on})
    (:VettingResult {uid, network_id, npi, seq, status, checks (JSON), fingerprint,
        digest, scoring_version, judged_on})

``uid`` is ``network_id|npi|seq``: appending reads the latest result and
MERGEs the next one in one write transaction, so two callers recording the
same result at once meet on the same uid and store it once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from ..errors import NotFound
from ..model import VettingCriteria, VettingRecord
from . import vetting_codec as codec

# "" names the default criteria, which belong to no network
SET_CRITERIA = """
OPTIONAL MATCH (w:Network {id: $network_id})
WITH w WHERE $network_id = '' OR w IS NOT NULL
MERGE (c:VettingCriteria {network_id: $network_id})
SET c.criteria = $criteria, c.set_by = $set_by, c.set_on = $set_on
RETURN count(c) AS written"""

CRITERIA = """
MATCH (c:VettingCriteria) WHERE $ids IS NULL OR c.network_id IN $ids
RETURN properties(c) AS props
ORDER BY c.network_id"""

MISSING_NETWORKS = """
UNWIND $ids AS network_id
OPTIONAL MATCH (w:Network {id: network_id})
WITH network_id, w WHERE w IS NULL
RETURN collect(network_id) AS missing"""

LATEST = """
UNWIND $npis AS npi
MATCH (r:VettingResult {network_id: $network_id, npi: npi})
WITH npi, r ORDER BY r.seq DESC
WITH npi, collect(r)[0..$latest] AS newest
UNWIND newest AS r
RETURN npi, properties(r) AS props
ORDER BY npi, props.seq DESC"""

NEWEST_OFFERINGS = """
MATCH (:Npi)-[o:OFFERS]->(:Treatment) WHERE o.source IN $sources
RETURN o.source AS source, max(o.retrieved) AS newest"""

APPEND = """
UNWIND $rows AS row
MERGE (r:VettingResult {uid: row.uid})
ON CREATE SET r += row.props
RETURN count(*) AS written"""


def _latest(tx, network_id: str, npis: list[str], latest: int) -> dict[str, list[VettingRecord]]:
    out: dict[str, list[VettingRecord]] = {}
    for row in tx.run(LATEST, {"network_id": network_id, "npis": npis, "latest": latest}).data():
        out.setdefault(row["npi"], []).append(codec.result_of(row["props"]))
    return out


def set_criteria(tx, params: dict) -> None:
    found = tx.run(SET_CRITERIA, params).data()
    if not found or not found[0]["written"]:
        raise NotFound("no network " + params["network_id"])


def record(tx, records: list[VettingRecord]) -> int:
    """Transaction function: append the results that differ from the latest stored."""
    named = sorted({r.network_id for r in records if r.network_id})
    if named:
        found = tx.run(MISSING_NETWORKS, {"ids": named}).data()
        missing = sorted(found[0]["missing"]) if found else []
        if missing:
            raise NotFound("no network " + ", ".join(missing))
    rows: list[dict[str, Any]] = []
    by_network: dict[str, list[VettingRecord]] = {}
    for r in records:
        by_network.setdefault(r.network_id, []).append(r)
    for network_id, group in by_network.items():
        stored = _latest(tx, network_id, [r.npi for r in group], 1)
        for r in group:
            top = stored.get(r.npi, [None])[0]
            if codec.unchanged(top, r):
                continue
            props = codec.result_params(r, (top.seq if top else 0) + 1)
            rows.append({"uid": "|".join((r.network_id, r.npi, str(props["seq"]))), "props": props})
    if rows:
        tx.run(APPEND, {"rows": rows}).consume()
    return len(rows)


def results(tx, network_id: str, npis: list[str], latest: int) -> dict[str, list[VettingRecord]]:
    return _latest(tx, network_id, npis, latest)


class Neo4jVetting:
    """The vetting primitives of :class:`~.neo4j.Neo4jStore`."""

    def _run(self, write: bool, work: Callable[..., Any], *args: Any) -> Any:  # pragma: no cover
        raise NotImplementedError  # Neo4jStore's

    def _set_vetting_criteria(self, criteria: VettingCriteria) -> None:
        self._run(True, set_criteria, codec.criteria_params(criteria))

    def _vetting_criteria(self, network_ids: list[str] | None) -> dict[str, VettingCriteria]:
        found = self._run(False, _data, CRITERIA, {"ids": network_ids})
        return {r["props"]["network_id"]: codec.criteria_of(r["props"]) for r in found}

    def _record_vetting(self, records: list[VettingRecord]) -> int:
        return self._run(True, record, records)

    def _newest_offering_dates(self, sources: list[str]) -> dict[str, date]:
        found = self._run(False, _data, NEWEST_OFFERINGS, {"sources": sources})
        return {r["source"]: date.fromisoformat(r["newest"]) for r in found if r["newest"]}

    def _vetting_results(self, network_id: str, npis: list[str], latest: int) -> dict[str, list[VettingRecord]]:
        return self._run(False, results, network_id, npis, latest)


def _data(tx, query: str, params: dict) -> list[dict]:
    return tx.run(query, params).data()
