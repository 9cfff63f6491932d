"""A state licence board's file (``provnet ingest licenses``): one row per
licence, read through a column mapping (canonical fields in
``ingest.mapping.FIELDS["licences"]``).

A row must give the licence number, the issuing state and its holder (an NPI
or a name), else it is quarantined ``missing_value``. Its fact, once
resolution links it to a provider: the state licence with its number, state,
status (as the mapping's ``values`` make it: active, expired, inactive,
restricted, revoked ...) and expiry date.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..quarantine import Problem, ReasonCode
from .records import MappedSource


class Licences(MappedSource):
    kind = "licences"
    default_method = "licence_board"
    default_confidence = 0.95

    def names_someone(self, values: Mapping[str, str]) -> Problem | None:
        missing = [f for f in ("license_number", "state") if not values.get(f)]
        if not any(values.get(f) for f in ("npi", "last_name", "first_name")):
            missing.append("npi or a name")
        if not missing:
            return None
        return Problem(ReasonCode.MISSING_VALUE, f"a licence row needs {', '.join(missing)}")
