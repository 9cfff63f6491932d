"""The content hash: its text is the one a plain ``asdict`` conversion gives
(hashes already stored stay valid), and digests handed in by an ingest count
exactly like digests the store computes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime
from enum import Enum

from store_records import API, MIDTOWN, NPPES, PSYCHIATRY, individual, load_nucc, npi, organization

from directory.model import EntityType, Evidence, OtherName, SearchCriteria, Treatment
from directory.store.hashing import content_hash, jsonable


def reference_jsonable(value):
    """The conversion the store used first, as ``dataclasses.asdict`` recurses
    (fields added later with ``HASH_OMITS_NONE`` appear only when set)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if is_dataclass(value):
        return {
            f.name: reference_jsonable(getattr(value, f.name))
            for f in fields(value)
            if not (f.metadata.get("hash_omits_none") and getattr(value, f.name) is None)
        }
    if isinstance(value, dict):
        return {k: reference_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [reference_jsonable(v) for v in value]
    return value


def text(convert, value) -> str:
    return json.dumps(convert(value), sort_keys=True, separators=(",", ":"), default=str)


@dataclass
class Odd:
    mapping: dict = field(default_factory=lambda: {"b": [date(2020, 1, 1), (1, 2.5)], "a": {"z": None}})
    moment: datetime = datetime(2020, 1, 2, 3, 4, 5)
    numbers: set = field(default_factory=lambda: {3})
    mixed: tuple = (EntityType.INDIVIDUAL, float("inf"), 10**30, True, 'é\u2028"')


def test_same_text_as_the_asdict_conversion():
    person = individual(npi(1), "Mary", "O'Brien")
    person.other_names = [OtherName("Mary Kelly", "1", API)]
    org = organization(npi(2), "Northside Mental Health Center")
    criteria = SearchCriteria(treatments=(Treatment.TMS_STANDARD,), taxonomy_codes=(PSYCHIATRY,), name="x")
    for value in (person, org, criteria, Odd(), MIDTOWN, NPPES):
        assert text(jsonable, value) == text(reference_jsonable, value)
    assert content_hash(person) != content_hash(org)


def test_hashes_stored_before_the_evidence_grew_stay_valid():
    # taken before Evidence had ``file`` and ``link_probability``: a store full of
    # NPPES records must not see them all as changed after the upgrade
    person = individual(npi(1), "Mary", "O'Brien")
    person.other_names = [OtherName("Mary Kelly", "1", API)]
    assert content_hash(person) == "3beb39da623afa98926c433bb3e0789f"
    assert content_hash(organization(npi(2), "Northside Mental Health Center")) == "7652cbb013b78721dcc6414ec69694f6"
    linked = Evidence("roster-acme", date(2026, 1, 2), "roster", 0.8, "roster-acme:7", "acme.csv", 0.97)
    assert jsonable(linked)["file"] == "acme.csv" and jsonable(linked)["link_probability"] == 0.97
    assert "file" not in jsonable(Evidence("nppes", date(2026, 1, 2), "bulk_file"))


def test_digests_given_by_the_caller_count_like_computed_ones(store):
    load_nucc(store)
    records = [individual(npi(i), f"P{i}") for i in range(1, 4)]
    first = store.upsert_providers(records, digests=[content_hash(r) for r in records])
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    again = store.upsert_providers(records)  # computed by the store: the same hashes, so unchanged
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    changed = individual(npi(1), "Renamed")
    third = store.upsert_providers([changed, records[1]], digests=[content_hash(changed), content_hash(records[1])])
    assert (third.inserted, third.updated, third.unchanged) == (0, 1, 1)
    assert store.providers([npi(1)])[npi(1)].first_name == "Renamed"
