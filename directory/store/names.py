"""Typo-tolerant name search: the one definition every backend shares.

**Words.** A name is cut into words: upper case, Unicode NFKD with the
combining marks dropped (ZOË -> ZOE), a few letters NFKD leaves whole folded by
hand (Ø -> O, Æ -> AE, ß -> SS ...), and every character outside A-Z and 0-9 a
separator ("O'Neil-Smith" -> O, NEIL, SMITH).

**A query word matches a name word** when they are equal; or the query word has
at least 3 characters and is a prefix of the name word (QUIL -> QUILLPOCKET); or
the query word has at least 4 characters and their optimal-string-alignment
distance is 1: one substitution, insertion, deletion or transposition of two
adjacent characters (QUILPOCKET -> QUILLPOCKET, JONH -> JOHN).

Distance 2 is not allowed, for long words either. The set of strings within two
edits of an 8-letter word over A-Z0-9 has about 10^5 members, too many index
probes for an exact lookup (a deletion-neighbourhood index would be exact but
several times the size of the word index), and distinct surnames are often two
edits apart (MARROWPOCKET and MALLOWPOCKET in the bundled sample); a long word
typed with two slips still finds its name through its correct prefix.

**A provider matches a name query** when every word of the query matches some
word of *one* of its names; words the query repeats count once, and two query
words may match the same name word. The names are the legal name (an
organization's legal business name; an individual's "first middle last", and
"first last" without the middle name) and every other name (NPPES other names,
``othername_pfile`` DBAs and former names). The record's name prefix, suffix
and credential text are not part of its legal name: "Smith MD" does not find
John Smith, MD, since "MD" would otherwise match most of the store. Other
names are indexed as their source writes them (the NPPES reader spells an
individual's other name with its own prefix and credential). A query with no
word matches nothing.

**Candidates** come from an exact index lookup of name words, the same on
every backend: for each query word, the range of words it prefixes (or only
itself, under 3 characters) and each string one edit away (:func:`lookup_ranges`).
The word index is kept per name, so a backend returns exactly the names that
match; :func:`name_score` applies the rule again to the names it returns, so
the result cannot differ between backends.

**Order**: by :func:`name_score`, the best over the provider's matching names of
the mean, over the query words, of the rapidfuzz ``ratio`` between the query
word and the name word it matches best (100 for an equal word, about 95 for one
typo in a 10-letter word, less for a short prefix), so exact words rank above
typos and prefixes; then the search's own tie-breaks (distance, name, NPI).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from ..errors import InputError

#: Shortest query word that matches the name words it is a prefix of.
MIN_PREFIX = 3
#: Shortest query word that matches a name word one edit away.
MIN_TYPO = 4
#: Most distinct words, and characters, in one name query: bounds the index probes.
MAX_QUERY_WORDS = 8
MAX_QUERY_CHARS = 200
#: Characters of a name word, in code-point (= byte = UTF-16) order.
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: Sorts after every name word that starts with a given prefix (it follows "Z").
PREFIX_END = "~"

# Letters NFKD does not decompose, folded the way US registries spell them.
_FOLD = str.maketrans({"Ø": "O", "Æ": "AE", "Œ": "OE", "Ł": "L", "Đ": "D", "Ð": "D", "Þ": "TH", "ẞ": "SS", "ı": "I"})
_SEPARATORS = re.compile("[^A-Z0-9]+")


@lru_cache(maxsize=1 << 16)
def _words(name: str) -> tuple[str, ...]:
    upper = name.upper()  # first: it can make combining marks (ǰ -> J + caron) and spells ß as SS
    if not upper.isascii():  # most names are ASCII: a national index build calls this a million times
        folded = unicodedata.normalize("NFKD", upper.translate(_FOLD))
        upper = "".join(c for c in folded if not unicodedata.combining(c))
    return tuple(w for w in _SEPARATORS.split(upper) if w)


def name_words(name: str) -> tuple[str, ...]:
    """The words of a name, in order (see the module docstring)."""
    return _words(name)


def index_words(names: Iterable[str]) -> list[str]:
    """The distinct words of some names, sorted: what a word index stores."""
    return sorted({w for name in names for w in _words(name)})


def words_json(name: str | None) -> str:
    """The words of one name as a JSON array, the SQLite function ``name_words``
    (repeats kept: the index ignores them). Written out, since words need no
    escaping: a national index build calls it a million times."""
    words = _words(name) if name else ()
    return '["' + '","'.join(words) + '"]' if words else "[]"


def query_words(query: str) -> tuple[str, ...]:
    """The distinct words of a name query, in order. InputError when the query
    is too long to look up."""
    if len(query) > MAX_QUERY_CHARS:
        raise InputError(f"a name to search for has at most {MAX_QUERY_CHARS} characters")
    words = tuple(dict.fromkeys(_words(query)))
    if len(words) > MAX_QUERY_WORDS:
        raise InputError(f"a name to search for has at most {MAX_QUERY_WORDS} words")
    return words


def word_matches(query_word: str, word: str) -> bool:
    """The word rule of the module docstring."""
    if query_word == word:
        return True
    if len(query_word) >= MIN_PREFIX and word.startswith(query_word):
        return True
    return len(query_word) >= MIN_TYPO and OSA.distance(query_word, word, score_cutoff=1) == 1


def _word_score(query_word: str, words: tuple[str, ...]) -> float | None:
    scores = [fuzz.ratio(query_word, w) for w in words if word_matches(query_word, w)]
    return max(scores) if scores else None


def name_score(terms: tuple[str, ...], names: Iterable[str]) -> float | None:
    """Score (0..100) of the best of ``names`` that matches the query words
    ``terms``; None when none matches (or there are no terms)."""
    best = None
    for name in names:
        words = _words(name)
        total = 0.0
        for term in terms:
            score = _word_score(term, words)
            if score is None:
                break
            total += score
        else:
            if terms and (best is None or total / len(terms) > best):
                best = total / len(terms)
    return None if best is None else round(best, 2)


def one_edit_variants(word: str) -> set[str]:
    """Every string over :data:`ALPHABET` one deletion, adjacent transposition,
    substitution or insertion away from ``word`` (``word`` itself excluded)."""
    n = len(word)
    out = {word[:i] + word[i + 1 :] for i in range(n)}
    out.update(word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(n - 1))
    out.update(word[:i] + c + word[i + 1 :] for i in range(n) for c in ALPHABET)
    out.update(word[:i] + c + word[i:] for i in range(n + 1) for c in ALPHABET)
    out.discard(word)
    return out


def lookup_ranges(terms: tuple[str, ...]) -> list[dict]:
    """The index lookups of a query: ``{"term": i, "lo": ..., "hi": ...}``, an
    inclusive range of name words that match query word ``i``. A prefix range
    runs from the word to the word + :data:`PREFIX_END`; every other key is one
    exact word (lo == hi), skipped when a prefix range of the same term covers it.
    Sorted, so the lookups walk the index in order."""
    ranges = []
    for i, term in enumerate(terms):
        prefix = len(term) >= MIN_PREFIX
        ranges.append({"term": i, "lo": term, "hi": term + PREFIX_END if prefix else term})
        if len(term) >= MIN_TYPO:
            ranges.extend(
                {"term": i, "lo": v, "hi": v} for v in one_edit_variants(term) if not (prefix and v.startswith(term))
            )
    return sorted(ranges, key=lambda r: (r["lo"], r["term"]))
