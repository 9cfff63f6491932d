"""Source records and their resolution (issue 9 points 1 and 2): the records
of rosters, licence board files and site lists as the store keeps them, where
entity resolution put each one, and the facts a source holds about a provider.
Backend-neutral dataclasses that cross the store port, like those of
:mod:`directory.model` (kept apart so that neither module grows past a few
hundred lines)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from .model import AccessFacts, Credential, Evidence, NetworkMember, ProviderLocation, TreatmentOffering

#: The kinds of source record files (``provnet ingest roster|licenses|sites``):
#: the canonical fields of each are listed in ``ingest.mapping.FIELDS``.
RECORD_KINDS: tuple[str, ...] = ("roster", "licences", "tms", "esketamine_rems", "iv_ketamine")


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One row of a roster, licence board file or site list as loaded: its
    canonical fields (``ingest.mapping``; fields the file lacks are absent),
    the evidence of the file it came from (source name, as-of date, method,
    confidence; ``reference`` is the file name) and a content hash of the
    fields. ``source`` is the name the file was loaded under (``--source``);
    a record is current until a newer file of its source no longer holds it
    (``retired_on``), then kept as history."""

    source: str
    record_id: str
    kind: str  # one of RECORD_KINDS
    fields: Mapping[str, str]
    evidence: Evidence
    content_hash: str  # of kind and fields (directory.store.hashing.record_hash)
    line: int = 0  # the row of the file it was read from
    run_id: str = ""  # the load that last held it
    retired_on: date | None = None

    @property
    def ref(self) -> str:
        """``source:record_id``, the record's reference everywhere (match decisions, links, evidence)."""
        return f"{self.source}:{self.record_id}"


@dataclass(frozen=True, slots=True)
class RecordSource:
    """What the store holds of one source of records: its kind, the newest
    file loaded under it (name, as-of date, method) and how many of its records
    are current and retired."""

    source: str
    kind: str
    file: str
    as_of: date
    method: str
    current: int
    retired: int


class LinkStatus(enum.Enum):
    LINKED = "linked"  # the record is one provider entity that has an NPI in the store
    NEW = "new"  # the record makes (alone or with others) an entity the store has no provider for
    REVIEW = "review"  # waiting for a person's decision on a pair that would join it to another entity


@dataclass(frozen=True, slots=True)
class ResolutionLink:
    """Where entity resolution put one record (``ref`` ``source:record_id``;
    ``nppes:<NPI>`` for an NPPES provider): the entity's id (its NPI when it
    has one in the store, else a hash of its smallest ref), the NPI, the status,
    the probability and method of the decision and when it was made."""

    ref: str
    entity_id: str
    npi: str | None
    status: LinkStatus
    probability: float  # 0..1
    method: str  # registry, model, decision, single, review
    decided_at: str  # ISO 8601 timestamp of the resolve that made this link

    @property
    def source(self) -> str:
        return self.ref.partition(":")[0]

    @property
    def record_id(self) -> str:
        return self.ref.partition(":")[2]


@dataclass(frozen=True, slots=True)
class SourceFacts:
    """The facts one source holds about one provider, as a set: what
    materialising its linked records gives, and what replaces them as a whole."""

    credentials: tuple[Credential, ...] = ()
    treatments: tuple[TreatmentOffering, ...] = ()
    access: tuple[AccessFacts, ...] = ()  # at most one
    memberships: tuple[NetworkMember, ...] = ()
    locations: tuple[ProviderLocation, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.credentials or self.treatments or self.access or self.memberships or self.locations)
