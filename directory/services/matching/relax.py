"""Relaxing a need to fill the list, in one fixed order, and what each candidate
needs relaxed to be listed.

The order (:data:`ORDER`), applied one step at a time while the list holds fewer
matches than asked for, each step only when the need makes it meaningful:

1. ``RADIUS_WIDENED``: the maximum distance doubles (:data:`WIDEN_FACTOR`);
2. ``ACCEPTING_PREFERRED``: accepting new patients goes from required to preferred,
   so providers known not to accept come back (ranked lower by access);
3. ``WAIT_RELAXED``: the longest acceptable wait is dropped;
4. ``TELEHEALTH_ADDED``: telehealth providers licensed or practising in the
   patient's state join (when telehealth is acceptable *if needed*);
5. ``LANGUAGE_RELAXED``: providers known not to speak the language join.

Relaxing never drops a provider a stricter step listed; it only adds. A fact
that is *unknown* never keeps a provider out: it is flagged and ranks the
provider below those whose facts are known (see :func:`fit`).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from ...model_matching import MatchCandidate
from .need import Accepting, Need, Telehealth

#: How much the radius widens when relaxed.
WIDEN_FACTOR = 2.0


class Relaxation(enum.Enum):
    RADIUS_WIDENED = "radius_widened"
    ACCEPTING_PREFERRED = "accepting_preferred"
    WAIT_RELAXED = "wait_relaxed"
    TELEHEALTH_ADDED = "telehealth_added"
    LANGUAGE_RELAXED = "language_relaxed"


#: The fixed order in which preferences are relaxed.
ORDER: tuple[Relaxation, ...] = tuple(Relaxation)


class UnknownFact(enum.Enum):
    """A fact the need cares about that no source has given."""

    ACCEPTING_NEW_PATIENTS = "accepting_new_patients"
    WAIT_DAYS = "wait_days"
    LANGUAGES = "languages"
    VETTING = "vetting"  # no check failed, but the checklist is not complete


class Via(enum.Enum):
    IN_PERSON = "in_person"
    TELEHEALTH = "telehealth"


@dataclass(frozen=True, slots=True)
class Fit:
    """How a candidate can meet the need."""

    via: Via
    needs: frozenset[Relaxation]  # the relaxations it needs to be listed
    unknown: tuple[UnknownFact, ...]  # facts the need cares about that are unknown
    unknown_required: int  # ... of those, how many the need *requires* (they rank it lower)


def applicable(need: Need) -> tuple[Relaxation, ...]:
    """The steps this need can relax, in :data:`ORDER`; none when it asks not to relax."""
    if not need.relax:
        return ()
    steps = {Relaxation.RADIUS_WIDENED}
    if need.accepting is Accepting.REQUIRED:
        steps.add(Relaxation.ACCEPTING_PREFERRED)
    if need.max_wait_days is not None:
        steps.add(Relaxation.WAIT_RELAXED)
    if need.telehealth is Telehealth.IF_NEEDED and need.state is not None:
        steps.add(Relaxation.TELEHEALTH_ADDED)
    if need.language is not None:
        steps.add(Relaxation.LANGUAGE_RELAXED)
    return tuple(step for step in ORDER if step in steps)


def widest_miles(need: Need) -> float:
    """The farthest a candidate site may be: the maximum distance, widened when the need may be relaxed."""
    return need.max_miles * WIDEN_FACTOR if need.relax else need.max_miles


def _rank(needs: frozenset[Relaxation]) -> int:
    return max((ORDER.index(n) + 1 for n in needs), default=0)


_NOTHING: frozenset[Relaxation] = frozenset()
_WIDENED = frozenset({Relaxation.RADIUS_WIDENED})
_ADDED = frozenset({Relaxation.TELEHEALTH_ADDED})


def fit(need: Need, c: MatchCandidate, vetting: str) -> Fit | None:
    """How ``c`` meets ``need``, or None when it cannot at all (telehealth only,
    and telehealth is not acceptable). In person and by telehealth, the way
    needing the earlier relaxations wins; in person on a tie. (Called for every
    candidate of a dense metro: written to allocate little.)"""
    remote_ok = c.telehealth_in_state and need.telehealth is not Telehealth.NOT_ACCEPTABLE
    remote = _NOTHING if need.telehealth is Telehealth.ACCEPTABLE else _ADDED
    if c.distance_miles is not None:
        via, needs = Via.IN_PERSON, (_WIDENED if c.distance_miles > need.max_miles else _NOTHING)
        if remote_ok and needs and _rank(remote) < _rank(needs):
            via, needs = Via.TELEHEALTH, remote
    elif remote_ok:
        via, needs = Via.TELEHEALTH, remote
    else:
        return None
    more: list[Relaxation] = []
    unknown: list[UnknownFact] = []
    required = 0
    required_accepting = need.accepting is Accepting.REQUIRED
    if c.accepting_new_patients is None:
        unknown.append(UnknownFact.ACCEPTING_NEW_PATIENTS)
        required += required_accepting
    elif required_accepting and not c.accepting_new_patients:
        more.append(Relaxation.ACCEPTING_PREFERRED)
    if c.wait_days is None:
        unknown.append(UnknownFact.WAIT_DAYS)
        required += need.max_wait_days is not None
    elif need.max_wait_days is not None and c.wait_days > need.max_wait_days:
        more.append(Relaxation.WAIT_RELAXED)
    if need.language is not None:
        spoken = {lang.lower() for lang in c.languages}
        if not spoken:
            unknown.append(UnknownFact.LANGUAGES)
            required += 1
        elif need.language not in spoken:
            more.append(Relaxation.LANGUAGE_RELAXED)
    if vetting == "unknown":
        unknown.append(UnknownFact.VETTING)
    return Fit(via, needs.union(more) if more else needs, tuple(unknown), required)


def tier(needs: frozenset[Relaxation], steps: Sequence[Relaxation]) -> int | None:
    """0 when nothing needs relaxing, k when the first k steps of ``steps`` admit
    it, None when they never can (it needs a step the need does not allow)."""
    if not needs:
        return 0
    if not needs <= set(steps):
        return None
    return max(steps.index(n) for n in needs) + 1


def level(tiers: Sequence[int], steps: Sequence[Relaxation], wanted: int) -> int:
    """How many steps to apply: as few as fill ``wanted`` places, and never one
    that admits nobody at the end."""
    counts = [0] * (len(steps) + 1)
    for t in tiers:
        counts[t] += 1
    applied, listed = 0, counts[0]
    while listed < wanted and applied < len(steps):
        applied += 1
        listed += counts[applied]
    while applied > 0 and counts[applied] == 0:
        applied -= 1
    return applied
