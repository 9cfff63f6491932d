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
from ..model import EntityType, SearchCriteria, SearchHit
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


def rank(criteria: SearchCriteria, candidates: Sequence[Candidate]) -> list[SearchHit]:
    """Filter by the name rule (when a name was asked for), then order by name
    score, distance (none last), upper-case display name and NPI."""
    hits: list[SearchHit] = []
    query = (criteria.name or "").strip()
    terms = query_words(query) if query else ()
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
            )
        )
    far = float("inf")
    hits.sort(
        key=lambda h: (
            -(h.name_score or 0.0),
            far if h.distance_miles is None else h.distance_miles,
            h.display_name.upper(),
            h.npi,
        )
    )
    return hits
