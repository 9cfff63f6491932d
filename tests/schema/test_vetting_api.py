"""Vetting over real HTTP (issue 9 points 4 and 5): a network's owner sets its
criteria and sees each member's status with reasons, evidence and what changed;
other tenants see nothing of it (an employer network of another tenant looks
missing); everyone sees a provider's general vetting and the freshness and
agreement of its facts, network memberships only where they may read the
member list. The directory of live_api.py, dated 2025, is judged today: under
the default criteria (90 days) every fact of it is stale."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from live_api import TOKENS, Client, LiveServer, populate

from directory.model import AccessFacts, Evidence, Exclusion
from directory.store import open_store
from schema import create_app

SET = """mutation($network: ID!, $criteria: VettingCriteriaInput!) {
  setVettingCriteria(networkId: $network, criteria: $criteria) {
    criteria { networkId isDefault requiredChecks acceptedLicenseStatuses requiredExclusionLists
               minTrdExpertise maxFactAgeDays setBy setOn }
    resultsRecorded errors { code message } } }"""
CRITERIA = """query($network: ID!) { network(id: $network) { id vettingCriteria {
  isDefault requiredChecks maxFactAgeDays } } }"""
MEMBERS = """query($network: ID!) { network(id: $network) { memberVetting {
  npi recordedNow
  current { status seq judgedOn scoringVersion fingerprint
            checks { name status required reason evidence { fact source retrieved } } }
  previous { status seq }
  changes { check before after reason }
  provider { npi } } } }"""
HISTORY = """query($network: ID!, $npi: String!) { vettingHistory(networkId: $network, npi: $npi) {
  seq status judgedOn } }"""
PROVIDER = """query($npi: String!, $kinds: [FactStatusKind!]) { provider(npi: $npi) {
  vettingStatus { status seq checks { name status required reason } }
  factStatus(kinds: $kinds) { kind fact value lastVerified verifiedBy stale agreement confidence verified
                              sources { source value agrees currentConfidence } } } }"""
NO_LIMIT = {
    "requiredChecks": ["active_npi", "taxonomy_fit", "state_license", "not_excluded"],
    "acceptedLicenseStatuses": ["active"],
    "requiredExclusionLists": ["LEIE"],
    "maxFactAgeDays": None,
}


@pytest.fixture
def world(tmp_path):
    """A fresh store of its own (these tests change it) and a live API on it."""
    store = open_store(f"sqlite:///{tmp_path / 'vetting.db'}")
    d = populate(store)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROVNET_AUTH_TOKENS", TOKENS)
        server = LiveServer(create_app(store))
    try:
        yield store, d, Client(server.url)
    finally:
        server.stop()
        store.close()


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def test_the_owner_sees_each_member_s_status_with_reasons_evidence_and_changes(world):
    store, d, api = world
    member = d.in_plan_near[5]  # globex-vetted's member
    first = api.data(MEMBERS, {"network": "globex-vetted"}, token="globex-tok")["network"]["memberVetting"]
    [m] = first
    assert m["npi"] == member and m["provider"] == {"npi": member} and m["recordedNow"]
    assert m["current"]["status"] == "NEEDS_REVIEW" and m["current"]["seq"] == 1 and m["previous"] is None
    assert m["current"]["judgedOn"] == today() and m["current"]["scoringVersion"] == "criteria-1"
    licence = next(c for c in m["current"]["checks"] if c["name"] == "state_license")
    assert licence["status"] == "UNKNOWN" and licence["required"]
    assert "older than 90 days" in licence["reason"]
    assert {"fact": f"licence NY L{member[:6]}", "source": "roster:northwind", "retrieved": "2025-09-01"} in licence[
        "evidence"
    ]
    again = api.data(MEMBERS, {"network": "globex-vetted"}, token="globex-tok")["network"]["memberVetting"][0]
    assert not again["recordedNow"] and again["current"]["seq"] == 1

    # the owner relaxes the age limit: the member is judged again at once, and the change is shown
    payload = api.data(SET, {"network": "globex-vetted", "criteria": NO_LIMIT}, token="globex-tok")
    set_ = payload["setVettingCriteria"]
    assert set_["errors"] == [] and set_["resultsRecorded"] == 1
    assert set_["criteria"] == {
        "networkId": "globex-vetted",
        "isDefault": False,
        "requiredChecks": ["active_npi", "taxonomy_fit", "state_license", "not_excluded"],
        "acceptedLicenseStatuses": ["active"],
        "requiredExclusionLists": ["LEIE"],
        "minTrdExpertise": 0.0,
        "maxFactAgeDays": None,
        "setBy": "employer:globex",
        "setOn": today(),
    }
    after = api.data(MEMBERS, {"network": "globex-vetted"}, token="globex-tok")["network"]["memberVetting"][0]
    assert after["current"]["status"] == "VERIFIED" and after["previous"] == {"status": "NEEDS_REVIEW", "seq": 1}
    assert {"check": None, "before": "needs_review", "after": "verified"} == {
        k: after["changes"][0][k] for k in ("check", "before", "after")
    }

    # a new exclusion: the next read records it, and says what changed
    leie = Evidence("oig_leie", datetime.now(UTC).date(), "bulk_file", 1.0, "UPDATED.csv")
    store.upsert_exclusions([Exclusion(member, "LEIE", "1128a1", date(2026, 11, 2), leie)])
    excluded = api.data(MEMBERS, {"network": "globex-vetted"}, token="globex-tok")["network"]["memberVetting"][0]
    assert excluded["recordedNow"] and excluded["current"]["status"] == "FAILED" and excluded["current"]["seq"] == 3
    assert [(c["check"], c["before"], c["after"]) for c in excluded["changes"]] == [
        (None, "verified", "failed"),
        ("not_excluded", "pass", "fail"),
    ]
    history = api.data(HISTORY, {"network": "globex-vetted", "npi": member}, token="globex-tok")["vettingHistory"]
    assert [(h["seq"], h["status"]) for h in history] == [(3, "FAILED"), (2, "VERIFIED"), (1, "NEEDS_REVIEW")]


def test_a_network_s_vetting_is_its_owner_s_and_an_employer_network_is_invisible_to_others(world):
    _, d, api = world
    mine = api.data(CRITERIA, {"network": "acme-vetted"}, token="acme-tok")["network"]["vettingCriteria"]
    assert mine == {
        "isDefault": True,
        "requiredChecks": ["active_npi", "taxonomy_fit", "state_license", "not_excluded"],
        "maxFactAgeDays": 90,
    }
    assert api.data(CRITERIA, {"network": "acme-vetted"}, token="globex-tok") == {"network": None}
    missing = api.gql(SET, {"network": "nope", "criteria": NO_LIMIT}, token="globex-tok")["data"]
    hidden = api.gql(SET, {"network": "acme-vetted", "criteria": NO_LIMIT}, token="globex-tok")["data"]
    assert hidden["setVettingCriteria"]["errors"] == [{"code": "NOT_FOUND", "message": "no network 'acme-vetted'"}]
    assert missing["setVettingCriteria"]["errors"] == [{"code": "NOT_FOUND", "message": "no network 'nope'"}]
    history = api.gql(HISTORY, {"network": "acme-vetted", "npi": d.far[0]}, token="globex-tok")
    assert history["errors"][0]["message"] == "no network 'acme-vetted'"
    # a payer network is public, its vetting is not
    other = api.gql(CRITERIA, {"network": "northwind-ma"}, token="sw-tok")
    assert other["data"]["network"]["vettingCriteria"] is None
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    navigator = api.data(SET, {"network": "northwind-ma", "criteria": NO_LIMIT}, token="nav-tok")
    assert navigator["setVettingCriteria"]["errors"][0]["code"] == "FORBIDDEN"
    # the payer that owns it may give it criteria, and admins see everything
    own = api.data(SET, {"network": "northwind-ma", "criteria": NO_LIMIT}, token="nw-tok")["setVettingCriteria"]
    assert own["errors"] == [] and own["resultsRecorded"] == len(d.in_plan_near + d.far) + 1
    assert api.data(CRITERIA, {"network": "acme-vetted"}, token="adm")["network"]["vettingCriteria"]["isDefault"]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"requiredChecks": ["active_npi"]}, "required_checks must include not_excluded"),
        ({"requiredChecks": ["not_excluded", "psychic"]}, "unknown check 'psychic'"),
        ({"maxFactAgeDays": 0}, "max_fact_age_days must be a whole number of days"),
        ({"acceptedLicenseStatuses": [f"s{i}" for i in range(21)]}, "acceptedLicenseStatuses may name at most 20"),
    ],
)
def test_criteria_the_rules_refuse_come_back_as_invalid_input_and_change_nothing(world, change, message):
    store, _, api = world
    payload = api.data(SET, {"network": "acme-vetted", "criteria": {**NO_LIMIT, **change}}, token="acme-tok")
    [error] = payload["setVettingCriteria"]["errors"]
    assert error["code"] == "INVALID_INPUT" and message in error["message"]
    assert store.vetting_criteria() == {}


def test_everyone_sees_a_provider_s_general_vetting_and_the_freshness_of_its_facts(world):
    store, d, api = world
    npi = d.in_plan_near[0]
    shopper = Evidence("secret_shopper", datetime.now(UTC).date(), "phone_survey", 0.8, "call 2026-11")
    store.upsert_access([AccessFacts(npi, shopper, accepting_new_patients=False)])  # the roster said yes
    found = api.data(PROVIDER, {"npi": npi, "kinds": None}, token="nav-tok")["provider"]
    general = found["vettingStatus"]
    assert general["status"] == "NEEDS_REVIEW" and general["seq"] == 0  # judged, not stored
    assert [c["name"] for c in general["checks"] if c["required"]] == [
        "active_npi",
        "taxonomy_fit",
        "state_license",
        "not_excluded",
    ]
    kinds = {f["kind"] for f in found["factStatus"]}
    assert {"ADDRESS", "ACCEPTING_NEW_PATIENTS", "TREATMENT", "LICENSE"} <= kinds
    assert "NETWORK_MEMBERSHIP" not in kinds  # a navigator may not read any member list
    [accepting] = [f for f in found["factStatus"] if f["kind"] == "ACCEPTING_NEW_PATIENTS"]
    assert accepting["agreement"] == "CONTRADICTS" and not accepting["verified"]
    assert {(s["source"], s["value"]) for s in accepting["sources"]} == {
        ("roster:northwind", "yes"),
        ("secret_shopper", "no"),
    }
    [licence] = [f for f in found["factStatus"] if f["kind"] == "LICENSE"]
    assert licence["stale"] and licence["lastVerified"] == "2025-09-01" and licence["verifiedBy"] == "roster:northwind"
    # the payer that owns northwind-ma sees the membership fact; kinds narrow the list
    owner = api.data(PROVIDER, {"npi": npi, "kinds": ["NETWORK_MEMBERSHIP"]}, token="nw-tok")["provider"]
    assert [(f["fact"], f["value"]) for f in owner["factStatus"]] == [
        ("network northwind-ma", "member since 2025-09-01")
    ]


PAGE = """query($first: Int!) {
  searchProviders(filter: {treatments: [ESKETAMINE_REMS]}, first: $first) { edges { node {
    vettingStatus { status checks { evidence { source } } }
    factStatus(first: 20) { fact agreement sources { source } } } } } }"""
MEMBER_PAGE = """query($first: Int!) { network(id: "northwind-ma") { memberVetting(first: $first) {
  npi current { status } changes { check } } } }"""


@pytest.mark.parametrize(
    "query, token, path", [(PAGE, "nav-tok", "searchProviders"), (MEMBER_PAGE, "nw-tok", "network")]
)
def test_a_page_of_vetting_costs_a_fixed_number_of_store_round_trips(world, query, token, path):
    store, _, api = world
    api.data(SET, {"network": "northwind-ma", "criteria": NO_LIMIT}, token="nw-tok")  # results to read back

    def trips(first: int) -> tuple[int, dict]:
        before = store.round_trips
        data = api.data(query, {"first": first}, token=token)
        return store.round_trips - before, data

    few, few_data = trips(2)
    many, many_data = trips(20)
    if path == "network":
        assert len(few_data["network"]["memberVetting"]) == 2 and len(many_data["network"]["memberVetting"]) == 20
    else:
        nodes = [e["node"] for e in many_data["searchProviders"]["edges"]]
        assert len(nodes) == 20 and all(n["vettingStatus"]["status"] and n["factStatus"] for n in nodes)
    assert few == many, f"{few} round trips for 2, {many} for 20"
    assert many <= 20
