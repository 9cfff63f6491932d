"""Resolution decisions in the store: save, review queue, decide, undo.

Thin functions over the store port (``save_matches``) and the rules of
``directory.services.matches`` (decide, undo). A person's decision is never
overwritten by a later model run (the port guarantees it), and a later run
honours it when given ``store.matches(...)`` as ``decisions``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime

from directory.model import MatchRecord
from directory.services import matches

from .result import ResolutionResult

log = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def decision_digest(m: MatchRecord) -> int:
    """What a decision says, whenever it was made (within one process: Python's hash)."""
    agreement = tuple(sorted(m.agreement.items()))
    return hash(
        (m.decided_by, m.status, m.left, m.right, m.npi, agreement, round(m.probability, 6), round(m.match_weight, 4))
    )


def apply(store, result: ResolutionResult, decided_at: str | None = None, held: Mapping[str, int] | None = None) -> int:
    """Store every MERGED and REVIEW pair with its evidence; returns how many were
    written. ``held``: the :func:`decision_digest` of each decision the store holds
    (when the caller has read them): a decision the model makes again unchanged is
    not rewritten, so it keeps the time it was first made and resolving again
    changes nothing."""
    records = result.match_records(decided_at or _now())
    if held is not None:
        records = [m for m in records if held.get(m.match_id) != decision_digest(m)]
    written = store.save_matches(records)
    log.info("stored %d of %d resolution decisions", written, len(records))
    return written


def review_queue(store, limit: int = 50) -> list[MatchRecord]:
    """Pairs waiting for a person, most likely matches first."""
    return matches.review_queue(store, limit)


def decide(store, match_id: str, accept: bool, by: str) -> MatchRecord:
    """A person merges (accept) or keeps apart (reject) a pair (rules in ``directory.services.matches``)."""
    return matches.decide(store, match_id, matches.Decision.MERGE if accept else matches.Decision.REJECT, by)


def undo(store, match_id: str, by: str) -> MatchRecord:
    """Reverse a merge (the model's or a person's); the evidence stays stored."""
    return matches.decide(store, match_id, matches.Decision.UNDO, by)
