"""The bundle's scope rule for "the organizations they link to".

An NPPES main file has no explicit individual-to-organization link, so a
bundle load first reads the main file once (raw fields only, no writes) and
then keeps, besides the rows the taxonomy scope keeps:

* an organization practising at the same practice address (line 1, line 2,
  city, state, ZIP5, normalized as the loader does) as an in-scope provider;
* the parent of an in-scope subpart (its legal business name is the subpart's
  ``Parent Organization LBN``) and the subparts of an in-scope organization;
* any NPI the store already holds (``Scope.known``, filled by the loader: a
  later file updates what an earlier load kept, whatever its taxonomy now says).

Group-practice organizations (193200000X, 193400000X) are no longer kept on
their taxonomy alone: only when linked, as ``directory.reference`` says.
The address set holds hashes of the keys; the scope crosses to the reading
child by ``fork``, which keeps the hash seed. The first read skips parsing
lines the byte prescreen finds out of scope; the load itself cannot (a linked
organization has no in-scope code), so it parses every row.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from .normalize import normalize_address_line, normalize_organization_name, zip5_of
from .nppes import Columns, MainFile
from .prescreen import out_of_scope_test
from .scope import Scope

log = logging.getLogger(__name__)


def address_hash(fields: list[str], c: Columns) -> int:
    key = "|".join(
        (
            normalize_address_line(fields[c.practice_line1]),
            normalize_address_line(fields[c.practice_line2]),
            normalize_address_line(fields[c.practice_city]),
            normalize_address_line(fields[c.practice_state]),
            zip5_of(fields[c.practice_postal]),
        )
    )
    return hash(key)


def _lbn(text: str) -> str:
    return (normalize_organization_name(text) or "").upper()


@dataclass(frozen=True, slots=True)
class LinkedScope(Scope):
    addresses: frozenset[int] = field(default_factory=frozenset)
    lbns: frozenset[str] = field(default_factory=frozenset)  # in-scope organizations' legal names
    parents: frozenset[str] = field(default_factory=frozenset)  # parents named by in-scope subparts

    def matcher(self, columns: Columns) -> Callable[[list[str]], bool]:
        base = Scope.matcher(self, columns)  # codes and known NPIs
        entity_at = columns.entity_type
        lbn_at, parent_at = columns.organization_name, columns.parent_organization_name
        addresses, lbns, parents = self.addresses, self.lbns, self.parents

        def in_scope(fields: list[str]) -> bool:
            if base(fields):
                return True
            if fields[entity_at] != "2":
                return False
            if address_hash(fields, columns) in addresses:
                return True
            return _lbn(fields[lbn_at]) in parents or (bool(fields[parent_at]) and _lbn(fields[parent_at]) in lbns)

        return in_scope


def linked_scope(scope: Scope, path: str | os.PathLike[str], member: str | None = None) -> Scope:
    """Read the main file once and return the scope that also keeps linked
    organizations; ``scope`` unchanged when it keeps everything."""
    if scope.codes is None:
        return scope
    base = Scope(scope.name, scope.codes)  # group practices only when linked
    addresses: set[int] = set()
    lbns: set[str] = set()
    parents: set[str] = set()
    in_scope_rows = 0
    with MainFile(path, member) as main:
        c = main.columns
        matches = base.matcher(c)
        for row in main.rows(skip=out_of_scope_test(c, base)):  # lines surely out of scope stay unparsed
            fields = row.fields
            if fields is None or row.problem is not None or not fields[c.entity_type] or not matches(fields):
                continue
            in_scope_rows += 1
            addresses.add(address_hash(fields, c))
            if fields[c.entity_type] == "2":
                lbns.add(_lbn(fields[c.organization_name]))
                if fields[c.parent_organization_name]:
                    parents.add(_lbn(fields[c.parent_organization_name]))
    lbns.discard("")
    parents.discard("")
    log.info(
        "linked scope: %d in-scope rows, %d practice addresses, %d organization names, %d parents",
        in_scope_rows,
        len(addresses),
        len(lbns),
        len(parents),
    )
    return LinkedScope(
        f"{scope.name}+linked",
        scope.codes,
        group_practices=frozenset(),
        known=scope.known,
        addresses=frozenset(addresses),
        lbns=frozenset(lbns),
        parents=frozenset(parents),
    )
