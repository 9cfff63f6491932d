"""GraphQL types of the reports on a network (``directory.services.network_reports``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from directory.services import network_reports as service

from ..limits import bounded_list

if TYPE_CHECKING:
    from ..providers.freshness import FactStatusType

FactStatusRef = Annotated["FactStatusType", strawberry.lazy("schema.providers.freshness")]

#: Rows of a composition; listings of a page of issues; facts of one listing; specialties.
DEFAULT_ROWS, MAX_ROWS = 100, 1000
DEFAULT_ISSUES, MAX_ISSUES = 50, service.MAX_ISSUES_PAGE
MAX_FACTS = 40
MAX_SPECIALTIES = 50

ACCURACY_DEFINITION = (
    "A listing is a member of the network. A fact is verified when the source that last confirmed the value "
    "believed did so at most 90 days ago and no source contradicts it. Verified address: at least one practice "
    "address, every one verified. Verified phone: at least one phone at its addresses, every one verified. "
    "Verified accepting new patients: on record and verified. Verified treatments: at least one treatment claimed, "
    "every claim verified. Fully verified: address, phone and accepting new patients verified, and every treatment "
    "claimed (if any) verified. Shares are over every listing."
)


@strawberry.type
class SpecialtyCount:
    specialty: str
    providers: int = strawberry.field(description="Distinct members holding a taxonomy of the specialty.")


@strawberry.type
class CompositionRow:
    specialty: str
    state: str
    county: str
    providers: int = strawberry.field(description="Members of the specialty with a practice location in the county.")


@strawberry.type(description="A network's members by specialty and county.")
class NetworkComposition:
    network_id: strawberry.ID
    members: int
    by_specialty: list[SpecialtyCount] = bounded_list(MAX_SPECIALTIES, "Most members first.")
    rows: list[CompositionRow] = bounded_list(MAX_ROWS, "By specialty, state and county.")
    total_rows: int


@strawberry.type(description="A member with facts that are stale or contradicted.")
class ListingIssues:
    npi: str
    name: str
    facts: list[FactStatusRef] = bounded_list(MAX_FACTS, "Only the stale or contradicted facts.")

    @classmethod
    def of(cls, i: service.ListingIssues) -> ListingIssues:
        from ..providers.freshness import FactStatusType

        return cls(npi=i.npi, name=i.display_name, facts=[FactStatusType.of(f) for f in i.facts[:MAX_FACTS]])


@strawberry.type(description="A page of listings with stale or contradicted facts; pass `endCursor` as `after`.")
class StaleListings:
    listings: list[ListingIssues] = bounded_list(MAX_ISSUES)
    end_cursor: str | None
    has_next_page: bool
    scanned: int = strawberry.field(description="Members judged for this page.")


@strawberry.type(description="One field of the directory-accuracy summary.")
class FieldAccuracy:
    field: str = strawberry.field(description="address, phone, accepting_new_patients or treatments.")
    listed: int = strawberry.field(description="Listings with the fact on record.")
    verified: int
    stale: int = strawberry.field(description="Listings with a stale fact of the field.")
    contradicted: int = strawberry.field(description="Listings with a contradicted fact of the field.")
    share_verified: float = strawberry.field(description="verified / listings, 0..1.")

    @classmethod
    def of(cls, f: service.FieldAccuracy) -> FieldAccuracy:
        return cls(
            field=f.field,
            listed=f.listed,
            verified=f.verified,
            stale=f.stale,
            contradicted=f.contradicted,
            share_verified=f.share_verified,
        )


@strawberry.type(description="How many of a network's listings a directory can show as verified.")
class DirectoryAccuracy:
    network_id: strawberry.ID
    as_of: date
    listings: int
    fields: list[FieldAccuracy] = bounded_list(len(service.FIELDS))
    fully_verified: int
    share_fully_verified: float
    definition: str = ACCURACY_DEFINITION
