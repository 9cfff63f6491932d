"""Ranking profiles: the vetting checklist and TRD expertise of a provider,
judged by ``scoring`` from every fact on record and kept in the store so that a
match ranks thousands of candidates without reading their facts.

A profile is *fresh* when the store still holds it (it forgets one as soon as a
fact it was made from is written), it was computed today (confidence decays with
age, licences expire) and its basis matches: the exclusion lists loaded and
:data:`RULES_VERSION`. Matching recomputes the stale profiles of its candidates
before ranking (:func:`ensure_profiles`), so an answer never rests on an old
judgment; ``provnet match refresh`` recomputes them ahead of time (nightly, and
after a large load) so that answers stay fast.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from scoring import CheckStatus, Expertise, Vetting

from ...model import ExclusionListLoad
from ...model_matching import RankingProfile
from ...store import Store
from ..vetting import expertise_of, provider_facts, vetting_of

#: Bump when the vetting or expertise rules change: every stored profile becomes stale.
RULES_VERSION = 1
#: NPIs recomputed per batch by :func:`refresh_profiles` (six reads and two writes each).
REFRESH_BATCH = 2000


def basis(lists: Iterable[ExclusionListLoad]) -> str:
    """What every profile depends on besides its provider's own facts."""
    text = ";".join(f"{x.list_name}@{x.as_of.isoformat()}" for x in sorted(lists, key=lambda x: x.list_name))
    return hashlib.blake2b(f"{RULES_VERSION}|{text}".encode(), digest_size=8).hexdigest()


def level(vetting: Vetting) -> str:
    """passed, failed (a check failed) or unknown (none failed, not complete)."""
    if vetting.passed:
        return "passed"
    return "failed" if any(c.status is CheckStatus.FAIL for c in vetting.checks) else "unknown"


def profile_of(npi: str, vetting: Vetting, expertise: Expertise, today: date, basis_: str) -> RankingProfile:
    detail = {
        "checks": [[c.name, c.status.value, c.reason] for c in vetting.checks],
        "reasons": [[r.points, r.text, r.treatment.value if r.treatment else None] for r in expertise.reasons],
    }
    return RankingProfile(
        npi=npi,
        computed_on=today,
        basis=basis_,
        vetting=level(vetting),
        expertise=expertise.score,
        base_points=round(sum(r.points for r in expertise.reasons if r.treatment is None), 2),
        treatment_points=tuple(
            sorted(((r.treatment, r.points) for r in expertise.reasons if r.treatment), key=lambda x: x[0].value)
        ),
        detail=json.dumps(detail, separators=(",", ":")),
    )


def is_fresh(profile: RankingProfile | None, today: date, basis_: str) -> bool:
    return profile is not None and profile.computed_on == today and profile.basis == basis_


def compute_profiles(
    store: Store, npis: Sequence[str], lists: Sequence[ExclusionListLoad], today: date
) -> dict[str, RankingProfile]:
    """Recompute and keep the profiles of ``npis``: a claim, six reads, a write.
    Returns every profile computed (the store keeps those whose facts did not
    change meanwhile; the others are recomputed next time)."""
    if not npis:
        return {}
    claim = store.claim_ranking_profiles(npis)
    basis_ = basis(lists)
    made = {
        npi: profile_of(npi, vetting_of(facts, lists, today), expertise_of(facts, today), today, basis_)
        for npi, facts in provider_facts(store, npis).items()
    }
    store.write_ranking_profiles(list(made.values()), claim)
    return made


@dataclass(frozen=True, slots=True)
class RefreshReport:
    providers: int  # looked at
    computed: int  # recomputed
    fresh: int  # already fresh, left alone


def refresh_profiles(
    store: Store, today: date, *, only_stale: bool = True, batch: int = REFRESH_BATCH
) -> RefreshReport:
    """Recompute the profiles of every provider in the store (only the stale ones
    by default), a page of NPIs at a time."""
    lists = store.exclusion_lists()
    basis_ = basis(lists)
    seen = computed = fresh = 0
    for page in store.provider_npi_pages(batch):
        seen += len(page)
        todo = page
        if only_stale:
            kept = store.ranking_profiles(page)
            todo = [npi for npi in page if not is_fresh(kept.get(npi), today, basis_)]
            fresh += len(page) - len(todo)
        computed += len(compute_profiles(store, todo, lists, today))
    return RefreshReport(seen, computed, fresh)


def fresh_profiles(store: Store, npis: Sequence[str], today: date) -> dict[str, RankingProfile]:
    """The fresh profile of each NPI the store holds, recomputing the stale ones:
    two reads, plus a claim, six reads and a write when some are stale."""
    if not npis:
        return {}
    lists = store.exclusion_lists()
    basis_ = basis(lists)
    kept = store.ranking_profiles(npis)
    stale = [npi for npi in npis if not is_fresh(kept.get(npi), today, basis_)]
    return {**kept, **compute_profiles(store, stale, lists, today)}
