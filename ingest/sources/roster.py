"""A payer's or group's roster (``provnet ingest roster``): one row per
provider, location and network, read through a column mapping (canonical
fields in ``ingest.mapping.FIELDS["roster"]``).

A row must say who it is about: an NPI, a person's name or an organization's
name (else it is quarantined ``missing_value``). Its facts, once resolution
links it to a provider (``directory.services.source_facts``): the network
membership (only in a network the store holds: provnet never creates a
network from a roster, whose network ids are the payer's own codes), the
access facts (accepting new patients, telehealth), the practice location with
its phone as this roster's own, and the licence number and state as reported.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..quarantine import Problem, ReasonCode
from .records import MappedSource

_WHO = ("npi", "last_name", "first_name", "full_name", "organization_name")


class Roster(MappedSource):
    kind = "roster"
    default_method = "roster"
    default_confidence = 0.85

    def names_someone(self, values: Mapping[str, str]) -> Problem | None:
        if any(values.get(f) for f in _WHO):
            return None
        return Problem(
            ReasonCode.MISSING_VALUE, "the row names no provider: no NPI, no person's or organization's name"
        )
