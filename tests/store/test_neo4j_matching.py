"""The Neo4j adapter's matching primitives, without a server: through the
recording driver of ``test_neo4j_queries`` (constant Cypher, every parameter
sent and plain, one transaction per primitive, profiles forgotten in the same
transaction as the facts they depend on). The Cypher itself runs against Neo4j
in ``test_contract_matching`` when NEO4J_URI is set, and through Neo4j's
analyser in ``test_neo4j_queries``."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from test_neo4j_queries import EV, MIDTOWN, ROSTER, FakeDriver, check_all

from directory.geo import haversine_miles
from directory.model import (
    Credential,
    CredentialKind,
    Exclusion,
    GeoPoint,
    Treatment,
    TreatmentOffering,
)
from directory.model_matching import CandidateQuery, RankingProfile
from directory.store import neo4j_cypher as cypher
from directory.store import neo4j_matching as matching
from directory.store.neo4j import Neo4jStore

POINT = GeoPoint(40.7580, -73.9855)


@pytest.fixture
def recorded():
    """A Neo4j store whose driver records every statement (as ``test_neo4j_queries.fake``)."""
    store = Neo4jStore("neo4j://127.0.0.1:7687", user="neo4j", password="secret", database="provnet")
    store._driver.close()
    driver = FakeDriver()
    store._driver = driver  # type: ignore[assignment]
    return store, driver


PROFILE = RankingProfile(
    npi="1234567893",
    computed_on=date(2026, 12, 6),
    basis="abc",
    vetting="passed",
    expertise=51.95,
    base_points=25.0,
    treatment_points=((Treatment.ESKETAMINE_REMS, 23.75),),
    detail='{"checks":[],"reasons":[]}',
)


def test_candidates_are_one_read_transaction_and_convert_rows(recorded):
    store, driver = recorded
    site = {"npi": "1234567893", "key": MIDTOWN.key, "latitude": MIDTOWN.latitude, "longitude": MIDTOWN.longitude}
    driver.answers[matching.SITES] = [
        {**site, "treatment": "esketamine_rems"},
        {**site, "treatment": "ect"},  # one site, two treatments asked
        {"npi": "1568946812", "treatment": "ect", "key": "FAR", "latitude": 41.5, "longitude": -73.9855},  # box only
    ]
    driver.answers[matching.TELEHEALTH] = [
        {"npi": "1111111112", "treatment": "ect"},
        {"npi": "1234567893", "treatment": "ect"},
    ]
    props = matching.profile_props(PROFILE)["props"]
    del props["detail"]  # the candidate read projects the profile without it
    driver.answers[matching.DETAILS] = [
        {
            "npi": "1234567893",
            "display_name": "Ann B O'Neil, MD",
            "entity_type": 1,
            "access": {"accepting_new_patients": None, "telehealth": False, "languages": ["en"], "wait_days": 9},
            "profile": {"npi": "1234567893", **props},
        },
        {"npi": "1568946812", "display_name": "Far Clinic", "entity_type": 2, "access": None, "profile": None},
        {"npi": "1111111112", "display_name": "Remote Doc", "entity_type": 1, "access": None, "profile": None},
    ]
    driver.answers[cypher.EXCLUSION_LISTS] = [
        {"props": {"list_name": "LEIE", "as_of": "2024-06-01", "source": "oig_leie", "retrieved": "2024-06-01",
                   "method": "bulk_file", "confidence": 1.0, "reference": None}}
    ]  # fmt: skip
    query = CandidateQuery((Treatment.ECT, Treatment.ESKETAMINE_REMS), POINT, 10.0, "ny", plan_id="plan-1")
    found = store.match_candidates(query)
    check_all(driver)
    ((mode, statements),) = driver.transactions
    assert mode == "read"
    assert [q for q, _ in statements] == [matching.TELEHEALTH, matching.SITES, matching.DETAILS, cypher.EXCLUSION_LISTS]
    sites = statements[1][1]
    assert sites["treatments"] == ["ect", "esketamine_rems"] and sites["state"] == "NY" and sites["plan"] == "plan-1"
    assert sites["min_lat"] < POINT.latitude < sites["max_lat"] and sites["limit"] > 0
    assert statements[2][1] == {"npis": ["1111111112", "1234567893", "1568946812"]}
    assert found.radius_miles == 10.0
    ann, remote = found.candidates  # the far clinic has no site inside the radius and no telehealth
    assert ann.npi == "1234567893" and ann.location_key == MIDTOWN.key and len(ann.sites) == 1
    assert ann.distance_miles == round(haversine_miles(POINT, GeoPoint(MIDTOWN.latitude, MIDTOWN.longitude)), 3)
    assert ann.offered == (Treatment.ECT, Treatment.ESKETAMINE_REMS) and ann.by_telehealth == (Treatment.ECT,)
    assert ann.telehealth_in_state
    assert (ann.accepting_new_patients, ann.wait_days, ann.languages) == (None, 9, ("en",))
    assert ann.profile == dataclasses.replace(PROFILE, detail=None) and ann.has_access_facts
    assert remote.telehealth_in_state and remote.distance_miles is None and remote.profile is None
    assert not remote.has_access_facts
    assert [x.list_name for x in found.exclusion_lists] == ["LEIE"]


def test_without_a_state_no_telehealth_query_is_sent(recorded):
    store, driver = recorded
    store.match_candidates(CandidateQuery((Treatment.ECT,), POINT, 10.0))
    assert [q for q, _ in driver.statements()] == [matching.SITES, cypher.EXCLUSION_LISTS]


@pytest.mark.parametrize("suffices", [True, False])
def test_the_wider_ring_is_read_only_when_the_inner_one_does_not_suffice(recorded, suffices):
    store, driver = recorded
    seen = []

    def enough(candidates):
        seen.append(candidates)
        return suffices

    found = store.match_candidates(CandidateQuery((Treatment.ECT,), POINT, 20.0, inner_miles=10.0), enough)
    ((mode, statements),) = driver.transactions  # one read transaction either way
    assert mode == "read" and len(seen) == 1
    sent = [q for q, _ in statements]
    assert sent == [matching.SITES] * (1 if suffices else 2) + [cypher.EXCLUSION_LISTS]
    boxes = [params["max_lat"] - params["min_lat"] for _, params in statements[:-1]]
    assert boxes == sorted(boxes)  # the inner box first
    assert found.radius_miles == (10.0 if suffices else 20.0)


def test_profiles_are_claimed_written_under_the_claim_and_read_back(recorded):
    store, driver = recorded
    driver.answers[matching.WRITE] = [{"written": 1}]
    driver.answers[matching.PROFILES] = [{"props": {"npi": PROFILE.npi, **matching.profile_props(PROFILE)["props"]}}]
    token = store.claim_ranking_profiles(["1234567893", "1234567893"])
    assert store.write_ranking_profiles([PROFILE, PROFILE], token) == 1
    assert store.ranking_profiles(["1234567893"]) == {PROFILE.npi: PROFILE}
    check_all(driver)
    claim, write, read = driver.transactions
    assert claim[0] == "write" and claim[1] == [(matching.CLAIM, {"npis": ["1234567893"], "token": token})]
    assert write[0] == "write" and write[1][0][1]["claim"] == token and len(write[1][0][1]["rows"]) == 1
    assert read[0] == "read"


@pytest.mark.parametrize(
    "write,query",
    [
        (lambda s: s.upsert_treatments([TreatmentOffering("1234567893", Treatment.ECT, ROSTER)]), "UPSERT_TREATMENTS"),
        (
            lambda s: s.upsert_credentials([("1234567893", Credential(CredentialKind.STATE_LICENSE, ROSTER))]),
            "UPSERT_CREDENTIALS",
        ),
        (
            lambda s: s.upsert_exclusions([Exclusion("1234567893", "LEIE", "1128a1", date(2024, 1, 2), EV)]),
            "UPSERT_EXCLUSIONS",
        ),
        (lambda s: s.deactivate({"1234567893": date(2024, 2, 1)}, EV), "DEACTIVATE"),
    ],
)
def test_writes_of_profile_facts_forget_profiles_in_the_same_transaction(recorded, write, query):
    store, driver = recorded
    write(store)
    check_all(driver)
    ((mode, statements),) = driver.transactions
    assert mode == "write"
    assert [q for q, _ in statements] == [getattr(cypher, query), matching.FORGET_PROFILES]
    assert statements[1][1] == {"npis": ["1234567893"]}
