"""Every string argument is bounded before any store call, error messages
repeat at most 200 characters of input, and request bodies over the size limit
get HTTP 413 with or without a Content-Length."""

from __future__ import annotations

import http.client
import json
import re
from urllib.parse import urlsplit

import pytest
import requests

from directory import settings
from schema import create_app

MB = 1_000_000
BIG = "x" * MB
SEARCH = "query($f: ProviderSearchInput!, $after: String) { searchProviders(filter: $f, after: $after) { totalCount } }"
ECHO_LIMIT = 200

# (query, variables, token, message): each refused before the store is asked anything.
OVERSIZED = [
    (SEARCH, {"f": {"name": "n" * 201}}, None, "name must be at most 200 characters, got 201"),
    (SEARCH, {"f": {"name": BIG}}, None, "name must be at most 200 characters, got 1,000,000"),
    (SEARCH, {"f": {"near": {"zip": BIG}, "radiusMiles": 5}}, None, "zip must be at most 20 characters, got 1,000,000"),
    (
        SEARCH,
        {"f": {"near": {"zip": "1002"}, "radiusMiles": 5}},
        None,
        "zip must be 5 or 9 digits (12345 or 12345-6789), got '1002'",
    ),
    (
        SEARCH,
        {"f": {"near": {"zip": "10029-12"}, "radiusMiles": 5}},
        None,
        "zip must be 5 or 9 digits (12345 or 12345-6789), got '10029-12'",
    ),
    (SEARCH, {"f": {"state": BIG}}, None, "state must be at most 12 characters, got 1,000,000"),
    (SEARCH, {"f": {"planId": BIG}}, None, "planId must be at most 100 characters, got 1,000,000"),
    (SEARCH, {"f": {"networkId": "n" * 101}}, None, "networkId must be at most 100 characters, got 101"),
    (SEARCH, {"f": {"state": "NY"}, "after": BIG}, None, "after must be at most 200 characters, got 1,000,000"),
    (SEARCH, {"f": {"taxonomyCodes": ["2084P0800X"] * 51}}, None, "taxonomyCodes may name at most 50 items, got 51"),
    (SEARCH, {"f": {"taxonomyCodes": [BIG]}}, None, "a taxonomy code must be at most 10 characters, got 1,000,000"),
    (SEARCH, {"f": {"treatments": ["ECT"] * 51}}, None, "treatments may name at most 50 items, got 51"),
    (
        "query($s: String) { taxonomies(search: $s) { code } }",
        {"s": BIG},
        None,
        "search must be at most 100 characters",
    ),
    ("query($id: ID!) { network(id: $id) { id } }", {"id": BIG}, None, "id must be at most 100 characters"),
    ("query($id: ID!) { networkMembers(networkId: $id) { npi } }", {"id": BIG}, "adm", "networkId must be at most 100"),
    ("query($id: ID) { plans(payerId: $id) { id } }", {"id": BIG}, None, "payerId must be at most 100 characters"),
    ("query($r: String!) { matchesFor(record: $r) { matchId } }", {"r": BIG}, "adm", "record must be at most 200"),
    (
        "query($npi: String!) { provider(npi: $npi) { npi } }",
        {"npi": BIG},
        None,
        f"'{'x' * 100}'... (1,000,000 characters) is not a valid NPI (10 digits with a valid check digit)",
    ),
    ("query($npi: String!) { provider(npi: $npi) { npi } }", {"npi": "123456789"}, None, "'123456789' is not a valid"),
]


def _longest_run(message: str, char: str) -> int:
    return max((len(m) for m in re.findall(f"{re.escape(char)}+", message)), default=0)


