"""When a row of an exclusion list (the OIG LEIE) is a provider of the
directory: pure rules, no store. :mod:`.exclusions` applies them.

Names are compared as words (:func:`~directory.store.port_exclusions.name_words`:
upper case, ``'`` and ``.`` dropped, hyphens and other punctuation read as
spaces); a surname loses the generational suffixes JR, SR, II, III, IV and V;
an other name (NPPES: "PREFIX FIRST MIDDLE LAST SUFFIX, CREDENTIAL") loses its
credential, a leading DR/MR/MRS/MS/MISS/PROF and a trailing suffix, and its
words are read as first name, middle words and a surname of the last one or
more words.

**By NPI** (method ``npi``): a row with an NPI matches the provider of that NPI
when the store holds it, and nobody else. Certain (probability 1).

**An individual** (a row with LASTNAME or FIRSTNAME, no NPI) and a directory
individual, through its legal name or any other name (NPPES types 1 former,
2 professional, 5 other):

* *surname*: ``exact`` when the words are the same (SMITH-JONES = SMITH JONES);
  ``part`` when one name's words are some of the other's (a LEIE SMITH-JONES is
  the directory's SMITH or JONES, and a LEIE SMITH a directory SMITH-JONES);
  anything else is no match;
* *first name*: ``exact`` when the words are the same, ``partial`` when only the
  first words are (MARY ANN and MARY); anything else is no match;
* *middle name*: ``agree`` (the same first word, or one an initial of the
  other), ``missing`` (either side has none), ``conflict`` (both given, different);
* *date of birth*: when both the row and the provider have one, equal dates
  make a ``name+dob`` match and different dates no match at all. The directory
  records no date of birth today (NPPES publishes none), so in practice this
  applies once a source provides one;
* *state*: the row's STATE among the provider's practice-location, licence and
  credential states makes a ``name+state`` match; a row whose STATE is none of
  them is a namesake elsewhere, not a match; a row without a STATE is a
  ``name only`` match, always uncertain;
* a middle-name conflict is no match, unless the dates of birth agree (then uncertain).

A ``name+state`` match is **certain** when the surname and first name are
exact, the middle names agree, and it is the only provider in that state the
row matches; a ``name+dob`` match when the surname and first name are exact and
the middle names do not conflict. Every other match is **uncertain** and goes to
review: a surname that is only part of a hyphenated one, a partial first name,
a middle name missing on either side, several providers of the name in the
state (a common name), no state on the row.

**A business** (a row with BUSNAME only) and a directory organization, through
its legal name or any other name (DBA, former legal name, other): the names
compared as words after ``&`` is read as AND, a leading THE and trailing legal
forms (INC, LLC, PLLC, PC, PA, CORP ...) are dropped; they must be equal. With
the row's STATE among the organization's states it is a ``business name+state``
match, certain when it is the only such organization in the state; another
state is no match; no state on the row makes an uncertain match.

Probabilities: 1.0 by NPI, 0.99 certain ``name+dob``, 0.95 certain
``name+state`` and ``business name+state``; an uncertain match starts at 0.9 and
loses 0.15 for a surname part, 0.1 for a partial first name, 0.15 for a missing
middle name, 0.2 for a middle-name conflict, 0.2 for namesakes in the state and
0.25 for no state, kept between 0.05 and 0.89.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..model import EntityType, ExclusionRecord, NameCandidate
from ..store.port_exclusions import name_words

SUFFIXES = frozenset({"JR", "SR", "II", "III", "IV", "V"})
PREFIXES = frozenset({"DR", "MR", "MRS", "MS", "MISS", "PROF"})
LEGAL_FORMS = frozenset(
    {"INC", "INCORPORATED", "LLC", "PLLC", "PC", "PA", "LLP", "LP", "LTD", "CORP", "CORPORATION", "CO", "COMPANY"}
)
#: NPPES other-name type codes that are a person's names.
PERSON_NAME_TYPES = frozenset({"1", "2", "5", None})
OTHER_NAME_TYPES = {
    "1": "former name",
    "2": "professional name",
    "3": "DBA",
    "4": "former legal name",
    "5": "other name",
}

NPI, NAME_DOB, NAME_STATE, NAME_ONLY = "npi", "name+dob", "name+state", "name only"
BUSINESS, BUSINESS_ONLY = "business name+state", "business name only"


@dataclass(frozen=True, slots=True)
class Match:
    """One row and one provider that may be the same, with why."""

    npi: str
    method: str  # NPI, NAME_DOB, NAME_STATE, NAME_ONLY, BUSINESS, BUSINESS_ONLY
    certain: bool
    probability: float
    agreement: dict[str, str] = field(default_factory=dict)  # field -> how it agreed


@dataclass(frozen=True, slots=True)
class _Version:
    """One name of a directory person: where it comes from and its words."""

    source: str  # "legal name" or e.g. "former name 'JANE SMITH'"
    first: tuple[str, ...]
    middle: tuple[str, ...]
    surname: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _NameAgreement:
    version: _Version
    surname: str  # exact, part
    first: str  # exact, partial
    middle: str  # agree, missing, conflict

    @property
    def rank(self) -> tuple[int, int, int]:
        return (
            self.surname == "exact",
            self.first == "exact",
            {"agree": 2, "missing": 1, "conflict": 0}[self.middle],
        )


def surname_words(text: str | None) -> tuple[str, ...]:
    words = name_words(text)
    while len(words) > 1 and words[-1] in SUFFIXES:
        words.pop()
    return tuple(words)


def organization_key(text: str | None) -> tuple[str, ...]:
    """A business name as compared: & as AND, no leading THE, no trailing legal forms."""
    words = name_words((text or "").replace("&", " AND "))
    if len(words) > 1 and words[0] == "THE":
        words = words[1:]
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return tuple(words)


def _surname_relation(row: tuple[str, ...], directory: tuple[str, ...]) -> str | None:
    if not row or not directory:
        return None
    if row == directory:
        return "exact"
    a, b = set(row), set(directory)
    return "part" if a < b or b < a else None


def _first_relation(row: tuple[str, ...], directory: tuple[str, ...]) -> str | None:
    if not row or not directory:
        return None
    if row == directory:
        return "exact"
    return "partial" if row[0] == directory[0] else None


def _middle_relation(row: tuple[str, ...], directory: tuple[str, ...]) -> str:
    if not row or not directory:
        return "missing"
    a, b = row[0], directory[0]
    if a == b or ((len(a) == 1 or len(b) == 1) and a[0] == b[0]):
        return "agree"
    return "conflict"


def _versions(candidate: NameCandidate, row_surname: tuple[str, ...]) -> list[_Version]:
    """The legal name, and each other name read against the row's surname."""
    out = [
        _Version(
            "legal name",
            tuple(name_words(candidate.first_name)),
            tuple(name_words(candidate.middle_name)),
            surname_words(candidate.last_name),
        )
    ]
    for name, code in candidate.other_names:
        if code not in PERSON_NAME_TYPES:
            continue
        words = name_words(name.split(",", 1)[0])
        while words and words[0] in PREFIXES:
            words.pop(0)
        while len(words) > 2 and words[-1] in SUFFIXES:
            words.pop()
        if len(words) < 2:
            continue
        label = f"{OTHER_NAME_TYPES.get(code or '', 'other name')} {name!r}"
        tails = [tuple(words[-k:]) for k in range(len(words) - 1, 0, -1)]  # longest surname first
        best = next((t for t in tails if t == row_surname), None) or next(
            (t for t in tails if _surname_relation(row_surname, t)), tails[-1]
        )
        out.append(_Version(label, (words[0],), tuple(words[1 : len(words) - len(best)]), best))
    return out


