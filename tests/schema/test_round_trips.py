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
