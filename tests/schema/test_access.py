"""Who may read what (schema/auth.py), over HTTP, role by role: every
tenant-owned field, reached directly, through nested fields and by guessed ids.

Every role is checked twice: with a stored API key (issued into the store by
the real service) and with a development token (PROVNET_AUTH_TOKENS), plus an
anonymous caller. Bad credentials (an expired key of an owner, a revoked admin
key, a wrong secret, an unknown key id, a malformed key, an unknown token) get
401 on every one of those operations, before anything is read or written.

Tenants of the fixture: employer A is acme (acme-vetted), employer B is globex
(globex-vetted, which Eastwind's plan "eastwind-select" also uses), payer A is
northwind (northwind-ma), payer B is southwind (southwind-ppo)."""

from __future__ import annotations

import json

import pytest
import requests
from live_api import BAD_KEYS, DEV_TOKENS, GLOBEX_NOTE, GRANTS, SOUTHWIND_NOTE

from directory.npi import make_npi

KEY = " (key)"
#: Every caller: anonymous, each role with a development token, each with a stored key.
ROLES = ["anonymous", *DEV_TOKENS, *(who + KEY for who in GRANTS)]


def who(role: str) -> str:
    """The role a caller acts as, whichever credential it presents."""
    return role.removesuffix(KEY)


LABELS = {
    "anonymous": "navigator",
    "navigator": "navigator",
    "employer A": "employer:acme",
    "employer B": "employer:globex",
    "payer A": "payer:northwind",
    "payer B": "payer:southwind",
    "admin": "admin",
}
#: Who may know each employer network exists (its owner and admins).
SEES_EMPLOYER_NETWORK = {"acme-vetted": {"employer A", "admin"}, "globex-vetted": {"employer B", "admin"}}
#: Who may read each network's member list (its owning tenant and admins).
READS_MEMBERS = {
    "northwind-ma": {"payer A", "admin"},
    "southwind-ppo": {"payer B", "admin"},
    "globex-vetted": {"employer B", "admin"},
}
MISSING = "nobody-vetted"  # an id no network has
SECRETS = ("globex-vetted", "Globex TRD Network", GLOBEX_NOTE.reference)


@pytest.fixture
def ask(api, anonymous_api, stored_keys):
    """ask(role, query, variables) -> the JSON body, over HTTP, as that role."""

    def call(role: str, query: str, variables: dict | None = None) -> dict:
        if role == "anonymous":
            return anonymous_api.gql(query, variables)
        token = stored_keys[who(role)] if role.endswith(KEY) else DEV_TOKENS[role]
        return api.gql(query, variables, token=token)

    return call


def _same_but_the_id(hidden: dict, missing: dict, hidden_id: str) -> bool:
    return json.dumps(hidden).replace(hidden_id, "<id>") == json.dumps(missing).replace(MISSING, "<id>")


def _ids(items: list[dict]) -> set[str]:
    return {item["id"] for item in items}


# ----------------------------------------------------------- employer networks: existence and everything in them
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("network", sorted(SEES_EMPLOYER_NETWORK))
def test_an_employer_network_exists_only_for_its_owner_and_admins(ask, role, network):
    sees = who(role) in SEES_EMPLOYER_NETWORK[network]
    listed = _ids(ask(role, "{ networks(first: 100) { id } }")["data"]["networks"])
    assert (network in listed) is sees
    assert {"northwind-ma", "southwind-ppo", "eastwind-hmo"} <= listed  # payer networks are public
    kind = _ids(ask(role, "{ networks(kind: EMPLOYER) { id } }")["data"]["networks"])
    assert (network in kind) is sees

    lookup = "query($id: ID!) { network(id: $id) { id name kind ownerId } }"
    found = ask(role, lookup, {"id": network})
    if sees:
        assert found["data"]["network"]["id"] == network
    else:  # a guessed id of another tenant looks exactly like a missing one
        assert _same_but_the_id(found, ask(role, lookup, {"id": MISSING}), network)
        assert found == {"data": {"network": None}}


