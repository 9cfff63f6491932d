"""A byte-level test that lets the reader skip CSV parsing of out-of-scope lines.

About nine in ten rows of a national NPPES file are out of the default scope,
and parsing 330 quoted columns is most of what it costs to read one. A line
may skip the parser only when the answer is certain to be the same:

* it is one complete record: starts with a quote, ends with ``"`` and a line
  end, and between those every quote belongs to one of exactly ``columns - 1``
  separators ``","``, so splitting on ``","`` gives exactly the fields the CSV
  parser would;
* it is ASCII (so valid UTF-8) and short enough that no field can be oversized;
* its entity type is not empty (an empty one is a sparse deactivation row);
* none of its taxonomy codes is in scope, nor a group practice (the matcher
  keeps those for organizations; here they always go to the parser);
* its NPI is not one the store already holds (the scope keeps those).

Anything else goes to the parser, so the outcome of every row is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter

from .nppes import Columns
from .quarantine import MAX_FIELD_LENGTH
from .scope import Scope


def out_of_scope_test(columns: Columns, scope: Scope) -> Callable[[bytes], bool] | None:
    """A predicate, True only for a line that is certainly a well-formed record
    out of ``scope``; None when no line can be skipped: scope ``all``, or a
    scope subclass whose matcher looks at more than taxonomy codes."""
    if scope.codes is None or type(scope) is not Scope:
        return None
    count = columns.count
    entity_at = columns.entity_type
    code_at = columns.taxonomy_codes
    npi_at = columns.npi
    last = max(entity_at, npi_at, *code_at)
    pick = itemgetter(entity_at, npi_at, *code_at)
    kept = frozenset(c.encode("ascii") for c in scope.codes | scope.group_practices)
    known = frozenset(n.encode("ascii") for n in scope.known if n.isascii())
    separators = count - 1
    inner_quotes = 2 * separators
    longest = MAX_FIELD_LENGTH + 3 * count  # the reader checks field lengths only above this

    def skippable(line: bytes) -> bool:
        if len(line) > longest or line[:1] != b'"' or not line.isascii():
            return False
        if line.endswith(b'"\r\n'):
            inner = line[1:-3]
        elif line.endswith(b'"\n'):
            inner = line[1:-2]
        else:
            return False
        if inner.count(b'","') != separators or inner.count(b'"') != inner_quotes:
            return False
        found = pick(inner.split(b'","', last + 1))
        if known and found[1].strip() in known:
            return False
        return bool(found[0]) and kept.isdisjoint(found[2:])

    return skippable
