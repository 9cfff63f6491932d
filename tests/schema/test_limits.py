"""Depth, alias and cost limits refuse expensive queries before they run;
unexpected errors are masked. The cost is an upper bound built from the list
sizes the schema states, and the resolvers hold to them."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from pathlib import Path

import requests
from graphql import GraphQLList, GraphQLNonNull, OperationDefinitionNode, is_composite_type, is_object_type, parse

from directory import settings
from directory.model import Location, ProviderLocation
from directory.store import open_store
from schema import build_schema, create_app
from schema.limits import declared_bound, estimate_cost
from schema.networks.types import DEFAULT_PAGE, MAX_PAGE, MAX_PLAN_NETWORKS
from schema.providers.types import DEFAULT_RELATED, MAX_LOCATIONS

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


#: 1 edge + 1 node + DEFAULT_RELATED affiliations * (1 + 1 organization + MAX_LOCATIONS locations)
PER_RESULT = 2 + DEFAULT_RELATED * (2 + MAX_LOCATIONS)


def test_too_costly_a_query_is_refused_with_its_cost(api, directory_store):
    query = """query($first: Int!) { searchProviders(filter: {state: "NY"}, first: $first) { edges { node {
        affiliations { organization { locations { city } } } } } } }"""
    before = directory_store[0].round_trips
    body = api.gql(query, {"first": 100})
    error = body["errors"][0]
    assert error["message"].startswith("query cost ")
    assert f"exceeds the maximum of {MAX_COST}" in error["message"]
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 1 + 100 * PER_RESULT, "maxCost": MAX_COST}
    assert directory_store[0].round_trips == before
    # the same shape on a page small enough is fine: the cost follows the page size given in the variables
    fits = (MAX_COST - 1) // PER_RESULT
    assert "errors" not in api.gql(query, {"first": fits})
    assert api.gql(query, {"first": fits + 1})["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


def test_nested_catalogue_lists_cost_what_they_can_return(api, directory_store):
    store, _ = directory_store
    query = "{ payers { id plans { id networks { id } } } }"
    cost = DEFAULT_PAGE + DEFAULT_PAGE**2 + DEFAULT_PAGE**2 * MAX_PLAN_NETWORKS
    assert _cost(query) == cost <= MAX_COST
    payers = api.data(query)["payers"]
    assert [p["id"] for p in payers] == sorted(p.id for p in store.payers())  # all three, each with its plans
    assert {pl["id"] for p in payers for pl in p["plans"]} == {pl.id for pl in store.plans()}
    # a truly large one still fails
    large = "{ payers(first: 100) { plans(first: 100) { networks { id } } } }"
    error = api.gql(large)["errors"][0]
    assert error["extensions"]["cost"] == MAX_PAGE + MAX_PAGE**2 + MAX_PAGE**2 * MAX_PLAN_NETWORKS > MAX_COST


def test_a_first_over_its_maximum_is_refused(api, directory_store):
    _, d = directory_store
    for query, maximum in [
        ("{ payers(first: 101) { id } }", MAX_PAGE),
        ("{ networks(first: 0) { id } }", MAX_PAGE),
        ('{ plans(first: 101, payerId: "northwind") { id } }', MAX_PAGE),
        ('{ networkMembers(networkId: "northwind-ma", first: 1001) { npi } }', 1000),
        ("{ taxonomies(first: 1001) { code } }", 1000),
        (f'{{ provider(npi: "{d.organization}") {{ affiliations(first: 101) {{ role }} }} }}', 100),
    ]:
        error = api.gql(query, token="adm")["errors"][0]
        assert error["message"] == f"first must be between 1 and {maximum}", query
        assert error["extensions"]["code"] == "INVALID_INPUT"


def _cost(query: str, variables: dict | None = None) -> int:
    document = parse(query)
    (operation,) = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return estimate_cost(build_schema()._schema, document, operation, variables)


def test_every_list_of_objects_states_its_bound():
    schema = build_schema()._schema
    sdl = build_schema().as_str()
    unbounded = []
    for type_name, named in schema.type_map.items():
        if type_name.startswith("__") or not is_object_type(named):
            continue
        for field_name, field in named.fields.items():
            inner = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            if not isinstance(inner, GraphQLList):
                continue
            element = inner.of_type.of_type if isinstance(inner.of_type, GraphQLNonNull) else inner.of_type
            if not is_composite_type(element):
                continue  # lists of scalars are free
            first = field.args.get("first")
            bound = declared_bound(field)
            if first is not None and isinstance(first.default_value, int):
                assert "`first` at most" in (field.description or ""), f"{type_name}.{field_name}"
            elif bound is not None:
                assert f"At most {bound}." in (field.description or ""), f"{type_name}.{field_name}"
            else:
                unbounded.append(f"{type_name}.{field_name}")
    assert not unbounded, f"list fields without a stated bound: {unbounded}"
    assert "At most " in sdl


def test_the_readme_queries_fit_the_cost_limit():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```graphql\n(.*?)```", readme, re.S)
    inline = re.findall(r"`(\{ [^`]*\})`", readme)
    queries = blocks + [q for q in inline if q.startswith("{ ") and "first: 100" not in q]
    assert len(queries) >= 2
    for query in queries:
        assert _cost(query) <= MAX_COST, query


def test_a_list_over_its_stated_bound_is_cut_to_it(tmp_path, serve, caplog, directory_store):
    store = open_store(f"sqlite:///{tmp_path / 'many.db'}")
    source = directory_store[0].providers([directory_store[1].organization])[directory_store[1].organization]
    extra = [
        ProviderLocation(Location(f"{i} Side St", "New York", "NY", "10029"), False, source.evidence)
        for i in range(MAX_LOCATIONS + 5)
    ]
    store.upsert_providers([replace(source, locations=source.locations + extra)])
    assert len(store.locations_for([source.npi])[source.npi]) > MAX_LOCATIONS
    client = serve(create_app(store))
    with caplog.at_level(logging.WARNING, logger="schema.limits"):
        found = client.data(f'{{ provider(npi: "{source.npi}") {{ locations {{ line1 }} }} }}')
    assert len(found["provider"]["locations"]) == MAX_LOCATIONS
    assert any("over its stated bound" in r.getMessage() for r in caplog.records)
    store.close()


def test_unexpected_errors_are_masked(tmp_path, serve, monkeypatch):
    store = open_store(f"sqlite:///{tmp_path / 'closed.db'}")
    store.close()  # every store call now fails inside the adapter
    # anonymous callers let in without asking the store whether keys exist (which would fail: 503)
    monkeypatch.setenv("PROVNET_ALLOW_ANONYMOUS", "1")
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
    assert error["extensions"]["cost"] == 1 + 100 * PER_RESULT
