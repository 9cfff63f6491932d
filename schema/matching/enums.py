"""GraphQL enums of matching: the service's own enums, exposed by name."""

from __future__ import annotations

import enum

import strawberry

from directory.services.matching import Accepting, Relaxation, Telehealth, UnknownFact, Via

strawberry.enum(Accepting, name="AcceptingPreference", description="Must the provider be accepting new patients?")
strawberry.enum(Telehealth, name="TelehealthPreference", description="Will telehealth do?")
strawberry.enum(
    Relaxation,
    description="A preference relaxed to fill the list. They are applied in this order, one at a time, "
    "while the list is shorter than asked: RADIUS_WIDENED (the maximum distance doubles), ACCEPTING_PREFERRED, "
    "WAIT_RELAXED, TELEHEALTH_ADDED, LANGUAGE_RELAXED.",
)
strawberry.enum(UnknownFact, description="A fact the need cares about that no source has given.")
strawberry.enum(Via, name="MatchVia", description="How the provider meets the need: at a site, or by telehealth.")


@strawberry.enum(description="Why a match request was refused.")
class MatchErrorCode(enum.Enum):
    INVALID_INPUT = "invalid_input"
    UNKNOWN_ZIP = "unknown_zip"
    NOT_FOUND = "not_found"  # the plan or network does not exist (or the caller may not see it)
    PATHWAY_EXHAUSTED = "pathway_exhausted"  # every step of the pathway was tried


__all__ = ["Accepting", "MatchErrorCode", "Relaxation", "Telehealth", "UnknownFact", "Via"]
