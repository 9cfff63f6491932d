"""How both adapters keep the curation of networks: regions as JSON text, a
member's decision and review as flat columns (properties on Neo4j), and
network events as flat rows. Instants are UTC text to the second
(:func:`.keys.timestamp`), so they order as text on both stores."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..model import MemberDecision, NetworkEvent, NetworkEventKind, NetworkMember, NetworkStatus, Region
from .keys import instant, timestamp


def regions_json(regions: tuple[Region, ...]) -> str:
    return json.dumps(
        [{"state": r.state} if r.state else {"zip5": r.zip5, "radius_miles": r.radius_miles} for r in regions],
        sort_keys=True,
    )


def regions_of(text: str | None) -> tuple[Region, ...]:
    out = []
    for item in json.loads(text or "[]"):
        if item.get("state"):
            out.append(Region(state=item["state"]))
        else:
            out.append(Region(zip5=item["zip5"], radius_miles=float(item["radius_miles"])))
    return tuple(out)


def status_of(value: str | None) -> NetworkStatus:
    return NetworkStatus(value or NetworkStatus.ACTIVE.value)  # a network stored before version 5/4 is active


def decision_params(m: NetworkMember) -> dict[str, Any]:
    """The curation fields of a membership, flat (None where unset)."""
    return {
        "decision": None if m.decision is None else m.decision.value,
        "decided_by": m.decided_by,
        "decided_at": timestamp(m.decided_at),
        "note": m.note,
        "reviewed_seq": m.reviewed_seq,
        "reviewed_at": timestamp(m.reviewed_at),
    }


def decision_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of NetworkMember's curation fields from a stored row (missing keys: unset)."""
    decision = row.get("decision")
    seq = row.get("reviewed_seq")
    return {
        "decision": None if decision is None else MemberDecision(decision),
        "decided_by": row.get("decided_by"),
        "decided_at": instant(row.get("decided_at")),
        "note": row.get("note"),
        "reviewed_seq": None if seq is None else int(seq),
        "reviewed_at": instant(row.get("reviewed_at")),
    }


def event_params(e: NetworkEvent, seq: int) -> dict[str, Any]:
    return {
        "network_id": e.network_id,
        "seq": seq,
        "kind": e.kind.value,
        "at": timestamp(e.at),
        "actor": e.actor,
        "npi": e.npi,
        "decision": None if e.decision is None else e.decision.value,
        "note": e.note,
        "detail": e.detail,
    }


def event_of(row: Mapping[str, Any]) -> NetworkEvent:
    decision = row.get("decision")
    at = instant(row["at"])
    assert at is not None
    return NetworkEvent(
        network_id=row["network_id"],
        kind=NetworkEventKind(row["kind"]),
        at=at,
        actor=row["actor"],
        npi=row.get("npi"),
        decision=None if decision is None else MemberDecision(decision),
        note=row.get("note"),
        detail=row.get("detail") or "",
        seq=int(row["seq"]),
    )


def numbered(e: NetworkEvent, seq: int) -> NetworkEvent:
    """``e`` as stored: numbered, its instant cut to the second as the stores keep it."""
    return event_of(event_params(e, seq))


def second(value: datetime | None) -> datetime | None:
    """An instant as the stores keep it (UTC, to the second)."""
    return instant(timestamp(value))