@pytest.mark.parametrize("role", ROLES)
def test_a_guessed_employer_network_id_looks_missing_everywhere(ask, directory_store, role):
    _, d = directory_store
    network = "globex-vetted"
    sees = who(role) in SEES_EMPLOYER_NETWORK[network]
    operations = [
        "query($id: ID!) { networkMembers(networkId: $id) { npi evidence { reference } } }",
        "query($id: ID!) { network(id: $id) { id members { npi evidence { reference } } } }",
        "query($id: ID!) { searchProviders(filter: {networkId: $id}) { totalCount edges { node { npi } } } }",
        # a non-member: the change would be a no-op even for the owner
        f'mutation($id: ID!) {{ removeNetworkMembers(networkId: $id, npis: ["{d.far[1]}"]) '
        "{ network { id } changed errors { code message npi } } }",
        # a valid NPI the directory does not hold: refused for the owner too, after the network lookup
        f'mutation($id: ID!) {{ addNetworkMembers(networkId: $id, npis: ["{make_npi("188888888")}"]) '
        "{ network { id } changed errors { code message npi } } }",
        'query($id: ID!) { networkAdequacy(networkId: $id, members: [{zip: "10029", count: 10}]) '
        "{ errors { code message } report { networkId members } } }",
    ]
    for operation in operations:
        hidden = ask(role, operation, {"id": network})
        missing = ask(role, operation, {"id": MISSING})
        if sees:
            assert not _same_but_the_id(hidden, missing, network), operation
        else:
            assert _same_but_the_id(hidden, missing, network), (operation, hidden, missing)
            assert GLOBEX_NOTE.reference not in json.dumps(hidden)


@pytest.mark.parametrize("role", ROLES)
def test_nested_paths_reach_an_employer_network_only_for_its_owner(ask, directory_store, role):
    _, d = directory_store
    sees = who(role) in SEES_EMPLOYER_NETWORK["globex-vetted"]
    reads = who(role) in READS_MEMBERS["globex-vetted"]
    member = d.in_plan_near[5]  # in northwind-ma and globex-vetted
    bodies = {
        "provider": ask(
            role,
            "query($npi: String!) { provider(npi: $npi) { networks { id members { npi evidence { reference } } } } }",
            {"npi": member},
        ),
        "plans": ask(
            role, "{ plans(first: 10) { id networks { id members(first: 5) { npi evidence { reference } } } } }"
        ),
        "payers": ask(role, "{ payers { id plans { id networks { id name } } } }"),
        "search": ask(
            role,
            '{ searchProviders(filter: {planId: "eastwind-select"}) { edges { node { npi networks { id } } } } }',
        ),
        "employers": ask(role, "{ employers { id name } }"),
    }
    of_provider = {n["id"]: n for n in bodies["provider"]["data"]["provider"]["networks"]}
    assert ("globex-vetted" in of_provider) is sees
    assert "northwind-ma" in of_provider  # which payer networks a provider is in is public
    plan = next(p for p in bodies["plans"]["data"]["plans"] if p["id"] == "eastwind-select")
    assert ("globex-vetted" in _ids(plan["networks"])) is sees and "eastwind-hmo" in _ids(plan["networks"])
    if sees:
        globex = of_provider["globex-vetted"]["members"]
        assert (globex == [{"npi": member, "evidence": {"reference": GLOBEX_NOTE.reference}}]) is reads
    else:
        for name, body in bodies.items():  # not a trace of it anywhere
            text = json.dumps(body)
            assert not any(secret in text for secret in SECRETS), (name, body)
    employers = _ids(bodies["employers"]["data"]["employers"])
    assert employers == {
        "admin": {"acme", "globex"},
        "employer A": {"acme"},
        "employer B": {"globex"},
    }.get(who(role), set())


