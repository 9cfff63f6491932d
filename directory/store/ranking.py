"""Search ranking and paging, shared by every backend: a backend returns
candidates with its structured filters applied, and the name rule
(:mod:`.names`), ranking and cursors here filter, order and page them
identically everywhere."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import InputError
from ..model import EntityType, SearchCriteria, SearchHit, SearchOrder, SearchPage
from .hashing import jsonable as _jsonable
from .names import name_score, query_words

#: Most candidates a backend returns for one search before ranking; a guard
#: against a national-size result being pulled into memory.
MAX_CANDIDATES = 5000
MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class Candidate:
    """What a backend's search primitive returns: structured filters applied,
    ranking not yet done."""

    npi: str
    display_name: str
    entity_type_code: int
    distance_miles: float | None  # nearest matching location, when near was given
    nearest_location_key: str | None
    names: tuple[str, ...] = ()  # every name of the provider, when a name was asked for
    accepting: bool | None = None  # accepting new patients, when the criteria filter on it (None: unknown)


def encode_cursor(offset: int, criteria: SearchCriteria) -> str:
    fingerprint = _criteria_fingerprint(criteria)
    return base64.urlsafe_b64encode(f"{offset}:{fingerprint}".encode()).decode()


def decode_cursor(cursor: str, criteria: SearchCriteria) -> int:
    try:
        offset_text, fingerprint = base64.urlsafe_b64decode(cursor.encode()).decode().split(":", 1)
        offset = int(offset_text)
    except (ValueError, UnicodeDecodeError):
        raise InputError("invalid cursor") from None
    if fingerprint != _criteria_fingerprint(criteria) or offset < 0:
        raise InputError("cursor does not belong to this search")
    return offset


def _criteria_fingerprint(criteria: SearchCriteria) -> str:
    data = _jsonable(criteria)
    data.pop("after", None)
    data.pop("limit", None)
    return hashlib.blake2b(json.dumps(data, sort_keys=True).encode(), digest_size=6).hexdigest()


#: The fact flagged when a search filters on accepting new patients and no source says.
ACCEPTING_UNKNOWN = "accepting_new_patients"


def rank(criteria: SearchCriteria, candidates: Sequence[Candidate]) -> list[SearchHit]:
    """Filter by the name rule (when a name was asked for), then order.
    RELEVANCE: name score (high first), then results whose filtered facts are
    known before those where they are unknown, then distance (none last),
    upper-case display name, NPI. DISTANCE: distance first, then the same.
    EXPERTISE is ordered by the matching service (it needs ranking profiles);
    here it orders like RELEVANCE."""
    hits: list[SearchHit] = []
    query = (criteria.name or "").strip()
    terms = query_words(query) if query else ()
    asks_accepting = criteria.accepting_new_patients is not None
    for c in candidates:
        score = None
        if query:
            score = name_score(terms, c.names)
            if score is None:
                continue
        hits.append(
            SearchHit(
                npi=c.npi,
                display_name=c.display_name,
                entity_type=EntityType(c.entity_type_code),
                distance_miles=None if c.distance_miles is None else round(c.distance_miles, 3),
                name_score=score,
                nearest_location_key=c.nearest_location_key,
                unknown=(ACCEPTING_UNKNOWN,) if asks_accepting and c.accepting is None else (),
            )
        )
    far = float("inf")
    if criteria.order_by is SearchOrder.DISTANCE:
        hits.sort(
            key=lambda h: (
                far if h.distance_miles is None else h.distance_miles,
                len(h.unknown),
                h.display_name.upper(),
                h.npi,
            )
        )
        return hits
    hits.sort(
        key=lambda h: (
            -(h.name_score or 0.0),
            len(h.unknown),
            far if h.distance_miles is None else h.distance_miles,
            h.display_name.upper(),
            h.npi,
        )
    )
    return hits


def page_of(hits: Sequence[SearchHit], criteria: SearchCriteria) -> SearchPage:
    """The page of ``hits`` after ``criteria.after``, ``criteria.limit`` long (at most MAX_PAGE_SIZE)."""
    limit = max(1, min(criteria.limit, MAX_PAGE_SIZE))
    offset = decode_cursor(criteria.after, criteria) if criteria.after else 0
    page = hits[offset : offset + limit]
    end = offset + len(page)
    return SearchPage(
        hits=tuple(page),
        total=len(hits),
        end_cursor=encode_cursor(end, criteria) if page else None,
        has_next_page=end < len(hits),
    )
