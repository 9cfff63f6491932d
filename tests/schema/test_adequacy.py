"""Network adequacy over HTTP: a payer or employer assesses its own network
(an admin any), the result is the service's, refusals are typed errors."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from directory.services import adequacy

QUERY = """query($network: ID!, $members: [ZipMembers!]!) {
  networkAdequacy(networkId: $network, members: $members) {
    errors { code message }
    report {
      networkId members passed failed method
      results {
        state county countyType specialty members covered percentCovered requiredPercent
        providers requiredProviders passed reasons neededToPass
        uncoveredZips { zip members }
        fixes { npi vetted reason addsMembers }
      }
      hsdProviders { providerName npi specialty address city state zip county countyType telehealth }
      mapPng(state: "NY", county: "New York County", specialty: "Psychiatry")
    }
  }
}"""
MEMBERS = [{"zip": "10029", "count": 400}, {"zip": "10001", "count": 100}, {"zip": "11224", "count": 50}]


def test_a_payer_assesses_its_network_and_gets_the_services_answer(api, directory_store):
    store, _ = directory_store
    got = api.data(QUERY, {"network": "northwind-ma", "members": MEMBERS}, token="nw-tok")["networkAdequacy"]
    assert got["errors"] == []
    report = got["report"]
    expected = adequacy.assess(
        store,
        "northwind-ma",
        members=adequacy.members_from_pairs([(m["zip"], m["count"]) for m in MEMBERS]),
        standards=adequacy.default_standards(),
        counties=adequacy.default_counties(),
        specialties=adequacy.default_specialties(),
        travel=adequacy.StraightLine(),
        speeds=adequacy.travel_from_settings({})[1],
        today=datetime.now(UTC).date(),
    )
    assert [
        (r["county"], r["specialty"], r["members"], r["covered"], r["providers"], r["requiredProviders"], r["passed"])
        for r in report["results"]
    ] == [
        (c.county, c.specialty, c.members, c.covered, c.providers, c.required_providers, c.passed)
        for c in expected.cells
    ]
    psychiatry = {r["county"]: r for r in report["results"] if r["specialty"] == "Psychiatry"}
    assert psychiatry["New York County"]["members"] == 500 and psychiatry["Kings County"]["members"] == 50
    assert report["members"] == 550 and report["passed"] + report["failed"] == len(report["results"])
    assert psychiatry["New York County"]["reasons"] and psychiatry["New York County"]["requiredPercent"] == 90.0
    rows = {(row["npi"], row["specialty"]) for row in report["hsdProviders"] if row["county"] == "New York County"}
    assert rows == {(n, c.specialty) for c in expected.cells if c.county == "New York County" for n in c.counted_npis}
    assert rows  # the directory has in-network psychiatrists in Manhattan
    assert base64.b64decode(report["mapPng"]).startswith(b"\x89PNG\r\n\x1a\n")


def test_only_the_owner_or_an_admin_may_assess(api):
    variables = {"network": "northwind-ma", "members": MEMBERS}
    for token in ("acme-tok", "nav-tok"):
        got = api.data(QUERY, variables, token=token)["networkAdequacy"]
        assert got["report"] is None and got["errors"][0]["code"] == "FORBIDDEN"
    assert api.data(QUERY, variables, token="adm")["networkAdequacy"]["errors"] == []
    own = api.data(QUERY, {"network": "acme-vetted", "members": MEMBERS}, token="acme-tok")["networkAdequacy"]
    assert own["errors"] == [] and own["report"]["networkId"] == "acme-vetted"


def test_bad_requests_are_typed_errors(api):
    def errors(network, members):
        return api.data(QUERY, {"network": network, "members": members}, token="adm")["networkAdequacy"]["errors"]

    assert errors("no-such", MEMBERS)[0]["code"] == "NOT_FOUND"
    assert errors("northwind-ma", [{"zip": "1002", "count": 3}])[0]["code"] == "INVALID_INPUT"
    assert errors("northwind-ma", [{"zip": "10029", "count": -3}])[0]["code"] == "INVALID_INPUT"
    too_many = [{"zip": f"{10000 + i:05d}", "count": 1} for i in range(5001)]
    (refused,) = errors("northwind-ma", too_many)
    assert refused["code"] == "INVALID_INPUT" and "1 to 5000" in refused["message"]
