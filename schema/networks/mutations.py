"""Network curation: add and remove members. Expected refusals come back as
typed errors in the payload, and a change is all or nothing."""

from __future__ import annotations

import logging

import strawberry

from directory import model
from directory.errors import AccessDenied, InputError, NotFound
from directory.npi import is_valid_npi

from .. import arguments as arg
from ..auth import can_change_networks, require_manage, visible_network
from ..errors import ErrorCode, code_for
from ..rounds import off_loop
from .types import MAX_NPIS_PER_CHANGE, Network, NetworkError, NetworkMembersPayload

log = logging.getLogger(__name__)


def _refuse(
    code: ErrorCode, message: str, npi: str | None = None, network: model.Network | None = None
) -> NetworkMembersPayload:
    return NetworkMembersPayload(
        network=None if network is None else Network.of(network),
        changed=0,
        errors=[NetworkError(code=code, message=message, npi=npi)],
    )


def _prepare(
    info: strawberry.Info, network_id: str, npis: list[str], reference: str | None = None
) -> tuple[model.Network | None, list[str], NetworkMembersPayload | None]:
    """The network and the cleaned NPIs, or the payload refusing the change.
    Every argument is checked against its bound before the store is asked anything."""
    principal = info.context.principal
    if not can_change_networks(principal):
        return None, [], _refuse(ErrorCode.FORBIDDEN, "a navigator may not change networks")
    if len(npis) > MAX_NPIS_PER_CHANGE:
        return None, [], _refuse(ErrorCode.INVALID_INPUT, f"at most {MAX_NPIS_PER_CHANGE} NPIs per change")
    try:
        network_id = arg.identifier(network_id, "networkId")
        arg.optional_text(reference, "reference", arg.MAX_REFERENCE)
    except InputError as exc:
        return None, [], _refuse(ErrorCode.INVALID_INPUT, str(exc))
    wanted = list(dict.fromkeys(n.strip() for n in npis))
    if not wanted:
        return None, [], _refuse(ErrorCode.INVALID_INPUT, "npis must name at least one NPI")
    invalid = [n for n in wanted if not is_valid_npi(n)]
    if invalid:
        return (
            None,
            [],
            NetworkMembersPayload(
                network=None,
                changed=0,
                errors=[
                    NetworkError(code=ErrorCode.INVALID_INPUT, message=f"{arg.quote(n)} is not a valid NPI", npi=n[:20])
                    for n in invalid
                ],
            ),
        )
    try:  # an employer network of another tenant is refused exactly like a missing one
        found = info.context.store.networks([network_id])
        network = visible_network(principal, found[0] if found else None, network_id)
        require_manage(principal, network)
    except (NotFound, AccessDenied) as exc:
        return None, [], _refuse(code_for(exc) or ErrorCode.FORBIDDEN, str(exc))
    return network, wanted, None


@strawberry.type
class NetworkMutations:
    @strawberry.mutation(description="Add providers to a network the caller manages.")
    @off_loop
    def add_network_members(
        self, info: strawberry.Info, network_id: strawberry.ID, npis: list[str], reference: str | None = None
    ) -> NetworkMembersPayload:
        network, wanted, refused = _prepare(info, network_id, npis, reference)
        if refused is not None:
            return refused
        assert network is not None
        store = info.context.store
        known = store.providers(wanted)
        missing = [n for n in wanted if n not in known]
        if missing:
            return NetworkMembersPayload(
                network=Network.of(network),
                changed=0,
                errors=[
                    NetworkError(code=ErrorCode.NOT_FOUND, message=f"no provider with NPI {n}", npi=n) for n in missing
                ],
            )
        principal, today = info.context.principal, info.context.today
        evidence = model.Evidence(
            source=f"api:{principal.label}", retrieved=today, method="curation", confidence=1.0, reference=reference
        )
        try:
            added = store.add_network_members(
                [model.NetworkMember(network_id=network.id, npi=n, evidence=evidence, added_on=today) for n in wanted]
            )
        except NotFound as exc:  # removed meanwhile
            return _refuse(ErrorCode.NOT_FOUND, str(exc), network=network)
        log.info("%s added %d member(s) to network %s", principal.label, added, network.id)
        return NetworkMembersPayload(network=Network.of(network), changed=added, errors=[])

    @strawberry.mutation(description="Remove providers from a network the caller manages; non-members are ignored.")
    @off_loop
    def remove_network_members(
        self, info: strawberry.Info, network_id: strawberry.ID, npis: list[str]
    ) -> NetworkMembersPayload:
        network, wanted, refused = _prepare(info, network_id, npis)
        if refused is not None:
            return refused
        assert network is not None
        removed = info.context.store.remove_network_members(network.id, wanted)
        log.info("%s removed %d member(s) from network %s", info.context.principal.label, removed, network.id)
        return NetworkMembersPayload(network=Network.of(network), changed=removed, errors=[])
