"""The entity-resolution review queue (admins only)."""

from __future__ import annotations

import strawberry

from directory import model

from .. import arguments as arg
from ..auth import require_admin
from .types import Match

MAX_MATCHES = 1000


@strawberry.type
class ResolutionQueries:
    @strawberry.field(
        description=f"Pairs waiting for a person's decision, most probable first; `first` at most {MAX_MATCHES}. "
        "Admins only."
    )
    async def review_queue(self, info: strawberry.Info, first: int = 50) -> list[Match]:
        require_admin(info.context.principal)
        arg.page(first, 0, MAX_MATCHES)
        found = await info.context.run(info.context.store.matches, status=model.MatchStatus.REVIEW, limit=first)
        return [Match.of(m) for m in found]

    @strawberry.field(
        description=f"Decisions that involve a record reference (`source:id`); `first` at most {MAX_MATCHES}. "
        "Admins only."
    )
    async def matches_for(self, info: strawberry.Info, record: str, first: int = 50) -> list[Match]:
        require_admin(info.context.principal)
        arg.page(first, 0, MAX_MATCHES)
        record = arg.text(record, "record", arg.MAX_RECORD)
        found = await info.context.run(info.context.store.matches, record=record, limit=first)
        return [Match.of(m) for m in found]
