"""The app around the schema: health, GraphiQL, and the committed SDL."""

from __future__ import annotations

from pathlib import Path

import requests

from schema import export_sdl

SDL = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


def test_committed_sdl_matches_the_code():
    committed = SDL.read_text(encoding="utf-8") if SDL.exists() else ""
    assert committed == export_sdl(), (
        "schema/schema.graphql is out of date with the code: regenerate it with `provnet export-schema`"
    )


def test_sdl_has_the_public_operations():
    sdl = export_sdl()
    for needle in (
        "searchProviders(filter: ProviderSearchInput!, first: Int! = 20, after: String = null, "
        "orderBy: SearchOrder! = RELEVANCE)",
        "matchProviders(need: PatientNeedInput!, first: Int! = 10): MatchProvidersPayload!",
        "provider(npi: String!): Provider",
        "addNetworkMembers(",
        "removeNetworkMembers(",
        "reviewQueue(",
        "decideMatch(",
        "enum ErrorCode",
    ):
        assert needle in sdl, needle


def test_healthz_reports_the_store(api, directory_store):
    store, _ = directory_store
    response = requests.get(f"{api.url}/healthz", timeout=10)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["backend"] == "sqlite" and body["auth"] == "tokens"
    assert body["counts"] == store.counts()


def test_graphiql_for_a_browser_and_queries_over_get(api):
    page = requests.get(f"{api.url}/graphql", headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    response = requests.get(
        f"{api.url}/graphql",
        params={"query": "{ viewer { role } }"},
        headers={"Authorization": "Bearer nav-tok"},
        timeout=10,
    )
    assert response.json() == {"data": {"viewer": {"role": "NAVIGATOR"}}}
    # mutations are never run from a GET
    response = requests.get(
        f"{api.url}/graphql",
        params={"query": 'mutation { removeNetworkMembers(networkId: "x", npis: []) { changed } }'},
        headers={"Authorization": "Bearer adm"},
        timeout=10,
    )
    assert response.status_code == 400
