"""The store port's bookkeeping half: ingest runs and their checkpoints, the
quarantine of rejected rows, bulk loads, and entity-resolution decisions. ``Store`` inherits
it; adapters implement its primitives like the others (one round trip each)."""

from __future__ import annotations

import abc
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from ..model import IngestRun, MatchRecord, MatchStatus, QuarantinedRow

log = logging.getLogger(__name__)


class Books(abc.ABC):
    def _trip(self) -> None:  # pragma: no cover - Store counts round trips
        raise NotImplementedError

    # ------------------------------------------------------------- bulk loads
    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Around a load of many providers: a backend may let a derived index
        (SQLite: the full-text name index) lag while the block writes and
        rebuild it once at the end, which is far cheaper than keeping it up
        row by row. Writes inside commit as usual; the index catches up when
        the block ends, also after an error, and after a crash the next
        ``init_schema`` (every ``open_store``) rebuilds it."""
        self._trip()
        self._begin_bulk()
        try:
            yield
        except BaseException:
            try:
                self._trip()
                self._end_bulk()
            except Exception:  # the store may be what failed: keep the original error
                log.exception("could not catch up the deferred indexes; the next open_store will")
            raise
        self._trip()
        self._end_bulk()

    def _begin_bulk(self) -> None:
        """Default: nothing deferred."""

    def _end_bulk(self) -> None:
        """Default: nothing to catch up."""

    # ------------------------------------------------------ entity resolution
    def save_matches(self, matches: Sequence[MatchRecord]) -> int:
        """Store pairwise decisions. A decision a person made is never
        overwritten by the model: such pairs are skipped. Returns how many were written."""
        if not matches:
            return 0
        existing = {m.match_id: m for m in self.matches(ids=[m.match_id for m in matches], limit=None)}
        keep = [
            m
            for m in matches
            if m.match_id not in existing or existing[m.match_id].decided_by == "model" or m.decided_by != "model"
        ]
        if not keep:
            return 0
        self._trip()
        return self._save_matches(keep)

    def matches(
        self,
        *,
        status: MatchStatus | None = None,
        ids: Iterable[str] | None = None,
        record: str | None = None,
        limit: int | None = 100,
    ) -> list[MatchRecord]:
        """Decisions filtered by status, id or a record reference (either side),
        ordered by probability descending then match_id."""
        self._trip()
        return self._matches(status, None if ids is None else sorted(set(ids)), record, limit)

    def decide_match(self, match_id: str, status: MatchStatus, decided_by: str, decided_at: str) -> MatchRecord:
        """A person's decision (merge, reject, undo). NotFound if no such match."""
        self._trip()
        return self._decide_match(match_id, status, decided_by, decided_at)

    # ----------------------------------------------------------- ingest books
    def start_run(self, run: IngestRun) -> IngestRun:
        """Record a run; if an unfinished run of the same file exists, return it
        so the caller can resume from its checkpoint."""
        self._trip()
        return self._start_run(run)

    def finish_run(self, run_id: str, status: str, counts: dict[str, int]) -> None:
        self._trip()
        self._finish_run(run_id, status, counts)

    def runs(self, source: str | None = None) -> list[IngestRun]:
        self._trip()
        return self._runs(source)

    def quarantine(self, rows: Sequence[QuarantinedRow]) -> int:
        """Keep rejected rows with their reason; idempotent on (run, line)."""
        if not rows:
            return 0
        self._trip()
        return self._quarantine(list(rows))

    def quarantined(self, run_id: str | None = None, limit: int = 1000) -> list[QuarantinedRow]:
        self._trip()
        return self._quarantined(run_id, limit)

    @abc.abstractmethod
    def _save_matches(self, matches: list[MatchRecord]) -> int: ...
    @abc.abstractmethod
    def _matches(
        self, status: MatchStatus | None, ids: list[str] | None, record: str | None, limit: int | None
    ) -> list[MatchRecord]: ...
    @abc.abstractmethod
    def _decide_match(self, match_id: str, status: MatchStatus, decided_by: str, decided_at: str) -> MatchRecord: ...
    @abc.abstractmethod
    def _start_run(self, run: IngestRun) -> IngestRun: ...
    @abc.abstractmethod
    def _finish_run(self, run_id: str, status: str, counts: dict[str, int]) -> None: ...
    @abc.abstractmethod
    def _runs(self, source: str | None) -> list[IngestRun]: ...
    @abc.abstractmethod
    def _quarantine(self, rows: list[QuarantinedRow]) -> int: ...
    @abc.abstractmethod
    def _quarantined(self, run_id: str | None, limit: int) -> list[QuarantinedRow]: ...
