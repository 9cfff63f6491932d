"""The vetting checklist for one provider: each check passes, fails or is
unknown (no evidence either way), with the reason and the evidence behind it.
Pure: the caller supplies the facts it read from the store and the reference
data the rules need (which taxonomies fit, which exclusion lists were loaded);
``directory.services.vetting`` is that caller.

A network's criteria (``scoring.criteria``) tune three things here:

* which licence statuses are accepted (``accepted_license_statuses``);
* how old a fact may be (``max_fact_age_days``): an older fact cannot make a
  check pass, so the check is unknown and names the stale fact. Age only
  withholds a pass: an adverse fact (an exclusion in force, a licence refused or
  expired, a deactivated NPI) counts whatever its age, because missing one costs
  more than a review;
* which exclusion lists must have been loaded (``required_exclusion_lists``).

With the defaults ``vet`` is the general checklist: no age limit, ``active``
licences, any loaded exclusion list.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from directory.model import (
    Credential,
    CredentialKind,
    EntityType,
    Evidence,
    EvidenceRef,
    Exclusion,
    ExclusionListLoad,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
    TreatmentOffering,
)

ACTIVE_NPI = "active_npi"
TAXONOMY_FIT = "taxonomy_fit"
STATE_LICENSE = "state_license"
NOT_EXCLUDED = "not_excluded"
BOARD_CERTIFICATION = "board_certification"
TRD_CAPABILITY = "trd_capability"
#: The checklist's checks, in the order ``vet`` reports them.
CHECKS = (ACTIVE_NPI, TAXONOMY_FIT, STATE_LICENSE, NOT_EXCLUDED, BOARD_CERTIFICATION, TRD_CAPABILITY)
#: Statuses that say nothing about a licence either way.
UNKNOWN_STATUSES = frozenset({"", "unknown"})


class CheckStatus(enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    status: CheckStatus
    reason: str
    evidence: tuple[EvidenceRef, ...] = ()


@dataclass(frozen=True, slots=True)
class Vetting:
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        """Vetted: no check failed and identity, licence and exclusions are known."""
        must_know = {ACTIVE_NPI, STATE_LICENSE, NOT_EXCLUDED}
        return all(c.status is not CheckStatus.FAIL for c in self.checks) and all(
            c.status is CheckStatus.PASS for c in self.checks if c.name in must_know
        )


@dataclass(frozen=True, slots=True)
class Window:
    """What counts as evidence today: the date, the oldest a fact may be, the
    licence statuses accepted and the exclusion lists required."""

    today: date
    max_age_days: int | None = None
    accepted_statuses: frozenset[str] = frozenset({"active"})
    required_lists: tuple[str, ...] = ()

    def fresh(self, retrieved: date) -> bool:
        return self.max_age_days is None or (self.today - retrieved).days <= self.max_age_days

    def age_note(self, stale: Sequence[EvidenceRef]) -> str:
        if not stale:
            return ""
        listed = ", ".join(f"{r.fact} ({r.source}, {r.retrieved.isoformat()})" for r in stale[:5])
        more = f" and {len(stale) - 5} more" if len(stale) > 5 else ""
        return f"; not counted, older than {self.max_age_days} days: {listed}{more}"


def ref(fact: str, evidence: Evidence) -> EvidenceRef:
    return EvidenceRef(fact, evidence.source, evidence.retrieved, evidence.method, evidence.confidence)


def licence_label(c: Credential) -> str:
    return f"licence {c.state or '?'} {c.number or '?'}"


def board_label(c: Credential) -> str:
    return f"board certification {c.board or '?'} {c.specialty or ''}".rstrip()


def exclusion_label(e: Exclusion) -> str:
    return f"exclusion {e.source} {e.exclusion_type} {e.excluded_on.isoformat()}"


def exclusion_in_force(e: Exclusion, today: date) -> bool:
    return e.reinstated_on is None or e.reinstated_on > today


def licence_problem(c: Credential, today: date, accepted: Collection[str]) -> str | None:
    """Why a state licence is refused (its status is known and not accepted, or
    it has expired), else None."""
    status = (c.status or "").strip().lower()
    if c.expires is not None and c.expires < today:
        return f"expired {c.expires.isoformat()}"
    if status not in UNKNOWN_STATUSES and status not in accepted:
        return status
    return None


def vet(
    provider: ProviderRecord,
    *,
    locations: Iterable[ProviderLocation],
    taxonomies: Iterable[ProviderTaxonomy],
    credentials: Iterable[Credential],
    exclusions: Iterable[Exclusion],
    treatments: Iterable[TreatmentOffering],
    today: date,
    fitting_taxonomies: Collection[str],
    exclusion_lists: Sequence[ExclusionListLoad],
    accepted_license_statuses: Collection[str] = ("active",),
    max_fact_age_days: int | None = None,
    required_exclusion_lists: Sequence[str] = (),
) -> Vetting:
    """``fitting_taxonomies``: the codes that fit TRD care; ``exclusion_lists``:
    the lists loaded so far (absence from a list means nothing before it is
    loaded). The last three tune the checks (see the module docstring). The
    result does not depend on the order the facts come in."""
    window = Window(
        today,
        max_fact_age_days,
        frozenset(s.strip().lower() for s in accepted_license_statuses),
        tuple(required_exclusion_lists),
    )
    credentials = sorted(credentials, key=lambda c: (c.key, c.evidence.source, c.evidence.retrieved, repr(c)))
    checks = (
        _npi_check(provider, window),
        _taxonomy_check(sorted(taxonomies, key=_taxonomy_order), fitting_taxonomies, window),
        _license_check(provider, list(locations), credentials, window),
        _exclusion_check(sorted(exclusions, key=_exclusion_order), exclusion_lists, window),
        _board_check(provider, credentials, window),
        _capability_check(sorted(treatments, key=_treatment_order), window),
    )
    return Vetting(checks)


# Orders that are total (the repr breaks every tie), so no result depends on the order facts come in.
def _taxonomy_order(t: ProviderTaxonomy) -> tuple:
    return (t.code, t.evidence.source, t.evidence.retrieved, repr(t))


def _exclusion_order(e: Exclusion) -> tuple:
    return (e.excluded_on, e.source, e.exclusion_type, e.evidence.source, repr(e))


def _treatment_order(t: TreatmentOffering) -> tuple:
    return (t.treatment.value, t.location_key or "", t.evidence.source, t.evidence.retrieved, repr(t))


def _npi_check(provider: ProviderRecord, w: Window) -> Check:
    evidence = (ref(f"provider record {provider.npi}", provider.evidence),)
    if not provider.is_active:
        return Check(ACTIVE_NPI, CheckStatus.FAIL, f"NPI deactivated on {provider.deactivation_date}", evidence)
    if not w.fresh(provider.evidence.retrieved):
        return Check(
            ACTIVE_NPI,
            CheckStatus.UNKNOWN,
            f"NPI active in {provider.evidence.source} as of {provider.evidence.retrieved.isoformat()}, "
            f"older than {w.max_age_days} days",
            evidence,
        )
    return Check(ACTIVE_NPI, CheckStatus.PASS, "NPI active in NPPES", evidence)


def _taxonomy_check(taxonomies: list[ProviderTaxonomy], fitting_codes: Collection[str], w: Window) -> Check:
    fresh = [t for t in taxonomies if w.fresh(t.evidence.retrieved)]
    stale = [ref(f"taxonomy {t.code}", t.evidence) for t in taxonomies if not w.fresh(t.evidence.retrieved)]
    fitting = [t for t in fresh if t.code in fitting_codes]
    if fitting:
        codes = ", ".join(sorted({t.code for t in fitting}))
        return Check(
            TAXONOMY_FIT,
            CheckStatus.PASS,
            "behavioural-health taxonomy " + codes,
            tuple(ref(f"taxonomy {t.code}", t.evidence) for t in fitting),
        )
    if not taxonomies:
        return Check(TAXONOMY_FIT, CheckStatus.UNKNOWN, "no taxonomy on record")
    if not fresh or any(t.code in fitting_codes for t in taxonomies):
        # a fitting code seen only in stale evidence is not a misfit: it needs checking again
        return Check(
            TAXONOMY_FIT, CheckStatus.UNKNOWN, "no fitting taxonomy verified" + w.age_note(stale), tuple(stale)
        )
    return Check(
        TAXONOMY_FIT,
        CheckStatus.FAIL,
        "no behavioural-health or ketamine-capable taxonomy",
        tuple(ref(f"taxonomy {t.code}", t.evidence) for t in fresh),
    )


def _license_check(
    provider: ProviderRecord, locations: list[ProviderLocation], credentials: list[Credential], w: Window
) -> Check:
    if provider.entity_type is EntityType.ORGANIZATION:
        return Check(STATE_LICENSE, CheckStatus.PASS, "organizations are not individually licensed")
    # every state of practice on record needs a licence, however old the location's evidence
    states = sorted({pl.location.state for pl in locations if pl.location.state})
    licences = [c for c in credentials if c.kind is CredentialKind.STATE_LICENSE]
    if not licences:
        return Check(STATE_LICENSE, CheckStatus.UNKNOWN, "no verified state licence on record")
    bad = [(c, p) for c in licences if (p := licence_problem(c, w.today, w.accepted_statuses)) is not None]
    if bad:
        return Check(
            STATE_LICENSE,
            CheckStatus.FAIL,
            "licence " + ", ".join(f"{c.state} {c.number} {problem}" for c, problem in bad),
            tuple(ref(licence_label(c), c.evidence) for c, _ in bad),
        )
    good = [c for c in licences if (c.status or "").strip().lower() in w.accepted_statuses]
    counted = [c for c in good if w.fresh(c.evidence.retrieved)]
    stale = [ref(licence_label(c), c.evidence) for c in good if not w.fresh(c.evidence.retrieved)]
    active_states = {c.state for c in counted}
    missing = [s for s in states if s not in active_states]
    if missing or not counted:
        where = ", ".join(missing) if missing else "any state"
        return Check(
            STATE_LICENSE,
            CheckStatus.UNKNOWN,
            f"no active licence verified in {where}" + w.age_note(stale),
            tuple(ref(licence_label(c), c.evidence) for c in counted) + tuple(stale),
        )
    return Check(
        STATE_LICENSE,
        CheckStatus.PASS,
        "active licence in " + ", ".join(sorted(s for s in active_states if s)),
        tuple(ref(licence_label(c), c.evidence) for c in counted),
    )


def _exclusion_check(exclusions: list[Exclusion], lists: Sequence[ExclusionListLoad], w: Window) -> Check:
    current = [e for e in exclusions if exclusion_in_force(e, w.today)]
    if current:
        e = current[0]
        return Check(
            NOT_EXCLUDED,
            CheckStatus.FAIL,
            f"excluded by {e.source} ({e.exclusion_type}) on {e.excluded_on}",
            tuple(ref(exclusion_label(x), x.evidence) for x in current),
        )
    ordered = sorted(lists, key=lambda x: (x.list_name, repr(x)))
    loaded = {x.list_name: x for x in ordered}

    def list_ref(x: ExclusionListLoad) -> EvidenceRef:
        return ref(f"exclusion list {x.list_name} as of {x.as_of.isoformat()}", x.evidence)

    missing = [name for name in w.required_lists if name not in loaded]
    if missing:
        return Check(
            NOT_EXCLUDED,
            CheckStatus.UNKNOWN,
            "required exclusion list never loaded: " + ", ".join(missing) + " (absence from a list means nothing "
            "before it is loaded)",
            tuple(list_ref(x) for x in ordered),
        )
    # a list speaks for its as-of date: absence from an old list is old news
    counted = [x for x in ordered if w.fresh(x.as_of)]
    stale_required = [loaded[name] for name in w.required_lists if not w.fresh(loaded[name].as_of)]
    if stale_required:
        return Check(
            NOT_EXCLUDED,
            CheckStatus.UNKNOWN,
            "required exclusion list out of date: "
            + ", ".join(f"{x.list_name} as of {x.as_of.isoformat()}" for x in stale_required)
            + f", older than {w.max_age_days} days",
            tuple(list_ref(x) for x in ordered),
        )
    # Absence from a list is the evidence, so nothing can pass before a list was loaded.
    if not ordered:
        return Check(
            NOT_EXCLUDED,
            CheckStatus.UNKNOWN,
            "no exclusion list has been loaded (such as OIG LEIE or SAM): absence from a list means nothing yet",
        )
    if not counted:
        return Check(
            NOT_EXCLUDED,
            CheckStatus.UNKNOWN,
            f"no exclusion list loaded within {w.max_age_days} days",
            tuple(list_ref(x) for x in ordered),
        )
    names = ", ".join(f"{x.list_name} as of {x.as_of.isoformat()}" for x in counted)
    return Check(
        NOT_EXCLUDED,
        CheckStatus.PASS,
        f"not on the exclusion lists loaded: {names}",
        tuple(list_ref(x) for x in counted),
    )


def _board_check(provider: ProviderRecord, credentials: list[Credential], w: Window) -> Check:
    if provider.entity_type is EntityType.ORGANIZATION:
        return Check(BOARD_CERTIFICATION, CheckStatus.PASS, "not applicable to organizations")
    boards = [c for c in credentials if c.kind is CredentialKind.BOARD_CERTIFICATION]
    fresh = [c for c in boards if w.fresh(c.evidence.retrieved)]
    if fresh:
        b = fresh[0]
        return Check(
            BOARD_CERTIFICATION,
            CheckStatus.PASS,
            f"{b.board} {b.specialty or ''} {b.certified_on or ''}".strip(),
            tuple(ref(board_label(c), c.evidence) for c in fresh),
        )
    stale = [ref(board_label(c), c.evidence) for c in boards]
    return Check(
        BOARD_CERTIFICATION, CheckStatus.UNKNOWN, "no board certification on record" + w.age_note(stale), tuple(stale)
    )


def _capability_check(treatments: list[TreatmentOffering], w: Window) -> Check:
    fresh = [t for t in treatments if w.fresh(t.evidence.retrieved)]
    if not fresh:
        stale = [ref(f"treatment {t.treatment.value}", t.evidence) for t in treatments]
        return Check(
            TRD_CAPABILITY, CheckStatus.UNKNOWN, "no evidenced TRD treatment" + w.age_note(stale), tuple(stale)
        )
    sources = sorted({f"{t.treatment.value} ({t.evidence.source})" for t in fresh})
    return Check(
        TRD_CAPABILITY,
        CheckStatus.PASS,
        "evidenced: " + ", ".join(sources),
        tuple(ref(f"treatment {t.treatment.value}", t.evidence) for t in fresh),
    )
