"""The store port's matching half: what patient-to-provider matching reads
and keeps (candidates, ranking profiles). ``Store`` inherits it; adapters
implement its primitives like the others (one round trip each)."""

from __future__ import annotations

import abc
import dataclasses
import secrets
from collections.abc import Callable, Iterable, Sequence

from ..errors import InputError
from ..model import ExclusionListLoad
from ..model_matching import CandidateQuery, CandidateSet, MatchCandidate, RankingProfile
from . import candidates as _candidates


class Matching(abc.ABC):
    def _trip(self) -> None:  # pragma: no cover - Store counts round trips
        raise NotImplementedError

    def match_candidates(
        self, query: CandidateQuery, enough: Callable[[tuple[MatchCandidate, ...]], bool] | None = None
    ) -> CandidateSet:
        """Everything ranking a need reads, in one round trip: the candidates of
        ``query`` (see :class:`CandidateQuery`) with their distance, access facts
        and ranking profile, nearest first, at most ``MAX_MATCH_CANDIDATES``; and
        the exclusion lists loaded (profiles depend on them).

        With ``query.inner_miles`` and ``enough``: the candidates within
        ``inner_miles`` are read first, and when ``enough`` says they suffice they
        are the answer (``radius_miles`` of the result says so) and the wider ring
        is not read; else all within ``radius_miles``. One transaction either way:
        a dense metro reads a quarter of the rows a widened radius would."""
        if not query.treatments:
            raise InputError("a candidate read needs at least one treatment")
        if not 0 < query.radius_miles <= _candidates.MAX_MATCH_RADIUS:
            raise InputError(f"radius_miles must be within 0..{_candidates.MAX_MATCH_RADIUS:g}")
        query = dataclasses.replace(
            query,
            treatments=tuple(sorted(set(query.treatments), key=lambda t: t.value)),
            telehealth_state=query.telehealth_state.upper() if query.telehealth_state else None,
        )
        rings = [query]
        if enough is not None and query.inner_miles is not None and 0 < query.inner_miles < query.radius_miles:
            rings.insert(0, dataclasses.replace(query, radius_miles=query.inner_miles))

        inner: list[CandidateSet] = []  # the inner ring, placed for the test: not placed twice

        def suffices(found: list[_candidates.Found]) -> bool:
            assert enough is not None
            inner.append(_candidates.place(rings[0], found, False, ()))
            return enough(inner[-1].candidates)

        self._trip()
        found, truncated, lists, read = self._match_candidates(rings, [_candidates.box(r) for r in rings], suffices)
        if read == 0 and inner:
            placed = inner[-1]
            return CandidateSet(
                placed.candidates,
                tuple(sorted(lists, key=lambda x: x.list_name)),
                truncated or placed.truncated,
                placed.radius_miles,
            )
        return _candidates.place(rings[read], found, truncated, lists)

    def claim_ranking_profiles(self, npis: Iterable[str]) -> str:
        """Start recomputing the profiles of ``npis``: returns a claim token for
        :meth:`write_ranking_profiles`. A fact of an NPI written after its claim
        (or a later claim) voids the claim, so a profile made from facts read
        before that write is never kept."""
        token = secrets.token_hex(8)
        wanted = sorted(set(npis))
        if wanted:
            self._trip()
            self._claim_ranking_profiles(wanted, token)
        return token

    def write_ranking_profiles(self, profiles: Sequence[RankingProfile], claim: str) -> int:
        """Keep the profiles whose NPI is still claimed with ``claim``; returns how
        many were kept. The store forgets a profile as soon as a fact it depends
        on is written (locations, taxonomies, credentials, exclusions, treatments,
        the provider record): the contract suite checks each on both backends."""
        if not profiles:
            return 0
        self._trip()
        return self._write_ranking_profiles(list({p.npi: p for p in profiles}.values()), claim)

    def ranking_profiles(self, npis: Iterable[str]) -> dict[str, RankingProfile]:
        """The profiles kept for ``npis`` (missing, voided and claimed-only ones are absent)."""
        self._trip()
        return self._ranking_profiles(sorted(set(npis)))

    @abc.abstractmethod
    def _match_candidates(
        self,
        rings: list[CandidateQuery],
        boxes: list[tuple[float, float, float, float]],
        suffices: Callable[[list[_candidates.Found]], bool],
    ) -> tuple[list[_candidates.Found], bool, list[ExclusionListLoad], int]:
        """In one read transaction: for each ring in turn (a query and its box,
        min_lat, max_lat, min_lon, max_lon; treatments sorted and not empty, state
        upper case), the candidates with every site of theirs inside the box where
        a treatment asked counts, and their ranking profiles without ``detail``
        (the page reads it), until ``suffices`` accepts a ring's candidates or the
        last ring is read. Telehealth candidates are read once. Up to
        ``MAX_MATCH_SITES`` sites, nearest the point first (an approximate order is
        fine), and ``MAX_MATCH_CANDIDATES`` telehealth ones; the bool says a limit
        was reached. Also every exclusion list loaded, and the index of the ring
        returned. The base places them."""

    @abc.abstractmethod
    def _claim_ranking_profiles(self, npis: list[str], token: str) -> None: ...
    @abc.abstractmethod
    def _write_ranking_profiles(self, profiles: list[RankingProfile], claim: str) -> int: ...
    @abc.abstractmethod
    def _ranking_profiles(self, npis: list[str]) -> dict[str, RankingProfile]: ...
