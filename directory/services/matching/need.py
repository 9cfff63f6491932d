"""A patient's need as a navigator states it, checked once before anything runs."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from ...errors import InputError, quoted
from ...model import GeoPoint, Treatment

#: Largest maximum distance a need may ask for, in miles (a rural drive, not a state).
MAX_MILES = 200.0
#: Most matches one answer lists.
MAX_FIRST = 50
#: Most steps of a pathway proposed at once.
MAX_PATHWAY_STEPS = 3
#: Longest acceptable wait a need may state, in days.
MAX_WAIT_DAYS = 365

_LANGUAGE = re.compile(r"[a-z]{2,3}")


class Accepting(enum.Enum):
    """Whether the provider must be accepting new patients."""

    REQUIRED = "required"  # known not accepting: left out unless relaxed; unknown: kept, ranked lower, flagged
    PREFERRED = "preferred"  # counted in the access component only


class Telehealth(enum.Enum):
    """Whether telehealth will do."""

    NOT_ACCEPTABLE = "not_acceptable"  # in person only, never relaxed
    IF_NEEDED = "if_needed"  # in person first; telehealth added when in-person matches do not fill the list
    ACCEPTABLE = "acceptable"  # telehealth as good as in person from the start


@dataclass(frozen=True, slots=True)
class Need:
    """What the patient needs. Either ``treatments`` (wanted) or ``tried``
    (already tried: the next pathway step is proposed), not both."""

    near: GeoPoint
    max_miles: float
    treatments: tuple[Treatment, ...] = ()
    tried: tuple[Treatment, ...] | None = None
    pathway_steps: int = 1  # how many untried steps to propose when ``tried`` is given
    state: str | None = None  # the patient's state: telehealth needs a licence or practice there
    telehealth: Telehealth = Telehealth.IF_NEEDED
    plan_id: str | None = None
    network_id: str | None = None
    language: str | None = None  # ISO 639-1 code, e.g. "es"
    accepting: Accepting = Accepting.PREFERRED
    max_wait_days: int | None = None
    relax: bool = True  # relax preferences, in the fixed order, when the list is short
    first: int = 10

    def __post_init__(self) -> None:
        if self.treatments and self.tried is not None:
            raise InputError("give the treatments wanted or the treatments tried, not both")
        if not self.treatments and self.tried is None:
            raise InputError("give the treatments wanted, or the treatments tried (an empty list: none yet)")
        if not 0 < self.max_miles <= MAX_MILES:
            raise InputError(f"maxMiles must be more than 0 and at most {MAX_MILES:g}")
        if not 1 <= self.first <= MAX_FIRST:
            raise InputError(f"first must be between 1 and {MAX_FIRST}")
        if not 1 <= self.pathway_steps <= MAX_PATHWAY_STEPS:
            raise InputError(f"pathwaySteps must be between 1 and {MAX_PATHWAY_STEPS}")
        if self.max_wait_days is not None and not 0 <= self.max_wait_days <= MAX_WAIT_DAYS:
            raise InputError(f"maxWaitDays must be between 0 and {MAX_WAIT_DAYS}")
        if self.language is not None and not _LANGUAGE.fullmatch(self.language):
            raise InputError(f"language must be an ISO 639 code such as 'es', got {quoted(self.language)}")
        if self.state is not None and (len(self.state) != 2 or not self.state.isalpha() or not self.state.isupper()):
            raise InputError(f"state must be a two-letter code, got {quoted(self.state)}")
