"""GraphQL enums of the providers domain: the domain's own enums, exposed by name."""

from __future__ import annotations

import strawberry

from directory import model
from scoring import CheckStatus as _CheckStatus

Treatment = strawberry.enum(model.Treatment, description="TRD-relevant services a provider is evidenced to offer.")
EntityType = strawberry.enum(model.EntityType, description="NPPES entity type: 1 individual, 2 organization.")
CredentialKind = strawberry.enum(model.CredentialKind, description="State licence or board certification.")
CheckStatus = strawberry.enum(_CheckStatus, description="Outcome of one vetting check.")

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
