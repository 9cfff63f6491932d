"""Search ordered by TRD expertise: the store ranks and filters, the order by
expertise needs the ranking profiles, so it is made here and paged here."""

from __future__ import annotations

import dataclasses
from datetime import date

from ...model import SearchCriteria, SearchOrder, SearchPage
from ...store import Store
from ...store.ranking import page_of
from .profiles import fresh_profiles


def search_providers(store: Store, criteria: SearchCriteria, today: date) -> SearchPage:
    """``store.search`` for RELEVANCE and DISTANCE. EXPERTISE: every hit (one
    round trip), their fresh ranking profiles, then TRD expertise (highest
    first), known filtered facts before unknown ones, distance (none last),
    name and NPI; each hit carries its expertise."""
    if criteria.order_by is not SearchOrder.EXPERTISE:
        return store.search(criteria)
    hits = store.search_hits(criteria)
    profiles = fresh_profiles(store, [h.npi for h in hits], today)
    scored = [dataclasses.replace(h, expertise=profiles[h.npi].expertise if h.npi in profiles else 0.0) for h in hits]
    far = float("inf")
    scored.sort(
        key=lambda h: (
            -(h.expertise or 0.0),
            len(h.unknown),
            far if h.distance_miles is None else h.distance_miles,
            h.display_name.upper(),
            h.npi,
        )
    )
    return page_of(scored, criteria)
