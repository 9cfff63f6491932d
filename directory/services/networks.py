"""Network membership: who may be added to or removed from a network, whoever
asks. Who the caller is and whether they may manage the network is the entry
point's business (GraphQL's auth rules, the CLI's admin); what may happen to
the membership is decided here.

* A change names 1 to :data:`MAX_NPIS_PER_CHANGE` NPIs; each must be a valid
  NPI the directory holds. A change is all or nothing: any problem and nothing
  is written.
* An **employer's vetted network** refuses a provider that fails its vetting
  criteria (``directory.services.criteria``: the network's own, else the
  default): a check the criteria require fails (a revoked or expired licence, a
  deactivated NPI, a taxonomy that does not fit ...), and an exclusion in force
  always does. The caller may override with a note; the override and its note
  are kept in the membership's evidence (method ``vetting_override``). A
  provider who only needs review is not refused: vetted networks start from
  what is known, and each member's status (``directory.services.network_vetting``)
  shows what is not. The result judged on adding starts the member's history.
* Payer networks record contracts, not judgments: no vetting rule applies.
* Every change carries a **decision** (``MemberDecision``) and may carry a
  **note**; who decided and when are kept with the membership and in the
  network's history (one event per provider added or removed). Adding takes an
  ``added_*`` decision (default: added after review, or added with override
  when an override note is given), removing a ``removed_*`` one (default:
  removed, other); an override applies to the providers of the change that
  fail vetting, the others are recorded as added after review.
  ``added_with_override`` and ``removed_other`` need a note
  saying why; ``removed_no_longer_meets_criteria`` is refused for a provider
  who is verified under the network's criteria. Providers already members are
  left as they are (their decision stands); non-members named for removal are
  ignored.
* An **archived** network takes no changes (ARCHIVED).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from scoring import CheckStatus

from ..errors import Archived, NotFound, StoreError, quoted
from ..model import (
    Evidence,
    MemberDecision,
    Network,
    NetworkEvent,
    NetworkEventKind,
    NetworkKind,
    NetworkMember,
    NetworkStatus,
    VettingStatus,
)
from ..npi import is_valid_npi
from ..store import Store
from .network_vetting import candidates

log = logging.getLogger(__name__)

#: Most NPIs one change may name.
MAX_NPIS_PER_CHANGE = 1000
#: Longest override note or reference kept with a membership.
MAX_NOTE = 1000
CURATION = "curation"
OVERRIDE = "vetting_override"


class ProblemCode(enum.Enum):
    INVALID_INPUT = "invalid_input"
    NOT_FOUND = "not_found"
    VETTING_FAILED = "vetting_failed"
    ARCHIVED = "archived"


#: Decisions that need a note saying why.
NEEDS_NOTE = frozenset({MemberDecision.ADDED_WITH_OVERRIDE, MemberDecision.REMOVED_OTHER})


@dataclass(frozen=True, slots=True)
class MemberProblem:
    code: ProblemCode
    message: str
    npi: str | None = None
    failed_checks: tuple[str, ...] = ()  # vetting check names, for VETTING_FAILED


@dataclass(frozen=True, slots=True)
class MembershipChange:
    network: Network
    changed: int
    problems: tuple[MemberProblem, ...] = ()
    events: tuple[NetworkEvent, ...] = ()  # the history this change recorded


def _archived(network: Network) -> MembershipChange | None:
    if network.status is NetworkStatus.ACTIVE:
        return None
    message = f"network {network.id!r} is archived: it takes no changes"
    return MembershipChange(network, 0, (MemberProblem(ProblemCode.ARCHIVED, message),))


def _decision_problems(
    decision: MemberDecision, note: str | None, reference: str | None, *, adding: bool
) -> list[MemberProblem]:
    problems = []
    if decision.adds is not adding:
        kind = "added_*" if adding else "removed_*"
        problems.append(
            MemberProblem(ProblemCode.INVALID_INPUT, f"decision {decision.value} does not fit: use an {kind} decision")
        )
    if decision in NEEDS_NOTE and not note:
        problems.append(MemberProblem(ProblemCode.INVALID_INPUT, f"decision {decision.value} needs a note saying why"))
    for text, what in ((reference, "reference"), (note, "note")):
        if text is not None and len(text) > MAX_NOTE:
            problems.append(
                MemberProblem(ProblemCode.INVALID_INPUT, f"the {what} is longer than {MAX_NOTE} characters")
            )
    return problems


def find_network(store: Store, network_id: str) -> Network:
    """The network, or NotFound."""
    found = store.networks([network_id])
    if not found:
        raise NotFound(f"no network {network_id[:200]!r}")
    return found[0]


def check_npis(npis: Iterable[str]) -> tuple[list[str], list[MemberProblem]]:
    """The NPIs of a change, cleaned, and the problems that refuse it before the
    store is asked anything (no NPI, too many, malformed ones)."""
    wanted = list(dict.fromkeys((n or "").strip() for n in npis))
    if not wanted:
        return [], [MemberProblem(ProblemCode.INVALID_INPUT, "name at least one NPI")]
    if len(wanted) > MAX_NPIS_PER_CHANGE:
        return [], [MemberProblem(ProblemCode.INVALID_INPUT, f"at most {MAX_NPIS_PER_CHANGE} NPIs per change")]
    invalid = [
        MemberProblem(ProblemCode.INVALID_INPUT, f"{quoted(n)} is not a valid NPI", n[:20])
        for n in wanted
        if not is_valid_npi(n)
    ]
    return wanted, invalid


def add_members(
    store: Store,
    network: Network,
    npis: Iterable[str],
    *,
    actor: str,
    today: date,
    reference: str | None = None,
    override_note: str | None = None,
    decision: MemberDecision | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> MembershipChange:
    """Add providers to ``network`` (see the module docstring for the rules).
    ``actor`` names the caller in the evidence and the history, e.g.
    ``employer:acme``; ``override_note`` is ``note`` with the decision
    ``added_with_override`` (the older spelling of the same thing)."""
    refused = _archived(network)
    if refused is not None:
        return refused
    wanted, problems = check_npis(npis)
    note = (note or "").strip() or (override_note or "").strip() or None
    if decision is None:
        decision = MemberDecision.ADDED_WITH_OVERRIDE if override_note else MemberDecision.ADDED_AFTER_REVIEW
    problems += _decision_problems(decision, note, reference, adding=True)
    if problems:
        return MembershipChange(network, 0, tuple(problems))
    vetting = candidates(store, network.id, wanted, today) if network.kind is NetworkKind.EMPLOYER else None
    known = set(vetting) if vetting is not None else set(store.providers(wanted))
    problems = [MemberProblem(ProblemCode.NOT_FOUND, f"no provider with NPI {n}", n) for n in wanted if n not in known]
    overridden: set[str] = set()
    for npi, result in sorted((vetting or {}).items()):
        if result.status is not VettingStatus.FAILED:
            continue
        refusing = [c for c in result.checks if c.required and c.status == CheckStatus.FAIL.value]
        failed = tuple(c.name for c in refusing)
        if decision is not MemberDecision.ADDED_WITH_OVERRIDE:
            reasons = "; ".join(c.reason for c in refusing)
            problems.append(
                MemberProblem(
                    ProblemCode.VETTING_FAILED,
                    f"{npi} fails vetting ({reasons}); add it only with an override note",
                    npi,
                    failed,
                )
            )
        else:
            overridden.add(npi)
    if problems:
        return MembershipChange(network, 0, tuple(problems))
    when = now or datetime.now(UTC)
    source = f"api:{actor}"
    plain = Evidence(source, today, CURATION, 1.0, reference)
    override = Evidence(source, today, OVERRIDE, 1.0, note)
    # an override applies to the providers that fail vetting; the others of the change were added after review
    decided = {
        n: decision
        if decision is not MemberDecision.ADDED_WITH_OVERRIDE or n in overridden
        else MemberDecision.ADDED_AFTER_REVIEW
        for n in wanted
    }
    members = [
        NetworkMember(
            network.id,
            n,
            override if decided[n] is MemberDecision.ADDED_WITH_OVERRIDE else plain,
            added_on=today,
            decision=decided[n],
            decided_by=actor,
            decided_at=when,
            note=note,
        )
        for n in wanted
    ]
    events = [
        NetworkEvent(
            network.id, NetworkEventKind.MEMBER_ADDED, when, actor, n, decided[n], note, _added_detail(n, vetting)
        )
        for n in wanted
    ]
    try:
        done = store.change_members(network.id, members, (), events)
    except NotFound as exc:  # the network or a provider went away meanwhile
        return MembershipChange(network, 0, (MemberProblem(ProblemCode.NOT_FOUND, str(exc)),))
    except Archived as exc:  # archived meanwhile
        return MembershipChange(network, 0, (MemberProblem(ProblemCode.ARCHIVED, str(exc)),))
    if vetting and done.added:
        try:  # the judgment made on adding starts each member's history
            store.record_vetting([vetting[n] for n in done.added if n in vetting])
        except (StoreError, NotFound):  # the membership stands; the next read or refresh records it
            log.exception("could not record the vetting of the members added to %s", network.id)
    for npi in sorted(overridden & set(done.added)):
        log.warning("%s added %s to vetted network %s despite failed vetting: %s", actor, npi, network.id, note)
    log.info("%s added %d member(s) to network %s", actor, len(done.added), network.id)
    return MembershipChange(network, len(done.added), (), done.events)


def _added_detail(npi: str, vetting: dict | None) -> str:
    if not vetting or npi not in vetting:
        return "added"
    return f"added; vetting {vetting[npi].status.value} when added"


def remove_members(
    store: Store,
    network: Network,
    npis: Iterable[str],
    *,
    actor: str,
    decision: MemberDecision = MemberDecision.REMOVED_OTHER,
    note: str | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> MembershipChange:
    """Remove providers from ``network``; NPIs that are not members are ignored.
    ``removed_no_longer_meets_criteria`` is refused for a provider verified
    under the network's criteria (judged as of ``today``)."""
    refused = _archived(network)
    if refused is not None:
        return refused
    wanted, problems = check_npis(npis)
    note = (note or "").strip() or None
    problems += _decision_problems(decision, note, None, adding=False)
    if problems:
        return MembershipChange(network, 0, tuple(problems))
    when = now or datetime.now(UTC)
    if decision is MemberDecision.REMOVED_NO_LONGER_MEETS_CRITERIA:
        held = {m.npi for m in store.network_members(network.id)}  # non-members are ignored, as below
        judged = candidates(store, network.id, [n for n in wanted if n in held], today or when.date())
        problems = [
            MemberProblem(
                ProblemCode.INVALID_INPUT,
                f"{npi} is verified under the network's criteria: remove it with removed_other and a note",
                npi,
            )
            for npi, result in sorted(judged.items())
            if result.status is VettingStatus.VERIFIED
        ]
        if problems:
            return MembershipChange(network, 0, tuple(problems))
    events = [
        NetworkEvent(network.id, NetworkEventKind.MEMBER_REMOVED, when, actor, n, decision, note, "removed")
        for n in wanted
    ]
    try:
        done = store.change_members(network.id, (), wanted, events)
    except NotFound as exc:
        return MembershipChange(network, 0, (MemberProblem(ProblemCode.NOT_FOUND, str(exc)),))
    except Archived as exc:
        return MembershipChange(network, 0, (MemberProblem(ProblemCode.ARCHIVED, str(exc)),))
    log.info("%s removed %d member(s) from network %s", actor, len(done.removed), network.id)
    return MembershipChange(network, len(done.removed), (), done.events)
