"""Store calls off the event loop, in rounds per request.

The store port is synchronous and strawberry runs synchronous resolvers on the
event-loop thread, so every store call of the API goes to a worker thread
(:meth:`Rounds.call`, :class:`RoundLoader`, :func:`off_loop`): a slow call
holds up its own request only.

Moving calls off the loop lets the fields of one request run while a call is
in flight, which would split DataLoader batches: a sibling root field would
fetch its locations while a search is still running, and the search's page
would fetch its own afterwards. So the calls of one request go in *rounds*: a
loader's batch starts only when none of the request's store calls is in flight
and the loop has settled for :data:`SETTLE_TICKS` ticks, by which time every
field waiting on the previous round has asked for its keys. A page of N results
keeps costing a fixed number of round trips whatever N is.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, ParamSpec, TypeVar

from strawberry.dataloader import Batch, DataLoader, dispatch_batch

P = ParamSpec("P")
R = TypeVar("R")

#: Loop ticks a round waits, once no store call is in flight, before its batches start.
#: Fields resumed by the last call need a tick to reach their loaders: with 0 the page of
#: tests/schema/test_round_trips.py costs 20 round trips instead of 12; 1 is enough, 2 leaves a margin.
SETTLE_TICKS = 2


def off_loop(resolver: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """A synchronous resolver that calls the store, run in a worker thread.

    strawberry would run it on the event-loop thread, where each store round
    trip would hold up every other request."""

    @functools.wraps(resolver)
    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        return await asyncio.to_thread(resolver, *args, **kwargs)

    return run


class Rounds:
    """The store calls of one request: worker threads, and batches started in rounds."""

    def __init__(self) -> None:
        self._busy = 0
        self._waiting: list[Callable[[], None]] = []
        self._scheduled = False
        self._tasks: set[asyncio.Task[None]] = set()  # the loop keeps only weak references

    async def call(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """``fn(*args, **kwargs)`` in a worker thread, as part of the current round."""
        self._busy += 1
        try:
            return await asyncio.to_thread(fn, *args, **kwargs)
        finally:
            self._busy -= 1
            if self._waiting:
                self._poke()

    def defer(self, start: Callable[[], None]) -> None:
        """Run ``start`` when the round allows: nothing in flight, the loop settled."""
        self._waiting.append(start)
        self._poke()

    def spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _poke(self) -> None:
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._settle, SETTLE_TICKS)

    def _settle(self, ticks: int) -> None:
        if self._busy:  # the call in flight pokes again when it ends
            self._scheduled = False
            return
        if ticks > 0:
            asyncio.get_running_loop().call_soon(self._settle, ticks - 1)
            return
        self._scheduled = False
        starts, self._waiting = self._waiting, []
        for start in starts:
            start()


class RoundLoader(DataLoader[Hashable, Any]):
    """A DataLoader whose batches start when the request's :class:`Rounds` allow,
    instead of on the next tick. Keys asked for meanwhile join the pending batch."""

    def __init__(self, load_fn: Callable[[list[Any]], Awaitable[list[Any]]], rounds: Rounds) -> None:
        super().__init__(load_fn=load_fn)
        self._rounds = rounds

    def load(self, key: Hashable) -> Awaitable[Any]:
        cached = self.cache_map.get(key)
        if cached is not None and not cached.cancelled():
            return cached
        future = self.loop.create_future()
        self.cache_map.set(key, future)
        batch = self.batch
        if batch is None or batch.dispatched:
            batch = self.batch = Batch()
            self._rounds.defer(functools.partial(self._start, batch))
        batch.add_task(key, future)
        return future

    def _start(self, batch: Batch) -> None:
        batch.dispatched = True  # later keys go to a new batch
        self._rounds.spawn(dispatch_batch(self, batch))
