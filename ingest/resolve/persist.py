"""Resolution decisions in the store: save, review queue, decide, undo.

Thin functions over the store port (``save_matches``, ``matches``,
``decide_match``) for the CLI and GraphQL. A person's decision is never
overwritten by a later model run (the port guarantees it), and a later run
honours it when given ``store.matches(...)`` as ``decisions``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from directory.errors import InputError, NotFound
from directory.model import MatchRecord, MatchStatus

from .result import ResolutionResult

log = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def apply(store, result: ResolutionResult, decided_at: str | None = None) -> int:
    """Store every MERGED and REVIEW pair with its evidence; returns how many were written."""
    records = result.match_records(decided_at or _now())
    written = store.save_matches(records)
    log.info("stored %d of %d resolution decisions", written, len(records))
    return written


def review_queue(store, limit: int = 50) -> list[MatchRecord]:
    """Pairs waiting for a person, most likely matches first."""
    return store.matches(status=MatchStatus.REVIEW, limit=limit)


def _get(store, match_id: str) -> MatchRecord:
    found = store.matches(ids=[match_id], limit=1)
    if not found:
        raise NotFound(f"no match {match_id!r}")
    return found[0]


def decide(store, match_id: str, accept: bool, by: str) -> MatchRecord:
    """A person merges (accept) or keeps apart (reject) a pair."""
    if not by:
        raise InputError("a decision needs the name of who made it")
    _get(store, match_id)
    return store.decide_match(match_id, MatchStatus.MERGED if accept else MatchStatus.REJECTED, by, _now())


def undo(store, match_id: str, by: str) -> MatchRecord:
    """Reverse a merge (the model's or a person's); the evidence stays stored."""
    if not by:
        raise InputError("an undo needs the name of who made it")
    current = _get(store, match_id)
    if current.status is not MatchStatus.MERGED:
        raise InputError(f"match {match_id} is {current.status.value}, only a merge can be undone")
    return store.decide_match(match_id, MatchStatus.UNDONE, by, _now())