def _best_name(record: ExclusionRecord, candidate: NameCandidate) -> _NameAgreement | None:
    row_surname = surname_words(record.last_name)
    row_first = tuple(name_words(record.first_name))
    row_middle = tuple(name_words(record.middle_name))
    found = []
    for version in _versions(candidate, row_surname):
        surname = _surname_relation(row_surname, version.surname)
        first = _first_relation(row_first, version.first)
        if surname and first:
            found.append(_NameAgreement(version, surname, first, _middle_relation(row_middle, version.middle)))
    return max(found, key=lambda a: a.rank) if found else None


def _probability(penalties: Sequence[float]) -> float:
    return round(min(0.89, max(0.05, 0.9 - sum(penalties))), 2)


def match_person(record: ExclusionRecord, candidate: NameCandidate) -> Match | None:
    """The match of an individual's row with one directory individual, before
    the namesake rule (see :func:`match_record`); None when they are not the same."""
    if candidate.entity_type is not EntityType.INDIVIDUAL:
        return None
    name = _best_name(record, candidate)
    if name is None:
        return None
    dob = None
    if record.birth_date is not None and candidate.birth_date is not None:
        if record.birth_date != candidate.birth_date:
            return None
        dob = "agree"
    state = record.state.upper() if record.state else ""
    in_state = bool(state) and state in candidate.states
    if name.middle == "conflict" and dob is None:
        return None
    if dob is None and state and not in_state:
        return None  # a namesake in another state
    if dob:
        dob_text = "agree"
    elif record.birth_date is None:
        dob_text = "not on the row"
    else:
        dob_text = "not in the directory"
    agreement = {
        "surname": f"{name.surname} ({name.version.source})",
        "first_name": name.first,
        "middle_name": name.middle,
        "dob": dob_text,
        "state": f"{state} among {', '.join(candidate.states)}"
        if in_state
        else (f"{state} not among the provider's states" if state else "not on the row"),
    }
    exact = name.surname == "exact" and name.first == "exact"
    if dob:
        method, certain = NAME_DOB, exact and name.middle != "conflict"
    elif in_state:
        method, certain = NAME_STATE, exact and name.middle == "agree"
    else:
        method, certain = NAME_ONLY, False
    penalties = [
        0.15 if name.surname == "part" else 0.0,
        0.1 if name.first == "partial" else 0.0,
        0.15 if name.middle == "missing" else 0.0,
        0.2 if name.middle == "conflict" else 0.0,
        0.25 if method == NAME_ONLY else 0.0,
    ]
    probability = (0.99 if method == NAME_DOB else 0.95) if certain else _probability(penalties)
    return Match(candidate.npi, method, certain, probability, agreement)


