"""Candidates for a vetted network: providers in the network's regions who
meet its vetting criteria (verified; optionally also those who only need
review) and are not members yet, paged.

Fast on a national store because the store's search narrows first: for each
region in turn, one search (the state, or the ZIP's centroid and radius, plus
what the criteria make necessary: a fitting taxonomy when ``taxonomy_fit`` is
required, an evidenced TRD treatment when ``trd_capability`` is) returns a
page of up to 100 active providers, ranked as search ranks them (distance,
then name); only those are read and judged (six batched reads a page). A
provider found in an earlier region is skipped, so each appears once, under
the first region that holds one of its practice locations.

A page ends after ``first`` candidates or once :data:`SCAN_BUDGET` providers
were judged, whichever comes first; the cursor says where to resume (region,
search page, position), so a request does bounded work whatever the size of
the store. The store's search considers at most its own candidate limit per
query (``directory.store.ranking.MAX_CANDIDATES``, 5,000): a whole dense state
with loose criteria can hold more, which a narrower region (ZIP and radius)
reaches. An archived network has no candidates (ARCHIVED).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from scoring import CRITERIA_CHECKS

from ..errors import InputError
from ..model import (
    Network,
    Region,
    SearchCriteria,
    Treatment,
    VettingCriteria,
    VettingRecord,
    VettingStatus,
)
from ..store import Store
from . import regions as regions_of
from .criteria import criteria_of
from .network_lifecycle import require_active
from .vetting import FITTING_TAXONOMIES, judge_facts, provider_facts

#: Most candidates one page may list; most providers one request judges; search page size.
MAX_PAGE = 50
SCAN_BUDGET = 1000
SEARCH_PAGE = 100
#: Treatments that evidence TRD capability (the ``trd_capability`` check's).
TRD_TREATMENTS = (
    Treatment.TMS_STANDARD,
    Treatment.TMS_ACCELERATED,
    Treatment.ESKETAMINE_REMS,
    Treatment.IV_KETAMINE,
    Treatment.ECT,
)
assert "taxonomy_fit" in CRITERIA_CHECKS and "trd_capability" in CRITERIA_CHECKS


@dataclass(frozen=True, slots=True)
class Candidate:
    npi: str
    display_name: str
    region: Region
    distance_miles: float | None  # from the ZIP of a ZIP region
    result: VettingRecord  # judged under the network's criteria, not stored


@dataclass(frozen=True, slots=True)
class CandidatePage:
    candidates: tuple[Candidate, ...]
    end_cursor: str | None
    has_next_page: bool
    scanned: int  # providers judged for this page


@dataclass(frozen=True, slots=True)
class _Position:
    region: int
    search_after: str | None  # the search cursor of the page being read
    skip: int  # hits of that page already consumed


def _fingerprint(network: Network) -> str:
    text = json.dumps([regions_of.text(r) for r in network.regions])
    return hashlib.blake2b(text.encode(), digest_size=4).hexdigest()


def _encode(network: Network, at: _Position) -> str:
    data = {"r": at.region, "s": at.search_after, "k": at.skip, "f": _fingerprint(network)}
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode()


def _decode(network: Network, cursor: str | None) -> _Position:
    if not cursor:
        return _Position(0, None, 0)
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        at = _Position(int(data["r"]), data["s"], int(data["k"]))
        ok = data["f"] == _fingerprint(network) and at.region >= 0 and at.skip >= 0
        ok = ok and (at.search_after is None or isinstance(at.search_after, str))
    except (ValueError, KeyError, TypeError):
        raise InputError("invalid cursor") from None
    if not ok:
        raise InputError("the cursor belongs to other regions: start again without it")
    return at


def search_criteria(region: Region, criteria: VettingCriteria, after: str | None) -> SearchCriteria:
    """The store search that narrows a region to the providers worth judging."""
    centre = regions_of.centre(region)
    return SearchCriteria(
        treatments=TRD_TREATMENTS if "trd_capability" in criteria.required_checks else (),
        taxonomy_codes=tuple(sorted(FITTING_TAXONOMIES)) if "taxonomy_fit" in criteria.required_checks else (),
        near=centre,
        radius_miles=region.radius_miles if centre is not None else None,
        state=region.state,
        limit=SEARCH_PAGE,
        after=after,
    )


def candidates_page(
    store: Store,
    network: Network,
    today: date,
    *,
    first: int = 20,
    after: str | None = None,
    statuses: Iterable[VettingStatus] = (VettingStatus.VERIFIED,),
) -> CandidatePage:
    """A page of candidates (see the module docstring). InputError without
    regions or with a bad cursor, Archived for an archived network."""
    require_active(network)
    if not network.regions:
        raise InputError(f"network {network.id!r} has no regions: set them to list candidates")
    if not 1 <= first <= MAX_PAGE:
        raise InputError(f"first must be between 1 and {MAX_PAGE}")
    wanted = set(statuses)
    at = _decode(network, after)
    criteria = criteria_of(store, network.id)
    members = {m.npi for m in store.network_members(network.id)}
    lists = store.exclusion_lists()
    found: list[Candidate] = []
    scanned = 0
    regions = network.regions
    while at.region < len(regions) and len(found) < first and scanned < SCAN_BUDGET:
        region = regions[at.region]
        page = store.search(search_criteria(region, criteria, at.search_after))
        hits = page.hits[at.skip :]
        facts = provider_facts(store, [h.npi for h in hits if h.npi not in members])
        stopped = None
        for i, hit in enumerate(hits, start=at.skip):
            scanned += 1
            f = facts.get(hit.npi)
            if f is None or any(
                regions_of.contains(r, pl.location) for r in regions[: at.region] for pl in f.locations
            ):
                continue  # a member, or listed under an earlier region
            result = judge_facts(f, criteria, lists, today, network.id)
            if result.status in wanted:
                found.append(Candidate(hit.npi, hit.display_name, region, hit.distance_miles, result))
                if len(found) >= first:
                    stopped = i + 1
                    break
        if stopped is not None and stopped < at.skip + len(hits):
            at = _Position(at.region, at.search_after, stopped)
        elif page.has_next_page:
            at = _Position(at.region, page.end_cursor, 0)
        else:
            at = _Position(at.region + 1, None, 0)
    more = at.region < len(regions)
    return CandidatePage(tuple(found), _encode(network, at) if more else None, more, scanned)
