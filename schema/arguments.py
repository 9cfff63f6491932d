"""Bounds on argument values, checked by resolvers before any store call.

A GraphQL ``String`` says nothing about length, and a one-megabyte name once
kept the server busy for seconds. Every string argument of the API is bounded
here (ids, cursors, search text, codes, notes) and every list argument has a
most-items bound, so no input makes the store or the fuzzy name scorer work in
proportion to its size. Error messages quote input through :func:`quote`, which
shows at most :data:`MAX_ECHO` characters of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from directory.errors import InputError, quoted
from directory.npi import is_valid_npi

#: Most characters of a caller's input an error message repeats.
MAX_ECHO = 100
#: A provider name to search for.
MAX_NAME = 200
#: Ids of payers, plans, networks and matches (catalog ids such as ``northwind-choice-ppo``).
MAX_ID = 100
#: An opaque search cursor (ours are about 30 characters).
MAX_CURSOR = 200
#: Text searched for in a vocabulary (taxonomy codes and names).
MAX_SEARCH = 100
#: A record reference ``source:id``.
MAX_RECORD = 200
#: The free-text reference a curator attaches to a network change.
MAX_REFERENCE = 500
#: Items in a list argument of a search filter (treatments, taxonomy codes).
MAX_FILTER_ITEMS = 50
#: A NUCC taxonomy code is ten characters.
MAX_TAXONOMY_CODE = 10

_ZIP = re.compile(r"\d{5}(?:-?\d{4})?")


def quote(value: object) -> str:
    """``value`` as an error message shows it: its repr, cut to :data:`MAX_ECHO` characters."""
    return quoted(value, MAX_ECHO)


def text(value: str, what: str, limit: int) -> str:
    """``value`` unchanged, or InputError when it is longer than ``limit`` characters."""
    if len(value) > limit:
        raise InputError(f"{what} must be at most {limit} characters, got {len(value):,}")
    return value


def optional_text(value: str | None, what: str, limit: int) -> str | None:
    return None if value is None else text(value, what, limit)


def identifier(value: str, what: str) -> str:
    """An id argument, stripped; InputError if empty or longer than :data:`MAX_ID`."""
    cleaned = text(value, what, MAX_ID).strip()
    if not cleaned:
        raise InputError(f"{what} must not be empty")
    return cleaned


def optional_identifier(value: str | None, what: str) -> str | None:
    return None if value is None else identifier(value, what)


def items(values: Sequence[object] | None, what: str, limit: int = MAX_FILTER_ITEMS) -> None:
    """InputError when a list argument names more than ``limit`` items."""
    if values is not None and len(values) > limit:
        raise InputError(f"{what} may name at most {limit} items, got {len(values):,}")


def zip_code(value: str) -> str:
    """A ZIP code of 5 or 9 digits (``12345``, ``123456789`` or ``12345-6789``); returns the ZIP5."""
    cleaned = value.strip()
    if not _ZIP.fullmatch(cleaned):
        raise InputError(f"zip must be 5 or 9 digits (12345 or 12345-6789), got {quote(value)}")
    return cleaned[:5]


def npi(value: str) -> str:
    """A stripped NPI, or InputError unless it is 10 digits with a valid check digit."""
    cleaned = value.strip()
    if not is_valid_npi(cleaned):
        raise InputError(f"{quote(cleaned)} is not a valid NPI (10 digits with a valid check digit)")
    return cleaned


def page(first: int, offset: int, maximum: int) -> None:
    """InputError unless 1 <= first <= maximum and offset >= 0."""
    if not 1 <= first <= maximum:
        raise InputError(f"first must be between 1 and {maximum}")
    if offset < 0:
        raise InputError("offset must not be negative")