# ------------------------------------------------------------------------- member lists of payer networks
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("network", ["northwind-ma", "southwind-ppo"])
def test_a_payer_networks_member_list_is_its_payers(ask, directory_store, role, network):
    _, d = directory_store
    reads = who(role) in READS_MEMBERS[network]
    refusal = f"{LABELS[who(role)]} may not read the members of network '{network}'"

    direct = ask(
        role, "query($id: ID!) { networkMembers(networkId: $id) { npi evidence { reference } } }", {"id": network}
    )
    if reads:
        assert direct["data"]["networkMembers"], direct
    else:
        assert direct["data"] is None
        assert [(e["message"], e["extensions"]["code"]) for e in direct["errors"]] == [(refusal, "FORBIDDEN")]

    lookup = ask(role, "query($id: ID!) { network(id: $id) { id kind members { npi } } }", {"id": network})
    assert lookup["data"]["network"]["id"] == network  # the network itself is public
    assert (lookup["data"]["network"]["members"] is not None) is reads
    if not reads:
        assert [e["path"] for e in lookup["errors"]] == [["network", "members"]]
        assert lookup["errors"][0]["message"] == refusal

    member = d.in_plan_near[0] if network == "northwind-ma" else d.in_plan_near[6]
    nested = ask(
        role,
        "query($npi: String!) { provider(npi: $npi) { networks { id members(first: 100) { npi } } } }",
        {"npi": member},
    )
    (entry,) = [n for n in nested["data"]["provider"]["networks"] if n["id"] == network]
    assert (entry["members"] is not None and member in {m["npi"] for m in entry["members"]}) is reads
    through_plans = ask(role, "{ payers { plans(first: 5) { networks { id members(first: 5) { npi } } } } }")
    entries = [n for p in through_plans["data"]["payers"] for pl in p["plans"] for n in pl["networks"]]
    assert [n["members"] is not None for n in entries if n["id"] == network] == [reads]
    if not reads:
        for body in (direct, lookup, nested, through_plans):
            assert SOUTHWIND_NOTE.reference not in json.dumps(body)


@pytest.mark.parametrize("role", ROLES)
def test_a_missing_network_is_not_found_for_everyone(ask, role):
    body = ask(role, "query($id: ID!) { networkMembers(networkId: $id) { npi } }", {"id": MISSING})
    assert body["errors"][0]["message"] == f"no network '{MISSING}'"
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


# --------------------------------------------------------------------------- the review queue: admins only
@pytest.mark.parametrize("role", ROLES)
def test_the_review_queue_and_match_decisions_are_for_admins(ask, role):
    admin = who(role) == "admin"
    for query in ("{ reviewQueue { matchId } }", '{ matchesFor(record: "nppes:1") { matchId } }'):
        body = ask(role, query)
        if admin:
            assert "errors" not in body, body
        else:
            assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    decide = "mutation($id: ID!) { decideMatch(matchId: $id, decision: UNDO) { match { matchId } errors { code } } }"
    missing = ask(role, decide, {"id": "m-none"})["data"]["decideMatch"]
    if admin:
        assert missing["errors"] == [{"code": "NOT_FOUND"}]
    else:  # refused before any lookup: an existing id and a missing one get the same answer
        assert missing == {"match": None, "errors": [{"code": "FORBIDDEN"}]}
        assert ask(role, decide, {"id": "m-1"})["data"]["decideMatch"] == missing


# ------------------------------------------- network curation: regions, history, candidates, reviews, reports
#: Every curation operation of one network ($id); $name and $regions keep an owner's change a no-op.
CURATION_OPERATIONS = [
    "query($id: ID!) { networkCandidates(networkId: $id, first: 2) { candidates { npi } } }",
    "query($id: ID!) { networkChangesSinceReview(networkId: $id) { lastReview { seq } members { npi } } }",
    "query($id: ID!) { networkHistory(networkId: $id) { seq kind note } }",
    "query($id: ID!) { exportNetworkMembers(networkId: $id, first: 5) { csv rows } }",
    "query($id: ID!) { networkComposition(networkId: $id) { members rows { county providers } } }",
    "query($id: ID!) { staleListings(networkId: $id, first: 2) { listings { npi facts { fact } } } }",
    "query($id: ID!) { directoryAccuracy(networkId: $id) { listings fields { field verified } } }",
    """query($id: ID!) { network(id: $id) { id status regions { label } history { seq note }
        members { npi decision note decidedBy vettingStatus } } }""",
    """mutation($id: ID!, $name: String!) { renameNetwork(networkId: $id, name: $name) {
        network { id name } errors { code message } } }""",
    """mutation($id: ID!, $regions: [RegionInput!]!) { setNetworkRegions(networkId: $id, regions: $regions) {
        network { id regions { label } } errors { code message } } }""",
    """mutation($id: ID!) { markNetworkReviewed(networkId: $id, note: "access check") {
        membersReviewed errors { code message } } }""",
    """mutation($id: ID!) { archiveNetwork(networkId: $id, note: "access check") {
        network { id } errors { code message } } }""",
]
#: The current name and regions of each network (populate): an owner's rename and regions change nothing.
AS_IS = {
    "globex-vetted": {"name": "Globex TRD Network", "regions": [{"zip": "10029", "radiusMiles": 5}]},
    "northwind-ma": {"name": "Northwind MA Behavioral", "regions": []},
    MISSING: {"name": "Globex TRD Network", "regions": [{"zip": "10029", "radiusMiles": 5}]},
}


