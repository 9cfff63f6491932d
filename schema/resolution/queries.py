"""The entity-resolution review queue (admins only)."""

from __future__ import annotations

import strawberry

from directory import model
from directory.errors import InputError

from .. import arguments as arg
from ..auth import require_admin
from .types import Match


@strawberry.type
class ResolutionQueries:
    @strawberry.field(description="Pairs waiting for a person's decision, most probable first. Admins only.")
    async def review_queue(self, info: strawberry.Info, first: int = 50) -> list[Match]:
        require_admin(info.context.principal)
        if not 1 <= first <= 1000:
            raise InputError("first must be between 1 and 1000")
        found = await info.context.run(info.context.store.matches, status=model.MatchStatus.REVIEW, limit=first)
        return [Match.of(m) for m in found]

    @strawberry.field(description="Decisions that involve a record reference (`source:id`). Admins only.")
    async def matches_for(self, info: strawberry.Info, record: str, first: int = 50) -> list[Match]:
        require_admin(info.context.principal)
        record = arg.text(record, "record", arg.MAX_RECORD)
        found = await info.context.run(info.context.store.matches, record=record, limit=max(1, first))
        return [Match.of(m) for m in found]
