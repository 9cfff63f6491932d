"""A provider judged against a network's vetting criteria: **verified**,
**needs review** or **failed**, with each check's reason and evidence.

* The checklist is ``scoring.vetting``'s, run with the criteria's accepted
  licence statuses, fact age and required exclusion lists, plus one check of
  our own, ``trd_expertise``: the TRD-expertise score (from evidence young
  enough) against the criteria's minimum. It is required whenever the minimum
  is above 0, and a score below it needs review rather than fails: the score
  counts evidence found, so a low one says "not shown", not "unfit".
* Only required checks decide the status: a failed one fails, an unknown one
  needs review, all passing verifies. ``not_excluded`` is always required: an
  exclusion in force fails vetting under any criteria.
* ``fingerprint`` digests everything the judgment read (the facts with their
  evidence, the criteria, the reference data and :data:`SCORING_VERSION`) and
  ``digest`` the outcome. A stored result is still good when both match what
  the store gives today; a result can change with no new evidence (a fact
  ages past the limit, a licence passes its expiry date), which is why the
  outcome is compared too.

Pure: the caller passes the facts and reference data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from directory.model import (
    CheckResult,
    Credential,
    CredentialKind,
    Exclusion,
    ExclusionListLoad,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
    TreatmentOffering,
    VettingCriteria,
    VettingRecord,
    VettingStatus,
)

from .expertise import TAXONOMY_POINTS, trd_expertise
from .vetting import CHECKS, NOT_EXCLUDED, Check, CheckStatus, board_label, exclusion_in_force, ref, vet

#: Bump when a rule changes what a judgment says: every stored result then counts as out of date.
SCORING_VERSION = "criteria-1"
TRD_EXPERTISE = "trd_expertise"
#: Checks that every set of criteria requires.
MANDATORY_CHECKS = (NOT_EXCLUDED,)
#: Every check a judgment reports, in order.
CRITERIA_CHECKS = (*CHECKS, TRD_EXPERTISE)


@dataclass(frozen=True, slots=True)
class Change:
    """What changed in one check (or, for ``check`` None, in the status) between two results."""

    check: str | None
    before: str | None  # None: the check (or the result) is new
    after: str
    reason: str


def required_of(criteria: VettingCriteria) -> frozenset[str]:
    required = set(criteria.required_checks) | set(MANDATORY_CHECKS)
    if criteria.min_trd_expertise > 0:
        required.add(TRD_EXPERTISE)
    return frozenset(required)


def judge(
    provider: ProviderRecord,
    *,
    locations: Iterable[ProviderLocation],
    taxonomies: Iterable[ProviderTaxonomy],
    credentials: Iterable[Credential],
    exclusions: Iterable[Exclusion],
    treatments: Iterable[TreatmentOffering],
    criteria: VettingCriteria,
    exclusion_lists: Sequence[ExclusionListLoad],
    fitting_taxonomies: Collection[str],
    today: date,
    network_id: str = "",
) -> VettingRecord:
    """The provider's vetting under ``criteria`` as of ``today``, for ``network_id``."""
    locations, taxonomies = list(locations), list(taxonomies)
    credentials, exclusions, treatments = list(credentials), list(exclusions), list(treatments)
    checklist = vet(
        provider,
        locations=locations,
        taxonomies=taxonomies,
        credentials=credentials,
        exclusions=exclusions,
        treatments=treatments,
        today=today,
        fitting_taxonomies=fitting_taxonomies,
        exclusion_lists=exclusion_lists,
        accepted_license_statuses=criteria.accepted_license_statuses,
        max_fact_age_days=criteria.max_fact_age_days,
        required_exclusion_lists=criteria.required_exclusion_lists,
    )
    checks = (*checklist.checks, _expertise_check(taxonomies, credentials, treatments, criteria, today))
    required = required_of(criteria)
    results = tuple(CheckResult(c.name, c.status.value, c.name in required, c.reason, c.evidence) for c in checks)
    status = _status(results, exclusions, today)
    fingerprint = _digest(
        {
            "version": SCORING_VERSION,
            "criteria": _criteria_key(criteria),
            "fitting": sorted(set(fitting_taxonomies)),
            "provider": _record_key(provider),
            "locations": _canon_sorted(locations),
            "taxonomies": _canon_sorted(taxonomies),
            "credentials": _canon_sorted(credentials),
            "exclusions": _canon_sorted(exclusions),
            "treatments": _canon_sorted(treatments),
            "lists": _canon_sorted(exclusion_lists),
        }
    )
    return VettingRecord(
        network_id=network_id,
        npi=provider.npi,
        status=status,
        checks=results,
        fingerprint=fingerprint,
        digest=outcome_digest(status, results),
        scoring_version=SCORING_VERSION,
        judged_on=today,
    )


