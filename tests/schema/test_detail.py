"""provider(npi): every fact with its evidence, organizations' subparts and parents."""

from __future__ import annotations

from directory.reference import nucc_taxonomies

DETAIL = """
query Detail($npi: String!) {
  provider(npi: $npi) {
    npi entityType name isActive deactivationDate
    locations { line1 city state zip5 county latitude longitude primary evidence { source method } }
    taxonomies { code displayName primary licenseNumber licenseState evidence { source } }
    credentials { kind number state status expires board specialty certifiedOn evidence { source } }
    treatments { treatment detail telehealth evidence { source confidence reference } }
    access { acceptingNewPatients telehealth languages waitDays }
    networks { id kind }
    affiliations { role organization { npi name } }
    exclusions { source exclusionType excludedOn inForce }
    evidence { kind fact source retrieved method confidence reference currentConfidence needsReverification }
    vetting { passed checks { name status reason } }
    trdExpertise { score reasons { points text } }
  }
}
"""


def test_detail_shows_each_fact_with_its_provenance(api, directory_store):
    store, d = directory_store
    npi = d.in_plan_near[0]
    p = api.data(DETAIL, {"npi": npi})["provider"]
    assert p["npi"] == npi and p["entityType"] == "INDIVIDUAL" and p["isActive"] is True
    assert p["locations"][0]["county"] == "New York County" and p["locations"][0]["primary"] is True
    nucc = {t.code: t.display_name for t in nucc_taxonomies()}
    assert p["taxonomies"] == [
        {
            "code": "2084P0800X",
            "displayName": nucc["2084P0800X"],
            "primary": True,
            "licenseNumber": f"L{npi[:6]}",
            "licenseState": "NY",
            "evidence": {"source": "nppes"},
        }
    ]
    kinds = {c["kind"] for c in p["credentials"]}
    assert kinds == {"STATE_LICENSE", "BOARD_CERTIFICATION"}
    rems = next(t for t in p["treatments"] if t["treatment"] == "ESKETAMINE_REMS")
    assert rems["evidence"] == {"source": "rems_list", "confidence": 0.95, "reference": "spravato-rems-2025-11.csv"}
    assert p["access"]["languages"] == ["en", "es"]
    assert [n["id"] for n in p["networks"]] == ["northwind-ma"]  # not the employer networks of others
    assert p["affiliations"][0]["organization"] == {"npi": d.organization, "name": "HARBOR MIND CLINIC"}

    # The evidence list covers every fact shown above, each saying which fact it backs.
    evidence = p["evidence"]
    by_kind = {}
    for e in evidence:
        by_kind.setdefault(e["kind"], []).append(e)
    assert by_kind["RECORD"][0]["source"] == "nppes" and by_kind["RECORD"][0]["retrieved"] == "2025-10-06"
    assert len(by_kind["LOCATION"]) == len(p["locations"])
    assert len(by_kind["TAXONOMY"]) == len(p["taxonomies"])
    assert len(by_kind["CREDENTIAL"]) == len(p["credentials"])
    assert len(by_kind["TREATMENT"]) == len(p["treatments"])
    assert len(by_kind["ACCESS"]) == 1 and len(by_kind["AFFILIATION"]) == 1
    assert {e["fact"] for e in by_kind["TREATMENT"]} == {"treatment esketamine_rems", "treatment tms_standard"}
    for e in evidence:
        assert 0 < e["currentConfidence"] <= e["confidence"] <= 1

    assert p["vetting"]["passed"] is True
    assert p["trdExpertise"]["score"] > 0 and p["trdExpertise"]["reasons"]


def test_an_excluded_provider_fails_vetting(api, directory_store):
    _, d = directory_store
    p = api.data(DETAIL, {"npi": d.excluded})["provider"]
    assert p["exclusions"] == [
        {"source": "LEIE", "exclusionType": "1128b4", "excludedOn": "2020-02-02", "inForce": True}
    ]
    assert p["vetting"]["passed"] is False
    check = next(c for c in p["vetting"]["checks"] if c["name"] == "not_excluded")
    assert check["status"] == "FAIL"


def test_a_deactivated_provider_says_so(api, directory_store):
    _, d = directory_store
    p = api.data(DETAIL, {"npi": d.deactivated})["provider"]
    assert p["isActive"] is False and p["deactivationDate"] == "2024-01-02"


def test_organizations_show_subparts_parent_and_members(api, directory_store):
    _, d = directory_store
    query = """query($npi: String!) { provider(npi: $npi) {
        name isSubpart parentOrganizationName parent { npi } subparts { npi name }
        otherNames { name typeCode typeLabel evidence { kind source } }
        affiliations { individual { npi } } } }"""
    org = api.data(query, {"npi": d.organization})["provider"]
    assert org["subparts"] == [{"npi": d.subpart, "name": "HARBOR MIND CLINIC EAST"}]
    assert org["parent"] is None
    assert org["otherNames"] == [
        {
            "name": "HARBOR MIND",
            "typeCode": "3",
            "typeLabel": "doing business as",
            "evidence": {"kind": "OTHER_NAME", "source": "nppes"},
        }
    ]
    assert sorted(a["individual"]["npi"] for a in org["affiliations"]) == sorted(d.in_plan_near[:3])
    sub = api.data(query, {"npi": d.subpart})["provider"]
    assert sub["isSubpart"] is True and sub["parent"] == {"npi": d.organization}


def test_unknown_and_malformed_npis(api):
    assert api.data(DETAIL, {"npi": "1234567893"})["provider"] is None  # valid check digit, not held
    body = api.gql(DETAIL, {"npi": "1234567890"})
    assert body["errors"][0]["message"] == "'1234567890' is not a valid NPI (10 digits with a valid check digit)"
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


def test_vocabularies(api):
    data = api.data('{ treatments { treatment label } taxonomies(search: "psychiatry", first: 3) { code } }')
    assert {t["treatment"] for t in data["treatments"]} >= {"TMS_ACCELERATED", "ESKETAMINE_REMS", "IV_KETAMINE"}
    assert len(data["taxonomies"]) == 3


def test_employer_network_memberships_show_only_to_their_owner(api, directory_store):
    _, d = directory_store
    query = "query($npi: String!) { provider(npi: $npi) { networks { id } } }"
    member = d.in_plan_near[5]  # in northwind-ma (payer, public) and globex-vetted (employer, private)
    seen = {
        token: sorted(n["id"] for n in api.data(query, {"npi": member}, token=token)["provider"]["networks"])
        for token in ("nav-tok", "acme-tok", "globex-tok", "adm")
    }
    assert seen == {
        "nav-tok": ["northwind-ma"],
        "acme-tok": ["northwind-ma"],
        "globex-tok": ["globex-vetted", "northwind-ma"],
        "adm": ["globex-vetted", "northwind-ma"],
    }
