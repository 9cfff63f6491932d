"""Depth, alias and cost limits refuse expensive queries before they run;
unexpected errors are masked."""

from __future__ import annotations

import requests

from directory import settings
from directory.store import open_store
from schema import create_app

MAX_DEPTH = settings.get_int("max_query_depth", {})
MAX_ALIASES = settings.get_int("max_aliases", {})
MAX_COST = settings.get_int("max_query_cost", {})


def test_too_deep_a_query_is_refused(api, directory_store):
    _, d = directory_store
    # each affiliation hop adds two levels
    inner = "npi"
    for _ in range(MAX_DEPTH // 2):
        inner = f"affiliations {{ organization {{ {inner} }} }}"
    before = directory_store[0].round_trips
    body = api.gql(f'{{ provider(npi: "{d.in_plan_near[0]}") {{ {inner} }} }}')
    assert body["errors"][0]["message"] == f"'anonymous' exceeds maximum operation depth of {MAX_DEPTH}"
    assert directory_store[0].round_trips == before  # refused before touching the store
    shallow = "affiliations { organization { affiliations { individual { npi } } } }"
    assert api.data(f'{{ provider(npi: "{d.in_plan_near[0]}") {{ {shallow} }} }}')["provider"]


def test_too_many_aliases_are_refused(api):
    fields = " ".join(f"a{i}: viewer {{ role }}" for i in range(MAX_ALIASES + 1))
    body = api.gql(f"{{ {fields} }}")
    assert body["errors"][0]["message"] == f"{MAX_ALIASES + 1} aliases found. Allowed: {MAX_ALIASES}"
    fields = " ".join(f"a{i}: viewer {{ role }}" for i in range(MAX_ALIASES))
    assert len(api.data(f"{{ {fields} }}")) == MAX_ALIASES


def test_too_costly_a_query_is_refused_with_its_cost(api, directory_store):
    # cost = 1 + first * (1 edge + 1 node + 20 affiliations * (1 + 1 organization + 20 locations))
    query = """query($first: Int!) { searchProviders(filter: {state: "NY"}, first: $first) { edges { node {
        affiliations { organization { locations { city } } } } } } }"""
    before = directory_store[0].round_trips
    body = api.gql(query, {"first": 100})
    error = body["errors"][0]
    assert error["message"].startswith("query cost ")
    assert f"exceeds the maximum of {MAX_COST}" in error["message"]
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 1 + 100 * 442, "maxCost": MAX_COST}
    assert directory_store[0].round_trips == before
    # the same shape on a small page is fine: the cost follows the page size given in the variables
    assert "errors" not in api.gql(query, {"first": 10})  # cost 4421


def test_unexpected_errors_are_masked(tmp_path, serve):
    store = open_store(f"sqlite:///{tmp_path / 'closed.db'}")
    store.close()  # every store call now fails inside the adapter
    client = serve(create_app(store))
    body = client.gql('{ provider(npi: "1234567893") { npi } }')
    assert body["errors"] == [
        {
            "message": "Unexpected error.",
            "locations": [{"line": 1, "column": 3}],
            "path": ["provider"],
            "extensions": {"code": "INTERNAL"},
        }
    ]
    health = requests.get(f"{client.url}/healthz", timeout=10)
    assert health.status_code == 503 and health.json() == {"status": "unavailable", "backend": "sqlite"}


def test_fragments_do_not_hide_cost(api):
    query = """query { searchProviders(filter: {state: "NY"}, first: 100) { ...Page } }
        fragment Page on ProviderConnection { edges { node { ... on Provider { ...Deep } } } }
        fragment Deep on Provider { affiliations { organization { locations { city } } } }"""
    error = api.gql(query)["errors"][0]
    assert error["extensions"]["cost"] == 1 + 100 * 442
