"""Closing a gap: which providers of the directory, outside the network, to add.

Greedy set cover over the uncovered members of one county and specialty: each
round adds the candidate covering the most still-uncovered members, ties to
the lower NPI, so the answer is deterministic. Vetted candidates
(:func:`scoring.vet` passes) are all considered before any unvetted one. When
coverage is met (or nothing more can be covered) and the minimum number is
still short, candidates within reach of the county's members are added,
vetted first, then those reaching the most members. ``needed_to_pass`` is how
many of the list, taken in order, make the county pass (None: the directory
cannot close the gap).
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass

from .compute import meets, percent

#: Longest list of providers proposed for one county and specialty.
MAX_PICKS = 25


@dataclass(frozen=True, slots=True)
class Pick:
    npi: str
    name: str
    vetted: bool
    reason: str  # "coverage" or "minimum number"
    adds_members: int  # members it newly covers
    covered_after: int
    percent_after: float
    providers_after: int


@dataclass(frozen=True, slots=True)
class Fixes:
    picks: tuple[Pick, ...]
    needed_to_pass: int | None
    coverable_members: int  # uncovered members that some provider of the directory could cover


def plan_fixes(
    *,
    zip_members: Mapping[int, int],
    covered: int,
    members: int,
    credit: float,
    required_percent: float,
    providers: int,
    required_providers: int,
    covers: Mapping[str, Set[int]],
    reaches: Mapping[str, int],
    vetted: Set[str],
    names: Mapping[str, str],
) -> Fixes:
    """``covers``: candidate NPI -> uncovered ZIP indices it would cover;
    ``reaches``: candidate NPI -> members of the county within its reach."""
    left = {npi: set(zips) for npi, zips in covers.items() if zips}
    coverable = set().union(*left.values()) if left else set()
    picks: list[Pick] = []
    done: set[int] = set()
    now_covered, now_providers = covered, providers

    def add(npi: str, reason: str, gain: int) -> None:
        nonlocal now_covered, now_providers
        now_covered += gain
        now_providers += 1
        picks.append(
            Pick(
                npi,
                names.get(npi, ""),
                npi in vetted,
                reason,
                gain,
                now_covered,
                round(percent(now_covered, members), 4),
                now_providers,
            )
        )

    for want_vetted in (True, False):
        pool = {npi: zips for npi, zips in left.items() if (npi in vetted) == want_vetted}
        while pool and len(picks) < MAX_PICKS:
            gains = {npi: sum(zip_members[z] for z in zips - done) for npi, zips in pool.items()}
            best = min(gains, key=lambda npi: (-gains[npi], npi))
            if gains[best] <= 0:
                break
            done |= pool.pop(best)
            left.pop(best)
            add(best, "coverage", gains[best])
    chosen = {p.npi for p in picks}
    extra = sorted((npi for npi in reaches if npi not in chosen), key=lambda n: (n not in vetted, -reaches[n], n))
    for npi in extra:
        if now_providers >= required_providers or len(picks) >= MAX_PICKS:
            break
        add(npi, "minimum number", 0)
    needed = None
    for k in range(len(picks) + 1):
        cov = covered if k == 0 else picks[k - 1].covered_after
        if meets(percent(cov, members), credit, required_percent) and providers + k >= required_providers:
            needed = k
            break
    return Fixes(tuple(picks), needed, sum(zip_members[z] for z in coverable))