def _codes(body) -> set[str]:
    """Every error code of a response: top-level ones and those of mutation payloads."""
    found = {e.get("extensions", {}).get("code") for e in body.get("errors", [])}

    def walk(value) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("errors"), list):
                found.update(e.get("code") for e in value["errors"] if isinstance(e, dict))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(body.get("data"))
    return found - {None}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("network", ["globex-vetted", "northwind-ma"])
@pytest.mark.parametrize("operation", CURATION_OPERATIONS)
def test_a_networks_curation_is_its_owners_and_admins(ask, role, network, operation):
    owner = {"globex-vetted": "employer B", "northwind-ma": "payer A"}[network]
    if "archiveNetwork" in operation and who(role) in (owner, "admin"):
        pytest.skip("archiving is final: the owner's archive runs in test_curation_api on a store of its own")
    variables = {"id": network, **{k: v for k, v in AS_IS[network].items() if f"${k}" in operation}}
    body = ask(role, operation, variables)
    codes = _codes(body)
    if who(role) in (owner, "admin"):
        assert not codes & {"FORBIDDEN", "NOT_FOUND"}, body
    elif network == "globex-vetted":  # another tenant's employer network: exactly like a missing one
        missing = ask(role, operation, {**variables, "id": MISSING})
        assert _same_but_the_id(body, missing, network), (body, missing)
        assert not any(secret in json.dumps(body) for secret in SECRETS[1:])
    else:  # a payer network exists for everyone; its curation is its payer's
        assert "FORBIDDEN" in codes, body
        assert "access check" not in json.dumps(body) and "Renamed" not in json.dumps(body)


@pytest.mark.parametrize("role", ROLES)
def test_the_benefit_gap_audit_is_the_plans_employers_and_payers(ask, role):
    query = """query($plans: [ID!]) { benefitGapAudit(planIds: $plans, radiusMiles: 5,
        employees: [{zip: "10029", count: 10}]) { errors { code } audit { employees } } }"""
    may = {"employer A", "payer A", "admin"}  # acme offers northwind-ma-hmo, northwind owns it
    payload = ask(role, query, {"plans": ["northwind-ma-hmo"]})["data"]["benefitGapAudit"]
    if who(role) in may:
        assert payload == {"errors": [], "audit": {"employees": 10}}
    else:
        assert payload == {"errors": [{"code": "FORBIDDEN"}], "audit": None}


