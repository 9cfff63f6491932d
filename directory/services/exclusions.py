"""Exclusion records and the providers they name: matching, attaching,
people's decisions, reinstatements. The rules of a match are in
:mod:`.exclusion_rules`; this module reads the store and writes what follows.

* :func:`link` matches a batch of records (the LEIE loader's, or every stored
  record in :func:`relink`). Each match is kept as a :class:`MatchRecord`
  (left ``leie:<key>``, right ``nppes:<npi>``, the method, the fields that
  agreed, a probability): certain ones are MERGED by the model and attach the
  exclusion to the provider, uncertain ones wait in the review queue (status
  REVIEW). A person's decision is never overwritten and always followed: a pair
  a person merged is attached, one a person rejected (or whose merge was undone)
  is not, whatever the model says now.
* :func:`apply_decision` is what a person's decision on such a pair does
  (``directory.services.matches.decide`` calls it): a merge attaches the
  exclusion, a rejection or an undo removes it.
* :func:`relink` matches every stored record again: after an NPPES load added
  providers, a record no one matched before is linked (``provnet exclusions match``).
* :func:`find_records` and :func:`link_by_person` let a reviewer find a record
  no rule matched and link it to a provider (``provnet exclusions find`` and
  ``link``): a merge by that person, undone like any other.
* :func:`absent` and :func:`sweep` reinstate the records a newer full list
  no longer lists.
* A record already reinstated is matched like any other, but its uncertain
  matches are not put to review: no one should be asked about history.

An attached exclusion is an :class:`Exclusion` whose evidence reference is the
record's (``leie:<key>``); its reinstatement date follows the record's.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from ..errors import InputError, NotFound
from ..model import (
    EntityType,
    Evidence,
    Exclusion,
    ExclusionRecord,
    MatchRecord,
    MatchStatus,
    NameCandidate,
)
from ..store import Store
from ..store.port_exclusions import exclusion_reference, first_word, name_words, organization_word
from .exclusion_rules import Match, match_record, organization_key, surname_words

log = logging.getLogger(__name__)

LEIE = "LEIE"
#: The evidence source of the LEIE files and of what is attached from them.
SOURCE = "oig_leie"
#: How a provider is referred to on the right of a match.
PROVIDER_REF = "nppes:"
#: Who the model's decisions are by (as in entity resolution).
MODEL = "model"
#: Records read per page by relink and sweep.
PAGE = 5000


def match_id(left: str, right: str) -> str:
    """Stable id of a pair, whichever way round (the formula entity resolution uses)."""
    a, b = sorted((left, right))
    return hashlib.blake2b(f"{a}\x1f{b}".encode(), digest_size=10).hexdigest()


@dataclass
class LinkResult:
    """What :func:`link` found and did, per record key and in total."""

    #: key -> "attached" (an exclusion is on a provider), "review" (only
    #: uncertain matches), "none" (no provider of the directory)
    status: dict[str, str] = field(default_factory=dict)
    #: keys whose decisions or attachments changed in the store
    changed: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)

    def bump(self, name: str, by: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + by


def _weight(probability: float) -> float:
    p = min(max(probability, 1e-6), 1 - 1e-6)
    return round(math.log2(p / (1 - p)), 3)


def _person_keys(record: ExclusionRecord) -> list[tuple[str, str]]:
    first = first_word(record.first_name)
    return [(w, first) for w in surname_words(record.last_name)] if first else []


_Key = tuple[str, ...]


def _candidate_keys(candidate: NameCandidate) -> set[_Key]:
    """The lookup keys a candidate answers to: (surname word, first word) pairs
    of a person's names; the whole compared name (organization_key) of each of
    an organization's, so a business row meets only organizations of its very
    name, not every one that shares a first word."""
    keys: set[_Key] = set()
    if candidate.entity_type is EntityType.ORGANIZATION:
        keys.add(("org", *organization_key(candidate.organization_name)))
        keys.update(("org", *organization_key(name)) for name, _ in candidate.other_names)
        return keys
    first = first_word(candidate.first_name)
    keys.update((w, first) for w in name_words(candidate.last_name))
    for name, _ in candidate.other_names:
        words = name_words(name)
        keys.update((a, b) for a in words for b in words)
    return keys


def find_matches(store: Store, records: Sequence[ExclusionRecord]) -> dict[str, list[Match]]:
    """Every match of each record (by key) with the directory: two round trips."""
    npis = sorted({r.npi for r in records if r.npi})
    held = set(store.stored_versions(npis)) if npis else set()
    pairs = {r.key: _person_keys(r) for r in records if not r.npi and not r.is_business}
    businesses = [r for r in records if not r.npi and r.is_business]
    words = {r.key: organization_word(r.business_name) for r in businesses}
    keys_of: dict[str, list[_Key]] = {key: list(found) for key, found in pairs.items()}
    keys_of.update((r.key, [("org", *organization_key(r.business_name))]) for r in businesses)
    people = [pair for found in pairs.values() for pair in found]
    index: dict[_Key, list[NameCandidate]] = {}
    for candidate in store.name_candidates(people, words.values()) if people or words else []:
        for key in _candidate_keys(candidate):
            index.setdefault(key, []).append(candidate)
    found: dict[str, list[Match]] = {}
    for record in records:
        if record.npi:
            by_npi = [NameCandidate(record.npi, EntityType.INDIVIDUAL)] if record.npi in held else []
            found[record.key] = match_record(record, by_npi)
            continue
        candidates = {c.npi: c for key in keys_of[record.key] for c in index.get(key, ())}
        found[record.key] = match_record(record, [candidates[n] for n in sorted(candidates)])
    return found


def _decision(record: ExclusionRecord, m: Match, when: str) -> MatchRecord:
    left = exclusion_reference(record.list_name, record.key)
    right = PROVIDER_REF + m.npi
    return MatchRecord(
        match_id=match_id(left, right),
        left=left,
        right=right,
        probability=m.probability,
        match_weight=_weight(m.probability),
        agreement={"method": m.method, "certain": "yes" if m.certain else "no", **m.agreement},
        status=MatchStatus.MERGED if m.certain else MatchStatus.REVIEW,
        decided_by=MODEL,
        decided_at=when,
        npi=m.npi,
    )


def attached_exclusion(record: ExclusionRecord, npi: str, method: str, confidence: float) -> Exclusion:
    """The exclusion a record puts on a provider, with the record's evidence date."""
    return Exclusion(
        npi=npi,
        source=record.list_name,
        exclusion_type=record.exclusion_type,
        excluded_on=record.excluded_on,
        evidence=Evidence(
            SOURCE,
            record.evidence.retrieved,
            method,
            confidence,
            exclusion_reference(record.list_name, record.key),
        ),
        reinstated_on=record.reinstated_on,
    )


