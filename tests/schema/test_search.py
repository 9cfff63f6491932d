"""searchProviders over HTTP against a real store: filters, ranking, cursors, input errors."""

from __future__ import annotations

from directory.geo import haversine_miles, zip_centroid
from directory.model import GeoPoint

SEARCH = """
query Search($filter: ProviderSearchInput!, $first: Int!, $after: String) {
  searchProviders(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor distanceMiles nameScore node { npi name isActive locations { latitude longitude } } }
  }
}
"""
NEAR_PLAN = {
    "treatments": ["ESKETAMINE_REMS"],
    "near": {"zip": "10029"},
    "radiusMiles": 10,
    "planId": "northwind-ma-hmo",
}


def search(api, filter, first=20, after=None):
    return api.data(SEARCH, {"filter": filter, "first": first, "after": after})["searchProviders"]


def test_treatment_radius_and_plan_find_exactly_the_in_plan_providers_nearby(api, directory_store):
    _, d = directory_store
    page = search(api, NEAR_PLAN, first=50)
    found = [e["node"]["npi"] for e in page["edges"]]
    assert sorted(found) == sorted(d.in_plan_near)  # not the out-of-network, far or deactivated ones
    assert page["totalCount"] == len(d.in_plan_near)
    assert page["pageInfo"]["hasNextPage"] is False
    distances = [e["distanceMiles"] for e in page["edges"]]
    assert distances == sorted(distances)
    center = zip_centroid("10029")[0]
    for edge in page["edges"]:
        loc = edge["node"]["locations"][0]
        true_distance = haversine_miles(center, GeoPoint(loc["latitude"], loc["longitude"]))
        assert abs(edge["distanceMiles"] - true_distance) < 0.01
        assert edge["node"]["isActive"] is True


def test_without_the_plan_the_out_of_network_providers_appear(api, directory_store):
    _, d = directory_store
    filter = {k: v for k, v in NEAR_PLAN.items() if k != "planId"}
    found = {e["node"]["npi"] for e in search(api, filter, first=50)["edges"]}
    assert found == set(d.in_plan_near + d.out_of_network)
    found = {e["node"]["npi"] for e in search(api, {**filter, "includeDeactivated": True}, first=50)["edges"]}
    assert d.deactivated in found


