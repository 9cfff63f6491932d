"""JSON-ready form of domain values, and the content hash of provider records.

The content hash decides whether an ingested record is unchanged, so it is
computed for every loaded row of a national file. Its text is
``json.dumps(jsonable(record), sort_keys=True, separators=(",", ":"), default=str)``,
where :func:`jsonable` gives what a recursion through ``dataclasses.asdict``
gives, but picks one converter per type once instead of deep-copying per row
(so hashes already stored stay valid).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass
from datetime import date
from enum import Enum
from typing import Any

_PLAIN = frozenset({str, int, float, bool, type(None)})
#: One converter per type; each is given values of its own type only, hence ``Any``.
_Converter = Callable[[Any], object]
_CONVERTERS: dict[type, _Converter] = {}


def jsonable(value):
    """Enums to values, dates to ISO text, dataclasses to dicts, tuples to lists."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    convert = _CONVERTERS.get(kind)
    if convert is None:
        convert = _CONVERTERS[kind] = _converter_for(kind)
    return convert(value)


def _converter_for(kind: type) -> _Converter:
    if issubclass(kind, Enum):
        return lambda value: value.value
    if issubclass(kind, date):
        return lambda value: value.isoformat()
    if is_dataclass(kind):
        return _dataclass_converter(kind)
    if issubclass(kind, dict):
        return lambda value: {k: jsonable(v) for k, v in value.items()}
    if issubclass(kind, (list, tuple)):
        return lambda value: [jsonable(v) for v in value]
    return lambda value: value


def _dataclass_converter(kind: type) -> _Converter:
    """``{name: jsonable(value), ...}`` written out for the fields of ``kind``
    (generated once, as dataclasses writes ``__init__``: a generic loop over the
    fields cost three times as much, and the reading process of a national load
    hashes a million records)."""
    names = tuple(f.name for f in fields(kind) if not f.metadata.get("hash_omits_none"))
    # fields added later (directory.model.HASH_OMITS_NONE) appear only when set, so
    # the hashes of records stored before they existed stay the same
    later = tuple(f.name for f in fields(kind) if f.metadata.get("hash_omits_none"))
    items = ", ".join(f"{name!r}: (x if (x := value.{name}).__class__ in plain else convert(x))" for name in names)
    extra = "".join(
        f"    if (x := value.{name}) is not None:\n        out[{name!r}] = x if x.__class__ in plain else convert(x)\n"
        for name in later
    )
    namespace: dict[str, Any] = {"plain": _PLAIN, "convert": jsonable, "__name__": __name__}
    source = f"def convert_dataclass(value):\n    out = {{{items}}}\n{extra}    return out\n"
    exec(source, namespace)  # noqa: S102 - field names only
    return namespace["convert_dataclass"]


def content_hash(record) -> str:
    """Stable hash of everything in a record, so unchanged rows are skipped."""
    payload = json.dumps(jsonable(record), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()


def record_hash(kind: str, fields: Mapping[str, str]) -> str:
    """Stable hash of a source record's kind and canonical fields (the order of
    the fields does not matter): whether a newer file changed the record."""
    payload = json.dumps([kind, dict(sorted(fields.items()))], separators=(",", ":"), ensure_ascii=False)
    return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()
