"""Which NPPES rows a load keeps, decided from the 15 taxonomy columns alone.

The default scope is :data:`directory.reference.DEFAULT_SCOPE` (behavioural
health and ketamine-capable specialties) plus organizations with a
group-practice taxonomy (they are linked to in-scope members later). ``all``
keeps every row. Most rows of a national file are out of scope, so the test
runs on the raw field list, before anything is normalized.

A scope also keeps every NPI the store already holds (``known``): a provider
whose new file row lists no in-scope code any more is updated, not left as it
was. The loader fills ``known`` from the store (empty on a first load).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from operator import itemgetter

from directory.errors import InputError
from directory.reference import DEFAULT_SCOPE, GROUP_PRACTICES, nucc_codes

from .nppes import Columns


@dataclass(frozen=True, slots=True)
class Scope:
    name: str
    codes: frozenset[str] | None  # None: every row is in scope
    group_practices: frozenset[str] = frozenset()  # kept for organizations only
    known: frozenset[str] = frozenset()  # NPIs already in the store: kept whatever their codes

    @classmethod
    def default(cls) -> Scope:
        return cls("default", DEFAULT_SCOPE, GROUP_PRACTICES)

    @classmethod
    def everything(cls) -> Scope:
        return cls("all", None)

    @classmethod
    def of(cls, codes: Iterable[str], name: str = "custom") -> Scope:
        wanted = frozenset(c.strip().upper() for c in codes if c.strip())
        unknown = sorted(wanted - nucc_codes())
        if unknown:
            raise InputError(f"scope names codes that are not NUCC taxonomy codes: {', '.join(unknown)}")
        if not wanted:
            raise InputError("a scope needs at least one taxonomy code")
        return cls(name, wanted)

    @classmethod
    def parse(cls, value: Scope | str | Iterable[str]) -> Scope:
        """``"default"``, ``"all"``, ``"CODE,CODE"``, a Scope, or codes."""
        if isinstance(value, Scope):
            return value
        if isinstance(value, str):
            text = value.strip().lower()
            if text == "default":
                return cls.default()
            if text == "all":
                return cls.everything()
            return cls.of(value.split(","))
        return cls.of(value)

    @property
    def signature(self) -> str:
        """What the scope keeps, in a few characters (not the NPIs it knows):
        an interrupted run is resumed only under the same signature."""
        if self.codes is None:
            return self.name
        codes = ",".join(sorted(self.codes)) + "|" + ",".join(sorted(self.group_practices))
        return f"{self.name}:{hashlib.blake2b(codes.encode(), digest_size=6).hexdigest()}"

    def with_known(self, npis: Iterable[str]) -> Scope:
        return replace(self, known=frozenset(npis))

    def matcher(self, columns: Columns) -> Callable[[list[str]], bool]:
        """A predicate over a row's raw fields, built once per file."""
        if self.codes is None:
            return lambda fields: True
        by_codes = self._code_matcher(columns)
        if not self.known:
            return by_codes
        known, npi_at = self.known, columns.npi
        return lambda fields: by_codes(fields) or fields[npi_at].strip() in known

    def _code_matcher(self, columns: Columns) -> Callable[[list[str]], bool]:
        codes_of = itemgetter(*columns.taxonomy_codes)
        codes, groups = self.codes, self.group_practices
        if codes is None:  # every row (matcher() answers that before asking here)
            return lambda fields: True
        entity_at = columns.entity_type
        if not groups:
            return lambda fields: not codes.isdisjoint(codes_of(fields))

        def in_scope(fields: list[str]) -> bool:
            found = codes_of(fields)
            if not codes.isdisjoint(found):
                return True
            return fields[entity_at] == "2" and not groups.isdisjoint(found)

        return in_scope