# --------------------------------------------------------------- bad credentials: 401 before anything runs
def _tenant_operations(d) -> list[tuple[str, str, dict]]:
    """Every operation of this file that reaches tenant-owned data, directly or nested, and the viewer."""
    member = d.in_plan_near[5]  # in northwind-ma and globex-vetted
    return [
        ("viewer", "{ viewer { role tenant } }", {}),
        ("networks", "{ networks(first: 100) { id name } }", {}),
        ("network", "query($id: ID!) { network(id: $id) { id name members { npi } } }", {"id": "globex-vetted"}),
        ("networkMembers", "query($id: ID!) { networkMembers(networkId: $id) { npi } }", {"id": "globex-vetted"}),
        ("payer members", "query($id: ID!) { networkMembers(networkId: $id) { npi } }", {"id": "northwind-ma"}),
        (
            "provider networks",
            "query($npi: String!) { provider(npi: $npi) { networks { id members { npi } } } }",
            {"npi": member},
        ),
        ("plans", "{ plans(first: 10) { id networks { id members(first: 5) { npi } } } }", {}),
        ("payers", "{ payers { id plans { id networks { id name } } } }", {}),
        (
            "search by network",
            "query($id: ID!) { searchProviders(filter: {networkId: $id}) { totalCount } }",
            {"id": "globex-vetted"},
        ),
        ("employers", "{ employers { id name } }", {}),
        ("reviewQueue", "{ reviewQueue { matchId } }", {}),
        ("matchesFor", '{ matchesFor(record: "nppes:1") { matchId } }', {}),
        (
            "networkAdequacy",
            'query($id: ID!) { networkAdequacy(networkId: $id, members: [{zip: "10029", count: 10}]) '
            "{ errors { code } report { networkId } } }",
            {"id": "globex-vetted"},
        ),
        (
            "decideMatch",
            'mutation { decideMatch(matchId: "m-1", decision: MERGE) { match { matchId } errors { code } } }',
            {},
        ),
        (
            "addNetworkMembers",
            "mutation($id: ID!, $npis: [String!]!) { addNetworkMembers(networkId: $id, npis: $npis) "
            "{ changed errors { code } } }",
            {"id": "globex-vetted", "npis": [d.far[0]]},
        ),
        (
            "removeNetworkMembers",
            'mutation($id: ID!, $npis: [String!]!) { removeNetworkMembers(networkId: $id, npis: $npis, note: "x") '
            "{ changed errors { code } } }",
            {"id": "globex-vetted", "npis": [member]},
        ),
        (
            "createNetwork",
            'mutation { createNetwork(input: {id: "bad-key-net", name: "X"}) { network { id } errors { code } } }',
            {},
        ),
        *(
            (operation.split("{")[1].split("(")[0].strip(), operation, {"id": network, **AS_IS[network]})
            for operation in CURATION_OPERATIONS
            for network in ("globex-vetted", "northwind-ma")
        ),
        (
            "benefitGapAudit",
            'query { benefitGapAudit(planIds: ["eastwind-select"], employees: [{zip: "10029", count: 3}]) '
            "{ errors { code } audit { employees } } }",
            {},
        ),
    ]


REFUSALS = {
    "expired key": "API key expired: ask an admin for a new one",
    "revoked key": "API key revoked: ask an admin for a new one",
}


@pytest.mark.parametrize("credential", BAD_KEYS)
def test_bad_credentials_get_401_on_every_tenant_owned_operation(api, directory_store, stored_keys, credential):
    store, d = directory_store
    token = stored_keys[credential]
    networks = ("globex-vetted", "northwind-ma", "acme-vetted")
    before = (
        {n: store.network_members(n) for n in networks},
        store.matches(limit=None),
        store.networks(),
        {n: store.network_events(n) for n in networks},
    )
    for name, query, variables in _tenant_operations(d):
        response = requests.post(
            f"{api.url}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert response.status_code == 401, (name, response.text)
        assert response.headers["WWW-Authenticate"] == "Bearer"
        message = REFUSALS.get(credential, "invalid token")
        assert response.json() == {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]}, name
        assert token not in response.text
        assert not token.startswith("pvn_") or token[21:] not in response.text  # nor its secret half
    after = (
        {n: store.network_members(n) for n in networks},
        store.matches(limit=None),
        store.networks(),
        {n: store.network_events(n) for n in networks},
    )
    assert after == before


def test_the_bad_keys_are_what_they_claim(directory_store, stored_keys):
    """The expired key is employer B's and the revoked one an admin's: keys that
    did work. The wrong secret and the unknown id are a real key's halves."""
    from directory.services import api_keys

    store, _ = directory_store
    expired = store.api_key(api_keys.parse(stored_keys["expired key"])[0])
    assert (expired.role.value, expired.tenant, expired.revoked_at) == ("employer", "globex", None)
    assert expired.expires_at is not None and not expired.is_active(api_keys.utcnow())
    revoked = store.api_key(api_keys.parse(stored_keys["revoked key"])[0])
    assert revoked.role.value == "admin" and revoked.revoked_at is not None and revoked.expires_at is None
    admin_id, admin_secret = api_keys.parse(stored_keys["admin"])
    assert api_keys.parse(stored_keys["wrong secret"])[0] == admin_id
    assert api_keys.parse(stored_keys["unknown key id"])[1] == admin_secret
    assert store.api_key(api_keys.parse(stored_keys["unknown key id"])[0]) is None
    assert api_keys.parse(stored_keys["malformed key"]) is None