def _status(checks: tuple[CheckResult, ...], exclusions: list[Exclusion], today: date) -> VettingStatus:
    # The exclusion rule holds whatever the checks say: defence in depth for the one rule no criteria relax.
    if any(exclusion_in_force(e, today) for e in exclusions):
        return VettingStatus.FAILED
    required = [c for c in checks if c.required]
    if any(c.status == CheckStatus.FAIL.value for c in required):
        return VettingStatus.FAILED
    if all(c.status == CheckStatus.PASS.value for c in required):
        return VettingStatus.VERIFIED
    return VettingStatus.NEEDS_REVIEW


def _expertise_check(
    taxonomies: list[ProviderTaxonomy],
    credentials: list[Credential],
    treatments: list[TreatmentOffering],
    criteria: VettingCriteria,
    today: date,
) -> Check:
    limit = criteria.max_fact_age_days

    def fresh(retrieved: date) -> bool:
        return limit is None or (today - retrieved).days <= limit

    # a fact older than the limit is unknown here too: it adds no points
    counted_t = [t for t in treatments if fresh(t.evidence.retrieved)]
    counted_x = [t for t in taxonomies if fresh(t.evidence.retrieved)]
    counted_c = [c for c in credentials if fresh(c.evidence.retrieved)]
    expertise = trd_expertise(counted_t, counted_x, counted_c, today)
    # the facts that earned points: treatments, taxonomies with points, board certifications
    earned = {ref(f"treatment {t.treatment.value}", t.evidence) for t in counted_t}
    earned |= {ref(f"taxonomy {t.code}", t.evidence) for t in counted_x if TAXONOMY_POINTS.get(t.code, 0.0) > 0}
    earned |= {ref(board_label(c), c.evidence) for c in counted_c if c.kind is CredentialKind.BOARD_CERTIFICATION}
    evidence = tuple(sorted(earned, key=lambda r: (r.fact, r.source, r.retrieved, r.method, r.confidence)))
    minimum = criteria.min_trd_expertise
    said = f"TRD expertise {expertise.score:g} of 100"
    if expertise.score >= minimum:
        reason = f"{said}, at least the minimum {minimum:g}" if minimum > 0 else said
        return Check(TRD_EXPERTISE, CheckStatus.PASS, reason, evidence)
    return Check(TRD_EXPERTISE, CheckStatus.UNKNOWN, f"{said}, below the minimum {minimum:g}: not shown", evidence)


def outcome_digest(status: VettingStatus, checks: Sequence[CheckResult]) -> str:
    return _digest({"status": status.value, "checks": [_canon(c) for c in checks]})


def changes(previous: VettingRecord | None, current: VettingRecord) -> tuple[Change, ...]:
    """What changed from ``previous`` to ``current``: the status, then each
    check whose status moved (a new exclusion, an expired licence, a fact gone
    stale ...), with the current reason. Nothing when ``previous`` is None."""
    if previous is None:
        return ()
    out: list[Change] = []
    if previous.status is not current.status:
        out.append(
            Change(
                None,
                previous.status.value,
                current.status.value,
                f"status {previous.status.value} -> {current.status.value}",
            )
        )
    before = {c.name: c for c in previous.checks}
    for check in current.checks:
        old = before.get(check.name)
        if old is None or old.status != check.status or old.required != check.required:
            out.append(Change(check.name, None if old is None else old.status, check.status, check.reason))
    return tuple(out)


# ------------------------------------------------------------ fingerprints
def _digest(value: object) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _canon(value: object) -> object:
    """A JSON-able, order-stable form of a model value (dataclasses, enums, dates, tuples)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return [_canon(getattr(value, f)) for f in value.__dataclass_fields__]
    if isinstance(value, (list, tuple)):
        return [_canon(v) for v in value]
    if hasattr(value, "value"):  # an enum
        return _canon(value.value)
    raise TypeError(f"cannot fingerprint a {type(value).__name__}")


def _canon_sorted(items: Iterable[object]) -> list:
    return sorted((_canon(x) for x in items), key=lambda v: json.dumps(v, sort_keys=True))


def _record_key(p: ProviderRecord) -> list:
    # the parts of the record a judgment reads; its owned facts travel separately
    return [
        p.npi,
        p.entity_type.value,
        _canon(p.deactivation_date),
        _canon(p.reactivation_date),
        _canon(p.evidence),
    ]


def _criteria_key(c: VettingCriteria) -> list:
    # who set the criteria and when does not change a judgment
    return [
        sorted(set(c.required_checks)),
        sorted({s.strip().lower() for s in c.accepted_license_statuses}),
        sorted(set(c.required_exclusion_lists)),
        c.min_trd_expertise,
        c.max_fact_age_days,
    ]
