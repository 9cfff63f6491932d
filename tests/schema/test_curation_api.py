"""Employers curating vetted networks and payers reading their reports, over
real HTTP on the embedded store (the directory of live_api.py): create with
regions and criteria, candidates, members added and removed with a decision
and a note, history, review and what changed since, CSV export, archive; the
payer reports; the benefit gap audit; typed errors in mutation payloads."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from live_api import LEIE_FILE, TOKENS, Client, LiveServer, populate

from directory.model import Exclusion
from directory.store import open_store
from schema import create_app

CREATE = """mutation($input: CreateNetworkInput!, $criteria: VettingCriteriaInput) {
  createNetwork(input: $input, criteria: $criteria) {
    network { id name kind ownerId status regions { label } vettingCriteria { requiredChecks isDefault } }
    event { seq kind actor detail } errors { code message } } }"""
ADD = """mutation($id: ID!, $npis: [String!]!, $decision: MemberDecision, $note: String) {
  addNetworkMembers(networkId: $id, npis: $npis, decision: $decision, note: $note) {
    changed errors { code message npi failedChecks } } }"""
REMOVE = """mutation($id: ID!, $npis: [String!]!, $decision: MemberDecision!, $note: String) {
  removeNetworkMembers(networkId: $id, npis: $npis, decision: $decision, note: $note) {
    changed errors { code message npi } } }"""
CANDIDATES = """query($id: ID!, $after: String) { networkCandidates(networkId: $id, first: 3, after: $after) {
  candidates { npi region { label } distanceMiles vetting { status } } endCursor hasNextPage } }"""
CRITERIA = {
    "requiredChecks": ["active_npi", "taxonomy_fit", "state_license", "not_excluded", "trd_capability"],
    "acceptedLicenseStatuses": ["active"],
    "requiredExclusionLists": ["LEIE"],
    "maxFactAgeDays": None,  # the fixture's evidence is from 2025
}


@pytest.fixture
def world(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'curation.db'}")
    d = populate(store)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROVNET_AUTH_TOKENS", TOKENS)
        server = LiveServer(create_app(store))
    try:
        yield store, d, Client(server.url)
    finally:
        server.stop()
        store.close()


def test_an_employer_curates_a_vetted_network_from_creation_to_archive(world):
    store, d, api = world
    created = api.data(
        CREATE,
        {
            "input": {"id": "acme-east", "name": "Acme East TRD", "regions": [{"zip": "10029", "radiusMiles": 3}]},
            "criteria": CRITERIA,
        },
        token="acme-tok",
    )["createNetwork"]
    assert created["errors"] == []
    assert created["network"] == {
        "id": "acme-east",
        "name": "Acme East TRD",
        "kind": "EMPLOYER",
        "ownerId": "acme",  # its own tenant, whatever it would ask
        "status": "ACTIVE",
        "regions": [{"label": "within 3 mi of 10029"}],
        "vettingCriteria": {"requiredChecks": CRITERIA["requiredChecks"], "isDefault": False},
    }
    assert created["event"]["seq"] == 1 and created["event"]["kind"] == "CREATED"
    assert created["event"]["actor"] == "employer:acme"
    again = api.data(CREATE, {"input": {"id": "acme-east", "name": "x"}}, token="acme-tok")["createNetwork"]
    assert [e["code"] for e in again["errors"]] == ["ALREADY_EXISTS"] and again["network"] is None

    # candidates: paged with the cursor, each once, none a member, none failing (the excluded one is near)
    seen, cursor = [], None
    while True:
        page = api.data(CANDIDATES, {"id": "acme-east", "after": cursor}, token="acme-tok")["networkCandidates"]
        seen += page["candidates"]
        if not page["hasNextPage"]:
            break
        cursor = page["endCursor"]
    npis = [c["npi"] for c in seen]
    assert len(npis) == len(set(npis)) and npis and d.excluded not in npis
    assert {c["vetting"]["status"] for c in seen} == {"VERIFIED"}
    assert set(npis) <= set(d.in_plan_near + d.out_of_network)

    chosen = npis[:2]
    added = api.data(ADD, {"id": "acme-east", "npis": chosen, "note": "TMS on site, PHQ-9 tracked"}, token="acme-tok")[
        "addNetworkMembers"
    ]
    assert added == {"changed": 2, "errors": []}
    refused = api.data(ADD, {"id": "acme-east", "npis": [d.excluded]}, token="acme-tok")["addNetworkMembers"]
    assert refused["errors"][0]["code"] == "VETTING_FAILED" and "not_excluded" in refused["errors"][0]["failedChecks"]
    after = api.data(CANDIDATES, {"id": "acme-east"}, token="acme-tok")["networkCandidates"]["candidates"]
    assert not {c["npi"] for c in after} & set(chosen)  # members are no candidates

    listed = api.data(
        '{ network(id: "acme-east") { members { npi decision decidedBy decidedAt note reviewedAt vettingStatus } } }',
        token="acme-tok",
    )["network"]["members"]
    assert [m["npi"] for m in listed] == sorted(chosen)
    assert {(m["decision"], m["decidedBy"], m["note"], m["vettingStatus"]) for m in listed} == {
        ("ADDED_AFTER_REVIEW", "employer:acme", "TMS on site, PHQ-9 tracked", "VERIFIED")
    }
    assert all(m["decidedAt"].endswith("+00:00") and m["reviewedAt"] is None for m in listed)

    review = api.data(
        'mutation { markNetworkReviewed(networkId: "acme-east", note: "Q4") { membersReviewed event { seq kind note } '
        "errors { code } } }",
        token="acme-tok",
    )["markNetworkReviewed"]
    assert review["membersReviewed"] == 2 and review["event"]["kind"] == "REVIEWED" and review["event"]["note"] == "Q4"
    changes = """{ networkChangesSinceReview(networkId: "acme-east") { lastReview { seq }
      members { npi baseline { status } current { status } changes { check before after reason } } } }"""
    quiet = api.data(changes, token="acme-tok")["networkChangesSinceReview"]
    assert quiet == {"lastReview": {"seq": review["event"]["seq"]}, "members": []}
    store.upsert_exclusions([Exclusion(chosen[0], "LEIE", "1128a1", date(2026, 1, 5), LEIE_FILE)])
    (moved,) = api.data(changes, token="acme-tok")["networkChangesSinceReview"]["members"]
    assert moved["npi"] == chosen[0]
    assert (moved["baseline"]["status"], moved["current"]["status"]) == ("VERIFIED", "FAILED")
    assert {"check": "not_excluded", "before": "pass", "after": "fail"}.items() <= next(
        c for c in moved["changes"] if c["check"] == "not_excluded"
    ).items()

    gone = api.data(
        REMOVE,
        {"id": "acme-east", "npis": [chosen[0]], "decision": "REMOVED_NO_LONGER_MEETS_CRITERIA", "note": "excluded"},
        token="acme-tok",
    )["removeNetworkMembers"]
    assert gone == {"changed": 1, "errors": []}
    exported = api.data('{ exportNetworkMembers(networkId: "acme-east") { csv rows hasNextPage } }', token="acme-tok")[
        "exportNetworkMembers"
    ]
    rows = list(csv.DictReader(io.StringIO(exported["csv"])))
    assert (
        exported["rows"] == 1
        and [r["npi"] for r in rows] == [chosen[1]]
        and rows[0]["decision"] == "added_after_review"
    )

    archived = api.data(
        'mutation { archiveNetwork(networkId: "acme-east", note: "merged into acme-vetted") { network { status } '
        "event { kind note } errors { code } } }",
        token="acme-tok",
    )["archiveNetwork"]
    assert archived["network"]["status"] == "ARCHIVED" and archived["event"]["kind"] == "ARCHIVED"
    for mutation in (
        'mutation { renameNetwork(networkId: "acme-east", name: "x") { errors { code } } }',
        'mutation { markNetworkReviewed(networkId: "acme-east") { errors { code } } }',
        'mutation { setNetworkRegions(networkId: "acme-east", regions: [{state: "NY"}]) { errors { code } } }',
        """mutation { setVettingCriteria(networkId: "acme-east", criteria: {requiredChecks: ["not_excluded"],
            acceptedLicenseStatuses: ["active"]}) { errors { code } } }""",
        'mutation { archiveNetwork(networkId: "acme-east") { errors { code } } }',
        f'mutation {{ addNetworkMembers(networkId: "acme-east", npis: ["{npis[2]}"]) {{ errors {{ code }} }} }}',
        f'mutation {{ removeNetworkMembers(networkId: "acme-east", npis: ["{chosen[1]}"], note: "x") '
        "{ errors { code } } }",
    ):
        (payload,) = api.data(mutation, token="acme-tok").values()
        assert payload["errors"] == [{"code": "ARCHIVED"}], mutation
    body = api.gql(CANDIDATES, {"id": "acme-east"}, token="acme-tok")
    assert body["errors"][0]["extensions"]["code"] == "ARCHIVED"
    lists = api.data(
        "{ active: networks(kind: EMPLOYER, status: ACTIVE) { id } archived: networks(status: ARCHIVED) { id } }",
        token="acme-tok",
    )
    assert lists == {"active": [{"id": "acme-vetted"}], "archived": [{"id": "acme-east"}]}  # no longer a target
    history = api.data('{ networkHistory(networkId: "acme-east") { seq kind npi decision note } }', token="acme-tok")
    assert [(e["kind"], e["npi"], e["decision"]) for e in reversed(history["networkHistory"])] == [
        ("CREATED", None, None),
        ("CRITERIA_CHANGED", None, None),
        ("MEMBER_ADDED", sorted(chosen)[0], "ADDED_AFTER_REVIEW"),
        ("MEMBER_ADDED", sorted(chosen)[1], "ADDED_AFTER_REVIEW"),
        ("REVIEWED", None, None),
        ("MEMBER_REMOVED", chosen[0], "REMOVED_NO_LONGER_MEETS_CRITERIA"),
        ("ARCHIVED", None, None),
    ]


def test_creating_is_for_the_callers_own_tenant(world):
    _, _, api = world
    cases = {
        "nav-tok": "FORBIDDEN",
        "acme-tok": "FORBIDDEN",  # another owner, or another kind, than its own
    }
    for token, code in cases.items():
        for extra in ({"ownerId": "globex"}, {"kind": "PAYER"}):
            body = {"input": {"id": "x-net", "name": "X", **extra}}
            assert api.data(CREATE, body, token=token)["createNetwork"]["errors"][0]["code"] == code
    payer = api.data(CREATE, {"input": {"id": "nw-tms", "name": "NW TMS"}}, token="nw-tok")["createNetwork"]
    assert (payer["network"]["kind"], payer["network"]["ownerId"]) == ("PAYER", "northwind")
    admin = api.data(CREATE, {"input": {"id": "admin-net", "name": "A"}}, token="adm")["createNetwork"]
    assert admin["errors"][0]["code"] == "FORBIDDEN"  # an admin names kind and owner
    made = api.data(
        CREATE, {"input": {"id": "admin-net", "name": "A", "kind": "EMPLOYER", "ownerId": "globex"}}, token="adm"
    )["createNetwork"]
    assert made["errors"] == [] and made["event"]["actor"] == "admin"
    bad = api.data(CREATE, {"input": {"id": "Bad Id", "name": "A", "regions": [{"state": "ZZ"}]}}, token="acme-tok")[
        "createNetwork"
    ]
    assert bad["errors"][0]["code"] == "INVALID_INPUT"


def test_a_payer_reads_the_reports_of_its_own_network(world):
    store, d, api = world
    reports = api.data(
        """{ directoryAccuracy(networkId: "northwind-ma") { listings fields { field listed verified shareVerified }
               fullyVerified definition }
             networkComposition(networkId: "northwind-ma") { members bySpecialty { specialty providers }
               rows { specialty state county providers } }
             staleListings(networkId: "northwind-ma", first: 100) { listings { npi facts { kind stale agreement } }
               hasNextPage } }""",
        token="nw-tok",
    )
    members = store.network_members("northwind-ma")
    accuracy = reports["directoryAccuracy"]
    assert accuracy["listings"] == len(members) and "90 days" in accuracy["definition"]
    assert [f["field"] for f in accuracy["fields"]] == ["address", "phone", "accepting_new_patients", "treatments"]
    composition = reports["networkComposition"]
    assert composition["members"] == len(members)
    assert sum(r["providers"] for r in composition["rows"] if r["specialty"] == "Psychiatry") == len(members)
    stale = reports["staleListings"]
    # the fixture's facts are from 2025: every listing has stale facts today
    assert {i["npi"] for i in stale["listings"]} == {m.npi for m in members} and not stale["hasNextPage"]
    assert all(f["stale"] or f["agreement"] == "CONTRADICTS" for i in stale["listings"] for f in i["facts"])


def test_the_benefit_gap_audit_of_an_employers_plans(world):
    _, d, api = world
    query = """query($plans: [ID!], $networks: [ID!], $radius: Float) {
      benefitGapAudit(planIds: $plans, networkIds: $networks, radiusMiles: $radius,
                      employees: [{zip: "10029", count: 50}, {zip: "02115", count: 20}]) {
        errors { code message }
        audit { employees assessed networkIds treatments { treatment covered share }
                gapCount gaps(first: 5) { zip employees missing } } } }"""
    audit = api.data(query, {"plans": ["northwind-ma-hmo"], "radius": 5}, token="acme-tok")["benefitGapAudit"]
    assert audit["errors"] == []
    got = audit["audit"]
    assert (got["employees"], got["assessed"], got["networkIds"]) == (70, 70, ["northwind-ma"])
    by = {t["treatment"]: t for t in got["treatments"]}
    # northwind-ma's members near East Harlem offer esketamine and TMS; the Boston ones are in it too
    assert by["ESKETAMINE_REMS"]["covered"] == 70 and by["ECT"]["covered"] == 0
    assert got["gapCount"] == 2 and {g["zip"] for g in got["gaps"]} == {"10029", "02115"}
    refusals = {
        ("acme-tok", "southwind-ppo", None): "FORBIDDEN",  # a plan acme does not offer
        ("globex-tok", "northwind-ma-hmo", None): "FORBIDDEN",
        ("nw-tok", "southwind-ppo", None): "FORBIDDEN",  # another payer's plan
        ("acme-tok", "no-such-plan", None): "NOT_FOUND",
        ("acme-tok", None, "globex-vetted"): "NOT_FOUND",  # another employer's network looks missing
        ("nav-tok", "northwind-ma-hmo", None): "FORBIDDEN",
    }
    for (token, plan, network), code in refusals.items():
        variables = {"plans": [plan] if plan else None, "networks": [network] if network else None}
        payload = api.data(query, variables, token=token)["benefitGapAudit"]
        assert payload["audit"] is None and [e["code"] for e in payload["errors"]] == [code], (token, plan, network)
    assert api.data(query, {"plans": ["northwind-ma-hmo"]}, token="nw-tok")["benefitGapAudit"]["errors"] == []
    offered = api.data("{ employers { id planIds } }", token="acme-tok")["employers"]
    assert offered == [{"id": "acme", "planIds": ["northwind-ma-hmo"]}]  # what acme may audit
    too_far = api.data(query, {"plans": ["northwind-ma-hmo"], "radius": 900}, token="adm")["benefitGapAudit"]
    assert too_far["errors"][0]["code"] == "INVALID_INPUT"


def test_member_statuses_and_decisions_cost_the_same_round_trips_whatever_the_page(world):
    store, d, api = world
    query = """query($n: Int!) { network(id: "northwind-ma") {
      members(first: $n) { npi decision note vettingStatus provider { name } } } }"""
    trips = []
    for n in (3, 25):
        before = store.round_trips
        members = api.data(query, {"n": n}, token="nw-tok")["network"]["members"]
        trips.append(store.round_trips - before)
        assert len(members) == min(n, len(store.network_members("northwind-ma")))
        assert all(m["vettingStatus"] in ("VERIFIED", "NEEDS_REVIEW", "FAILED") for m in members)
    assert trips[0] == trips[1], trips
