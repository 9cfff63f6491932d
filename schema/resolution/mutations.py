"""A person's decision on a pair from the review queue (admins only)."""

from __future__ import annotations

import logging

import strawberry

from directory.errors import InputError, NotFound
from directory.services import matches

from .. import arguments as arg
from ..auth import is_admin
from ..errors import ErrorCode
from ..rounds import off_loop
from .types import DecideMatchPayload, Match, MatchDecision, MatchError

log = logging.getLogger(__name__)


@strawberry.type
class ResolutionMutations:
    @strawberry.mutation(description="Merge, reject or undo a pair. The decision is kept with who made it.")
    @off_loop
    def decide_match(
        self, info: strawberry.Info, match_id: strawberry.ID, decision: MatchDecision
    ) -> DecideMatchPayload:
        principal = info.context.principal
        if not is_admin(principal):
            return DecideMatchPayload(
                match=None, errors=[MatchError(code=ErrorCode.FORBIDDEN, message="only an admin may decide matches")]
            )
        try:
            match_id = strawberry.ID(arg.identifier(match_id, "matchId"))
            decided = matches.decide(info.context.store, match_id, matches.Decision(decision.value), principal.label)
        except NotFound as exc:
            return DecideMatchPayload(match=None, errors=[MatchError(code=ErrorCode.NOT_FOUND, message=str(exc))])
        except InputError as exc:
            return DecideMatchPayload(match=None, errors=[MatchError(code=ErrorCode.INVALID_INPUT, message=str(exc))])
        return DecideMatchPayload(match=Match.of(decided), errors=[])
