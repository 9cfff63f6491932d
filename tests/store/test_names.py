"""The name rule itself (``directory.store.names``): words, the word rule, and
that the index lookups of a query find exactly the words the rule matches, so a
backend's candidates are the rule's matches and nothing else."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from directory.errors import InputError
from directory.store.names import (
    ALPHABET,
    index_words,
    lookup_ranges,
    name_score,
    name_words,
    one_edit_variants,
    query_words,
    word_matches,
    words_json,
)


@pytest.mark.parametrize(
    "name, words",
    [
        ("Zoë Quillpocket", ("ZOE", "QUILLPOCKET")),
        ("O'Neil-Smith, Ann B.", ("O", "NEIL", "SMITH", "ANN", "B")),
        ("JOSÉ NÚÑEZ", ("JOSE", "NUNEZ")),
        ("Søren Strauß", ("SOREN", "STRAUSS")),
        ("Æsir Łukasz", ("AESIR", "LUKASZ")),
        ("ＡＢＣ ﬁsh", ("ABC", "FISH")),  # compatibility forms: fullwidth letters, a ligature
        ("St. Mary's 2nd Clinic", ("ST", "MARY", "S", "2ND", "CLINIC")),
        ("!!! ??", ()),
    ],
)
def test_name_words(name, words):
    assert name_words(name) == words


def test_index_and_query_words():
    assert index_words(["Ann B O'Neil", "Ann O'Neil"]) == ["ANN", "B", "NEIL", "O"]
    assert json.loads(words_json("Zoë O'Neil, Zoe")) == ["ZOE", "O", "NEIL", "ZOE"] and words_json(None) == "[]"
    assert words_json("!!") == "[]"
    assert query_words("smith  Smith, JOHN") == ("SMITH", "JOHN")  # a repeated word counts once
    with pytest.raises(InputError):
        query_words("a b c d e f g h i")
    with pytest.raises(InputError):
        query_words("x" * 201)


@pytest.mark.parametrize(
    "query, word, matches",
    [
        ("SMITH", "SMITH", True),
        ("SMI", "SMITHERS", True),  # prefix, 3 letters
        ("SM", "SMITH", False),  # too short for a prefix
        ("SM", "SM", True),
        ("JON", "JOHN", False),  # one edit, but too short for a typo
        ("JONH", "JOHN", True),  # transposition
        ("SMYTH", "SMITH", True),  # substitution
        ("SMITHH", "SMITH", True),  # insertion in the query
        ("SMTH", "SMITH", True),  # deletion in the query
        ("QUILPOCKET", "QUILLPOCKET", True),
        ("QUILPOCKET", "COBBLEPOCKET", False),
        ("MARROWPOCKET", "MALLOWPOCKET", False),  # two edits, long or not
        ("ABCD", "BADC", False),  # two transpositions
        ("CA", "AC", False),
    ],
)
def test_word_rule(query, word, matches):
    assert word_matches(query, word) is matches


def test_one_edit_variants_are_exactly_the_strings_one_edit_away():
    word = "JOHN"
    variants = one_edit_variants(word)
    assert word not in variants and "JONH" in variants and "JOH" in variants and "JOHNS" in variants
    assert all(OSA.distance(word, v) == 1 for v in variants)
    n, a = len(word), len(ALPHABET)
    # deletions + transpositions + substitutions + insertions, less the duplicates among them
    assert len(variants) <= n + (n - 1) + (a - 1) * n + a * (n + 1)
    assert len(variants) > 300


def _covered(word: str, ranges: list[dict]) -> set[int]:
    return {r["term"] for r in ranges if r["lo"] <= word <= r["hi"]}


words = st.text(alphabet="ABCJNOS", min_size=1, max_size=7)


@settings(max_examples=400, deadline=None)
@given(query=st.lists(words, min_size=1, max_size=3, unique=True), word=words)
def test_lookup_ranges_find_exactly_the_words_the_rule_matches(query, word):
    terms = tuple(query)
    ranges = lookup_ranges(terms)
    assert _covered(word, ranges) == {i for i, term in enumerate(terms) if word_matches(term, word)}


def test_lookup_ranges_are_sorted_exact_keys_and_prefixes():
    ranges = lookup_ranges(("QUIL", "ZO"))
    assert ranges == sorted(ranges, key=lambda r: (r["lo"], r["term"]))
    assert {"term": 0, "lo": "QUIL", "hi": "QUIL~"} in ranges and {"term": 1, "lo": "ZO", "hi": "ZO"} in ranges
    assert [r for r in ranges if r["term"] == 1] == [{"term": 1, "lo": "ZO", "hi": "ZO"}]  # no prefix, no typo
    # one-edit keys that start with the word are inside its prefix range already
    assert not any(r["term"] == 0 and r["lo"] != "QUIL" and r["lo"].startswith("QUIL") for r in ranges)


def test_name_score_is_the_best_matching_name():
    terms = ("JOHN", "SMITH")
    assert name_score(terms, ["John Smith"]) == 100.0
    assert name_score(terms, ["Jon Smith", "John Smith Jr"]) == 100.0
    assert name_score(terms, ["Johan Smyth"]) == 84.44  # mean of ratio JOHN/JOHAN 88.89 and SMITH/SMYTH 80
    assert name_score(terms, ["John Doe", "Jane Smith"]) is None  # not one name
    assert name_score((), ["John Smith"]) is None
