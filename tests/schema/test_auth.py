"""Roles and tenants over HTTP: who may read and change which network, typed
errors for refused changes, 401 for bad tokens, the admin review queue."""

from __future__ import annotations

import re

import pytest
import requests

from directory.errors import ConfigurationError
from directory.npi import make_npi
from schema import create_app

ADD = """mutation Add($network: ID!, $npis: [String!]!) {
  addNetworkMembers(networkId: $network, npis: $npis, reference: "vetting call 2025-11") {
    network { id } changed errors { code message npi } } }"""
REMOVE = """mutation Remove($network: ID!, $npis: [String!]!) {
  removeNetworkMembers(networkId: $network, npis: $npis, note: "moved away") {
    network { id } changed errors { code message npi } } }"""
MEMBERS = """query($network: ID!) { networkMembers(networkId: $network) {
  npi addedOn provider { name } evidence { kind source method reference } } }"""


def members(api, network, token):
    return [m["npi"] for m in api.data(MEMBERS, {"network": network}, token=token)["networkMembers"]]


def test_employer_curates_its_own_network(api, directory_store):
    _, d = directory_store
    chosen = [n for n in d.in_plan_near if n != d.excluded][:3]  # the excluded one: test_vetted_networks.py
    result = api.data(ADD, {"network": "acme-vetted", "npis": chosen + [chosen[0]]}, token="acme-tok")
    assert result["addNetworkMembers"] == {"network": {"id": "acme-vetted"}, "changed": 3, "errors": []}
    again = api.data(ADD, {"network": "acme-vetted", "npis": chosen}, token="acme-tok")["addNetworkMembers"]
    assert again["changed"] == 0  # already members: nothing new
    listed = api.data(MEMBERS, {"network": "acme-vetted"}, token="acme-tok")["networkMembers"]
    assert [m["npi"] for m in listed] == sorted(chosen)
    assert listed[0]["evidence"] == {
        "kind": "NETWORK_MEMBERSHIP",
        "source": "api:employer:acme",
        "method": "curation",
        "reference": "vetting call 2025-11",
    }
    assert listed[0]["addedOn"] and listed[0]["provider"]["name"]

    removed = api.data(REMOVE, {"network": "acme-vetted", "npis": [chosen[0]]}, token="acme-tok")
    assert removed["removeNetworkMembers"]["changed"] == 1
    assert members(api, "acme-vetted", "acme-tok") == sorted(chosen[1:])
    assert members(api, "acme-vetted", "adm") == sorted(chosen[1:])  # admins see every network


def test_another_employer_cannot_touch_or_read_the_network(api, directory_store):
    store, d = directory_store
    before = [m.npi for m in store.network_members("acme-vetted")]
    for mutation in (ADD, REMOVE):
        result = next(
            iter(
                api.data(mutation, {"network": "acme-vetted", "npis": [d.in_plan_near[4]]}, token="globex-tok").values()
            )
        )
        assert result["changed"] == 0 and result["network"] is None
        # another tenant's employer network is refused exactly like a missing one
        assert result["errors"] == [{"code": "NOT_FOUND", "message": "no network 'acme-vetted'", "npi": None}]
    assert [m.npi for m in store.network_members("acme-vetted")] == before
    for token in ("globex-tok", "nav-tok", "nw-tok"):
        body = api.gql(MEMBERS, {"network": "acme-vetted"}, token=token)
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    networks = api.data("{ networks { id } }", token="globex-tok")["networks"]
    assert {n["id"] for n in networks} == {"northwind-ma", "southwind-ppo", "eastwind-hmo", "globex-vetted"}
    assert api.data("{ employers { id } }", token="globex-tok")["employers"] == [{"id": "globex"}]


def test_payer_manages_its_payer_network_only(api, directory_store):
    store, d = directory_store
    newcomer = d.out_of_network[0]
    added = api.data(ADD, {"network": "northwind-ma", "npis": [newcomer]}, token="nw-tok")["addNetworkMembers"]
    assert added["changed"] == 1 and added["errors"] == []
    assert newcomer in {m.npi for m in store.network_members("northwind-ma")}
    refused = api.data(ADD, {"network": "acme-vetted", "npis": [newcomer]}, token="nw-tok")["addNetworkMembers"]
    assert refused["errors"][0]["code"] == "NOT_FOUND"  # an employer network does not exist for a payer
    refused = api.data(ADD, {"network": "southwind-ppo", "npis": [newcomer]}, token="nw-tok")["addNetworkMembers"]
    assert refused["errors"] == [
        {"code": "FORBIDDEN", "message": "payer:northwind may not change network 'southwind-ppo'", "npi": None}
    ]
    # the member list is the payer's (and admins'): public data says only which payer networks a provider is in
    assert newcomer in members(api, "northwind-ma", "nw-tok")
    assert newcomer in members(api, "northwind-ma", "adm")
    assert api.gql(MEMBERS, {"network": "northwind-ma"}, token="nav-tok")["errors"][0]["extensions"]["code"] == (
        "FORBIDDEN"
    )


