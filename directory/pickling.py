"""Cheaper pickling for slotted dataclasses.

A parallel NPPES load sends every in-scope record from the reading process to
the writer. The state methods ``dataclass(slots=True)`` adds call ``fields()``
for every object; on a national load that was a tenth of the writer's time.
"""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter


def fast_pickling(cls: type) -> type:
    """Give a slotted dataclass ``__getstate__``/``__setstate__`` that pass a
    plain tuple of its fields (same objects after a round trip); returns ``cls``."""
    names = tuple(f.name for f in fields(cls))
    if not names:
        return cls
    get = attrgetter(*names)
    # unrolled, as dataclasses writes __init__: a loop costs a third more per object
    body = "\n".join(f"    _set(self, {name!r}, state[{i}])" for i, name in enumerate(names))
    namespace: dict = {"_set": object.__setattr__, "__name__": __name__}
    exec(f"def __setstate__(self, state):\n{body}\n", namespace)  # noqa: S102 - built from field names only

    if len(names) == 1:

        def __getstate__(self):
            return (get(self),)
    else:

        def __getstate__(self):
            return get(self)

    # setattr: mypy does not allow assigning methods to a class it knows
    setattr(cls, "__getstate__", __getstate__)  # noqa: B010
    setattr(cls, "__setstate__", namespace["__setstate__"])  # noqa: B010
    return cls