def _same_decision(old: MatchRecord, new: MatchRecord) -> bool:
    return (old.status, old.probability, old.agreement, old.npi) == (
        new.status,
        new.probability,
        new.agreement,
        new.npi,
    )


def _exclusion_key(x: Exclusion) -> tuple[str, str, str, date]:
    return (x.npi, x.source, x.exclusion_type, x.excluded_on)


def link(store: Store, records: Sequence[ExclusionRecord], *, now: datetime | None = None) -> LinkResult:
    """Match records with the directory and write what follows (see the module
    docstring); six round trips at most, whatever the number of records."""
    result = LinkResult()
    if not records:
        return result
    when = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    found = find_matches(store, records)
    by_key = {r.key: r for r in records}
    proposed = [(by_key[key], m, _decision(by_key[key], m, when)) for key, ms in found.items() for m in ms]
    stored = {m.match_id: m for m in store.matches(ids=[d.match_id for _, _, d in proposed], limit=None)}
    npis = sorted({m.npi for _, m, _ in proposed})
    held = {_exclusion_key(x): x for xs in store.exclusions_for(npis).values() for x in xs} if npis else {}
    to_save: list[MatchRecord] = []
    attach: dict[tuple[str, str, str, date], tuple[ExclusionRecord, Exclusion]] = {}
    detach: set[tuple[str, str]] = set()
    for record, m, decision in proposed:
        old = stored.get(decision.match_id)
        if old is None and not m.certain and record.reinstated_on is not None:
            continue  # no one is asked to review a party already reinstated
        if old is not None and old.decided_by != MODEL:
            status = old.status  # a person's decision stands
            result.bump("decisions.by_person")
        else:
            status = decision.status
            if old is None or not _same_decision(old, decision):
                to_save.append(decision)
                result.changed.add(record.key)
        result.bump(f"matches.{m.method}.{'certain' if m.certain else 'review'}")
        ref = exclusion_reference(record.list_name, record.key)
        if status is MatchStatus.MERGED:
            reviewed = old is not None and old.decided_by != MODEL
            method = "review" if reviewed else f"{m.method} match"
            x = attached_exclusion(record, m.npi, method, 1.0 if reviewed else m.probability)
            key = _exclusion_key(x)
            other = attach.get(key)
            # two rows of one exclusion (a business at two addresses): the smaller key holds it
            if other is None or record.key < other[0].key:
                attach[key] = (record, x)
            result.status[record.key] = "attached"
        else:
            held_x = held.get(_exclusion_key(attached_exclusion(record, m.npi, "", 0.0)))
            if held_x is not None and held_x.evidence.reference == ref:
                detach.add((m.npi, ref))
                result.changed.add(record.key)
            if result.status.get(record.key) != "attached" and status is MatchStatus.REVIEW:
                result.status[record.key] = "review"
    for record in records:
        result.status.setdefault(record.key, "none")
    writes = []
    for key, (record, x) in attach.items():
        old_x = held.get(key)
        if old_x is not None and old_x.evidence.reference != x.evidence.reference:
            other_ref = old_x.evidence.reference or ""
            if other_ref.startswith(f"{record.list_name.lower()}:") and other_ref < (x.evidence.reference or ""):
                continue  # held from the row with the smaller key
        if old_x != x:
            writes.append(x)
            result.changed.add(record.key)
    store.save_matches(to_save)
    store.upsert_exclusions(writes)
    store.detach_exclusions(detach)
    result.bump("exclusions.attached", len(writes))
    result.bump("exclusions.detached", len(detach))
    return result