def match_business(record: ExclusionRecord, candidate: NameCandidate) -> Match | None:
    """The match of a business row with one directory organization, before the
    namesake rule; None when they are not the same."""
    if candidate.entity_type is not EntityType.ORGANIZATION:
        return None
    key = organization_key(record.business_name)
    names = [("legal name", candidate.organization_name)] + [
        (f"{OTHER_NAME_TYPES.get(code or '', 'other name')} {name!r}", name) for name, code in candidate.other_names
    ]
    via = next((label for label, name in names if key and organization_key(name) == key), None)
    if via is None:
        return None
    state = record.state.upper() if record.state else ""
    if state and state not in candidate.states:
        return None
    agreement = {
        "business_name": f"equal ({via})",
        "state": f"{state} among {', '.join(candidate.states)}" if state else "not on the row",
    }
    if state:
        return Match(candidate.npi, BUSINESS, True, 0.95, agreement)
    return Match(candidate.npi, BUSINESS_ONLY, False, _probability([0.25]), agreement)


def match_record(record: ExclusionRecord, candidates: Sequence[NameCandidate]) -> list[Match]:
    """Every directory provider the row may be, by NPI, then by name (see the
    module docstring); several matches by state make each uncertain."""
    if record.npi:
        return [Match(c.npi, NPI, True, 1.0, {"npi": f"equal ({c.npi})"}) for c in candidates if c.npi == record.npi][
            :1
        ]
    rule = match_business if record.is_business else match_person
    found = [m for m in (rule(record, c) for c in candidates) if m is not None]
    by_state = [m for m in found if m.method in (NAME_STATE, BUSINESS)]
    if len(by_state) < 2:
        return found
    namesakes = f"{len(by_state)} providers of the name in {record.state.upper()}"
    out = []
    for m in found:
        if m.method not in (NAME_STATE, BUSINESS):
            out.append(m)
            continue
        penalty = 0.2 + (0.0 if m.certain else 0.9 - m.probability)
        agreement = {**m.agreement, "namesakes": namesakes}
        out.append(Match(m.npi, m.method, False, _probability([penalty]), agreement))
    return out
