"""Rules that live in the services and hold whichever entry point asks:
GraphQL over real HTTP and the CLI give the same answer (issue 8, points 4,
10 and 11)."""

from __future__ import annotations

from datetime import date

import pytest
from live_api import TOKENS, Client, LiveServer, populate

from cli import main
from directory.model import MatchRecord, MatchStatus
from directory.services import networks, vetting
from directory.store import open_store
from schema import create_app

ADD = """mutation($network: ID!, $npis: [String!]!, $note: String) {
  addNetworkMembers(networkId: $network, npis: $npis, overrideNote: $note) {
    changed errors { code message npi failedChecks } } }"""
MEMBERS = """query($network: ID!) { networkMembers(networkId: $network) {
  npi evidence { source method reference } } }"""
DECIDE = """mutation($id: ID!, $d: MatchDecision!) { decideMatch(matchId: $id, decision: $d) {
  match { status decidedBy } errors { code message } } }"""
VETTING = """query($npi: String!) { provider(npi: $npi) { vetting { passed checks { name status reason } } } }"""


@pytest.fixture
def world(tmp_path):
    """A fresh store of its own (these tests change it) and a live API on it."""
    url = f"sqlite:///{tmp_path / 'rules.db'}"
    store = open_store(url)
    d = populate(store)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROVNET_AUTH_TOKENS", TOKENS)
        server = LiveServer(create_app(store))
    try:
        yield url, store, d, Client(server.url)
    finally:
        server.stop()
        store.close()


def test_a_vetted_network_refuses_an_excluded_provider_unless_overridden_with_a_note(world):
    _, store, d, api = world
    refused = api.data(ADD, {"network": "acme-vetted", "npis": [d.excluded, d.far[0]]}, token="acme-tok")
    payload = refused["addNetworkMembers"]
    assert payload["changed"] == 0
    [error] = payload["errors"]
    assert error["code"] == "VETTING_FAILED" and error["npi"] == d.excluded
    assert error["failedChecks"] == ["not_excluded"] and "excluded by LEIE (1128b4)" in error["message"]
    assert store.network_members("acme-vetted") == []  # all or nothing: the good one was not added either

    note = "board reviewed 2025-11-20: exclusion under appeal, monitored monthly"
    added = api.data(ADD, {"network": "acme-vetted", "npis": [d.excluded, d.far[0]], "note": note}, token="acme-tok")
    assert added["addNetworkMembers"] == {"changed": 2, "errors": []}
    listed = {
        m["npi"]: m["evidence"]
        for m in api.data(MEMBERS, {"network": "acme-vetted"}, token="acme-tok")["networkMembers"]
    }
    assert listed[d.excluded] == {"source": "api:employer:acme", "method": "vetting_override", "reference": note}
    assert listed[d.far[0]]["method"] == "curation"  # only the provider that failed carries the override


def test_a_payer_network_records_contracts_without_vetting(world):
    _, store, d, api = world
    added = api.data(ADD, {"network": "northwind-ma", "npis": [d.excluded]}, token="nw-tok")["addNetworkMembers"]
    assert added["errors"] == []  # already a member from the roster: nothing new, nothing refused
    assert d.excluded in {m.npi for m in store.network_members("northwind-ma")}


def test_the_service_refuses_a_revoked_licence_too(world):
    from directory.model import Credential, CredentialKind, Evidence

    _, store, d, _ = world
    board = Evidence("ny_op_board", date(2025, 11, 2), "bulk_file", 1.0, "ny-licences.csv")
    revoked = Credential(CredentialKind.STATE_LICENSE, board, number="123456", state="NY", status="revoked")
    npi = d.far[1]
    store.upsert_credentials([(npi, revoked)])
    network = networks.find_network(store, "acme-vetted")
    change = networks.add_members(store, network, [npi], actor="admin", today=date(2025, 12, 1))
    assert change.changed == 0
    assert [(p.code, p.failed_checks) for p in change.problems] == [
        (networks.ProblemCode.VETTING_FAILED, ("state_license",))
    ]


def test_vetting_cannot_pass_not_excluded_before_a_list_is_loaded(tmp_path, world):
    _, loaded, d, api = world
    clean = next(n for n in d.in_plan_near if n != d.excluded)
    check = next(
        c
        for c in api.data(VETTING, {"npi": clean}, token="nav-tok")["provider"]["vetting"]["checks"]
        if c["name"] == "not_excluded"
    )
    assert check == {
        "name": "not_excluded",
        "status": "PASS",
        "reason": "not on the exclusion lists loaded: LEIE as of 2025-11-01",
    }

    # The same provider in a store where no exclusion list was ever loaded.
    store = open_store(f"sqlite:///{tmp_path / 'nolists.db'}")
    try:
        store.upsert_providers([loaded.providers([clean])[clean]])
        result = vetting.vet_providers(store, [clean], date(2025, 12, 1))[clean]
    finally:
        store.close()
    check = next(c for c in result.checks if c.name == "not_excluded")
    assert check.status.value == "unknown" and "no exclusion list has been loaded" in check.reason
    assert result.passed is False


def test_an_undo_of_a_pair_in_review_is_refused_by_graphql_and_the_cli_alike(world, capsys):
    url, store, _, api = world
    pair = MatchRecord(
        "m-review", "nppes:1", "roster:2", 0.8, 3.0, {"name": "fuzzy"}, MatchStatus.REVIEW, "model", "2025-11-01"
    )
    store.save_matches([pair])
    via_api = api.data(DECIDE, {"id": "m-review", "d": "UNDO"}, token="adm")["decideMatch"]
    assert via_api["match"] is None
    assert via_api["errors"] == [
        {"code": "INVALID_INPUT", "message": "match m-review is review: only a merge can be undone"}
    ]
    assert main(["--store", url, "review", "undo", "m-review"]) == 2
    assert "only a merge can be undone" in capsys.readouterr().err
    assert store.matches(ids=["m-review"])[0].status is MatchStatus.REVIEW  # unchanged by both
    merged = api.data(DECIDE, {"id": "m-review", "d": "MERGE"}, token="adm")["decideMatch"]
    assert merged == {"match": {"status": "MERGED", "decidedBy": "admin"}, "errors": []}
    assert main(["--store", url, "review", "undo", "m-review", "--by", "ana@example.org"]) == 0
    assert store.matches(ids=["m-review"])[0].status is MatchStatus.UNDONE
