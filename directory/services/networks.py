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
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from scoring import CheckStatus

from ..errors import NotFound, StoreError, quoted
from ..model import Evidence, Network, NetworkKind, NetworkMember, VettingStatus
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
) -> MembershipChange:
    """Add providers to ``network`` (see the module docstring for the rules).
    ``actor`` names the caller in the evidence, e.g. ``employer:acme``."""
    wanted, problems = check_npis(npis)
    note = (override_note or "").strip() or None
    for text, what in ((reference, "reference"), (note, "override note")):
        if text is not None and len(text) > MAX_NOTE:
            problems.append(
                MemberProblem(ProblemCode.INVALID_INPUT, f"the {what} is longer than {MAX_NOTE} characters")
            )
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
        if note is None:
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
    source = f"api:{actor}"
    plain = Evidence(source, today, CURATION, 1.0, reference)
    override = Evidence(source, today, OVERRIDE, 1.0, note)
    members = [NetworkMember(network.id, n, override if n in overridden else plain, added_on=today) for n in wanted]
    try:
        added = store.add_network_members(members)
    except NotFound as exc:  # the network or a provider went away meanwhile
        return MembershipChange(network, 0, (MemberProblem(ProblemCode.NOT_FOUND, str(exc)),))
    if vetting:
        try:  # the judgment made on adding starts each member's history
            store.record_vetting([vetting[n] for n in wanted if n in vetting])
        except (StoreError, NotFound):  # the membership stands; the next read or refresh records it
            log.exception("could not record the vetting of the members added to %s", network.id)
    for npi in sorted(overridden):
        log.warning("%s added %s to vetted network %s despite failed vetting: %s", actor, npi, network.id, note)
    log.info("%s added %d member(s) to network %s", actor, added, network.id)
    return MembershipChange(network, added)


def remove_members(store: Store, network: Network, npis: Iterable[str], *, actor: str) -> MembershipChange:
    """Remove providers from ``network``; NPIs that are not members are ignored."""
    wanted, problems = check_npis(npis)
    if problems:
        return MembershipChange(network, 0, tuple(problems))
    try:
        removed = store.remove_network_members(network.id, wanted)
    except NotFound as exc:
        return MembershipChange(network, 0, (MemberProblem(ProblemCode.NOT_FOUND, str(exc)),))
    log.info("%s removed %d member(s) from network %s", actor, removed, network.id)
    return MembershipChange(network, removed)
