"""GraphQL types of entity-resolution decisions."""

from __future__ import annotations

import enum

import strawberry

from directory import model
from directory.model import MatchStatus

from ..errors import ErrorCode
from ..limits import bounded_list

# registers the domain's enum itself, so annotations name a real type
strawberry.enum(MatchStatus, description="State of a pairwise entity-resolution decision.")


@strawberry.enum(description="A person's decision on a pair.")
class MatchDecision(enum.Enum):
    MERGE = "merge"
    REJECT = "reject"
    UNDO = "undo"


@strawberry.type(description="How one comparison of the pair came out, with its weight.")
class Comparison:
    comparison: str
    level: str


@strawberry.type(description="A pairwise entity-resolution decision and the evidence behind it.")
class Match:
    match_id: strawberry.ID
    left: str = strawberry.field(description="Record reference `source:id`.")
    right: str
    probability: float
    match_weight: float = strawberry.field(description="log2 Bayes factor summed over the comparisons.")
    agreement: list[Comparison] = bounded_list(50)  # one per comparison of the resolve settings
    status: MatchStatus
    decided_by: str
    decided_at: str
    npi: str | None

    @classmethod
    def of(cls, m: model.MatchRecord) -> Match:
        return cls(
            match_id=strawberry.ID(m.match_id),
            left=m.left,
            right=m.right,
            probability=m.probability,
            match_weight=m.match_weight,
            agreement=[Comparison(comparison=k, level=v) for k, v in sorted(m.agreement.items())],
            status=m.status,
            decided_by=m.decided_by,
            decided_at=m.decided_at,
            npi=m.npi,
        )


@strawberry.type
class MatchError:
    code: ErrorCode
    message: str


@strawberry.type
class DecideMatchPayload:
    match: Match | None
    errors: list[MatchError] = bounded_list(1)
