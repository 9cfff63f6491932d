"""A person's decisions on entity-resolution pairs: the rules, whoever asks
(the CLI's `provnet review`, GraphQL's `decideMatch`).

* A merge or a rejection may be decided on any pair; deciding what the pair
  already is changes nothing but who decided it and when.
* Only a merge can be undone (the evidence stays stored; a later model run
  honours the undo).
* Every decision names who made it.
* On a pair of an exclusion-list row and a provider (``leie:<key>`` ~
  ``nppes:<npi>``), a merge attaches the exclusion to the provider and a
  rejection or undo removes it (``directory.services.exclusions``).
"""

from __future__ import annotations

import enum
import logging
from datetime import UTC, datetime

from ..errors import InputError, NotFound
from ..model import MatchRecord, MatchStatus
from ..store import Store
from .exclusions import apply_decision

log = logging.getLogger(__name__)

#: Longest "who decided" label kept with a decision.
MAX_DECIDER = 200


class Decision(enum.Enum):
    MERGE = "merge"
    REJECT = "reject"
    UNDO = "undo"


_STATUS = {Decision.MERGE: MatchStatus.MERGED, Decision.REJECT: MatchStatus.REJECTED, Decision.UNDO: MatchStatus.UNDONE}


def review_queue(store: Store, limit: int = 50) -> list[MatchRecord]:
    """Pairs waiting for a person, most likely matches first."""
    return store.matches(status=MatchStatus.REVIEW, limit=limit)


def decide(store: Store, match_id: str, decision: Decision, by: str, *, now: datetime | None = None) -> MatchRecord:
    """Record a person's decision; NotFound for an unknown pair, InputError for
    one the rules refuse (an undo of anything but a merge, no decider)."""
    by = (by or "").strip()
    if not by:
        raise InputError("a decision needs the name of who made it")
    if len(by) > MAX_DECIDER:
        raise InputError(f"the name of who decided is longer than {MAX_DECIDER} characters")
    found = store.matches(ids=[match_id], limit=1)
    if not found:
        raise NotFound(f"no match {match_id[:200]!r}")
    current = found[0]
    if decision is Decision.UNDO and current.status is not MatchStatus.MERGED:
        raise InputError(f"match {current.match_id} is {current.status.value}: only a merge can be undone")
    when = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    decided = store.decide_match(current.match_id, _STATUS[decision], by, when)
    log.info("%s decided %s on match %s", by, decision.value, current.match_id)
    apply_decision(store, decided)  # an exclusion-list pair attaches or removes the exclusion
    return decided
