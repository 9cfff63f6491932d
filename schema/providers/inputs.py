"""Search inputs and their translation into the store port's SearchCriteria."""

from __future__ import annotations

import strawberry

from directory import model
from directory.errors import InputError
from directory.geo import point_for_zip
from directory.store.ranking import MAX_PAGE_SIZE

from .. import arguments as arg
from .enums import EntityType, Treatment


@strawberry.input(description="A point to search around: a ZIP code (its centroid), or latitude and longitude.")
class NearInput:
    zip: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@strawberry.input(description="What to search for; every given filter must hold.")
class ProviderSearchInput:
    treatments: list[Treatment] | None = strawberry.field(default=None, description="Offers any of these.")
    taxonomy_codes: list[str] | None = strawberry.field(default=None, description="Holds any of these NUCC codes.")
    near: NearInput | None = None
    radius_miles: float | None = strawberry.field(default=None, description="Needed with `near`.")
    include_telehealth: bool = strawberry.field(
        default=False, description="Also match providers offering the treatment by telehealth, wherever they are."
    )
    plan_id: strawberry.ID | None = strawberry.field(default=None, description="In any network of this plan.")
    network_id: strawberry.ID | None = strawberry.field(default=None, description="In this network.")
    accepting_new_patients: bool | None = None
    entity_type: EntityType | None = None
    state: str | None = strawberry.field(default=None, description="Two-letter state of some location.")
    name: str | None = strawberry.field(
        default=None,
        description="Every word must match a word of one of the provider's names: equal, a prefix (3+ letters) "
        f"or one edit away (4+ letters); see the README. At most {arg.MAX_NAME} characters.",
    )
    include_deactivated: bool = False


def point(near: NearInput) -> model.GeoPoint:
    has_zip = bool(near.zip and near.zip.strip())
    has_point = near.latitude is not None or near.longitude is not None
    if has_zip == has_point:
        raise InputError("near needs either zip or latitude and longitude, not both")
    if has_zip:
        return point_for_zip(arg.zip_code(near.zip or ""))
    if near.latitude is None or near.longitude is None:
        raise InputError("near needs both latitude and longitude")
    if not (-90 <= near.latitude <= 90 and -180 <= near.longitude <= 180):
        raise InputError("latitude must be within -90..90 and longitude within -180..180")
    return model.GeoPoint(near.latitude, near.longitude)


def _bounded(f: ProviderSearchInput, after: str | None) -> None:
    """Every string and list of the filter within its bound, before anything else looks at it."""
    arg.optional_text(f.name, "name", arg.MAX_NAME)
    arg.optional_text(after, "after", arg.MAX_CURSOR)
    arg.optional_text(f.state, "state", 2 + 10)  # two letters, with some room for blanks
    if f.near is not None:
        arg.optional_text(f.near.zip, "zip", 20)
    arg.items(f.treatments, "treatments")
    arg.items(f.taxonomy_codes, "taxonomyCodes")
    for code in f.taxonomy_codes or ():
        arg.text(code.strip(), "a taxonomy code", arg.MAX_TAXONOMY_CODE)


def to_criteria(f: ProviderSearchInput, first: int, after: str | None) -> model.SearchCriteria:
    """InputError for anything the store would reject, with a message the caller can act on."""
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise InputError(f"first must be between 1 and {MAX_PAGE_SIZE}")
    _bounded(f, after)
    plan_id = arg.optional_identifier(f.plan_id, "planId")
    network_id = arg.optional_identifier(f.network_id, "networkId")
    near = point(f.near) if f.near is not None else None
    if near is not None and f.radius_miles is None:
        raise InputError("a search near a point needs radiusMiles")
    if f.radius_miles is not None and near is None:
        raise InputError("radiusMiles needs near")
    state = f.state.strip().upper() if f.state else None
    if state is not None and (len(state) != 2 or not state.isalpha()):
        raise InputError(f"state must be a two-letter code, got {arg.quote(f.state)}")
    return model.SearchCriteria(
        treatments=tuple(f.treatments or ()),
        taxonomy_codes=tuple(c.strip().upper() for c in f.taxonomy_codes or ()),
        near=near,
        radius_miles=f.radius_miles,
        include_telehealth=f.include_telehealth,
        plan_id=plan_id,
        network_id=network_id,
        accepting_new_patients=f.accepting_new_patients,
        entity_type=f.entity_type,
        state=state,
        name=(f.name or "").strip() or None,
        include_deactivated=f.include_deactivated,
        limit=first,
        after=after or None,
    )
