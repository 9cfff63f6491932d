"""Date-order rules for NPPES files applied on top of each other.

A main file's period is the ``<start>-<end>`` in its name
(``npidata_pfile_20251103-20251109.csv``). A *monthly* file is a full
replacement (its period starts at the beginning of NPPES, 2005); a *weekly*
file covers about a week. The store's completed ``nppes`` runs are the
applied files. Rules, checked before anything is written:

* no file may end before the end of a file already applied (the main file's
  records would be kept by their update dates, but secondary facts would roll back);
* a weekly needs a monthly base, and must start after the end of the last
  applied file (a gap is allowed with a warning; CMS weeks are contiguous, so
  a gap means one was skipped);
* an earlier file whose run did not finish must be finished first;
* the very same file again is allowed while no later one was applied: it changes nothing.

Breaking a rule raises :class:`OutOfOrderError` naming both files and dates.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta

from directory.errors import OutOfOrderError
from directory.store.base import Store

log = logging.getLogger(__name__)

SOURCE = "nppes"
_PERIOD = re.compile(r"npidata_pfile_(\d{8})-(\d{8})")
#: A period longer than this is a full (monthly) file.
WEEKLY_MAX_DAYS = 62


@dataclass(frozen=True, slots=True, order=True)
class Period:
    start: date
    end: date
    file_name: str

    @property
    def weekly(self) -> bool:
        return (self.end - self.start).days <= WEEKLY_MAX_DAYS

    @property
    def label(self) -> str:
        kind = "weekly" if self.weekly else "monthly"
        return f"{kind} {self.file_name} ({self.start.isoformat()} to {self.end.isoformat()})"


def _day(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def period_of(file_name: str) -> Period | None:
    """The period in a main file's name, or None if it names none."""
    match = _PERIOD.search(file_name)
    if not match:
        return None
    try:
        start, end = _day(match.group(1)), _day(match.group(2))
    except ValueError:
        return None
    return Period(start, end, file_name) if start <= end else None


def applied_periods(store: Store) -> tuple[list[Period], list[Period]]:
    """(completed, unfinished) main-file periods the store's runs record."""
    done: list[Period] = []
    open_: list[Period] = []
    for run in store.runs(SOURCE):
        period = period_of(run.file_name)
        if period is not None:
            (done if run.status == "completed" else open_).append(period)
    return sorted(done), sorted(open_)


def check_order(store: Store, file_name: str) -> Period:
    """Raise OutOfOrderError unless the main file ``file_name`` may be applied now."""
    period = period_of(file_name)
    if period is None:
        raise OutOfOrderError(f"{file_name}: the name carries no <start>-<end> period, so its order is unknown")
    done, unfinished = applied_periods(store)
    later = [p for p in done if p.end > period.end]
    if later:  # its secondary facts (pl, other names) would roll back what a later file said
        newest = max(later, key=lambda p: p.end)
        raise OutOfOrderError(f"cannot apply {period.label}: the later {newest.label} has already been applied")
    if any(p.file_name == file_name and p == period for p in done):
        return period  # the same file again: allowed, it changes nothing
    for other in unfinished:
        if other.file_name != file_name and other.end < period.end:
            raise OutOfOrderError(
                f"cannot apply {period.label}: the earlier {other.label} did not finish; run it again first"
            )
    monthlies = [p for p in done if not p.weekly]
    if not period.weekly:
        return period
    if not monthlies:
        raise OutOfOrderError(
            f"cannot apply {period.label}: no monthly NPPES file has been loaded; load the monthly bundle first"
        )
    base = monthlies[-1]
    if period.end <= base.end:
        raise OutOfOrderError(f"cannot apply {period.label}: it predates the {base.label} it would apply on")
    since = [p for p in done if p.end > base.end or p == base]
    last = max(since, key=lambda p: p.end)
    if period.start <= last.end:
        raise OutOfOrderError(
            f"cannot apply {period.label}: it starts on or before {last.end.isoformat()}, "
            f"the end of the {last.label} already applied (apply weekly files in date order)"
        )
    if period.start > last.end + timedelta(days=1):
        log.warning(
            "%s starts %s, but the last applied file (%s) ended %s: a week may be missing",
            file_name,
            period.start,
            last.file_name,
            last.end,
        )
    return period
