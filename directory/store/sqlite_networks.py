"""The curation of networks on the embedded store (see :mod:`.network_books`):
the statements, and the primitives ``SQLiteStore`` inherits. Each primitive
is one write transaction (``BEGIN IMMEDIATE``), so writers are serialised and
the next event number read inside it cannot be taken by another writer."""

from __future__ import annotations

import json
import sqlite3
from contextlib import AbstractContextManager
from datetime import datetime

from ..errors import AlreadyExists, Archived, NotFound
from ..model import Network, NetworkEvent, NetworkMember, NetworkStatus, VettingRecord
from . import network_codec as codec
from . import sqlite_rows as rows
from . import vetting_codec
from .keys import timestamp
from .network_books import MemberChanges, kept_events

NETWORK_STATUS = "SELECT id, status FROM network WHERE id IN (SELECT value FROM json_each(?))"
CREATE_NETWORK = """
INSERT INTO network (id, name, kind, owner_id, status, regions)
VALUES (:id, :name, :kind, :owner_id, :status, :regions)"""
UPDATE_NETWORK = "UPDATE network SET name = :name, status = :status, regions = :regions WHERE id = :id"
NEXT_EVENT = "SELECT coalesce(max(seq), 0) + 1 FROM network_event WHERE network_id = ?"
APPEND_EVENT = """
INSERT INTO network_event (network_id, seq, kind, at, actor, npi, decision, note, detail)
VALUES (:network_id, :seq, :kind, :at, :actor, :npi, :decision, :note, :detail)"""
MISSING_NPIS = """
SELECT j.value FROM json_each(?) j WHERE NOT EXISTS (SELECT 1 FROM provider p WHERE p.npi = j.value)"""
# a member already there keeps its membership and decision: only providers new to the network are added
ADD_MEMBER = """
INSERT INTO network_member (network_id, npi, added_on, source, retrieved, method, confidence, reference,
    decision, decided_by, decided_at, note, reviewed_seq, reviewed_at)
VALUES (:network_id, :npi, :added_on, :source, :retrieved, :method, :confidence, :reference,
    :decision, :decided_by, :decided_at, :note, :reviewed_seq, :reviewed_at)
ON CONFLICT (network_id, npi) DO NOTHING
RETURNING npi"""
REMOVE_MEMBERS = """
DELETE FROM network_member WHERE network_id = ? AND npi IN (SELECT value FROM json_each(?))
RETURNING npi"""
MARK_REVIEWED = """
UPDATE network_member SET reviewed_seq = :seq, reviewed_at = :at WHERE network_id = :network_id AND npi = :npi"""
EVENTS = """
SELECT * FROM network_event
WHERE network_id = :network_id AND (:before IS NULL OR seq < :before)
  AND (:kinds IS NULL OR kind IN (SELECT value FROM json_each(:kinds)))
ORDER BY seq DESC LIMIT :limit"""
MEMBER_PAGE = """
SELECT * FROM network_member WHERE network_id = :network_id AND npi > :after ORDER BY npi LIMIT :limit"""
RESULTS_AT = """
SELECT r.* FROM json_each(:seqs) s
JOIN vetting_result r ON r.network_id = :network_id AND r.npi = s.key AND r.seq = s.value
ORDER BY r.npi"""


