"""search(): paging to the 1,200-record ceiling and sharding past it."""

from __future__ import annotations

import pytest
from registry_server import PAGE_FILE, recorded, synthesize

from directory.errors import InputError
from directory.npi import is_valid_npi


def _numbers(results) -> list[str]:
    return [str(r["number"]) for r in results]


def test_a_recorded_page_comes_back_whole_in_one_request(make_client, registry):
    results = list(make_client().search(last_name="RECORDED"))
    assert results == recorded(PAGE_FILE)["results"]
    assert registry.searches() == [{"last_name": "RECORDED", "limit": "200", "skip": "0"}]


def test_no_results(make_client, registry):
    assert list(make_client().search(last_name="NOBODY")) == []
    assert len(registry.queries) == 1


def test_pages_with_limit_200_until_a_short_page(make_client, registry):
    registry.population = synthesize(450, lambda i: f"30{i % 10}291234", lambda i: "Psychiatry")
    numbers = _numbers(make_client().search(last_name="SYNTH"))
    assert sorted(numbers) == sorted(_numbers(registry.population))
    assert len(set(numbers)) == 450 and all(is_valid_npi(n) for n in numbers)
    assert [(q["limit"], q["skip"]) for q in registry.searches()] == [("200", "0"), ("200", "200"), ("200", "400")]


def test_exactly_1000_results_do_not_saturate(make_client, registry):
    registry.population = synthesize(1000, lambda i: "303291234", lambda i: "Psychiatry")
    search = make_client().search(last_name="SYNTH")
    assert len(list(search)) == 1000
    assert [q["skip"] for q in registry.searches()] == ["0", "200", "400", "600", "800", "1000"]
    assert search.queries == 1 and search.saturated == []


def test_a_saturated_query_is_sharded_by_two_digit_postal_prefix(make_client, registry):
    # 1,500 providers in three 2-digit areas: one query reaches only 1,200 of them.
    prefixes = ["10", "30", "98"]
    registry.population = synthesize(1500, lambda i: f"{prefixes[i % 3]}{i % 1000:03d}1234", lambda i: "Psychiatry")
    search = make_client().search(last_name="SYNTH", enumeration_type="NPI-1")
    numbers = _numbers(search)
    assert len(numbers) == len(set(numbers)) == 1500  # every provider, each once
    assert set(numbers) == set(_numbers(registry.population))
    shards = [q["postal_code"] for q in registry.searches() if q["skip"] == "0" and "postal_code" in q]
    assert shards == [f"{d:02d}*" for d in range(100)]
    assert all(q["last_name"] == "SYNTH" and q["enumeration_type"] == "NPI-1" for q in registry.searches())
    assert max(int(q["skip"]) for q in registry.searches()) == 1000
    assert search.saturated == [] and search.queries == 101


def test_sharding_recurses_to_zip5_then_taxonomy(make_client, registry):
    # 1,300 providers in ZIP 30329 (three specialties) and 100 in 10001.
    descriptions = ["Psychiatry", "Anesthesiology", "Clinical"]
    crowded = synthesize(1300, lambda i: f"30329{i:04d}", lambda i: descriptions[i % 3])
    elsewhere = synthesize(100, lambda i: "100011234", lambda i: "Psychiatry", first_base=160_000_000)
    registry.population = crowded + elsewhere
    search = make_client().search(last_name="SYNTH", taxonomy_shards=descriptions + ["Counselor"])
    numbers = _numbers(search)
    assert len(numbers) == len(set(numbers)) == 1400
    first_pages = [q for q in registry.searches() if q["skip"] == "0"]
    postal_codes = [q.get("postal_code") for q in first_pages]
    for expected in ("30*", "303*", "3032*", "30329"):
        assert expected in postal_codes
    taxonomy_shards = [
        (q["postal_code"], q["taxonomy_description"]) for q in first_pages if "taxonomy_description" in q
    ]
    assert taxonomy_shards == [("30329", d) for d in descriptions + ["Counselor"]]
    assert search.saturated == []


def test_a_shard_that_cannot_be_split_is_reported(make_client, registry):
    registry.population = synthesize(1300, lambda i: f"30329{i:04d}", lambda i: "Psychiatry")
    search = make_client().search(postal_code="30329", taxonomy_description="Psychiatry")
    numbers = _numbers(search)
    assert len(numbers) == len(set(numbers)) == 1200  # all the API can give
    assert search.saturated == [{"postal_code": "30329", "taxonomy_description": "Psychiatry"}]


def test_search_validates_at_once_and_refuses_paging_parameters(make_client, registry):
    client = make_client()
    with pytest.raises(InputError):
        client.search(state="GA")
    with pytest.raises(InputError, match="no limit or skip"):
        client.search(last_name="SMITH", limit=50)
    with pytest.raises(InputError, match="wildcard"):
        client.search(last_name="SMITH", taxonomy_shards=["P*"])
    assert registry.queries == []
