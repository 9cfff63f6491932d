"""``match_providers``: the ranked providers for one patient's need, each
explaining itself.

Steps, and their store round trips:

1. the treatments: those wanted, or the next untried step(s) of the pathway;
2. one candidate read (:meth:`Store.match_candidates`): every active provider
   offering one of them at a site within the widest radius relaxing may reach
   (and by telehealth in the patient's state), in the plan or network, with its
   access facts and ranking profile;
3. the stale profiles among them recomputed (none when ``provnet match refresh``
   ran today and nothing changed since: otherwise a claim, six reads, a write);
4. the outcome cells of the quality component (no store call until outcome
   aggregates exist, see :mod:`.quality`);
5. the rest is arithmetic: each candidate's fit (relaxations needed, unknown
   facts), the relaxation level that fills the list, the score.

Ranking order: fewer and earlier relaxations first (a provider meeting the need
as stated before one listed because a preference was relaxed), then fewer
*unknown* facts the need requires (accepting new patients when required, the
wait when a longest wait is given, the language when one is asked), then the
score (high first), then distance (telehealth-only last), name and NPI, so ties
always break the same way. Providers whose vetting checklist has a failed check
are left out and counted (``MatchWeights.drop_failed_vetting``).

The plan and network ids are the caller's to check (GraphQL checks that they
exist and that the caller may see them: ``schema/auth.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from scoring import Expertise, MatchScore, MatchWeights, Reason, match_score
from scoring.matching import component_values, total_score

from ...errors import PathwayExhausted
from ...model import EntityType, Treatment
from ...model_matching import CandidateQuery, MatchCandidate, RankingProfile
from ...store import Store
from .need import Need, Telehealth
from .pathway import Pathway, load_pathway
from .profiles import basis, compute_profiles, is_fresh
from .quality import QualityReader, no_outcomes
from .relax import WIDEN_FACTOR, Fit, Relaxation, UnknownFact, Via, applicable, fit, level, tier, widest_miles


@dataclass(frozen=True, slots=True)
class VettingCheck:
    name: str
    status: str
    reason: str


@dataclass(frozen=True, slots=True)
class Match:
    rank: int
    npi: str
    display_name: str
    entity_type: EntityType
    score: MatchScore
    via: Via
    distance_miles: float | None  # the nearest site offering a treatment asked (also shown for telehealth)
    location_key: str | None
    treatments: tuple[Treatment, ...]  # the treatments asked that it offers
    relaxed: tuple[Relaxation, ...]  # what had to be relaxed to list it
    unknown: tuple[UnknownFact, ...]  # facts the need cares about that no source gave
    vetting: str  # passed, unknown
    vetting_checks: tuple[VettingCheck, ...]
    expertise: Expertise  # for the treatments asked, with its reasons
    profile_on: date


@dataclass(frozen=True, slots=True)
class AppliedRelaxation:
    kind: Relaxation
    detail: str
    added: int  # matches it added to the list


@dataclass(frozen=True, slots=True)
class PathwayProposal:
    pathway: str
    tried: tuple[Treatment, ...]
    proposed: tuple[tuple[Treatment, ...], ...]  # the steps searched, in order


@dataclass(frozen=True, slots=True)
class MatchResult:
    treatments: tuple[Treatment, ...]  # searched for
    pathway: PathwayProposal | None
    matches: tuple[Match, ...]  # the first ``need.first`` of the list
    total: int  # matches listed after relaxing
    considered: int  # candidates read that meet treatment, place, plan or network (the widened ring only if needed)
    failed_vetting: int  # ... left out: a vetting check failed
    relaxed: tuple[AppliedRelaxation, ...]  # in the order applied
    notes: tuple[str, ...]
    truncated: bool  # more candidates than one read returns: the nearest were ranked
    profiles_computed: int  # profiles recomputed for this answer


@dataclass(slots=True)
class _Row:
    candidate: MatchCandidate
    profile: RankingProfile
    fit: Fit
    tier: int
    expertise: float = 0.0
    score: float = 0.0


def match_providers(
    store: Store,
    need: Need,
    today: date,
    *,
    weights: MatchWeights | None = None,
    pathway: Pathway | None = None,
    quality: QualityReader = no_outcomes,
) -> MatchResult:
    """The ranked matches for ``need`` (see the module docstring). InputError
    subclasses for a need the pathway cannot serve (:class:`PathwayExhausted`)."""
    weights = weights or MatchWeights()
    treatments, proposal = _treatments(need, pathway or load_pathway())
    notes: list[str] = []
    telehealth_state = None
    if need.telehealth is not Telehealth.NOT_ACCEPTABLE:
        if need.state is None:
            notes.append("telehealth was not searched: the patient's state is unknown (give a ZIP code or a state)")
        else:
            telehealth_state = need.state
    steps = applicable(need)
    query = CandidateQuery(
        treatments,
        need.near,
        widest_miles(need),
        telehealth_state,
        need.plan_id,
        need.network_id,
        inner_miles=need.max_miles if steps else None,
    )
    fits: dict[str, tuple[Fit | None, int | None]] = {}  # judged while testing the inner ring: kept
    found = store.match_candidates(query, enough=lambda near: _fills(near, need, steps, today, weights, fits))
    basis_ = basis(found.exclusion_lists)
    stale = [c.npi for c in found.candidates if not is_fresh(c.profile, today, basis_)]
    computed = compute_profiles(store, stale, found.exclusion_lists, today)

    # what each candidate needs relaxed: cheap, so done for all; the score only for those listed
    rows: list[_Row] = []
    failed = 0
    for c in found.candidates:
        profile = computed.get(c.npi) or c.profile
        if profile is None:  # gone from the store between the reads
            continue
        if profile.vetting == "failed" and weights.drop_failed_vetting:
            failed += 1
            continue
        if c.npi in fits and c.npi not in computed and c.profile is profile:
            how, rank = fits[c.npi]
        else:
            how = fit(need, c, profile.vetting)
            rank = None if how is None else tier(how.needs, steps)
        if how is not None and rank is not None:
            rows.append(_Row(c, profile, how, rank))
    applied = level([r.tier for r in rows], steps, need.first)
    listed = [r for r in rows if r.tier <= applied]
    cells = quality(store, [r.candidate.npi for r in listed], treatments, today)
    for r in listed:
        c = r.candidate
        r.expertise = _expertise(r.profile, treatments)
        values = component_values(
            expertise=r.expertise,
            vetting=r.profile.vetting,
            accepting=c.accepting_new_patients,
            wait_days=c.wait_days,
            distance_miles=c.distance_miles if r.fit.via is Via.IN_PERSON else None,
            max_miles=need.max_miles,
            quality=cells.get(c.npi),
            weights=weights,
        )
        r.score = total_score(values, weights)
    listed.sort(key=_order)
    first = listed[: need.first]
    details = _details(store, [r.profile for r in first], found.exclusion_lists, today)
    page = [_match(i + 1, r, details[r.candidate.npi], need, treatments, cells, weights) for i, r in enumerate(first)]
    return MatchResult(
        treatments=treatments,
        pathway=proposal,
        matches=tuple(page),
        total=len(listed),
        considered=len(found.candidates),
        failed_vetting=failed,
        relaxed=tuple(
            AppliedRelaxation(step, _detail(step, need), sum(1 for r in listed if r.tier == k + 1))
            for k, step in enumerate(steps[:applied])
        ),
        notes=tuple(notes),
        truncated=found.truncated,
        profiles_computed=len(computed),
    )


def _fills(near: tuple[MatchCandidate, ...], need: Need, steps, today: date, weights: MatchWeights, fits: dict) -> bool:
    """Whether the candidates within the maximum distance fill the list without
    relaxing anything, so the widened radius need not be read. Counted only where
    it is certain: a profile of today that does not fail vetting (a profile of
    another basis counts: a newly loaded list never makes a check fail, facts do,
    and they forget the profile)."""
    sure = 0
    for c in near:
        p = c.profile
        if p is None or p.computed_on != today or (p.vetting == "failed" and weights.drop_failed_vetting):
            continue
        how = fit(need, c, p.vetting)
        rank = None if how is None else tier(how.needs, steps)
        fits[c.npi] = (how, rank)
        if rank == 0:
            sure += 1
    return sure >= need.first


def _details(store: Store, profiles: list[RankingProfile], lists, today: date) -> dict[str, str]:
    """The explanation of each profile of the page: the candidate read leaves it
    out; one read brings the page's (a profile forgotten meanwhile is made again)."""
    known = {p.npi: p.detail for p in profiles if p.detail is not None}
    wanted = [p.npi for p in profiles if p.detail is None]
    if wanted:
        kept = store.ranking_profiles(wanted)
        known.update({npi: p.detail for npi, p in kept.items() if p.detail is not None})
        missing = [npi for npi in wanted if npi not in known]
        known.update({npi: p.detail or "" for npi, p in compute_profiles(store, missing, lists, today).items()})
    return known


