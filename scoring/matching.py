"""How well one provider fits one patient's need: a 0..100 score made of named
components, each with its value, weight, points and reason. Pure: the caller
(``directory.services.matching``) passes what it knows; nothing here reads a store.

    score = 100 * sum(weight_i * value_i) / sum(weight_i)   over the components that have a value

Every component's value is 0..1:

* ``expertise``: the TRD expertise score counting only the treatments asked for, / 100;
* ``vetting``: 1 when the checklist passes, ``vetting_unknown`` when no check failed
  but some are not known yet, 0 when a check failed;
* ``access``: the mean of accepting new patients (1 yes, 0 no, ``accepting_unknown``)
  and the wait (1 up to ``wait_norm_days``, falling linearly to 0 at
  ``wait_zero_days``, ``wait_unknown`` when not known);
* ``distance``: 1 at the patient's point, falling linearly to 0 at
  ``distance_zero_at`` times the need's maximum distance (so 0.5 at the maximum
  itself); a telehealth-only match counts ``telehealth_distance``;
* ``quality``: the outcome rate of a measure cell that at least
  ``min_quality_patients`` patients stand behind. Without such a cell the
  component has no value and the score is taken over the other components, so a
  missing cell is neither a reward nor a penalty (most providers have none).

Points are rounded to two decimals and the score is their sum, so the components
shown always add up to the score shown. The weights are data: :class:`MatchWeights`
round-trips to JSON, and a caller passes its own.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

#: The components, in the order they are shown.
COMPONENTS = ("expertise", "vetting", "access", "distance", "quality")


@dataclass(frozen=True, slots=True)
class MatchWeights:
    """The weights of the match score and the values it gives what is unknown.
    Defaults: expertise 40, vetting 20, access 15, distance 15, quality 10."""

    expertise: float = 40.0
    vetting: float = 20.0
    access: float = 15.0
    distance: float = 15.0
    quality: float = 10.0
    #: value of a checklist with no failed check that is not complete
    vetting_unknown: float = 0.5
    #: value of "accepting new patients" when no source says
    accepting_unknown: float = 0.5
    #: value of the wait when no source says
    wait_unknown: float = 0.5
    #: a wait up to this many days counts fully: the 10-business-day norm of routine
    #: behavioural-health appointments, taking ``wait_days`` as calendar days
    wait_norm_days: int = 14
    #: ... and counts nothing from this many days on
    wait_zero_days: int = 60
    #: distance value 0 at this multiple of the need's maximum distance
    distance_zero_at: float = 2.0
    #: distance value of a match by telehealth only (as good as a site at the maximum distance)
    telehealth_distance: float = 0.5
    #: the fewest patients an outcome cell needs to count (small-cell suppression)
    min_quality_patients: int = 11
    #: leave out providers whose vetting checklist has a failed check (deactivated NPI,
    #: exclusion, revoked or expired licence ...); the result counts them
    drop_failed_vetting: bool = True

    def __post_init__(self) -> None:
        weights = [getattr(self, name) for name in COMPONENTS]
        if any(w < 0 for w in weights) or sum(weights) <= 0:
            raise ValueError("match weights must not be negative and must not all be 0")
        for name in ("vetting_unknown", "accepting_unknown", "wait_unknown", "telehealth_distance"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be within 0..1")
        if not 0 <= self.wait_norm_days < self.wait_zero_days:
            raise ValueError("wait_norm_days must be at least 0 and below wait_zero_days")
        if self.distance_zero_at < 1:
            raise ValueError("distance_zero_at must be at least 1 (the maximum distance itself)")
        if self.min_quality_patients < 11:
            raise ValueError("min_quality_patients must be at least 11 (small-cell suppression)")

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> MatchWeights:
        """Weights from JSON; keys left out keep their defaults. ValueError on unknown keys or bad values."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("match weights must be a JSON object")
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ValueError(f"unknown match weight(s): {', '.join(unknown)}")
        values: dict[str, float | int | bool] = {}
        for name, value in data.items():
            wanted = known[name].type
            if wanted == "bool":
                if not isinstance(value, bool):
                    raise ValueError(f"{name} must be true or false")
            elif isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} must be a number")
            elif wanted == "int" and value != int(value):
                raise ValueError(f"{name} must be a whole number")
            values[name] = int(value) if wanted == "int" else value
        return cls(**values)  # type: ignore[arg-type]  # each value was checked against its field above


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    value: float | None  # 0..1; None: nothing to measure (no outcome cell)
    weight: float
    points: float  # what it adds to the score
    reason: str


@dataclass(frozen=True, slots=True)
class MatchScore:
    score: float
    components: tuple[Component, ...]


@dataclass(frozen=True, slots=True)
class QualityCell:
    """One outcome measure of a provider, as the outcome service gives it."""

    measure: str  # e.g. "phq9_response"
    rate: float  # 0..1
    patients: int


