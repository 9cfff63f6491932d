"""A page of results costs a fixed number of store round trips, whatever its size."""

from __future__ import annotations

import pytest

PAGE = """
query Page($first: Int!, $npi: String!) {
  searchProviders(filter: {treatments: [ESKETAMINE_REMS], near: {zip: "10029"}, radiusMiles: 10}, first: $first) {
    totalCount
    edges {
      distanceMiles
      node {
        npi name
        locations { city zip5 evidence { source } }
        taxonomies { code displayName evidence { source } }
        treatments { treatment detail evidence { source confidence } }
        networks { id name kind }
        credentials { kind state status }
        access { acceptingNewPatients waitDays }
        affiliations { role organization { npi name } }
      }
    }
  }
  provider(npi: $npi) {
    npi evidence { kind source } vetting { passed } trdExpertise { score }
    locations { city } exclusions { source }
  }
}
"""


def trips(api, store, first: int, npi: str) -> tuple[int, dict]:
    before = store.round_trips
    data = api.data(PAGE, {"first": first, "npi": npi})
    return store.round_trips - before, data


@pytest.mark.parametrize("small,large", [(2, 20)])
def test_round_trips_do_not_grow_with_the_page(api, directory_store, small, large):
    store, d = directory_store
    few, few_data = trips(api, store, small, d.in_plan_near[0])
    many, many_data = trips(api, store, large, d.in_plan_near[0])
    assert len(few_data["searchProviders"]["edges"]) == small
    assert len(many_data["searchProviders"]["edges"]) == large
    # every nested collection was really read for every result
    for edge in many_data["searchProviders"]["edges"]:
        node = edge["node"]
        assert node["locations"] and node["taxonomies"] and node["treatments"] and node["credentials"]
        assert node["access"] is not None
    assert any(e["node"]["affiliations"] for e in many_data["searchProviders"]["edges"])
    assert few == many
    assert many <= 15, f"{many} store round trips for one page"


MATCH_PAGE = """
query Match($first: Int!) {
  matchProviders(need: {near: {zip: "10029"}, maxMiles: 3, tried: [MEDICATION_MANAGEMENT, TMS_STANDARD],
                        planId: "northwind-ma-hmo", acceptingNewPatients: REQUIRED}, first: $first) {
    totalCount errors { code }
    relaxed { kind added }
    matches {
      score components { name points } vettingChecks { name } expertise { score }
      treatments { treatment evidence { source retrieved currentConfidence } }
      location { city zip5 evidence { source } }
      provider {
        npi name
        taxonomies { code } networks { id } credentials { kind } access { waitDays }
        affiliations { role organization { npi name } }
      }
    }
  }
}
"""


def match_trips(api, store, first: int) -> tuple[int, dict]:
    before = store.round_trips
    data = api.data(MATCH_PAGE, {"first": first})
    return store.round_trips - before, data


def test_match_round_trips_do_not_grow_with_the_page(api, directory_store):
    store, _ = directory_store
    match_trips(api, store, 20)  # the first answer of the day computes the ranking profiles it needs
    few, few_data = match_trips(api, store, 2)
    many, many_data = match_trips(api, store, 20)
    assert len(few_data["matchProviders"]["matches"]) == 2
    matches = many_data["matchProviders"]["matches"]
    assert len(matches) > 10  # the fixture holds more esketamine sites than that in the plan within 3 miles
    for m in matches:  # every nested collection was really read for every match
        assert m["treatments"] and m["location"] and m["provider"]["taxonomies"] and m["provider"]["credentials"]
        assert m["provider"]["access"] is not None
    assert any(m["provider"]["affiliations"] for m in matches)
    assert few == many
    # the plan (1), the candidates (1), the page's explanations (1), then one read per kind of fact asked for:
    # treatments, locations and providers (3); taxonomies, networks, credentials, access and affiliations (5);
    # the organizations (1): 12, and room for the one cached lookup per request authentication is to make
    assert many <= 14, f"{many} store round trips for one page of matches"