def _treatments(need: Need, pathway: Pathway) -> tuple[tuple[Treatment, ...], PathwayProposal | None]:
    if need.treatments:
        return tuple(sorted(set(need.treatments), key=lambda t: t.value)), None
    tried = tuple(sorted(set(need.tried or ()), key=lambda t: t.value))
    steps = pathway.next_steps(tried, need.pathway_steps)
    if not steps:
        raise PathwayExhausted(f"every step of the pathway {pathway.name!r} was tried: name the treatments wanted")
    wanted = tuple(t for step in steps for t in step)
    return tuple(sorted(set(wanted), key=lambda t: t.value)), PathwayProposal(pathway.name, tried, steps)


def _expertise(profile: RankingProfile, treatments: tuple[Treatment, ...]) -> float:
    """TRD expertise counting the treatments asked only (scoring.expertise_for, from the profile's points)."""
    asked = sum(points for treatment, points in profile.treatment_points if treatment in treatments)
    return round(min(100.0, profile.base_points + asked), 2)


def _order(r: _Row) -> tuple:
    far = float("inf")
    c = r.candidate
    distance = c.distance_miles if r.fit.via is Via.IN_PERSON and c.distance_miles is not None else far
    return (r.tier, r.fit.unknown_required, -r.score, distance, c.display_name.upper(), c.npi)