def accepting_value(accepting: bool | None, weights: MatchWeights) -> float:
    if accepting is None:
        return weights.accepting_unknown
    return 1.0 if accepting else 0.0


def wait_value(wait_days: int | None, weights: MatchWeights) -> float:
    if wait_days is None:
        return weights.wait_unknown
    if wait_days <= weights.wait_norm_days:
        return 1.0
    span = weights.wait_zero_days - weights.wait_norm_days
    return max(0.0, 1.0 - (wait_days - weights.wait_norm_days) / span)


def distance_value(distance_miles: float | None, max_miles: float, weights: MatchWeights) -> float:
    """``distance_miles`` None: a telehealth-only match."""
    if distance_miles is None:
        return weights.telehealth_distance
    return max(0.0, 1.0 - distance_miles / (weights.distance_zero_at * max_miles))


def vetting_value(level: str, weights: MatchWeights) -> float:
    """``level``: passed, unknown or failed."""
    return {"passed": 1.0, "failed": 0.0}.get(level, weights.vetting_unknown)


def component_values(
    *,
    expertise: float,
    vetting: str,
    accepting: bool | None,
    wait_days: int | None,
    distance_miles: float | None,
    max_miles: float,
    quality: QualityCell | None,
    weights: MatchWeights,
) -> tuple[float | None, ...]:
    """The value (0..1, or None) of each of :data:`COMPONENTS`, in that order."""
    if quality is not None and quality.patients < weights.min_quality_patients:
        quality = None  # a suppressed cell never counts, whoever passed it
    return (
        max(0.0, min(100.0, expertise)) / 100.0,
        vetting_value(vetting, weights),
        (accepting_value(accepting, weights) + wait_value(wait_days, weights)) / 2.0,
        distance_value(distance_miles, max_miles, weights),
        None if quality is None else max(0.0, min(1.0, quality.rate)),
    )


def points(values: tuple[float | None, ...], weights: MatchWeights) -> tuple[float, ...]:
    """Each component's points: its share of 100 over the components with a value, to two decimals."""
    weight = (weights.expertise, weights.vetting, weights.access, weights.distance, weights.quality)
    total = sum(w for w, v in zip(weight, values, strict=True) if v is not None)
    return tuple(0.0 if v is None else round(100.0 * w * v / total, 2) for w, v in zip(weight, values, strict=True))


def total_score(values: tuple[float | None, ...], weights: MatchWeights) -> float:
    """The score of :func:`match_score` without its explanation (ranking thousands of candidates)."""
    return round(sum(points(values, weights)), 2)


def match_score(
    *,
    expertise: float,
    expertise_reason: str,
    vetting: str,
    vetting_reason: str,
    accepting: bool | None,
    wait_days: int | None,
    distance_miles: float | None,
    max_miles: float,
    quality: QualityCell | None,
    weights: MatchWeights,
) -> MatchScore:
    """The score of one provider for one need, with its components. ``expertise``
    is 0..100 (for the treatments asked); ``vetting`` is passed, unknown or failed."""
    values = component_values(
        expertise=expertise,
        vetting=vetting,
        accepting=accepting,
        wait_days=wait_days,
        distance_miles=distance_miles,
        max_miles=max_miles,
        quality=quality,
        weights=weights,
    )
    shares = points(values, weights)
    counted = values[4] is not None
    reasons = (
        expertise_reason,
        vetting_reason,
        _access_reason(accepting, wait_days, weights),
        _distance_reason(distance_miles, max_miles),
        f"{quality.measure} {quality.rate:.0%} over {quality.patients} patients"
        if counted and quality is not None
        else f"no outcome measure with at least {weights.min_quality_patients} patients: "
        "not counted, the score is over the other components",
    )
    components = tuple(
        Component(name, None if value is None else round(value, 4), getattr(weights, name), share, reason)
        for name, value, share, reason in zip(COMPONENTS, values, shares, reasons, strict=True)
    )
    return MatchScore(round(sum(shares), 2), components)


def _access_reason(accepting: bool | None, wait_days: int | None, weights: MatchWeights) -> str:
    taking = {
        True: "accepting new patients",
        False: "not accepting new patients",
        None: "accepting new patients unknown",
    }
    wait = "wait unknown" if wait_days is None else f"wait {wait_days} days"
    if wait_days is not None and wait_days > weights.wait_norm_days:
        wait += f" (over the {weights.wait_norm_days}-day norm)"
    return f"{taking[accepting]}; {wait}"


def _distance_reason(distance_miles: float | None, max_miles: float) -> str:
    if distance_miles is None:
        return "by telehealth"
    return f"{distance_miles:.1f} miles (asked: within {max_miles:g})"
