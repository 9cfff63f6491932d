"""The curation of networks on Neo4j (see :mod:`.network_books`): constant
Cypher (parameters only, no ``CALL`` subqueries, as in :mod:`.neo4j_cypher`),
the transaction functions, and the primitives ``Neo4jStore`` inherits.

    (:Network {id, ..., status, regions (JSON), event_seq})
    (:Npi)-[:IN_NETWORK {added_on, evidence, decision, decided_by, decided_at, note,
        reviewed_seq, reviewed_at}]->(:Network)
    (:NetworkEvent {uid, network_id, seq, kind, at, actor, npi, decision, note, detail})

Every transaction that changes a network first takes its node's write lock
(:data:`LOCK_NETWORK`, the Cypher manual's idiom: set and remove a property),
so concurrent curators of one network run one after the other: the member
checks, the event numbers (``event_seq``, the last one used) and the status
they read cannot change under them. ``uid`` is ``network_id|seq``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..errors import AlreadyExists, Archived, ConstraintViolation, NotFound
from ..model import Network, NetworkEvent, NetworkMember, NetworkStatus, VettingRecord
from . import neo4j_cypher as q
from . import neo4j_rows as rows
from . import network_codec as codec
from . import vetting_codec
from .keys import timestamp
from .network_books import MemberChanges, kept_events

LOCK_NETWORK = """
MATCH (w:Network {id: $network_id})
SET w._lock = true
REMOVE w._lock
RETURN coalesce(w.status, 'active') AS status, coalesce(w.event_seq, 0) AS top"""

NETWORK_EXISTS = "MATCH (w:Network {id: $network_id}) RETURN w.id AS id"

CREATE_NETWORK = """
CREATE (w:Network {id: $id, name: $name, kind: $kind, owner_id: $owner_id, status: $status, regions: $regions,
                   event_seq: 0})
RETURN w.id AS id"""

UPDATE_NETWORK = """
MATCH (w:Network {id: $id})
SET w.name = $name, w.status = $status, w.regions = $regions"""

SET_EVENT_SEQ = """
MATCH (w:Network {id: $network_id})
SET w.event_seq = $top"""

APPEND_EVENTS = """
UNWIND $rows AS row
CREATE (e:NetworkEvent)
SET e = row.props"""

# a provider already a member keeps its membership and decision: only new ones are added
ADD_MEMBERS = """
MATCH (w:Network {id: $network_id})
UNWIND $rows AS row
MATCH (n:Npi {npi: row.npi})
WHERE NOT EXISTS { (n)-[:IN_NETWORK]->(w) }
CREATE (n)-[r:IN_NETWORK]->(w)
SET r = row.props
RETURN n.npi AS npi"""

REMOVE_MEMBERS = """
MATCH (n:Npi)-[r:IN_NETWORK]->(:Network {id: $network_id}) WHERE n.npi IN $npis
DELETE r
RETURN n.npi AS npi"""

MARK_REVIEWED = """
UNWIND $rows AS row
MATCH (:Npi {npi: row.npi})-[r:IN_NETWORK]->(:Network {id: $network_id})
SET r.reviewed_seq = row.seq, r.reviewed_at = $at
RETURN count(r) AS marked"""

EVENTS = """
MATCH (e:NetworkEvent {network_id: $network_id})
WHERE ($before IS NULL OR e.seq < $before) AND ($kinds IS NULL OR e.kind IN $kinds)
RETURN properties(e) AS props
ORDER BY e.seq DESC
LIMIT $limit"""

MEMBER_PAGE = """
MATCH (n:Npi)-[r:IN_NETWORK]->(:Network {id: $network_id}) WHERE n.npi > $after
RETURN n.npi AS npi, properties(r) AS fact
ORDER BY npi
LIMIT $limit"""

RESULTS_AT = """
UNWIND $rows AS row
MATCH (r:VettingResult {network_id: $network_id, npi: row.npi, seq: row.seq})
RETURN properties(r) AS props
ORDER BY props.npi"""


# ------------------------------------------------------ transaction functions
def _lock(tx, network_id: str) -> int:
    """Take the network's write lock; its last event number. NotFound, Archived."""
    found = tx.run(LOCK_NETWORK, {"network_id": network_id}).data()
    if not found:
        raise NotFound("no network " + network_id)
    if found[0]["status"] == NetworkStatus.ARCHIVED.value:
        raise Archived("network " + repr(network_id) + " is archived: it takes no changes")
    return int(found[0]["top"])


def _append(tx, network_id: str, top: int, events: list[NetworkEvent]) -> list[NetworkEvent]:
    """Append ``events`` after number ``top`` (the lock is held) and move the counter."""
    if not events:
        return []
    params = [codec.event_params(e, top + i) for i, e in enumerate(events, start=1)]
    tx.run(
        APPEND_EVENTS, {"rows": [{"props": {"uid": network_id + "|" + str(p["seq"]), **p}} for p in params]}
    ).consume()
    tx.run(SET_EVENT_SEQ, {"network_id": network_id, "top": top + len(events)}).consume()
    return [codec.event_of(p) for p in params]


def create(tx, network: Network, event: NetworkEvent) -> NetworkEvent:
    if tx.run(NETWORK_EXISTS, {"network_id": network.id}).data():
        raise AlreadyExists("a network with id " + repr(network.id) + " exists")
    tx.run(CREATE_NETWORK, rows.network_params(network)).consume()
    for linking in (q.LINK_NETWORK_OWNERS, q.LINK_NETWORK_PLANS):  # as upsert_networks links them
        tx.run(linking, {"ids": [network.id]}).consume()
    return _append(tx, network.id, 0, [event])[0]


