"""The vetting checklist for one provider: each check passes, fails or is
unknown (no evidence either way), with the reason. Pure: the caller supplies
the facts it read from the store and the reference data the rules need (which
taxonomies fit, which exclusion lists were loaded); ``directory.services.vetting``
is that caller."""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from directory.model import (
    Credential,
    CredentialKind,
    Exclusion,
    ExclusionListLoad,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
    TreatmentOffering,
)


class CheckStatus(enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    status: CheckStatus
    reason: str


@dataclass(frozen=True, slots=True)
class Vetting:
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        """Vetted: no check failed and identity, licence and exclusions are known."""
        must_know = {"active_npi", "state_license", "not_excluded"}
        return all(c.status is not CheckStatus.FAIL for c in self.checks) and all(
            c.status is CheckStatus.PASS for c in self.checks if c.name in must_know
        )


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
) -> Vetting:
    """``fitting_taxonomies``: the codes that fit TRD care; ``exclusion_lists``:
    the lists loaded so far (absence from a list means nothing before it is loaded)."""
    credentials = list(credentials)
    checks = [
        Check(
            "active_npi",
            CheckStatus.PASS if provider.is_active else CheckStatus.FAIL,
            "NPI active in NPPES" if provider.is_active else f"NPI deactivated on {provider.deactivation_date}",
        ),
        _taxonomy_check(list(taxonomies), fitting_taxonomies),
        _license_check(provider, list(locations), credentials, today),
        _exclusion_check(list(exclusions), exclusion_lists, today),
        _board_check(provider, credentials),
        _capability_check(list(treatments)),
    ]
    return Vetting(tuple(checks))


def _taxonomy_check(taxonomies: list[ProviderTaxonomy], fitting_codes: Collection[str]) -> Check:
    fitting = sorted(t.code for t in taxonomies if t.code in fitting_codes)
    if fitting:
        return Check("taxonomy_fit", CheckStatus.PASS, "behavioural-health taxonomy " + ", ".join(fitting))
    if not taxonomies:
        return Check("taxonomy_fit", CheckStatus.UNKNOWN, "no taxonomy on record")
    return Check("taxonomy_fit", CheckStatus.FAIL, "no behavioural-health or ketamine-capable taxonomy")


def _license_check(provider, locations, credentials, today) -> Check:
    if provider.entity_type.value == 2:
        return Check("state_license", CheckStatus.PASS, "organizations are not individually licensed")
    states = sorted({pl.location.state for pl in locations if pl.location.state})
    licences = [c for c in credentials if c.kind is CredentialKind.STATE_LICENSE]
    if not licences:
        return Check("state_license", CheckStatus.UNKNOWN, "no verified state licence on record")
    bad = [
        c
        for c in licences
        if (c.status or "").lower() in {"revoked", "suspended", "restricted", "expired"}
        or (c.expires is not None and c.expires < today)
    ]
    if bad:
        return Check(
            "state_license",
            CheckStatus.FAIL,
            "licence " + ", ".join(f"{c.state} {c.number} {c.status or 'expired'}" for c in bad),
        )
    active_states = {c.state for c in licences if (c.status or "").lower() == "active"}
    missing = [s for s in states if s not in active_states]
    if missing:
        return Check("state_license", CheckStatus.UNKNOWN, "no active licence verified in " + ", ".join(missing))
    return Check("state_license", CheckStatus.PASS, "active licence in " + ", ".join(sorted(active_states)))


def _exclusion_check(exclusions: list[Exclusion], lists: Sequence[ExclusionListLoad], today: date) -> Check:
    current = [e for e in exclusions if e.reinstated_on is None or e.reinstated_on > today]
    if current:
        e = current[0]
        return Check(
            "not_excluded", CheckStatus.FAIL, f"excluded by {e.source} ({e.exclusion_type}) on {e.excluded_on}"
        )
    # Absence from a list is the evidence, so nothing can pass before a list was loaded.
    if not lists:
        return Check(
            "not_excluded",
            CheckStatus.UNKNOWN,
            "no exclusion list has been loaded (such as OIG LEIE or SAM): absence from a list means nothing yet",
        )
    loaded = ", ".join(f"{x.list_name} as of {x.as_of.isoformat()}" for x in sorted(lists, key=lambda x: x.list_name))
    return Check("not_excluded", CheckStatus.PASS, f"not on the exclusion lists loaded: {loaded}")


def _board_check(provider, credentials) -> Check:
    if provider.entity_type.value == 2:
        return Check("board_certification", CheckStatus.PASS, "not applicable to organizations")
    boards = [c for c in credentials if c.kind is CredentialKind.BOARD_CERTIFICATION]
    if boards:
        b = boards[0]
        return Check(
            "board_certification", CheckStatus.PASS, f"{b.board} {b.specialty or ''} {b.certified_on or ''}".strip()
        )
    return Check("board_certification", CheckStatus.UNKNOWN, "no board certification on record")


def _capability_check(treatments: list[TreatmentOffering]) -> Check:
    if not treatments:
        return Check("trd_capability", CheckStatus.UNKNOWN, "no evidenced TRD treatment")
    sources = sorted({f"{t.treatment.value} ({t.evidence.source})" for t in treatments})
    return Check("trd_capability", CheckStatus.PASS, "evidenced: " + ", ".join(sources))
