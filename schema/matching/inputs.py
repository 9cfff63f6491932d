"""The need as a navigator sends it, and its translation into the service's Need."""

from __future__ import annotations

import strawberry

from directory import model
from directory.errors import InputError
from directory.geo import zip_centroid
from directory.services.matching import (
    MAX_FIRST,
    MAX_MILES,
    MAX_PATHWAY_STEPS,
    MAX_STEPS,
    Accepting,
    Need,
    Pathway,
    Telehealth,
)

from .. import arguments as arg
from ..providers.enums import Treatment
from ..providers.inputs import NearInput, point


class UnknownZip(InputError):
    """The ZIP code is well formed but not one the directory knows."""


@strawberry.input(description="One step of a TRD pathway: treatments that are alternatives at that point.")
class PathwayStepInput:
    treatments: list[Treatment]


@strawberry.input(
    description="What the patient needs. Give `treatments` (wanted) or `tried` (already tried: the next untried "
    "step of the TRD pathway is searched), not both."
)
class PatientNeedInput:
    near: NearInput = strawberry.field(description="Where the patient is: a ZIP code, or latitude and longitude.")
    max_miles: float = strawberry.field(description=f"Longest acceptable distance, at most {MAX_MILES:g} miles.")
    treatments: list[Treatment] | None = strawberry.field(default=None, description="Wanted: any of these.")
    tried: list[Treatment] | None = strawberry.field(
        default=None, description="Already tried; an empty list means none yet (the pathway's first step)."
    )
    pathway: list[PathwayStepInput] | None = strawberry.field(
        default=None,
        description=f"The pathway order to follow instead of the server's (at most {MAX_STEPS} steps), "
        "e.g. a payer's step therapy.",
    )
    pathway_steps: int = strawberry.field(
        default=1, description=f"How many untried steps to search at once (1 to {MAX_PATHWAY_STEPS})."
    )
    state: str | None = strawberry.field(
        default=None, description="The patient's state, for telehealth licensure; the ZIP code's state by default."
    )
    telehealth: Telehealth = Telehealth.IF_NEEDED
    plan_id: strawberry.ID | None = strawberry.field(default=None, description="In any network of this plan.")
    network_id: strawberry.ID | None = strawberry.field(default=None, description="In this network.")
    language: str | None = strawberry.field(
        default=None, description="ISO 639 code the provider should speak, e.g. es."
    )
    accepting_new_patients: Accepting = Accepting.PREFERRED
    max_wait_days: int | None = strawberry.field(default=None, description="Longest acceptable wait, in days.")
    relax: bool = strawberry.field(
        default=True, description="Relax preferences, in the fixed order of `Relaxation`, when the list is short."
    )


def _bounded(n: PatientNeedInput) -> None:
    """Every string and list within its bound, before anything else looks at them."""
    arg.optional_text(n.near.zip, "zip", 20)
    arg.optional_text(n.state, "state", 2 + 10)
    arg.optional_text(n.language, "language", 10)
    arg.items(n.treatments, "treatments", len(model.Treatment))
    arg.items(n.tried, "tried", len(model.Treatment))
    arg.items(n.pathway, "pathway", MAX_STEPS)
    for step in n.pathway or ():
        arg.items(step.treatments, "a pathway step", len(model.Treatment))


def to_need(n: PatientNeedInput, first: int) -> tuple[Need, Pathway | None]:
    """InputError (UnknownZip for a ZIP code the directory does not know) with a message the caller can act on."""
    if not 1 <= first <= MAX_FIRST:
        raise InputError(f"first must be between 1 and {MAX_FIRST}")
    _bounded(n)
    state = n.state.strip().upper() if n.state else None
    has_point = n.near.latitude is not None or n.near.longitude is not None
    if n.near.zip is not None and n.near.zip.strip() and not has_point:
        found = zip_centroid(arg.zip_code(n.near.zip))
        if found is None:
            raise UnknownZip(f"unknown ZIP code {arg.quote(n.near.zip.strip())}")
        near, zip_state = found[0], found[2]
        state = state or zip_state
    else:
        near = point(n.near)
    pathway = None
    if n.pathway is not None:
        pathway = Pathway("the need's own pathway", tuple(tuple(step.treatments) for step in n.pathway))
    need = Need(
        near=near,
        max_miles=n.max_miles,
        treatments=tuple(n.treatments or ()),
        tried=None if n.tried is None else tuple(n.tried),
        pathway_steps=n.pathway_steps,
        state=state,
        telehealth=n.telehealth,
        plan_id=arg.optional_identifier(n.plan_id, "planId"),
        network_id=arg.optional_identifier(n.network_id, "networkId"),
        language=n.language.strip().lower() if n.language else None,
        accepting=n.accepting_new_patients,
        max_wait_days=n.max_wait_days,
        relax=n.relax,
        first=first,
    )
    return need, pathway
