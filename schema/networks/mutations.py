"""Network curation: add and remove members, each change with a decision and a
note (who decided and when are the caller and the time of the request). The membership rules are those of
``directory.services.networks`` (shared with every other entry point); this
module checks who the caller is and bounds the arguments before the store is
asked anything, turns refusals into typed errors in the payload, and runs off
the event loop. A change is all or nothing."""

from __future__ import annotations

from collections.abc import Sequence

import strawberry

from directory import model
from directory.errors import AccessDenied, InputError, NotFound
from directory.model import MemberDecision
from directory.services import networks as service

from .. import arguments as arg
from ..auth import can_change_networks, require_manage, visible_network
from ..errors import ErrorCode, code_for
from ..rounds import off_loop
from .types import MAX_NPIS_PER_CHANGE, Network, NetworkError, NetworkMembersPayload

_CODES = {
    service.ProblemCode.INVALID_INPUT: ErrorCode.INVALID_INPUT,
    service.ProblemCode.NOT_FOUND: ErrorCode.NOT_FOUND,
    service.ProblemCode.VETTING_FAILED: ErrorCode.VETTING_FAILED,
    service.ProblemCode.ARCHIVED: ErrorCode.ARCHIVED,
}


def _refuse(code: ErrorCode, message: str) -> NetworkMembersPayload:
    return NetworkMembersPayload(network=None, changed=0, errors=[NetworkError(code=code, message=message)])


def _errors(problems: Sequence[service.MemberProblem]) -> list[NetworkError]:
    return [
        NetworkError(code=_CODES[p.code], message=p.message, npi=p.npi, failed_checks=list(p.failed_checks))
        for p in problems
    ]


def _payload(change: service.MembershipChange) -> NetworkMembersPayload:
    return NetworkMembersPayload(
        network=Network.of(change.network), changed=change.changed, errors=_errors(change.problems)
    )


def _managed_network(
    info: strawberry.Info, network_id: str, npis: list[str], *texts: tuple[str | None, str]
) -> model.Network | NetworkMembersPayload:
    """The network if the caller may change it, else the payload refusing the change.
    Arguments are checked against their bounds before the store is asked anything."""
    principal = info.context.principal
    if not can_change_networks(principal):
        return _refuse(ErrorCode.FORBIDDEN, "a navigator may not change networks")
    if len(npis) > MAX_NPIS_PER_CHANGE:
        return _refuse(ErrorCode.INVALID_INPUT, f"at most {MAX_NPIS_PER_CHANGE} NPIs per change")
    try:
        network_id = arg.identifier(network_id, "networkId")
        for text, name in texts:
            arg.optional_text(text, name, arg.MAX_REFERENCE)
    except InputError as exc:
        return _refuse(ErrorCode.INVALID_INPUT, str(exc))
    _, problems = service.check_npis(npis)
    if problems:
        return NetworkMembersPayload(network=None, changed=0, errors=_errors(problems))
    try:  # an employer network of another tenant is refused exactly like a missing one
        found = info.context.store.networks([network_id])
        network = visible_network(principal, found[0] if found else None, network_id)
        require_manage(principal, network)
    except (NotFound, AccessDenied) as exc:
        return _refuse(code_for(exc) or ErrorCode.FORBIDDEN, str(exc))
    return network


@strawberry.type
class NetworkMutations:
    @strawberry.mutation(
        description="Add providers to a network the caller manages, with a decision (default ADDED_AFTER_REVIEW, "
        "or ADDED_WITH_OVERRIDE with an override note) and a note; who decided and when are recorded with the "
        "membership and in the network's history. An employer's vetted network refuses a provider that fails "
        "vetting (VETTING_FAILED) unless the decision is ADDED_WITH_OVERRIDE with a note saying why "
        "(`overrideNote` is the same). Providers already members are left as they are. ARCHIVED: the network "
        "takes no changes."
    )
    @off_loop
    def add_network_members(
        self,
        info: strawberry.Info,
        network_id: strawberry.ID,
        npis: list[str],
        reference: str | None = None,
        override_note: str | None = None,
        decision: MemberDecision | None = None,
        note: str | None = None,
    ) -> NetworkMembersPayload:
        network = _managed_network(
            info, network_id, npis, (reference, "reference"), (override_note, "overrideNote"), (note, "note")
        )
        if isinstance(network, NetworkMembersPayload):
            return network
        change = service.add_members(
            info.context.store,
            network,
            npis,
            actor=info.context.principal.label,
            today=info.context.today,
            reference=reference,
            override_note=override_note,
            decision=decision,
            note=note,
            now=info.context.now,
        )
        return _payload(change)

    @strawberry.mutation(
        description="Remove providers from a network the caller manages, with a decision (default REMOVED_OTHER, "
        "which needs a note saying why; REMOVED_NO_LONGER_MEETS_CRITERIA is refused for a provider verified under "
        "the network's criteria) and a note, recorded in the network's history. Non-members are ignored."
    )
    @off_loop
    def remove_network_members(
        self,
        info: strawberry.Info,
        network_id: strawberry.ID,
        npis: list[str],
        decision: MemberDecision = MemberDecision.REMOVED_OTHER,
        note: str | None = None,
    ) -> NetworkMembersPayload:
        network = _managed_network(info, network_id, npis, (note, "note"))
        if isinstance(network, NetworkMembersPayload):
            return network
        change = service.remove_members(
            info.context.store,
            network,
            npis,
            actor=info.context.principal.label,
            decision=decision,
            note=note,
            today=info.context.today,
            now=info.context.now,
        )
        return _payload(change)