def test_a_navigator_cannot_change_networks(api, directory_store):
    store, d = directory_store
    result = api.data(ADD, {"network": "northwind-ma", "npis": [d.far[0]]}, token="nav-tok")["addNetworkMembers"]
    assert result["errors"] == [{"code": "FORBIDDEN", "message": "a navigator may not change networks", "npi": None}]
    result = api.data(REMOVE, {"network": "northwind-ma", "npis": [d.far[0]]})["removeNetworkMembers"]
    assert result["errors"][0]["code"] == "FORBIDDEN"
    assert d.far[0] in {m.npi for m in store.network_members("northwind-ma")}


def test_bad_rows_refuse_the_whole_change(api, directory_store):
    store, d = directory_store
    before = {m.npi for m in store.network_members("acme-vetted")}
    unknown = make_npi("188888888")
    result = api.data(ADD, {"network": "acme-vetted", "npis": [d.far[1], unknown]}, token="acme-tok")
    payload = result["addNetworkMembers"]
    assert payload["changed"] == 0
    assert payload["errors"] == [{"code": "NOT_FOUND", "message": f"no provider with NPI {unknown}", "npi": unknown}]
    payload = api.data(ADD, {"network": "acme-vetted", "npis": [d.far[1], "12345"]}, token="acme-tok")
    assert payload["addNetworkMembers"]["errors"] == [
        {"code": "INVALID_INPUT", "message": "'12345' is not a valid NPI", "npi": "12345"}
    ]
    payload = api.data(ADD, {"network": "no-such-net", "npis": [d.far[1]]}, token="adm")["addNetworkMembers"]
    assert payload["errors"][0]["code"] == "NOT_FOUND"
    assert {m.npi for m in store.network_members("acme-vetted")} == before


def test_bad_or_missing_token_is_401(api):
    for headers in ({"Authorization": "Bearer wrong"}, {"Authorization": "Basic YTpi"}, {}):
        response = requests.post(
            f"{api.url}/graphql", json={"query": "{ viewer { role } }"}, headers=headers, timeout=10
        )
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert api.data("{ viewer { role tenant } }", token="acme-tok")["viewer"] == {"role": "EMPLOYER", "tenant": "acme"}


def test_without_tokens_everyone_is_an_anonymous_navigator(anonymous_api, directory_store):
    _, d = directory_store
    assert anonymous_api.data("{ viewer { role tenant } }")["viewer"] == {"role": "NAVIGATOR", "tenant": None}
    payload = anonymous_api.data(ADD, {"network": "northwind-ma", "npis": [d.far[0]]})["addNetworkMembers"]
    assert payload["errors"][0]["code"] == "FORBIDDEN"


def test_review_queue_is_for_admins(api, directory_store):
    store, d = directory_store
    query = "{ reviewQueue { matchId left right probability agreement { comparison level } status } }"
    body = api.gql(query, token="acme-tok")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    queue = api.data(query, token="adm")["reviewQueue"]
    assert [m["matchId"] for m in queue] == ["m-1"]
    assert queue[0]["agreement"] == [{"comparison": "name", "level": "fuzzy>=0.92 (+6.1)"}]

    decide = """mutation($id: ID!, $d: MatchDecision!) { decideMatch(matchId: $id, decision: $d) {
        match { status decidedBy } errors { code message } } }"""
    refused = api.data(decide, {"id": "m-1", "d": "MERGE"}, token="acme-tok")["decideMatch"]
    assert refused == {"match": None, "errors": [{"code": "FORBIDDEN", "message": "only an admin may decide matches"}]}
    missing = api.data(decide, {"id": "nope", "d": "MERGE"}, token="adm")["decideMatch"]
    assert missing["errors"][0]["code"] == "NOT_FOUND"
    done = api.data(decide, {"id": "m-1", "d": "REJECT"}, token="adm")["decideMatch"]
    assert done == {"match": {"status": "REJECTED", "decidedBy": "admin"}, "errors": []}
    assert api.data(query, token="adm")["reviewQueue"] == []
    assert store.matches(ids=["m-1"])[0].decided_by == "admin"


@pytest.mark.parametrize(
    "tokens,message",
    [
        ("t1=superuser", "token=role[:tenant] with role one of navigator, employer, payer, admin"),
        ("t1", "token=role[:tenant]"),
        ("t1=employer", "role employer needs a tenant"),
        ("t1=payer:", "role payer needs a tenant"),
    ],
)
def test_malformed_tokens_stop_the_app_from_starting(monkeypatch, sqlite_store, tokens, message):
    monkeypatch.setenv("PROVNET_AUTH_TOKENS", tokens)
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        create_app(sqlite_store)