class SQLiteNetworks:
    """The network curation primitives of :class:`~.sqlite.SQLiteStore`."""

    def _tx(self, write: bool = True) -> AbstractContextManager[sqlite3.Connection]:  # pragma: no cover
        raise NotImplementedError  # SQLiteStore's

    def _create_network(self, network: Network, event: NetworkEvent) -> NetworkEvent:
        with self._tx() as conn:
            if _statuses(conn, [network.id]):
                raise AlreadyExists(f"a network with id {network.id!r} exists")
            conn.execute(
                CREATE_NETWORK,
                {
                    "id": network.id,
                    "name": network.name,
                    "kind": network.kind.value,
                    "owner_id": network.owner_id,
                    "status": network.status.value,
                    "regions": codec.regions_json(network.regions),
                },
            )
            return _append(conn, [event])[0]

    def _update_network(self, network: Network, event: NetworkEvent) -> NetworkEvent:
        with self._tx() as conn:
            _require_open(conn, [network.id])
            conn.execute(
                UPDATE_NETWORK,
                {
                    "id": network.id,
                    "name": network.name,
                    "status": network.status.value,
                    "regions": codec.regions_json(network.regions),
                },
            )
            return _append(conn, [event])[0]

    def _change_members(
        self, network_id: str, added: list[NetworkMember], removed: list[str], events: list[NetworkEvent]
    ) -> MemberChanges:
        with self._tx() as conn:
            _require_open(conn, [network_id])
            wanted = json.dumps(sorted({m.npi for m in added}))
            missing = [r[0] for r in conn.execute(MISSING_NPIS, (wanted,))]
            if missing:
                raise NotFound(f"no provider with NPI {', '.join(sorted(missing)[:10])}")
            new: set[str] = set()
            for m in added:
                params = {
                    "network_id": network_id,
                    "npi": m.npi,
                    "added_on": rows.iso(m.added_on),
                    **rows.evidence_params(m.evidence),
                    **codec.decision_params(m),
                }
                new.update(r[0] for r in conn.execute(ADD_MEMBER, params).fetchall())
            gone = {r[0] for r in conn.execute(REMOVE_MEMBERS, (network_id, json.dumps(removed))).fetchall()}
            stored = _append(conn, kept_events(events, new | gone))
        return MemberChanges(tuple(sorted(new)), tuple(sorted(gone)), tuple(stored))

    def _mark_reviewed(
        self, network_id: str, seqs: dict[str, int], at: datetime, event: NetworkEvent
    ) -> tuple[int, NetworkEvent]:
        with self._tx() as conn:
            _require_open(conn, [network_id])
            when = timestamp(at)
            marked = conn.executemany(
                MARK_REVIEWED, [{"network_id": network_id, "npi": n, "seq": s, "at": when} for n, s in seqs.items()]
            ).rowcount
            return marked, _append(conn, [event])[0]

    def _record_network_events(self, events: list[NetworkEvent]) -> list[NetworkEvent]:
        with self._tx() as conn:
            ids = sorted({e.network_id for e in events})
            missing = sorted(set(ids) - set(_statuses(conn, ids)))
            if missing:
                raise NotFound(f"no network {', '.join(missing)}")
            return _append(conn, events)

    def _network_events(
        self, network_id: str, before: int | None, kinds: list[str] | None, limit: int
    ) -> list[NetworkEvent]:
        with self._tx(write=False) as conn:
            if not _statuses(conn, [network_id]):
                raise NotFound(f"no network {network_id}")
            params = {
                "network_id": network_id,
                "before": before,
                "kinds": None if kinds is None else json.dumps(kinds),
                "limit": limit,
            }
            return [codec.event_of(dict(r)) for r in conn.execute(EVENTS, params)]

    def _member_page(self, network_id: str, after: str, limit: int) -> list[NetworkMember]:
        with self._tx(write=False) as conn:
            if not _statuses(conn, [network_id]):
                raise NotFound(f"no network {network_id}")
            params = {"network_id": network_id, "after": after, "limit": limit}
            return [rows.network_member(r) for r in conn.execute(MEMBER_PAGE, params)]

    def _vetting_results_at(self, network_id: str, seqs: dict[str, int]) -> dict[str, VettingRecord]:
        with self._tx(write=False) as conn:
            found = conn.execute(RESULTS_AT, {"network_id": network_id, "seqs": json.dumps(seqs)})
            return {r["npi"]: vetting_codec.result_of(r) for r in found}


def _statuses(conn: sqlite3.Connection, network_ids: list[str]) -> dict[str, str]:
    return {r["id"]: r["status"] for r in conn.execute(NETWORK_STATUS, (json.dumps(network_ids),))}


def _require_open(conn: sqlite3.Connection, network_ids: list[str]) -> None:
    """NotFound for a missing network, Archived for an archived one."""
    found = _statuses(conn, network_ids)
    for network_id in network_ids:
        if network_id not in found:
            raise NotFound(f"no network {network_id}")
        if found[network_id] == NetworkStatus.ARCHIVED.value:
            raise Archived(f"network {network_id!r} is archived: it takes no changes")


def _append(conn: sqlite3.Connection, events: list[NetworkEvent]) -> list[NetworkEvent]:
    """Append events in order, each numbered after the last of its network."""
    out = []
    for e in events:
        seq = conn.execute(NEXT_EVENT, (e.network_id,)).fetchone()[0]
        params = codec.event_params(e, seq)
        conn.execute(APPEND_EVENT, params)
        out.append(codec.event_of(params))
    return out
