"""Vetting criteria and results on the embedded store (see
:mod:`.vetting_books`): the statements, and the primitives ``SQLiteStore``
inherits. Each primitive is one transaction; appending results reads the
latest stored ones in the same write transaction, so two callers recording
the same result store it once."""

from __future__ import annotations

import json
import sqlite3
from contextlib import AbstractContextManager
from datetime import date

from ..errors import NotFound
from ..model import VettingCriteria, VettingRecord
from . import vetting_codec as codec

SET_CRITERIA = """
INSERT INTO vetting_criteria (network_id, criteria, set_by, set_on) VALUES (:network_id, :criteria, :set_by, :set_on)
ON CONFLICT (network_id) DO UPDATE SET criteria = excluded.criteria, set_by = excluded.set_by,
    set_on = excluded.set_on"""
CRITERIA = """
SELECT * FROM vetting_criteria WHERE :ids IS NULL OR network_id IN (SELECT value FROM json_each(:ids))
ORDER BY network_id"""
NETWORK_IDS = "SELECT id FROM network WHERE id IN (SELECT value FROM json_each(?))"
# the newest :latest results of each NPI (seq counts from 1 without gaps)
LATEST = """
SELECT r.* FROM vetting_result r
JOIN (SELECT npi, max(seq) AS top FROM vetting_result
      WHERE network_id = :network_id AND npi IN (SELECT value FROM json_each(:npis)) GROUP BY npi) t
  ON t.npi = r.npi
WHERE r.network_id = :network_id AND r.seq > t.top - :latest
ORDER BY r.npi, r.seq DESC"""
NEWEST_OFFERINGS = """
SELECT source, max(retrieved) AS newest FROM treatment_offering
WHERE source IN (SELECT value FROM json_each(?)) GROUP BY source"""
APPEND = """
INSERT INTO vetting_result (network_id, npi, seq, status, checks, fingerprint, digest, scoring_version, judged_on)
VALUES (:network_id, :npi, :seq, :status, :checks, :fingerprint, :digest, :scoring_version, :judged_on)"""


class SQLiteVetting:
    """The vetting primitives of :class:`~.sqlite.SQLiteStore`."""

    def _tx(self, write: bool = True) -> AbstractContextManager[sqlite3.Connection]:  # pragma: no cover
        raise NotImplementedError  # SQLiteStore's

    def _set_vetting_criteria(self, criteria: VettingCriteria) -> None:
        with self._tx() as conn:
            _require_networks(conn, [criteria.network_id])
            conn.execute(SET_CRITERIA, codec.criteria_params(criteria))

    def _vetting_criteria(self, network_ids: list[str] | None) -> dict[str, VettingCriteria]:
        ids = None if network_ids is None else json.dumps(network_ids)
        with self._tx(write=False) as conn:
            return {r["network_id"]: codec.criteria_of(dict(r)) for r in conn.execute(CRITERIA, {"ids": ids})}

    def _record_vetting(self, records: list[VettingRecord]) -> int:
        appended = 0
        with self._tx() as conn:
            _require_networks(conn, sorted({r.network_id for r in records}))
            by_network: dict[str, list[VettingRecord]] = {}
            for r in records:
                by_network.setdefault(r.network_id, []).append(r)
            for network_id, group in by_network.items():
                stored = _latest(conn, network_id, [r.npi for r in group], 1)
                rows = []
                for r in group:
                    top = stored.get(r.npi, [None])[0]
                    if not codec.unchanged(top, r):
                        rows.append(codec.result_params(r, (top.seq if top else 0) + 1))
                conn.executemany(APPEND, rows)
                appended += len(rows)
        return appended

    def _newest_offering_dates(self, sources: list[str]) -> dict[str, date]:
        with self._tx(write=False) as conn:
            return {
                r["source"]: date.fromisoformat(r["newest"])
                for r in conn.execute(NEWEST_OFFERINGS, (json.dumps(sources),))
            }

    def _vetting_results(self, network_id: str, npis: list[str], latest: int) -> dict[str, list[VettingRecord]]:
        with self._tx(write=False) as conn:
            return _latest(conn, network_id, npis, latest)


def _require_networks(conn: sqlite3.Connection, network_ids: list[str]) -> None:
    named = [n for n in network_ids if n]  # "" is the default criteria's, not a network
    found = {r[0] for r in conn.execute(NETWORK_IDS, (json.dumps(named),))} if named else set()
    missing = sorted(set(named) - found)
    if missing:
        raise NotFound(f"no network {', '.join(missing)}")


def _latest(conn: sqlite3.Connection, network_id: str, npis: list[str], latest: int) -> dict[str, list[VettingRecord]]:
    out: dict[str, list[VettingRecord]] = {}
    params = {"network_id": network_id, "npis": json.dumps(npis), "latest": latest}
    for row in conn.execute(LATEST, params):
        out.setdefault(row["npi"], []).append(codec.result_of(row))
    return out
