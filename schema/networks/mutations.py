"""Network curation: add and remove members. The rules are those of
``directory.services.networks``; this module checks who the caller is, turns
refusals into typed errors in the payload, and keeps the store off the event
loop. A change is all or nothing."""

from __future__ import annotations

import asyncio

import strawberry

from directory import model
from directory.errors import NotFound
from directory.services import networks as service

from ..auth import Role, can_manage_network
from ..errors import ErrorCode
from .types import Network, NetworkError, NetworkMembersPayload

_CODES = {
    service.ProblemCode.INVALID_INPUT: ErrorCode.INVALID_INPUT,
    service.ProblemCode.NOT_FOUND: ErrorCode.NOT_FOUND,
    service.ProblemCode.VETTING_FAILED: ErrorCode.VETTING_FAILED,
}


def _refuse(code: ErrorCode, message: str) -> NetworkMembersPayload:
    return NetworkMembersPayload(network=None, changed=0, errors=[NetworkError(code=code, message=message)])


def _payload(change: service.MembershipChange) -> NetworkMembersPayload:
    return NetworkMembersPayload(
        network=Network.of(change.network),
        changed=change.changed,
        errors=[
            NetworkError(code=_CODES[p.code], message=p.message, npi=p.npi, failed_checks=list(p.failed_checks))
            for p in change.problems
        ],
    )


async def _managed_network(info: strawberry.Info, network_id: str) -> model.Network | NetworkMembersPayload:
    """The network if the caller may change it, else the payload refusing the change."""
    principal = info.context.principal
    if principal.role is Role.NAVIGATOR:
        return _refuse(ErrorCode.FORBIDDEN, "a navigator may not change networks")
    try:
        network = await asyncio.to_thread(service.find_network, info.context.store, network_id)
    except NotFound as exc:
        return _refuse(ErrorCode.NOT_FOUND, str(exc))
    if not can_manage_network(principal, network):
        return _refuse(ErrorCode.FORBIDDEN, f"{principal.label} may not change network {network_id[:200]!r}")
    return network


@strawberry.type
class NetworkMutations:
    @strawberry.mutation(
        description="Add providers to a network the caller manages. An employer's vetted network refuses a "
        "provider that fails vetting (VETTING_FAILED) unless `overrideNote` says why it is added anyway; "
        "the note is kept with the membership's evidence."
    )
    async def add_network_members(
        self,
        info: strawberry.Info,
        network_id: strawberry.ID,
        npis: list[str],
        reference: str | None = None,
        override_note: str | None = None,
    ) -> NetworkMembersPayload:
        network = await _managed_network(info, network_id)
        if isinstance(network, NetworkMembersPayload):
            return network
        change = await asyncio.to_thread(
            service.add_members,
            info.context.store,
            network,
            npis,
            actor=info.context.principal.label,
            today=info.context.today,
            reference=reference,
            override_note=override_note,
        )
        return _payload(change)

    @strawberry.mutation(description="Remove providers from a network the caller manages; non-members are ignored.")
    async def remove_network_members(
        self, info: strawberry.Info, network_id: strawberry.ID, npis: list[str]
    ) -> NetworkMembersPayload:
        network = await _managed_network(info, network_id)
        if isinstance(network, NetworkMembersPayload):
            return network
        change = await asyncio.to_thread(
            service.remove_members, info.context.store, network, npis, actor=info.context.principal.label
        )
        return _payload(change)
