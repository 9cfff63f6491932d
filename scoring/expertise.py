"""TRD expertise: a 0..100 score with the reasons that produced it.

Points come from evidenced capabilities, weighted by how specific they are to
treatment-resistant depression, and from the clinician's training. Each point is
scaled by the confidence of the fact behind it, so an old attestation counts
less than a fresh REMS listing. The weights are data, replaceable by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from directory.model import Credential, CredentialKind, ProviderTaxonomy, Treatment, TreatmentOffering

from .confidence import fact_confidence

TREATMENT_POINTS: Mapping[Treatment, float] = {
    Treatment.ESKETAMINE_REMS: 25.0,
    Treatment.TMS_ACCELERATED: 22.0,
    Treatment.TMS_STANDARD: 18.0,
    Treatment.IV_KETAMINE: 18.0,
    Treatment.ECT: 18.0,
    Treatment.MEDICATION_MANAGEMENT: 8.0,
    Treatment.PSYCHOTHERAPY: 6.0,
}

TAXONOMY_POINTS: Mapping[str, float] = {
    "2084P0800X": 15.0,  # Psychiatry
    "2084B0040X": 15.0,  # Behavioral Neurology & Neuropsychiatry
    "2084P0805X": 12.0,  # Geriatric Psychiatry
    "2084P0802X": 10.0,  # Addiction Psychiatry
    "2084P0804X": 10.0,  # Child & Adolescent Psychiatry
    "363LP0808X": 10.0,  # Psychiatric/Mental Health NP
    "261QM0801X": 10.0,  # Mental Health Clinic/Center
    "103TC0700X": 6.0,  # Clinical Psychologist
    "207L00000X": 5.0,  # Anesthesiology (ketamine infusion)
    "208VP0000X": 5.0,  # Pain Medicine
    "261QI0500X": 5.0,  # Infusion Therapy Clinic
}

BOARD_POINTS = 10.0
MAX_SCORE = 100.0


@dataclass(frozen=True, slots=True)
class Reason:
    points: float
    text: str
    treatment: Treatment | None = None  # the treatment a point is for; None for taxonomy and board


@dataclass(frozen=True, slots=True)
class Expertise:
    score: float
    reasons: tuple[Reason, ...]


def trd_expertise(
    treatments: Iterable[TreatmentOffering],
    taxonomies: Iterable[ProviderTaxonomy],
    credentials: Iterable[Credential],
    today: date,
) -> Expertise:
    reasons: list[Reason] = []
    best_by_treatment: dict[Treatment, tuple[float, TreatmentOffering]] = {}
    # the most confident offering of each treatment; ties go to the first source by name, so
    # the reasons do not depend on the order the facts come in
    for offering in sorted(treatments, key=lambda o: (o.evidence.source, repr(o))):
        conf = fact_confidence(offering.evidence, today)
        if conf > best_by_treatment.get(offering.treatment, (-1.0, offering))[0]:
            best_by_treatment[offering.treatment] = (conf, offering)
    for treatment, (conf, offering) in sorted(best_by_treatment.items(), key=lambda kv: kv[0].value):
        pts = TREATMENT_POINTS.get(treatment, 0.0) * conf
        reasons.append(
            Reason(
                round(pts, 2),
                f"offers {treatment.value} (source {offering.evidence.source}, confidence {conf:.2f})",
                treatment,
            )
        )
    taxonomies = list(taxonomies)
    best_tax = max((TAXONOMY_POINTS.get(t.code, 0.0), t.code) for t in taxonomies) if taxonomies else None
    if best_tax and best_tax[0] > 0:
        reasons.append(Reason(best_tax[0], f"taxonomy {best_tax[1]}"))
    boards = [c for c in credentials if c.kind is CredentialKind.BOARD_CERTIFICATION]
    if boards:
        conf, board = max((fact_confidence(c.evidence, today), c.board or "board") for c in boards)
        reasons.append(Reason(round(BOARD_POINTS * conf, 2), f"board certified ({board})"))
    score = min(MAX_SCORE, sum(r.points for r in reasons))
    reasons.sort(key=lambda r: (-r.points, r.text))
    return Expertise(round(score, 2), tuple(reasons))


def expertise_for(expertise: Expertise, treatments: Iterable[Treatment]) -> Expertise:
    """The same expertise counting only the points of ``treatments`` (and the
    taxonomy and board points, which are not tied to a treatment): TRD
    expertise *for the treatments a patient asks about*."""
    wanted = set(treatments)
    kept = tuple(r for r in expertise.reasons if r.treatment is None or r.treatment in wanted)
    return Expertise(round(min(MAX_SCORE, sum(r.points for r in kept)), 2), kept)
