"""Canonical JSON of domain values and the content hash of provider records.

The content hash decides whether an ingested record is unchanged, so it is
computed for every loaded row of a national file. Its text is exactly
``json.dumps(jsonable(value), sort_keys=True, separators=(",", ":"), default=str)``
(hashes already stored stay valid), but it is written directly, with one
encoder per type chosen once, instead of building dicts and sorting them per row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from datetime import date
from enum import Enum
from json.encoder import encode_basestring_ascii

_PLAIN = frozenset({str, int, float, bool, type(None)})
_CONVERTERS: dict[type, Callable[[object], object]] = {}
_ENCODERS: dict[type, Callable[[object], str]] = {}


def jsonable(value):
    """Enums to values, dates to ISO text, dataclasses to dicts, tuples to lists
    (what ``dataclasses.asdict`` and a recursive conversion would give)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    convert = _CONVERTERS.get(kind)
    if convert is None:
        convert = _CONVERTERS[kind] = _converter_for(kind)
    return convert(value)


def _converter_for(kind: type) -> Callable[[object], object]:
    if issubclass(kind, Enum):
        return lambda value: value.value
    if issubclass(kind, date):
        return lambda value: value.isoformat()
    if is_dataclass(kind):
        names = tuple(f.name for f in fields(kind))
        plain = _PLAIN

        def convert_dataclass(value):
            out = {}
            for name in names:
                v = getattr(value, name)
                out[name] = v if type(v) in plain else jsonable(v)
            return out

        return convert_dataclass
    if issubclass(kind, dict):
        return lambda value: {k: jsonable(v) for k, v in value.items()}
    if issubclass(kind, (list, tuple)):
        return lambda value: [jsonable(v) for v in value]
    return lambda value: value


def _dumps(value) -> str:
    return json.dumps(jsonable(value), sort_keys=True, separators=(",", ":"), default=str)


def canonical_json(value) -> str:
    """``json.dumps(jsonable(value), sort_keys=True, separators=(",", ":"), default=str)``, faster."""
    kind = type(value)
    encode = _ENCODERS.get(kind)
    if encode is None:
        encode = _ENCODERS[kind] = _encoder_for(kind)
    return encode(value)


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _encoder_for(kind: type) -> Callable[[object], str]:
    # Exact types only; anything unusual (subclasses, dicts) takes the reference path.
    if kind is str:
        return encode_basestring_ascii
    if kind is type(None):
        return lambda value: "null"
    if kind is bool:
        return lambda value: "true" if value else "false"
    if kind is int:
        return int.__repr__
    if kind is float:
        return _float
    if issubclass(kind, Enum):
        cache: dict[object, str] = {}

        def encode_enum(value) -> str:
            text = cache.get(value)
            if text is None:
                text = cache[value] = _dumps(value)
            return text

        return encode_enum
    if issubclass(kind, date) and kind.isoformat is date.isoformat:
        return lambda value: '"' + value.isoformat() + '"'
    if is_dataclass(kind):
        names = sorted(f.name for f in fields(kind))  # sort_keys order
        pairs = tuple((encode_basestring_ascii(name) + ":", name) for name in names)

        def encode_dataclass(value) -> str:
            return "{" + ",".join(key + canonical_json(getattr(value, name)) for key, name in pairs) + "}"

        return encode_dataclass
    if kind is list or kind is tuple:
        return lambda value: "[" + ",".join(canonical_json(v) for v in value) + "]"
    return _dumps


def content_hash(record) -> str:
    """Stable hash of everything in a record, so unchanged rows are skipped."""
    return hashlib.blake2b(canonical_json(record).encode(), digest_size=16).hexdigest()