def test_cursor_pagination_walks_every_result_once_in_order(api):
    whole = [e["node"]["npi"] for e in search(api, NEAR_PLAN, first=50)["edges"]]
    walked, after, pages = [], None, 0
    while True:
        page = search(api, NEAR_PLAN, first=5, after=after)
        walked += [e["node"]["npi"] for e in page["edges"]]
        pages += 1
        assert page["edges"][-1]["cursor"] == page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert walked == whole
    assert pages == -(-len(whole) // 5)
    # any edge's cursor resumes right after that edge
    third = search(api, NEAR_PLAN, first=5)["edges"][2]["cursor"]
    assert [e["node"]["npi"] for e in search(api, NEAR_PLAN, first=2, after=third)["edges"]] == whole[3:5]


def test_a_cursor_from_another_search_is_refused(api):
    cursor = search(api, NEAR_PLAN, first=2)["pageInfo"]["endCursor"]
    body = api.gql(SEARCH, {"filter": {**NEAR_PLAN, "radiusMiles": 5}, "first": 2, "after": cursor})
    assert body["errors"][0]["message"] == "cursor does not belong to this search"
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


def test_name_search_tolerates_one_typo_per_word(api, directory_store):
    _, d = directory_store
    page = search(api, {"name": "cara MoreuaC"}, first=3)  # two letters transposed
    assert [e["node"]["npi"] for e in page["edges"]] == [d.in_plan_near[2]] and page["totalCount"] == 1
    # the mean over the query words of rapidfuzz's ratio: CARA 100, MOREUAC/MOREAUC 85.71
    assert page["edges"][0]["nameScore"] == 92.86
    # two edits from every name word (MORAEU/MOREAUC): no match
    assert search(api, {"name": "Cara Moraeu"})["totalCount"] == 0


def test_bad_search_input_gets_a_clear_error(api):
    cases = [
        ({"near": {"zip": "99999"}, "radiusMiles": 5}, "unknown ZIP code '99999'"),
        ({"near": {"zip": "10029"}}, "a search near a point needs radiusMiles"),
        ({"near": {"latitude": 40.7}, "radiusMiles": 5}, "near needs both latitude and longitude"),
        ({"state": "New York"}, "state must be a two-letter code, got 'New York'"),
    ]
    for filter, message in cases:
        body = api.gql(SEARCH, {"filter": filter, "first": 5})
        assert body["data"] is None
        assert body["errors"][0]["message"] == message
        assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    body = api.gql(SEARCH, {"filter": {**NEAR_PLAN, "planId": "no-such-plan"}, "first": 5})
    assert body["errors"][0]["message"] == "no plan 'no-such-plan'"
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    body = api.gql(SEARCH, {"filter": {"state": "NY"}, "first": 0})
    assert body["errors"][0]["message"] == "first must be between 1 and 100"


def test_an_employer_network_filter_is_private_to_its_owner(api, directory_store):
    _, d = directory_store
    filter = {"networkId": "globex-vetted"}
    body = api.gql(SEARCH, {"filter": filter, "first": 5})  # as a navigator: as if there were no such network
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert body["errors"][0]["message"] == "no network 'globex-vetted'"
    page = api.data(SEARCH, {"filter": filter, "first": 5}, token="globex-tok")["searchProviders"]
    assert [e["node"]["npi"] for e in page["edges"]] == [d.in_plan_near[5]]


ORDERED = """
query Ordered($filter: ProviderSearchInput!, $first: Int!, $after: String, $order: SearchOrder!) {
  searchProviders(filter: $filter, first: $first, after: $after, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { distanceMiles expertise unknown node { npi name trdExpertise { score } } }
  }
}
"""


def ordered(api, filter, order, first=50, after=None):
    variables = {"filter": filter, "first": first, "after": after, "order": order}
    return api.data(ORDERED, variables)["searchProviders"]


def test_order_by_expertise_puts_the_highest_trd_expertise_first(api, directory_store):
    page = ordered(api, NEAR_PLAN, "EXPERTISE")
    edges = page["edges"]
    keys = [(-e["expertise"], e["distanceMiles"], e["node"]["name"].upper()) for e in edges]
    assert keys == sorted(keys)
    assert all(e["expertise"] == e["node"]["trdExpertise"]["score"] for e in edges)
    assert len({e["expertise"] for e in edges}) > 1  # the fixture's providers differ (boards, TMS)
    # the same providers as by relevance, in another order
    by_relevance = ordered(api, NEAR_PLAN, "RELEVANCE")["edges"]
    assert sorted(e["node"]["npi"] for e in edges) == sorted(e["node"]["npi"] for e in by_relevance)
    assert [e["node"]["npi"] for e in edges] != [e["node"]["npi"] for e in by_relevance]
    assert all(e["expertise"] is None for e in by_relevance)
    # at one distance a higher score comes first, whatever the alphabet says
    same = [e for e in edges if e["distanceMiles"] == edges[0]["distanceMiles"]]
    assert [e["expertise"] for e in same] == sorted((e["expertise"] for e in same), reverse=True)


def test_an_expertise_cursor_walks_every_result_once_in_order(api):
    whole = [e["node"]["npi"] for e in ordered(api, NEAR_PLAN, "EXPERTISE")["edges"]]
    walked, after = [], None
    while True:
        page = ordered(api, NEAR_PLAN, "EXPERTISE", first=7, after=after)
        walked += [e["node"]["npi"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert walked == whole
    relevance_cursor = search(api, NEAR_PLAN, first=3)["pageInfo"]["endCursor"]
    body = api.gql(ORDERED, {"filter": NEAR_PLAN, "first": 3, "after": relevance_cursor, "order": "EXPERTISE"})
    assert body["errors"][0]["message"] == "cursor does not belong to this search"


def test_order_by_distance_puts_the_nearest_first(api):
    edges = ordered(api, NEAR_PLAN, "DISTANCE")["edges"]
    keys = [(e["distanceMiles"], e["node"]["name"].upper()) for e in edges]
    assert keys == sorted(keys)


def test_accepting_new_patients_keeps_unknown_providers_after_known_ones(api, directory_store):
    store, d = directory_store
    filter = {"near": {"zip": "10029"}, "radiusMiles": 1, "acceptingNewPatients": True}
    edges = ordered(api, filter, "RELEVANCE")["edges"]
    npis = [e["node"]["npi"] for e in edges]
    access = store.access_for(npis)
    known = [e for e in edges if not e["unknown"]]
    unknown = [e for e in edges if e["unknown"]]
    assert all(access[e["node"]["npi"]].accepting_new_patients is True for e in known)
    assert {e["node"]["npi"] for e in unknown} == {d.organization, d.subpart}  # no access facts: kept, flagged
    assert all(e["unknown"] == ["ACCEPTING_NEW_PATIENTS"] for e in unknown)
    assert edges == known + unknown  # unknown after every known one, though the clinic is at the centroid
    everyone = ordered(api, {"near": {"zip": "10029"}, "radiusMiles": 1}, "RELEVANCE")["edges"]
    refusing = {e["node"]["npi"] for e in everyone} - set(npis)
    assert refusing and all(store.access_for([n])[n].accepting_new_patients is False for n in refusing)
