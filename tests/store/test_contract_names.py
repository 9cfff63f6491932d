"""Store contract, name search: the typo-tolerant rule of ``directory.store.names``
with exact expected hits and order, on a small world loaded here and on the
bundled sample loaded through the real ingest. Runs on every backend."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from store_records import BROOKLYN, NEWARK, TIMES_SQUARE, individual, load_nucc, npi, org_npi, organization

from directory.errors import InputError
from directory.model import EntityType, SearchCriteria

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"

QUENTIN = npi(31)  # Quentin Quillpocket, Newark
ZOE = npi(32)  # Zoë Ann Quillpocket, Brooklyn
TOBIAS = npi(33)  # Tobias Cobblepocket
NETTIE = npi(34)  # Nettie Nettlepocket
JOHAN = npi(35)  # Johan Smith
JOHN = npi(36)  # John Smyth
JONATHAN = npi(37)  # Jonathan Smithers
MARY = npi(38)  # Mary Jones, formerly Mary Whitlock
LAKEVIEW = org_npi(39)  # Lakeview Ketamine Suites LLC, doing business as Lakeview Infusion
BRIGHT = org_npi(40)  # Bright Mind TMS Center


@pytest.fixture
def people(store):
    load_nucc(store)
    store.upsert_providers(
        [
            individual(QUENTIN, "Quentin", "Quillpocket", locations=(NEWARK,)),
            individual(ZOE, "Zoë", "Quillpocket", middle_name="Ann", locations=(BROOKLYN,)),
            individual(TOBIAS, "Tobias", "Cobblepocket"),
            individual(NETTIE, "Nettie", "Nettlepocket"),
            individual(JOHAN, "Johan", "Smith"),
            individual(JOHN, "John", "Smyth"),
            individual(JONATHAN, "Jonathan", "Smithers", credential_text="PhD"),
            individual(MARY, "Mary", "Jones", other_names=("Mary Whitlock",)),
            organization(LAKEVIEW, "Lakeview Ketamine Suites LLC", other_names=("Lakeview Infusion",)),
            organization(BRIGHT, "Bright Mind TMS Center"),
        ]
    )


def found(store, name: str, **criteria) -> list[str]:
    page = store.search(SearchCriteria(name=name, limit=100, **criteria))
    assert page.total == len(page.hits)
    return [h.npi for h in page.hits]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Nettlepicket", [NETTIE]),  # one substitution
        ("Quilllpocket", [QUENTIN, ZOE]),  # one letter inserted
        ("Quilpocket", [QUENTIN, ZOE]),  # one letter left out: not Cobblepocket or Nettlepocket
        ("Lakeveiw", [LAKEVIEW]),  # two adjacent letters transposed
        ("Cobblepokcet Tobais", [TOBIAS]),  # a transposition in each word
        ("Smyt", [JOHN]),  # a prefix
        ("Whitlck", [MARY]),  # an other name (a former name), one letter left out
    ],
)
def test_one_edit_or_a_prefix_matches(store, people, query, expected):
    assert found(store, query) == expected


def test_prefixes_rank_by_how_much_of_the_word_they_cover(store, people):
    # SMI starts SMITH and SMITHERS, not SMYTH; the closer word ranks first
    page = store.search(SearchCriteria(name="smi"))
    assert [h.npi for h in page.hits] == [JOHAN, JONATHAN]
    assert [h.name_score for h in page.hits] == [75.0, 54.55]  # rapidfuzz ratio SMI/SMITH, SMI/SMITHERS


def test_short_query_words_match_less(store, people):
    assert found(store, "Jo") == []  # two letters: only an equal word
    assert found(store, "Sm Johan") == []
    # three letters: equal or a prefix, never a typo (JON is one edit from JOHN but matches JONES and JONATHAN)
    assert found(store, "Jon") == [MARY, JONATHAN]
    # four letters or more: a typo too (JOHM is one edit from JOHN, two from JOHAN)
    assert found(store, "Johm") == [JOHN]
    assert found(store, "Zo Quillpocket") == []


def test_diacritics_and_punctuation_fold(store, people):
    assert found(store, "Zoe Quillpocket") == [ZOE]
    assert found(store, "ZOË  quillpocket!") == [ZOE]
    assert found(store, "zoe-ann") == [ZOE]  # a separator like any other
    assert found(store, "bright-mind tms") == [BRIGHT]  # an organization's legal name
    assert found(store, "!!! ??") == []  # no word: nothing


def test_every_query_word_must_match_a_word_of_one_name(store, people):
    assert found(store, "Quentin Quillpocket") == [QUENTIN]
    assert found(store, "Quentin Cobblepocket") == []  # one word fails for each of them
    assert found(store, "Mary Whitlock") == [MARY]  # the former name
    assert found(store, "Whitlock Jones") == []  # the former and the current name are two names
    assert found(store, "Lakeview Infusion") == [LAKEVIEW]  # the DBA
    assert found(store, "Infusion Suites") == []  # DBA and legal name, not one name
    assert found(store, "Jonathan Smithers PhD") == []  # credential text is not a name
    assert found(store, "Quillpocket Quillpocket") == found(store, "Quillpocket") == [QUENTIN, ZOE]  # once
    assert found(store, "Quillpocket", entity_type=EntityType.ORGANIZATION) == []


def test_order_is_score_then_distance_then_name(store, people):
    # equal scores: by display name without a point ...
    page = store.search(SearchCriteria(name="Quillpocket"))
    assert [(h.npi, h.name_score, h.distance_miles) for h in page.hits] == [(QUENTIN, 100.0, None), (ZOE, 100.0, None)]
    # ... by distance with one: Brooklyn is nearer Times Square than Newark
    near = store.search(SearchCriteria(name="Quillpocket", near=TIMES_SQUARE, radius_miles=20))
    assert [h.npi for h in near.hits] == [ZOE, QUENTIN]
    # an equal word outranks a typo, whatever the names: JOHN Smyth before JOHAN Smith (one edit)
    page = store.search(SearchCriteria(name="John"))
    assert [(h.npi, h.name_score) for h in page.hits] == [(JOHN, 100.0), (JOHAN, 88.89)]


def test_a_name_search_pages_like_any_other(store, people):
    first = store.search(SearchCriteria(name="pocket Quillpocket", limit=1))
    assert first.total == 0  # POCKET is a whole word of no name
    first = store.search(SearchCriteria(name="Quillpocket", limit=1))
    assert [h.npi for h in first.hits] == [QUENTIN] and first.has_next_page and first.total == 2
    second = store.search(SearchCriteria(name="Quillpocket", limit=1, after=first.end_cursor))
    assert [h.npi for h in second.hits] == [ZOE] and not second.has_next_page


def test_a_name_query_too_long_to_look_up_is_refused(store, people):
    with pytest.raises(InputError, match="at most 8 words"):
        store.search(SearchCriteria(name="a b c d e f g h i"))
    with pytest.raises(InputError, match="at most 200 characters"):
        store.search(SearchCriteria(name="x" * 201))


# ------------------------------------------------------------ bundled sample
def _sample_rows() -> list[list[str]]:
    (path,) = [p for p in SAMPLE.glob("npidata_pfile_*.csv") if not p.name.endswith("_fileheader.csv")]
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        return list(reader)


def test_the_sample_finds_the_quillpockets_for_quilpocket_and_no_namesakes(store):
    from ingest import ingest_nppes, load_taxonomies

    rows = _sample_rows()
    quillpockets = sorted({r[0] for r in rows if "QUILLPOCKET" in r})
    namesakes = {f for r in rows for f in r if f.endswith("POCKET") and f != "QUILLPOCKET"}
    assert len(quillpockets) == 3 and len(namesakes) >= 10  # COBBLEPOCKET, NETTLEPOCKET ...
    load_taxonomies(store)
    (path,) = [p for p in SAMPLE.glob("npidata_pfile_*.csv") if not p.name.endswith("_fileheader.csv")]
    ingest_nppes(store, path, scope="all")
    page = store.search(SearchCriteria(name="Quilpocket", limit=100))
    assert sorted(h.npi for h in page.hits) == quillpockets and page.total == 3
    # equal scores, so by display name
    assert [h.display_name.upper() for h in page.hits] == sorted(h.display_name.upper() for h in page.hits)
    assert {h.name_score for h in page.hits} == {95.24}  # QUILPOCKET/QUILLPOCKET
