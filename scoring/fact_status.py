"""Freshness and agreement of each fact about a provider (issue 9 point 5):
when it was last verified and by which source, whether that is more than
:data:`~scoring.confidence.FRESH_DAYS` (90) days ago, whether the sources that
speak to it agree or contradict each other, and how far to trust it.

A *fact* is one thing a directory user relies on (an address, its phone,
accepting new patients, telehealth, wait time, languages, each treatment, each
licence, each board certification, each network membership, each exclusion).
Each source that speaks to it makes a *claim* with a value. Then:

* the value believed is the one with the most support, where the support of a
  value is the noisy-or of the current confidences (source confidence decayed
  with age, :func:`~scoring.confidence.fact_confidence`) of the claims making it;
  ties go to the value verified last;
* ``confidence`` = support x (1 - opposition), the opposition being the noisy-or
  of the claims of every other value: one source gives its own confidence, two
  agreeing sources more than either, a contradiction less;
* ``agreement`` is SINGLE_SOURCE with one source, else AGREES or CONTRADICTS;
* ``last_verified`` is the latest retrieval of a claim of the value believed, and
  the fact is ``stale`` when that is more than 90 days before today;
* a fact is **verified** when it is neither stale nor contradicted.

How claims contradict, by kind: an address is contradicted by a source that
names a different primary practice address and does not list it (sources that
list no primary address, such as NPPES's secondary-location file, never do);
licence claims compare status (a licence past its expiry date counts as
expired); access facts compare their values; a treatment on a list that is
authoritative for it (the REMS list for esketamine) is contradicted when the
list was loaded and does not name the provider, with the list's own, lower
confidence in an absence (sites may opt out of it).

Pure: the caller passes the facts read from the store.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from directory.model import (
    AccessFacts,
    Credential,
    CredentialKind,
    Evidence,
    Exclusion,
    Location,
    NetworkMember,
    ProviderLocation,
    Treatment,
    TreatmentOffering,
)

from .confidence import FRESH_DAYS, fact_confidence
from .vetting import board_label, exclusion_in_force, exclusion_label, licence_label


class FactKind(enum.Enum):
    ADDRESS = "address"
    PHONE = "phone"
    ACCEPTING_NEW_PATIENTS = "accepting_new_patients"
    TELEHEALTH = "telehealth"
    WAIT_DAYS = "wait_days"
    LANGUAGES = "languages"
    TREATMENT = "treatment"
    LICENSE = "license"
    BOARD_CERTIFICATION = "board_certification"
    NETWORK_MEMBERSHIP = "network_membership"
    EXCLUSION = "exclusion"


_KIND_ORDER = {k: i for i, k in enumerate(FactKind)}


class Agreement(enum.Enum):
    AGREES = "agrees"
    CONTRADICTS = "contradicts"
    SINGLE_SOURCE = "single_source"


@dataclass(frozen=True, slots=True)
class SourceClaim:
    """What one source says about a fact."""

    source: str
    retrieved: date
    method: str
    confidence: float  # the source's own
    current_confidence: float  # today: decayed with age
    value: str
    agrees: bool  # with the value believed
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class FactStatus:
    kind: FactKind
    fact: str
    value: str  # the value believed
    sources: tuple[SourceClaim, ...]  # strongest first
    last_verified: date
    verified_by: str
    stale: bool
    agreement: Agreement
    confidence: float

    @property
    def verified(self) -> bool:
        """Fresh and not contradicted: what a directory may show as verified."""
        return not self.stale and self.agreement is not Agreement.CONTRADICTS


@dataclass(frozen=True, slots=True)
class TreatmentList:
    """A list that is authoritative for a treatment (the REMS list for
    esketamine), loaded as of ``loaded_on``: a provider claiming the treatment
    and absent from it is contradicted, with ``absence_confidence``."""

    treatment: Treatment
    source: str
    loaded_on: date
    absence_confidence: float = 0.7
    #: Other sources that are the same list (another load of the REMS list under
    #: another name): an offering of any of them counts as the list naming the provider.
    same_list: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Claim:
    evidence: Evidence
    key: str  # what is compared
    shown: str  # how the value reads


def address_text(loc: Location) -> str:
    street = f"{loc.line1} {loc.line2}".strip()
    return f"{street}, {loc.city}, {loc.state} {loc.zip5}"


def fact_statuses(
    *,
    locations: Iterable[ProviderLocation] = (),
    credentials: Iterable[Credential] = (),
    treatments: Iterable[TreatmentOffering] = (),
    access: Iterable[AccessFacts] = (),
    exclusions: Iterable[Exclusion] = (),
    memberships: Iterable[NetworkMember] = (),
    treatment_lists: Sequence[TreatmentList] = (),
    today: date,
    fresh_days: int = FRESH_DAYS,
) -> tuple[FactStatus, ...]:
    """Every fact of one provider, ordered by kind then fact. The result does
    not depend on the order the facts come in."""
    groups: list[tuple[FactKind, str, list[_Claim]]] = []
    groups += _addresses(list(locations))
    groups += _access(list(access))
    groups += _treatments(list(treatments), treatment_lists)
    groups += _credentials(list(credentials), today)
    groups += [
        (
            FactKind.NETWORK_MEMBERSHIP,
            f"network {m.network_id}",
            [_Claim(m.evidence, "member", f"member since {m.added_on.isoformat()}" if m.added_on else "member")],
        )
        for m in memberships
    ]
    for e in exclusions:
        state = "in force" if exclusion_in_force(e, today) else f"reinstated {e.reinstated_on}"
        groups.append((FactKind.EXCLUSION, exclusion_label(e), [_Claim(e.evidence, state, state)]))
    out = [_judge(kind, fact, claims, today, fresh_days) for kind, fact, claims in groups if claims]
    return tuple(sorted(out, key=lambda f: (_KIND_ORDER[f.kind], f.fact)))


def _claim_order(c: _Claim) -> tuple:
    return (c.evidence.retrieved, c.evidence.confidence, c.shown, repr(c.evidence))


def _judge(kind: FactKind, fact: str, claims: list[_Claim], today: date, fresh_days: int) -> FactStatus:
    # one claim per (source, value): the latest
    latest: dict[tuple[str, str], _Claim] = {}
    # most facts have one claim: the sorts below are skipped for them (a payer's report judges tens of thousands)
    ordered = claims if len(claims) == 1 else sorted(claims, key=_claim_order)
    for c in ordered:
        latest[(c.evidence.source, c.key)] = c
    kept = list(latest.values())
    conf = {id(c): fact_confidence(c.evidence, today) for c in kept}
    by_key: dict[str, list[_Claim]] = {}
    for c in kept:
        by_key.setdefault(c.key, []).append(c)

    def support(group: list[_Claim]) -> float:
        doubt = 1.0
        for c in group:
            doubt *= 1.0 - conf[id(c)]
        return 1.0 - doubt

    def rank(key: str) -> tuple:
        group = by_key[key]
        return (-support(group), -max(c.evidence.retrieved for c in group).toordinal(), key)

    believed = min(by_key, key=rank)
    mine = by_key[believed]
    others = [c for c in kept if c.key != believed]
    confidence = support(mine) * (1.0 - support(others))
    newest = min(mine, key=lambda c: (-c.evidence.retrieved.toordinal(), -conf[id(c)], c.evidence.source, c.shown))
    sources = {c.evidence.source for c in kept}
    agreement = Agreement.SINGLE_SOURCE if len(sources) == 1 else Agreement.CONTRADICTS if others else Agreement.AGREES
    shown = (
        kept
        if len(kept) == 1
        else sorted(
            kept,
            key=lambda c: (c.key != believed, -conf[id(c)], c.evidence.source, c.evidence.retrieved, c.shown, c.key),
        )
    )
    return FactStatus(
        kind=kind,
        fact=fact,
        value=newest.shown,
        sources=tuple(
            SourceClaim(
                source=c.evidence.source,
                retrieved=c.evidence.retrieved,
                method=c.evidence.method,
                confidence=c.evidence.confidence,
                current_confidence=conf[id(c)],
                value=c.shown,
                agrees=c.key == believed,
                reference=c.evidence.reference,
            )
            for c in shown
        ),
        last_verified=newest.evidence.retrieved,
        verified_by=newest.evidence.source,
        stale=(today - newest.evidence.retrieved).days > fresh_days,
        agreement=agreement,
        confidence=round(max(0.0, min(1.0, confidence)), 4),
    )


def _addresses(locations: list[ProviderLocation]) -> list[tuple[FactKind, str, list[_Claim]]]:
    listed: dict[str, dict[str, ProviderLocation]] = {}  # source -> key -> placement (the latest)
    for pl in sorted(locations, key=lambda pl: (pl.evidence.retrieved, pl.primary, repr(pl))):
        listed.setdefault(pl.evidence.source, {})[pl.location.key] = pl
    primary = {src: {k for k, pl in held.items() if pl.primary} for src, held in listed.items()}
    places = {pl.location.key: pl.location for pl in locations}
    claimed_primary = {k for keys in primary.values() for k in keys}
    out: list[tuple[FactKind, str, list[_Claim]]] = []
    for key in sorted(places):
        text = address_text(places[key])
        claims = [
            _Claim(held[key].evidence, "here", text + (" (primary)" if held[key].primary else ""))
            for held in listed.values()
            if key in held
        ]
        if key in claimed_primary:  # another source's primary address elsewhere contradicts it
            for src, held in listed.items():
                if key not in held and primary[src]:
                    first = held[min(primary[src])]
                    claims.append(
                        _Claim(first.evidence, "elsewhere", "primary address " + address_text(first.location))
                    )
        out.append((FactKind.ADDRESS, "address " + text, claims))
        phones = [
            _Claim(held[key].evidence, digits, digits)
            for held in listed.values()
            if key in held and (digits := "".join(ch for ch in held[key].location.phone or "" if ch.isdigit()))
        ]
        if phones:
            out.append((FactKind.PHONE, "phone at " + text, phones))
    return out


def _access(rows: list[AccessFacts]) -> list[tuple[FactKind, str, list[_Claim]]]:
    def yes_no(value: bool) -> str:
        return "yes" if value else "no"

    accepting = [
        _Claim(a.evidence, yes_no(a.accepting_new_patients), yes_no(a.accepting_new_patients))
        for a in rows
        if a.accepting_new_patients is not None
    ]
    telehealth = [
        _Claim(a.evidence, yes_no(a.telehealth), yes_no(a.telehealth)) for a in rows if a.telehealth is not None
    ]
    waits = [_Claim(a.evidence, str(a.wait_days), f"{a.wait_days} days") for a in rows if a.wait_days is not None]
    languages = [
        _Claim(a.evidence, ",".join(sorted({x.lower() for x in a.languages})), ", ".join(sorted(set(a.languages))))
        for a in rows
        if a.languages
    ]
    return [
        (FactKind.ACCEPTING_NEW_PATIENTS, "accepting new patients", accepting),
        (FactKind.TELEHEALTH, "telehealth", telehealth),
        (FactKind.WAIT_DAYS, "wait time", waits),
        (FactKind.LANGUAGES, "languages", languages),
    ]


def _treatments(
    offerings: list[TreatmentOffering], lists: Sequence[TreatmentList]
) -> list[tuple[FactKind, str, list[_Claim]]]:
    by_treatment: dict[Treatment, list[_Claim]] = {}
    for o in offerings:
        shown = "offered" + (f" ({o.detail})" if o.detail else "") + (" by telehealth" if o.telehealth else "")
        by_treatment.setdefault(o.treatment, []).append(_Claim(o.evidence, "offered", shown))
    for lst in lists:
        claims = by_treatment.get(lst.treatment)
        listing = {lst.source, *lst.same_list}
        if claims and not any(c.evidence.source in listing for c in claims):
            absent = Evidence(lst.source, lst.loaded_on, "list", lst.absence_confidence)
            claims.append(_Claim(absent, "absent", f"not on {lst.source} as of {lst.loaded_on.isoformat()}"))
    return [
        (FactKind.TREATMENT, f"treatment {t.value}", by_treatment[t])
        for t in sorted(by_treatment, key=lambda t: t.value)
    ]


def _credentials(credentials: list[Credential], today: date) -> list[tuple[FactKind, str, list[_Claim]]]:
    licences: dict[str, list[_Claim]] = {}
    labels: dict[str, tuple[FactKind, str]] = {}
    for c in credentials:
        if c.kind is CredentialKind.STATE_LICENSE:
            status = (c.status or "").strip().lower() or "status unknown"
            if c.expires is not None and c.expires < today:
                status = "expired"
            shown = status + (f", expires {c.expires.isoformat()}" if c.expires else "")
            labels[c.key] = (FactKind.LICENSE, licence_label(c))
        else:
            status = "certified"
            shown = "certified" + (f" {c.certified_on.isoformat()}" if c.certified_on else "")
            labels[c.key] = (FactKind.BOARD_CERTIFICATION, board_label(c))
        licences.setdefault(c.key, []).append(_Claim(c.evidence, status, shown))
    out = []
    for key in sorted(licences):
        claims = licences[key]
        known = [c for c in claims if c.key != "status unknown"]
        kind, label = labels[key]
        out.append((kind, label, known or claims))  # a source silent on the status neither confirms nor denies it
    return out
