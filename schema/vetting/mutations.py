"""Setting a network's vetting criteria: by the tenant that owns the network and
admins. The rules (validation, what the criteria mean, applying them to the
members at once) are ``directory.services.network_vetting``'s; this module
checks the caller and the argument bounds first and runs off the event loop."""

from __future__ import annotations

import strawberry

from directory.errors import AccessDenied, Archived, InputError, NotFound
from directory.services import network_vetting as service

from .. import arguments as arg
from ..auth import can_change_networks, require_manage, visible_network
from ..errors import ErrorCode, code_for
from ..rounds import off_loop
from .types import VettingCriteria, VettingCriteriaInput, VettingCriteriaPayload, VettingError


def _refuse(code: ErrorCode, message: str) -> VettingCriteriaPayload:
    return VettingCriteriaPayload(criteria=None, results_recorded=0, errors=[VettingError(code=code, message=message)])


@strawberry.type
class VettingMutations:
    @strawberry.mutation(
        description="Set the vetting criteria of a network the caller manages; its members are judged under them "
        "at once (a result that changes is recorded)."
    )
    @off_loop
    def set_vetting_criteria(
        self, info: strawberry.Info, network_id: strawberry.ID, criteria: VettingCriteriaInput
    ) -> VettingCriteriaPayload:
        principal = info.context.principal
        if not can_change_networks(principal):
            return _refuse(ErrorCode.FORBIDDEN, "a navigator may not set vetting criteria")
        try:
            wanted = arg.identifier(network_id, "networkId")
            data = criteria.as_dict()
            found = info.context.store.networks([wanted])  # an employer network of another tenant: like a missing one
            network = visible_network(principal, found[0] if found else None, wanted)
            require_manage(principal, network)
            stored, report = service.set_criteria(
                info.context.store, network.id, data, actor=principal.label, today=info.context.today
            )
        except (InputError, NotFound, AccessDenied, Archived) as exc:
            return _refuse(code_for(exc) or ErrorCode.FORBIDDEN, str(exc))
        return VettingCriteriaPayload(criteria=VettingCriteria.of(stored), results_recorded=report.recorded, errors=[])