def update(tx, network: Network, event: NetworkEvent) -> NetworkEvent:
    top = _lock(tx, network.id)
    params = rows.network_params(network)
    tx.run(UPDATE_NETWORK, {k: params[k] for k in ("id", "name", "status", "regions")}).consume()
    return _append(tx, network.id, top, [event])[0]


def change(
    tx, network_id: str, added: list[NetworkMember], removed: list[str], events: list[NetworkEvent]
) -> MemberChanges:
    top = _lock(tx, network_id)
    npis = sorted({m.npi for m in added})
    if npis:
        missing = tx.run(q.MISSING_NPIS, {"npis": npis}).data()
        if missing and missing[0]["missing"]:
            raise NotFound("no provider with NPI " + ", ".join(sorted(missing[0]["missing"])[:10]))
    new: set[str] = set()
    if added:
        member_rows = []
        for m in added:
            p = rows.member_params(m)
            member_rows.append({"npi": m.npi, "props": {**p["fact"], **codec.decision_params(m)}})
        found = tx.run(ADD_MEMBERS, {"network_id": network_id, "rows": member_rows}).data()
        new = {r["npi"] for r in found}
    gone: set[str] = set()
    if removed:
        gone = {r["npi"] for r in tx.run(REMOVE_MEMBERS, {"network_id": network_id, "npis": removed}).data()}
    stored = _append(tx, network_id, top, kept_events(events, new | gone))
    return MemberChanges(tuple(sorted(new)), tuple(sorted(gone)), tuple(stored))


def mark(tx, network_id: str, seqs: dict[str, int], at: datetime, event: NetworkEvent) -> tuple[int, NetworkEvent]:
    top = _lock(tx, network_id)
    marked = 0
    if seqs:
        params = {
            "network_id": network_id,
            "at": timestamp(at),
            "rows": [{"npi": npi, "seq": seq} for npi, seq in seqs.items()],
        }
        found = tx.run(MARK_REVIEWED, params).data()
        marked = int(found[0]["marked"]) if found else 0
    return marked, _append(tx, network_id, top, [event])[0]


def record(tx, events: list[NetworkEvent]) -> list[NetworkEvent]:
    by_network: dict[str, list[NetworkEvent]] = {}
    for e in events:
        by_network.setdefault(e.network_id, []).append(e)
    stored: dict[int, NetworkEvent] = {}
    for network_id in sorted(by_network):
        found = tx.run(LOCK_NETWORK, {"network_id": network_id}).data()  # any status: history of an archive
        if not found:
            raise NotFound("no network " + network_id)
        group = by_network[network_id]
        for e, done in zip(group, _append(tx, network_id, int(found[0]["top"]), group)):
            stored[id(e)] = done
    return [stored[id(e)] for e in events]


def history(tx, network_id: str, before: int | None, kinds: list[str] | None, limit: int) -> list[NetworkEvent]:
    if not tx.run(NETWORK_EXISTS, {"network_id": network_id}).data():
        raise NotFound("no network " + network_id)
    params = {"network_id": network_id, "before": before, "kinds": kinds, "limit": limit}
    return [codec.event_of(r["props"]) for r in tx.run(EVENTS, params).data()]


def member_page(tx, network_id: str, after: str, limit: int) -> list[NetworkMember]:
    if not tx.run(NETWORK_EXISTS, {"network_id": network_id}).data():
        raise NotFound("no network " + network_id)
    found = tx.run(MEMBER_PAGE, {"network_id": network_id, "after": after, "limit": limit}).data()
    return [rows.network_member(network_id, r) for r in found]


def results_at(tx, network_id: str, seqs: dict[str, int]) -> dict[str, VettingRecord]:
    params = {"network_id": network_id, "rows": [{"npi": npi, "seq": seq} for npi, seq in seqs.items()]}
    return {r["props"]["npi"]: vetting_codec.result_of(r["props"]) for r in tx.run(RESULTS_AT, params).data()}


class Neo4jNetworks:
    """The network curation primitives of :class:`~.neo4j.Neo4jStore`."""

    def _run(self, write: bool, work: Callable[..., Any], *args: Any) -> Any:  # pragma: no cover
        raise NotImplementedError  # Neo4jStore's

    def _create_network(self, network: Network, event: NetworkEvent) -> NetworkEvent:
        try:
            return self._run(True, create, network, event)
        except ConstraintViolation as exc:  # created by another writer between the check and the create
            raise AlreadyExists("a network with id " + repr(network.id) + " exists") from exc

    def _update_network(self, network: Network, event: NetworkEvent) -> NetworkEvent:
        return self._run(True, update, network, event)

    def _change_members(
        self, network_id: str, added: list[NetworkMember], removed: list[str], events: list[NetworkEvent]
    ) -> MemberChanges:
        return self._run(True, change, network_id, added, removed, events)

    def _mark_reviewed(
        self, network_id: str, seqs: dict[str, int], at: datetime, event: NetworkEvent
    ) -> tuple[int, NetworkEvent]:
        return self._run(True, mark, network_id, seqs, at, event)

    def _record_network_events(self, events: list[NetworkEvent]) -> list[NetworkEvent]:
        return self._run(True, record, events)

    def _network_events(
        self, network_id: str, before: int | None, kinds: list[str] | None, limit: int
    ) -> list[NetworkEvent]:
        return self._run(False, history, network_id, before, kinds, limit)

    def _member_page(self, network_id: str, after: str, limit: int) -> list[NetworkMember]:
        return self._run(False, member_page, network_id, after, limit)

    def _vetting_results_at(self, network_id: str, seqs: dict[str, int]) -> dict[str, VettingRecord]:
        return self._run(False, results_at, network_id, seqs)