def apply_decision(store: Store, decided: MatchRecord) -> None:
    """What a person's decision on a record-provider pair does to the provider:
    a merge attaches the record's exclusion, a rejection or an undo removes it.
    Pairs of other kinds are not this module's."""
    list_name, _, key = decided.left.partition(":")
    if not key or list_name != LEIE.lower() or not decided.right.startswith(PROVIDER_REF):
        return
    npi = decided.right[len(PROVIDER_REF) :]
    ref = decided.left
    if decided.status is MatchStatus.MERGED:
        found = store.exclusion_records(LEIE, keys=[key])
        if not found:
            log.warning("match %s names no stored record %s", decided.match_id, ref)
            return
        store.upsert_exclusions([attached_exclusion(found[0], npi, "review", 1.0)])
        log.info("exclusion %s attached to %s by %s", ref, npi, decided.decided_by)
    elif decided.status in (MatchStatus.REJECTED, MatchStatus.UNDONE):
        if store.detach_exclusions([(npi, ref)]):
            log.info("exclusion %s removed from %s by %s", ref, npi, decided.decided_by)


def find_records(
    store: Store, words: Sequence[str], *, state: str | None = None, limit: int = 50, list_name: str = LEIE
) -> list[tuple[ExclusionRecord, list[MatchRecord]]]:
    """Stored records whose names hold every word given (as name words), in
    ``state`` when given, each with its match decisions: how a person finds a
    row no rule matched. Reads the list a page at a time."""
    wanted = {w for text in words for w in name_words(text)}
    if not wanted:
        raise InputError("name at least one word to look for")
    found: list[ExclusionRecord] = []
    for page in record_pages(store, list_name):
        for r in page:
            names = (r.last_name, r.first_name, r.middle_name, r.business_name)
            if wanted <= {w for n in names for w in name_words(n)} and (not state or r.state == state.upper()):
                found.append(r)
        if len(found) >= limit:
            break
    found = found[:limit]
    return [(r, store.matches(record=exclusion_reference(r.list_name, r.key), limit=None)) for r in found]


def link_by_person(store: Store, key: str, npi: str, by: str, *, list_name: str = LEIE) -> MatchRecord:
    """A person says a record names a provider no rule matched it to: the pair
    is stored and merged by that person, which attaches the exclusion (and can
    be undone like any decision). NotFound for an unknown record or provider."""
    from .matches import Decision, decide  # matches calls this module on every decision

    records = store.exclusion_records(list_name, keys=[key])
    if not records:
        raise NotFound(f"no {list_name} record {key[:200]!r}")
    if npi not in store.providers([npi]):
        raise NotFound(f"no provider with NPI {npi[:20]!r}")
    left, right = exclusion_reference(list_name, key), PROVIDER_REF + npi
    proposed = MatchRecord(
        match_id=match_id(left, right),
        left=left,
        right=right,
        probability=1.0,
        match_weight=_weight(1.0),
        agreement={"method": "linked by a person"},
        status=MatchStatus.REVIEW,
        decided_by=MODEL,
        decided_at=datetime.now(UTC).isoformat(timespec="seconds"),
        npi=npi,
    )
    if not (by or "").strip():
        raise InputError("a decision needs the name of who made it")
    store.save_matches([proposed])  # kept as it was if a person decided the pair before
    return decide(store, proposed.match_id, Decision.MERGE, by)


def record_pages(store: Store, list_name: str = LEIE, *, listed_before: date | None = None) -> Iterable[list]:
    """Every stored record of a list, a page at a time."""
    after = ""
    while page := store.exclusion_record_page(list_name, after, PAGE, in_force_listed_before=listed_before):
        after = page[-1].key
        yield page


def relink(store: Store, list_name: str = LEIE) -> LinkResult:
    """Match every stored record of a list with the directory again."""
    total = LinkResult()
    for page in record_pages(store, list_name):
        result = link(store, page)
        total.status.update(result.status)
        total.changed |= result.changed
        for name, n in result.counts.items():
            total.bump(name, n)
    return total


def absent(store: Store, as_of: date, list_name: str = LEIE) -> list[str]:
    """The keys of the records in force that no file dated ``as_of`` or later
    listed: after a full list of that date, the reinstated ones."""
    return [r.key for page in record_pages(store, list_name, listed_before=as_of) for r in page]


def sweep(store: Store, as_of: date, keys: Sequence[str], list_name: str = LEIE) -> int:
    """Reinstate records (and what is attached from them) as of ``as_of``;
    returns how many changed."""
    swept = 0
    for start in range(0, len(keys), PAGE):
        swept += store.reinstate_exclusion_records(list_name, {key: as_of for key in keys[start : start + PAGE]})
    return swept