@pytest.mark.parametrize("query,variables,token,message", OVERSIZED, ids=[m for *_, m in OVERSIZED])
def test_oversized_arguments_are_refused_before_the_store(api, directory_store, query, variables, token, message):
    store, _ = directory_store
    before = store.round_trips
    body = api.gql(query, variables, token=token)
    error = body["errors"][0]
    assert error["message"].startswith(message), error["message"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert store.round_trips == before  # refused before any store call
    assert len(error["message"]) <= ECHO_LIMIT


def test_arguments_at_their_bound_are_accepted(api, directory_store):
    _, d = directory_store
    assert api.data(SEARCH, {"f": {"name": "Cara " + "n" * 195}})["searchProviders"]["totalCount"] == 0
    for zip_code in ("10029", "100291234", "10029-1234"):
        page = api.data(SEARCH, {"f": {"near": {"zip": zip_code}, "radiusMiles": 1}})["searchProviders"]
        assert page["totalCount"] > 0
    assert api.data("query($id: ID!) { network(id: $id) { id } }", {"id": "n" * 100})["network"] is None


def test_mutation_arguments_are_bounded_before_the_store(api, directory_store):
    store, d = directory_store
    add = """mutation($id: ID!, $npis: [String!]!, $ref: String) {
        addNetworkMembers(networkId: $id, npis: $npis, reference: $ref) { changed errors { code message npi } } }"""
    cases = [
        ({"id": BIG, "npis": [d.far[0]]}, "networkId must be at most 100 characters, got 1,000,000"),
        ({"id": "acme-vetted", "npis": [d.far[0]], "ref": BIG}, "reference must be at most 500 characters"),
        ({"id": "acme-vetted", "npis": [BIG]}, f"'{'x' * 100}'... (1,000,000 characters) is not a valid NPI"),
        ({"id": "acme-vetted", "npis": [d.far[0]] * 1001}, "at most 1000 NPIs per change"),
    ]
    for variables, message in cases:
        before = store.round_trips
        payload = api.data(add, variables, token="acme-tok")["addNetworkMembers"]
        assert payload["changed"] == 0
        (error,) = payload["errors"]
        assert error["code"] == "INVALID_INPUT" and error["message"].startswith(message), error
        assert len(error["message"]) <= ECHO_LIMIT and len(error["npi"] or "") <= 20
        assert store.round_trips == before
    decide = "mutation($id: ID!) { decideMatch(matchId: $id, decision: MERGE) { errors { code message } } }"
    before = store.round_trips
    errors = api.data(decide, {"id": BIG}, token="adm")["decideMatch"]["errors"]
    assert errors == [{"code": "INVALID_INPUT", "message": "matchId must be at most 100 characters, got 1,000,000"}]
    assert store.round_trips == before


@pytest.mark.parametrize(
    "query,variables",
    [
        ("query($f: Int!) { taxonomies(first: $f) { code } }", {"f": BIG}),  # graphql-core repeats 240 characters
        ("query($t: [Treatment!]) { searchProviders(filter: {treatments: $t}) { totalCount } }", {"t": [BIG]}),
        ("{ searchProviders(filter: {treatments: [%s]}) { totalCount } }" % ("X" * 100_000), {}),
        ("query($n: NetworkKind) { networks(kind: $n) { id } }", {"n": BIG}),
    ],
)
def test_no_error_message_repeats_more_than_200_characters_of_input(api, query, variables):
    body = api.gql(query, variables)
    for error in body["errors"]:
        longest = max(_longest_run(error["message"], "x"), _longest_run(error["message"], "X"))
        assert 0 < longest <= ECHO_LIMIT, error["message"][:300]
        assert len(error["message"]) <= ECHO_LIMIT + len("... (message cut)")


MAX_BODY = settings.get_int("max_body_bytes", {})


def _raw_post(url: str, headers: dict[str, str], chunks: list[bytes] | None = None) -> tuple[int, dict]:
    """POST with http.client: the headers, then (if given) the body in chunked encoding, then the response."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.putrequest("POST", "/graphql")
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        for chunk in chunks or ():
            conn.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        if chunks is not None:
            conn.send(b"0\r\n\r\n")
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def test_a_declared_body_over_the_limit_gets_413_before_it_is_sent(api):
    # only the headers go out: the server answers from Content-Length alone
    status, body = _raw_post(api.url, {"Content-Type": "application/json", "Content-Length": str(50 * 2**20)})
    assert status == 413
    assert body["errors"][0]["extensions"] == {"code": "PAYLOAD_TOO_LARGE", "maxBytes": MAX_BODY}


def test_a_sent_body_over_the_limit_gets_413(api):
    payload = json.dumps({"query": "{ viewer { role } }", "variables": {"pad": "p" * MAX_BODY}})
    response = requests.post(
        f"{api.url}/graphql", data=payload, headers={"Content-Type": "application/json"}, timeout=30
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


def test_a_chunked_body_over_the_limit_gets_413(api):
    chunk = b" " * 65536
    count = MAX_BODY // len(chunk) + 2
    status, body = _raw_post(
        api.url, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}, [chunk] * count
    )
    assert status == 413 and body["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


def test_a_chunked_body_within_the_limit_is_served(api):
    query = json.dumps({"query": "{ viewer { role } }"}).encode()
    chunks = [query[:10], query[10:], b" " * (MAX_BODY - len(query))]  # exactly at the limit
    status, body = _raw_post(
        api.url,
        {"Content-Type": "application/json", "Transfer-Encoding": "chunked", "Authorization": "Bearer nav-tok"},
        chunks,
    )
    assert status == 200 and body == {"data": {"viewer": {"role": "NAVIGATOR"}}}


def test_the_body_limit_is_a_setting(monkeypatch, directory_store, serve):
    monkeypatch.setenv("PROVNET_MAX_BODY_BYTES", "4096")
    monkeypatch.delenv("PROVNET_AUTH_TOKENS", raising=False)
    client = serve(create_app(directory_store[0]))
    query = json.dumps({"query": "{ viewer { role } }"})
    at_limit = query + " " * (4096 - len(query))
    ok = requests.post(f"{client.url}/graphql", data=at_limit, headers={"Content-Type": "application/json"}, timeout=10)
    assert ok.status_code == 200 and ok.json() == {"data": {"viewer": {"role": "NAVIGATOR"}}}
    over = requests.post(
        f"{client.url}/graphql", data=at_limit + " ", headers={"Content-Type": "application/json"}, timeout=10
    )
    assert over.status_code == 413 and over.json()["errors"][0]["extensions"]["maxBytes"] == 4096