def _detail(step: Relaxation, need: Need) -> str:
    if step is Relaxation.RADIUS_WIDENED:
        return f"maximum distance widened from {need.max_miles:g} to {need.max_miles * WIDEN_FACTOR:g} miles"
    if step is Relaxation.ACCEPTING_PREFERRED:
        return "accepting new patients relaxed from required to preferred"
    if step is Relaxation.WAIT_RELAXED:
        return f"longest acceptable wait of {need.max_wait_days} days dropped"
    if step is Relaxation.TELEHEALTH_ADDED:
        return f"telehealth added (providers licensed or practising in {need.state})"
    return f"providers not known to speak {need.language!r} added"


def _match(rank: int, r: _Row, explained: str, need: Need, treatments, cells, weights: MatchWeights) -> Match:
    c, profile = r.candidate, r.profile
    detail = json.loads(explained)
    reasons = tuple(
        Reason(points, text, Treatment(t) if t else None)
        for points, text, t in detail["reasons"]
        if t is None or Treatment(t) in treatments
    )
    checks = tuple(VettingCheck(*check) for check in detail["checks"])
    score = match_score(
        expertise=r.expertise,
        expertise_reason=_expertise_reason(r.expertise, reasons, treatments),
        vetting=profile.vetting,
        vetting_reason=_vetting_reason(profile.vetting, checks),
        accepting=c.accepting_new_patients,
        wait_days=c.wait_days,
        distance_miles=c.distance_miles if r.fit.via is Via.IN_PERSON else None,
        max_miles=need.max_miles,
        quality=cells.get(c.npi),
        weights=weights,
    )
    assert score.score == r.score  # the ranking and the explanation are the same arithmetic
    return Match(
        rank=rank,
        npi=c.npi,
        display_name=c.display_name,
        entity_type=c.entity_type,
        score=score,
        via=r.fit.via,
        distance_miles=c.distance_miles,
        location_key=c.location_key,
        treatments=tuple(t for t in c.offered if t in treatments),
        relaxed=tuple(step for step in Relaxation if step in r.fit.needs),
        unknown=r.fit.unknown,
        vetting=profile.vetting,
        vetting_checks=checks,
        expertise=Expertise(r.expertise, reasons),
        profile_on=profile.computed_on,
    )


def _expertise_reason(score: float, reasons: tuple[Reason, ...], treatments: tuple[Treatment, ...]) -> str:
    asked = ", ".join(t.value for t in treatments)
    because = "; ".join(f"{r.text} +{r.points:g}" for r in reasons) or "no evidenced capability or training"
    return f"TRD expertise {score:g} for {asked}: {because}"


def _vetting_reason(vetting: str, checks: tuple[VettingCheck, ...]) -> str:
    if vetting == "passed":
        return f"vetting passed ({len(checks)} checks)"
    open_ = [f"{c.name} {c.status} ({c.reason})" for c in checks if c.status != "pass"]
    return f"vetting {vetting}: " + "; ".join(open_)
