"""GraphQL enums of the providers domain: the domain's own enums, exposed by name."""

from __future__ import annotations

import strawberry

from directory import model
from directory.model import CredentialKind, EntityType, SearchOrder, Treatment
from scoring import CheckStatus

# strawberry.enum registers the class itself (and returns it), so annotations
# name the domain's enums and mypy sees real types.
strawberry.enum(Treatment, description="TRD-relevant services a provider is evidenced to offer.")
strawberry.enum(EntityType, description="NPPES entity type: 1 individual, 2 organization.")
strawberry.enum(CredentialKind, description="State licence or board certification.")
strawberry.enum(CheckStatus, description="Outcome of one vetting check.")
strawberry.enum(
    SearchOrder,
    description="Order of search results. RELEVANCE: name match first; DISTANCE: nearest first; EXPERTISE: TRD "
    "expertise, highest first. In each, results whose filtered facts are unknown (accepting new patients) come "
    "after those where they are known, then distance (none last), name and NPI break ties.",
)

__all__ = ["TREATMENT_LABELS", "CheckStatus", "CredentialKind", "EntityType", "SearchOrder", "Treatment"]

#: Human labels of the treatments, for pickers.
TREATMENT_LABELS: dict[model.Treatment, str] = {
    model.Treatment.TMS_STANDARD: "TMS (standard course)",
    model.Treatment.TMS_ACCELERATED: "Accelerated TMS (iTBS / SAINT-style)",
    model.Treatment.ESKETAMINE_REMS: "Esketamine (Spravato) at a REMS-certified site",
    model.Treatment.IV_KETAMINE: "IV ketamine infusion",
    model.Treatment.ECT: "Electroconvulsive therapy",
    model.Treatment.PSYCHOTHERAPY: "Psychotherapy",
    model.Treatment.MEDICATION_MANAGEMENT: "Medication management",
}
