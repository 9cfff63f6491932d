"""A network's life through the API: create (with regions and vetting
criteria), rename, set regions, mark reviewed, archive. The rules are
``directory.services.network_lifecycle``'s; this module checks the caller
(schema/auth.py: an employer creates and changes its own tenant's employer
networks, a payer its payer networks, an admin any) and the argument bounds
before the store is asked anything, turns refusals into typed errors in the
payload, and runs off the event loop."""

from __future__ import annotations

from collections.abc import Callable

import strawberry

from directory import model
from directory.errors import AccessDenied, AlreadyExists, Archived, InputError, NotFound
from directory.model import NetworkKind
from directory.services import network_lifecycle as service

from .. import arguments as arg
from ..auth import can_change_networks, new_network_owner, require_manage, visible_network
from ..errors import ErrorCode, code_for
from ..rounds import off_loop
from ..vetting.types import VettingCriteriaInput
from .curation import NetworkEvent, NetworkPayload, RegionInput, regions_from
from .types import Network, NetworkError

_REFUSED = (InputError, NotFound, AccessDenied, Archived, AlreadyExists)


def _refuse(exc: Exception) -> NetworkPayload:
    code = code_for(exc) or ErrorCode.FORBIDDEN
    return NetworkPayload(network=None, event=None, errors=[NetworkError(code=code, message=str(exc))])


def _managed(info: strawberry.Info, network_id: str) -> model.Network:
    """The network if the caller may change it; NotFound (also for another tenant's
    employer network, word for word), AccessDenied or InputError otherwise."""
    principal = info.context.principal
    if not can_change_networks(principal):
        raise AccessDenied("a navigator may not change networks")
    wanted = arg.identifier(network_id, "networkId")
    found = info.context.store.networks([wanted])
    network = visible_network(principal, found[0] if found else None, wanted)
    require_manage(principal, network)
    return network


def _change(
    info: strawberry.Info,
    network_id: str,
    change: Callable[[model.Network], tuple[model.Network, model.NetworkEvent | None]],
) -> NetworkPayload:
    try:
        changed, event = change(_managed(info, network_id))
    except _REFUSED as exc:
        return _refuse(exc)
    return NetworkPayload(
        network=Network.of(changed), event=None if event is None else NetworkEvent.of(event), errors=[]
    )


@strawberry.input(description="A new network: its id (unique), name, regions and, optionally, vetting criteria.")
class CreateNetworkInput:
    id: strawberry.ID = strawberry.field(description="3 to 64 lower-case letters, digits and hyphens.")
    name: str
    regions: list[RegionInput] = strawberry.field(default_factory=list, description="At most 20.")
    kind: NetworkKind | None = strawberry.field(default=None, description="Admins only: the kind.")
    owner_id: strawberry.ID | None = strawberry.field(default=None, description="Admins only: the owner.")


@strawberry.type
class NetworkLifecycleMutations:
    @strawberry.mutation(
        description="Create a network: an employer creates an employer (vetted) network for its own tenant, a payer "
        "a payer network for its own; an admin names the kind and owner. With `criteria`, they are the network's "
        "vetting criteria from the start. ALREADY_EXISTS: the id is taken."
    )
    @off_loop
    def create_network(
        self,
        info: strawberry.Info,
        input: CreateNetworkInput,
        criteria: VettingCriteriaInput | None = None,
    ) -> NetworkPayload:
        principal = info.context.principal
        try:
            if not can_change_networks(principal):
                raise AccessDenied("a navigator may not create networks")
            kind, owner = new_network_owner(
                principal, input.kind, None if input.owner_id is None else arg.identifier(input.owner_id, "ownerId")
            )
            network_id = arg.identifier(input.id, "id")
            name = arg.text(input.name, "name", arg.MAX_NAME)
            regions = regions_from(input.regions)
            data = None if criteria is None else criteria.as_dict()
            created, first = service.create_network(
                info.context.store,
                network_id=network_id,
                name=name,
                kind=kind,
                owner_id=owner,
                actor=principal.label,
                now=info.context.now,
                regions=regions,
                criteria=data,
            )
        except _REFUSED as exc:
            return _refuse(exc)
        return NetworkPayload(network=Network.of(created), event=NetworkEvent.of(first), errors=[])

    @strawberry.mutation(description="Rename a network the caller manages. ARCHIVED: it takes no changes.")
    @off_loop
    def rename_network(self, info: strawberry.Info, network_id: strawberry.ID, name: str) -> NetworkPayload:
        if len(name) > arg.MAX_NAME:
            return _refuse(InputError(f"name must be at most {arg.MAX_NAME} characters"))
        return _change(
            info,
            network_id,
            lambda n: service.rename_network(
                info.context.store, n, name, actor=info.context.principal.label, now=info.context.now
            ),
        )

    @strawberry.mutation(
        description="Set the regions of a network the caller manages (where its candidates are looked for): "
        "states, or ZIP codes with a radius; at most 20. ARCHIVED: it takes no changes."
    )
    @off_loop
    def set_network_regions(
        self, info: strawberry.Info, network_id: strawberry.ID, regions: list[RegionInput]
    ) -> NetworkPayload:
        try:
            checked = regions_from(regions)
        except InputError as exc:
            return _refuse(exc)
        return _change(
            info,
            network_id,
            lambda n: service.set_regions(
                info.context.store, n, checked, actor=info.context.principal.label, now=info.context.now
            ),
        )

    @strawberry.mutation(
        description="Archive a network the caller manages: it keeps its members and history, takes no changes "
        "and lists no candidates. Final."
    )
    @off_loop
    def archive_network(
        self, info: strawberry.Info, network_id: strawberry.ID, note: str | None = None
    ) -> NetworkPayload:
        if note is not None and len(note) > arg.MAX_REFERENCE:
            return _refuse(InputError(f"note must be at most {arg.MAX_REFERENCE} characters"))
        return _change(
            info,
            network_id,
            lambda n: service.archive_network(
                info.context.store, n, actor=info.context.principal.label, now=info.context.now, note=note
            ),
        )

    @strawberry.mutation(
        description="Mark a network the caller manages reviewed: every member is judged as of today and the result "
        "the review saw is kept per member, so networkChangesSinceReview shows what changed after it."
    )
    @off_loop
    def mark_network_reviewed(
        self, info: strawberry.Info, network_id: strawberry.ID, note: str | None = None
    ) -> NetworkPayload:
        try:
            if note is not None and len(note) > arg.MAX_REFERENCE:
                raise InputError(f"note must be at most {arg.MAX_REFERENCE} characters")
            network = _managed(info, network_id)
            review = service.mark_reviewed(
                info.context.store, network, actor=info.context.principal.label, now=info.context.now, note=note
            )
        except _REFUSED as exc:
            return _refuse(exc)
        return NetworkPayload(
            network=Network.of(review.network),
            event=NetworkEvent.of(review.event),
            members_reviewed=review.marked,
            errors=[],
        )
