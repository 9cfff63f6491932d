"""The TRD pathway as data: ordered steps, each a set of treatments that are
alternatives at that point (TMS standard or accelerated; IV ketamine or ECT).

The common order is medications, then TMS, then esketamine, then IV ketamine or
ECT, and it varies by clinic and payer, so it is never a constant in code: the
bundled default is ``directory/data/matching/trd_pathway.json``, the
``trd_pathway`` setting names another file, and a need may carry its own.

File format (JSON)::

    {"name": "...", "steps": [["medication_management"], ["tms_standard", "tms_accelerated"], ...]}

A step counts as tried when any of its treatments was tried; the steps proposed
next are the first ones with none of their treatments tried, in order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ...errors import ConfigurationError, InputError
from ...model import Treatment

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "matching" / "trd_pathway.json"
#: Most steps a pathway may have (the vocabulary has seven treatments).
MAX_STEPS = 10


@dataclass(frozen=True, slots=True)
class Pathway:
    name: str
    steps: tuple[tuple[Treatment, ...], ...]

    def __post_init__(self) -> None:
        if not self.steps or len(self.steps) > MAX_STEPS:
            raise InputError(f"a pathway needs 1 to {MAX_STEPS} steps")
        seen: set[Treatment] = set()
        for step in self.steps:
            if not step:
                raise InputError("every step of a pathway needs at least one treatment")
            twice = seen & set(step)
            if twice or len(set(step)) != len(step):
                named = ", ".join(sorted(t.value for t in twice or step))
                raise InputError(f"a treatment may appear in one step of a pathway only ({named})")
            seen.update(step)

    def next_steps(self, tried: tuple[Treatment, ...], count: int = 1) -> tuple[tuple[Treatment, ...], ...]:
        """The first ``count`` steps none of whose treatments was tried."""
        done = set(tried)
        return tuple(step for step in self.steps if not done & set(step))[:count]

    def to_json(self) -> str:
        return json.dumps({"name": self.name, "steps": [[t.value for t in s] for s in self.steps]}, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Pathway:
        """InputError when the JSON is not a pathway of known treatments."""
        try:
            data = json.loads(text)
            steps = data["steps"]
            if not isinstance(steps, list) or not all(isinstance(s, list) for s in steps):
                raise TypeError("steps must be a list of lists")
            return cls(str(data.get("name") or "pathway"), tuple(tuple(Treatment(t) for t in s) for s in steps))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"not a TRD pathway: {exc}") from exc


@lru_cache(maxsize=8)
def load_pathway(path: str | None = None) -> Pathway:
    """The pathway in ``path`` (the bundled default when None); read once per path."""
    file = Path(path) if path else DEFAULT_FILE
    try:
        return Pathway.from_json(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"cannot read the TRD pathway {file}: {exc}") from exc
    except InputError as exc:
        raise ConfigurationError(f"{file}: {exc}") from exc
