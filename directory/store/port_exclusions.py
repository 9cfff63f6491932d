"""The store port's exclusion-list half: the rows of published exclusion lists
(:class:`ExclusionRecord`, matched or not), the providers whose names may be
theirs (:class:`NameCandidate`), and the upkeep of the :class:`Exclusion` facts
attached from them. ``Store`` inherits it; adapters implement the primitives
(``sqlite_exclusions``, ``neo4j_exclusions``), one round trip each.

An exclusion attached to a provider from a record carries the evidence
reference :func:`exclusion_reference` (``leie:<key>``), the same text the
match decisions use as their left side: it is how a reinstatement, a sweep and
a person's rejection find the exclusions of a record.

**Name words** (:func:`name_words`) are part of the contract: both adapters
split names the same way in their queries (upper case, ``'`` and ``.``
dropped, ``- , / & ( ) # " ; :`` read as spaces, split on spaces). Python and
Neo4j upper-case every letter, SQLite's ``upper()`` only ASCII ones; NPPES and
the LEIE publish names in upper case, so the difference never shows in them.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from ..model import ExclusionRecord, NameCandidate

#: Dropped inside a word (O'NEIL -> ONEIL, ST. JOHN -> ST JOHN).
JOINING = ("'", ".")
#: Read as spaces (SMITH-JONES -> SMITH JONES).
SEPARATORS = ("-", ",", "/", "&", "(", ")", "#", '"', ";", ":")


def name_words(text: str | None) -> list[str]:
    """The words of a name as the candidate queries of both adapters split it."""
    s = (text or "").upper()
    for ch in JOINING:
        s = s.replace(ch, "")
    for ch in SEPARATORS:
        s = s.replace(ch, " ")
    return [w for w in s.split(" ") if w]


def first_word(text: str | None) -> str:
    """The first name word ('' if none): how a person's first name is keyed."""
    words = name_words(text)
    return words[0] if words else ""


def organization_word(text: str | None) -> str:
    """The first word of an organization's name after a leading THE ('' if none)."""
    words = name_words(text)
    if len(words) > 1 and words[0] == "THE":
        return words[1]
    return words[0] if words else ""


def exclusion_reference(list_name: str, key: str) -> str:
    """The evidence reference of an exclusion attached from a record, and the
    record's side of a match decision: ``leie:<key>``."""
    return f"{list_name.lower()}:{key}"


class ExclusionRecords(abc.ABC):
    def _trip(self) -> None:  # pragma: no cover - Store counts round trips
        raise NotImplementedError

    def upsert_exclusion_records(self, records: Sequence[ExclusionRecord]) -> int:
        """Insert or replace records by (list_name, key); the last of a key in
        the batch wins. Returns how many were written."""
        latest = {(r.list_name, r.key): r for r in records}
        if not latest:
            return 0
        self._trip()
        return self._upsert_exclusion_records(sorted(latest.values(), key=lambda r: (r.list_name, r.key)))

    def exclusion_records(
        self, list_name: str, keys: Iterable[str] = (), identities: Iterable[str] = ()
    ) -> list[ExclusionRecord]:
        """The records of ``list_name`` whose key is in ``keys`` or whose identity
        is in ``identities``, ordered by key."""
        wanted_keys, wanted_identities = sorted(set(keys)), sorted(set(identities))
        if not wanted_keys and not wanted_identities:
            return []
        self._trip()
        return self._exclusion_records(list_name, wanted_keys, wanted_identities)

    def exclusion_record_page(
        self, list_name: str, after: str = "", limit: int = 1000, *, in_force_listed_before: date | None = None
    ) -> list[ExclusionRecord]:
        """Records of ``list_name`` with a key after ``after``, by key, at most
        ``limit`` (keyset paging). ``in_force_listed_before``: only records not
        reinstated whose ``last_listed`` is before that date or unknown (what a
        newer full file no longer lists)."""
        self._trip()
        return self._exclusion_record_page(list_name, after, max(1, limit), in_force_listed_before)

    def reinstate_exclusion_records(self, list_name: str, reinstated: Mapping[str, date]) -> int:
        """Set the reinstatement date of records (by key) and of every exclusion
        attached from them, in one transaction. Returns how many records changed."""
        if not reinstated:
            return 0
        self._trip()
        return self._reinstate_exclusion_records(list_name, dict(sorted(reinstated.items())))

    def detach_exclusions(self, links: Iterable[tuple[str, str]]) -> int:
        """Remove the exclusions of (npi, evidence reference) pairs: a person
        rejected the match they came from. Returns how many went."""
        wanted = sorted(set(links))
        if not wanted:
            return 0
        self._trip()
        return self._detach_exclusions(wanted)

    def name_candidates(
        self, people: Iterable[tuple[str, str]] = (), organizations: Iterable[str] = ()
    ) -> list[NameCandidate]:
        """Providers whose names may be those of exclusion records, by NPI.

        ``people``: (surname word, first word) pairs; an individual is returned
        when a word of its last name and the first word of its first name are a
        pair, or when both words of a pair are words of one of its other names.
        ``organizations``: first words; an organization is returned when
        :func:`organization_word` of its legal name or of an other name is one.
        Each comes with every name, other name and state it has (see
        :class:`NameCandidate`); the matching rules decide."""
        pairs = sorted({f"{surname}|{first}" for surname, first in people if surname and first})
        words = sorted({w for w in organizations if w})
        if not pairs and not words:
            return []
        self._trip()
        return self._name_candidates(pairs, words)

    @abc.abstractmethod
    def _upsert_exclusion_records(self, records: list[ExclusionRecord]) -> int: ...
    @abc.abstractmethod
    def _exclusion_records(self, list_name: str, keys: list[str], identities: list[str]) -> list[ExclusionRecord]: ...
    @abc.abstractmethod
    def _exclusion_record_page(
        self, list_name: str, after: str, limit: int, listed_before: date | None
    ) -> list[ExclusionRecord]: ...
    @abc.abstractmethod
    def _reinstate_exclusion_records(self, list_name: str, reinstated: dict[str, date]) -> int: ...
    @abc.abstractmethod
    def _detach_exclusions(self, links: list[tuple[str, str]]) -> int: ...
    @abc.abstractmethod
    def _name_candidates(self, pairs: list[str], words: list[str]) -> list[NameCandidate]:
        """``pairs``: ``SURNAME|FIRST`` texts; ``words``: organization first words."""
