"""What changed since the last review, member by member: each member's
current vetting (judged from the evidence held today, recorded when it
changed, as ``network_vetting`` does) against the **baseline**, the result
the member's last review saw (``NetworkMember.reviewed_seq``, recorded by
``network_lifecycle.mark_reviewed``), or, for a member never reviewed, its
first recorded result (the judgment made when it was added). A change is a
check whose status moved (a new exclusion fails ``not_excluded``, an expired
licence fails ``state_license``, a fact gone stale turns a check unknown) or
the status itself.

Members are read in NPI order and judged in batches; a page ends after
``first`` members with changes, or once :data:`SCAN_BUDGET` members were
judged, whichever comes first, with the last NPI judged as the cursor: a
request does bounded work whatever the size of the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scoring import Change, changes

from ..errors import InputError
from ..model import Network, NetworkMember, VettingRecord
from ..npi import is_valid_npi
from ..store import Store
from .criteria import criteria_of
from .network_reports import pages
from .network_vetting import REFRESH_BATCH, judge_members

#: Most members one page may list, and most members one request judges.
MAX_PAGE = 100
SCAN_BUDGET = 2000


@dataclass(frozen=True, slots=True)
class MemberReview:
    member: NetworkMember
    current: VettingRecord
    baseline: VettingRecord | None  # what the last review saw; None: nothing recorded before now
    changes: tuple[Change, ...]


@dataclass(frozen=True, slots=True)
class ReviewPage:
    items: tuple[MemberReview, ...]
    end_cursor: str | None  # the last NPI judged; pass it as ``after`` for the next page
    has_next_page: bool
    scanned: int  # members judged for this page


def check_cursor(after: str | None) -> str:
    if after is None:
        return ""
    if not is_valid_npi(after.strip()):
        raise InputError("after must be the endCursor of a previous page (an NPI)")
    return after.strip()


def changes_since_review(
    store: Store,
    network: Network,
    today: date,
    *,
    first: int = 20,
    after: str | None = None,
    only_changed: bool = True,
) -> ReviewPage:
    """Members after ``after`` (NPI order) whose current result differs from
    their baseline (every member when ``only_changed`` is False), at most ``first``."""
    if not 1 <= first <= MAX_PAGE:
        raise InputError(f"first must be between 1 and {MAX_PAGE}")
    start = check_cursor(after)
    criteria = criteria_of(store, network.id)
    found: list[MemberReview] = []
    scanned = 0
    last = start
    stopped = False
    for batch in pages(store, network, start, REFRESH_BATCH):
        if len(found) >= first or scanned >= SCAN_BUDGET:
            stopped = True
            break
        judged = judge_members(store, network, [m.npi for m in batch], today, criteria=criteria)
        baselines = store.vetting_results_at(network.id, {m.npi: m.reviewed_seq or 1 for m in batch})
        for m in batch:
            scanned += 1
            last = m.npi
            if m.npi not in judged:  # a member whose record is gone from the directory
                continue
            current = judged[m.npi].current
            baseline = baselines.get(m.npi)
            moved = changes(baseline, current)  # none when the review saw the current result
            if moved or not only_changed:
                found.append(MemberReview(m, current, baseline, moved))
                if len(found) >= first:
                    break
    more = stopped or bool(store.member_page(network.id, after=last, limit=1))
    return ReviewPage(tuple(found), last or None, more, scanned)
