"""Store contract, patient-to-provider matching: the candidate read and the
ranking profiles, on every backend. Expected distances come from
geo.haversine_miles, never the store; the search world of store_records has
known geometry around Times Square."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import date

import pytest
from store_records import (
    BROOKLYN,
    MIDTOWN,
    NEWARK,
    PHILADELPHIA,
    ROSTER,
    TIMES_SQUARE,
    UNGEOCODED,
    build_search_world,
    individual,
    npi,
    offering,
)

from directory.errors import InputError
from directory.geo import haversine_miles
from directory.model import (
    AccessFacts,
    Credential,
    CredentialKind,
    Evidence,
    Exclusion,
    ExclusionListLoad,
    GeoPoint,
    NetworkMember,
    ProviderLocation,
    Treatment,
)
from directory.model_matching import CandidateQuery, RankingProfile

TMS = (Treatment.TMS_STANDARD,)
LEIE = Evidence("oig_leie", date(2024, 6, 1), "bulk_file", 1.0, "UPDATED.csv")
PL = Evidence("nppes_pl", date(2024, 5, 1), "bulk_file", 1.0, "pl_pfile_20050523-20240430.csv")


def _miles(location) -> float:
    return round(haversine_miles(TIMES_SQUARE, GeoPoint(location.latitude, location.longitude)), 3)


def _by_npi(found) -> dict:
    return {c.npi: c for c in found.candidates}


@pytest.fixture
def world(store):
    return build_search_world(store)


def profile(number: str, *, vetting: str = "unknown", expertise: float = 33.0) -> RankingProfile:
    return RankingProfile(
        npi=number,
        computed_on=date(2026, 12, 6),
        basis="b1",
        vetting=vetting,
        expertise=expertise,
        base_points=15.0,
        treatment_points=((Treatment.ESKETAMINE_REMS, 10.0), (Treatment.TMS_STANDARD, 8.0)),
        detail='{"checks":[],"reasons":[]}',
    )


def test_candidates_are_the_sites_of_the_treatment_within_the_radius(store, world):
    found = store.match_candidates(CandidateQuery(TMS, TIMES_SQUARE, 15.0))
    by = _by_npi(found)
    # Boris Baker practises in Brooklyn too, but offers TMS in Philadelphia only: not a candidate here
    assert list(by) == [world.near_tms, world.brooklyn_tms, world.newark_tms_no_plan]  # nearest first
    assert [c.distance_miles for c in found.candidates] == pytest.approx(
        [_miles(MIDTOWN), _miles(BROOKLYN), _miles(NEWARK)], abs=0.002
    )
    assert [c.location_key for c in found.candidates] == [MIDTOWN.key, BROOKLYN.key, NEWARK.key]
    near = by[world.near_tms]
    assert near.offered == TMS and near.by_telehealth == () and not near.telehealth_in_state
    assert near.display_name == "Alice Adams, MD" and near.has_access_facts
    assert (near.accepting_new_patients, near.wait_days, near.languages) == (True, 7, ("en", "es"))
    assert by[world.brooklyn_tms].accepting_new_patients is False
    assert near.profile is None and found.exclusion_lists == () and not found.truncated
    # the radius is a great-circle radius: just short of Newark leaves it out
    narrow = store.match_candidates(CandidateQuery(TMS, TIMES_SQUARE, _miles(NEWARK) - 0.05))
    assert world.newark_tms_no_plan not in _by_npi(narrow)


def test_an_offering_without_a_location_counts_at_every_location(store, world):
    store.upsert_treatments([offering(world.two_sites, Treatment.ESKETAMINE_REMS, location=None)])
    found = store.match_candidates(CandidateQuery((Treatment.ESKETAMINE_REMS,), TIMES_SQUARE, 15.0))
    by = _by_npi(found)
    assert set(by) == {world.esketamine, world.two_sites}
    assert by[world.two_sites].location_key == BROOKLYN.key  # its nearer site
    assert by[world.two_sites].distance_miles == pytest.approx(_miles(BROOKLYN), abs=0.002)


def test_telehealth_candidates_need_a_practice_or_licence_in_the_state(store, world):
    # Dmitri Diaz practises in Philadelphia, offers TMS by telehealth and holds an NY licence (taxonomy)
    found = store.match_candidates(CandidateQuery(TMS, TIMES_SQUARE, 15.0, telehealth_state="ny"))
    remote = _by_npi(found)[world.philly_tms]
    assert remote.telehealth_in_state and remote.distance_miles is None and remote.location_key is None
    assert remote.by_telehealth == TMS and remote.sites == ()
    assert found.candidates[-1].npi == world.philly_tms  # telehealth-only ones after every site
    assert world.philly_tms not in _by_npi(store.match_candidates(CandidateQuery(TMS, TIMES_SQUARE, 15, "CA")))
    # a licence credential in the state counts as well
    store.upsert_credentials(
        [(world.philly_tms, Credential(CredentialKind.STATE_LICENSE, ROSTER, number="X1", state="CA"))]
    )
    assert world.philly_tms in _by_npi(store.match_candidates(CandidateQuery(TMS, TIMES_SQUARE, 15, "CA")))


def test_plan_network_and_deactivation_filter_candidates(store, world):
    in_plan = store.match_candidates(CandidateQuery(TMS, TIMES_SQUARE, 15.0, plan_id="plan-1"))
    assert list(_by_npi(in_plan)) == [world.near_tms, world.brooklyn_tms]  # Newark is in no network
    in_network = store.match_candidates(CandidateQuery(TMS, TIMES_SQUARE, 150.0, network_id="net-b"))
    assert list(_by_npi(in_network)) == [world.two_sites]
    store.deactivate({world.near_tms: date(2024, 9, 1)}, ROSTER)
    assert world.near_tms not in _by_npi(store.match_candidates(CandidateQuery(TMS, TIMES_SQUARE, 15.0)))


def test_the_site_index_follows_offerings_and_locations(store, world):
    query = CandidateQuery((Treatment.ECT,), TIMES_SQUARE, 15.0)
    assert store.match_candidates(query).candidates == ()
    store.upsert_treatments([offering(world.newark_tms_no_plan, Treatment.ECT, location=None)])
    assert [c.npi for c in store.match_candidates(query).candidates] == [world.newark_tms_no_plan]
    # a second location nearer the point becomes its nearest site; an ungeocoded one is never a site
    store.replace_secondary_locations(
        {world.newark_tms_no_plan: [ProviderLocation(MIDTOWN, False, PL), ProviderLocation(UNGEOCODED, False, PL)]},
        "nppes_pl",
    )
    (moved,) = store.match_candidates(query).candidates
    assert moved.location_key == MIDTOWN.key and moved.distance_miles == pytest.approx(_miles(MIDTOWN), abs=0.002)
    store.replace_secondary_locations({world.newark_tms_no_plan: []}, "nppes_pl")
    assert [c.location_key for c in store.match_candidates(query).candidates] == [NEWARK.key]


def test_the_inner_ring_is_the_answer_when_it_suffices(store, world):
    query = CandidateQuery(TMS, TIMES_SQUARE, 15.0, inner_miles=_miles(BROOKLYN) + 0.1)
    seen: list[list[str]] = []

    def enough(wanted):
        def test(candidates):
            seen.append([c.npi for c in candidates])
            return len(candidates) >= wanted

        return test

    near = store.match_candidates(query, enough(2))
    assert seen == [[world.near_tms, world.brooklyn_tms]]  # the inner ring, placed, was shown to the test
    assert [c.npi for c in near.candidates] == [world.near_tms, world.brooklyn_tms]
    assert near.radius_miles == query.inner_miles
    wide = store.match_candidates(query, enough(3))
    assert [c.npi for c in wide.candidates] == [world.near_tms, world.brooklyn_tms, world.newark_tms_no_plan]
    assert wide.radius_miles == 15.0
    assert store.match_candidates(query).radius_miles == 15.0  # no test: the whole radius


def test_a_candidate_read_needs_a_treatment_and_a_sane_radius(store, world):
    with pytest.raises(InputError):
        store.match_candidates(CandidateQuery((), TIMES_SQUARE, 10.0))
    with pytest.raises(InputError):
        store.match_candidates(CandidateQuery(TMS, TIMES_SQUARE, 0.0))
    with pytest.raises(InputError):
        store.match_candidates(CandidateQuery(TMS, TIMES_SQUARE, 5000.0))


def test_profiles_are_kept_only_under_their_claim(store, world):
    claim = store.claim_ranking_profiles([world.near_tms, world.esketamine, npi(999)])
    assert store.ranking_profiles([world.near_tms]) == {}  # claimed is not computed
    kept = store.write_ranking_profiles([profile(world.near_tms), profile(world.esketamine)], claim)
    assert kept == 2
    assert store.ranking_profiles([world.near_tms, world.esketamine, npi(999)]) == {
        world.near_tms: profile(world.near_tms),
        world.esketamine: profile(world.esketamine),
    }
    assert store.write_ranking_profiles([profile(npi(999))], claim) == 0  # not in the store
    # a later claim voids an earlier one
    first = store.claim_ranking_profiles([world.near_tms])
    second = store.claim_ranking_profiles([world.near_tms])
    assert store.write_ranking_profiles([profile(world.near_tms, expertise=1.0)], first) == 0
    assert store.ranking_profiles([world.near_tms])[world.near_tms].expertise == 33.0  # the old one stays
    assert store.write_ranking_profiles([profile(world.near_tms, expertise=2.0)], second) == 1
    assert store.ranking_profiles([world.near_tms])[world.near_tms].expertise == 2.0
    # the candidate read carries it, all but its explanation (a page reads that of its own few)
    (near,) = [c for c in store.match_candidates(CandidateQuery(TMS, TIMES_SQUARE, 1.0)).candidates]
    assert near.profile == dataclasses.replace(profile(world.near_tms, expertise=2.0), detail=None)


def _kept(store, number) -> bool:
    claim = store.claim_ranking_profiles([number])
    store.write_ranking_profiles([profile(number)], claim)
    return number in store.ranking_profiles([number])


WRITES = {
    "treatment": lambda s, w: s.upsert_treatments([offering(w.near_tms, Treatment.ECT)]),
    "credential": lambda s, w: s.upsert_credentials(
        [(w.near_tms, Credential(CredentialKind.STATE_LICENSE, ROSTER, number="1", state="NY", status="revoked"))]
    ),
    "exclusion": lambda s, w: s.upsert_exclusions([Exclusion(w.near_tms, "LEIE", "1128a1", date(2024, 1, 5), LEIE)]),
    "record": lambda s, w: s.upsert_providers(
        [individual(w.near_tms, "Alice", "Adams", last_update=date(2024, 9, 1), taxonomies=("363LP0808X",))]
    ),
    "deactivation": lambda s, w: s.deactivate({w.near_tms: date(2024, 9, 1)}, ROSTER),
    "secondary location": lambda s, w: s.replace_secondary_locations(
        {w.near_tms: [ProviderLocation(BROOKLYN, False, PL)]}, "nppes_pl"
    ),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_a_fact_a_profile_is_made_from_makes_the_store_forget_it(store, world, write):
    assert _kept(store, world.near_tms) and _kept(store, world.esketamine)
    WRITES[write](store, world)
    assert store.ranking_profiles([world.near_tms, world.esketamine]) == {world.esketamine: profile(world.esketamine)}


def test_a_sweep_of_secondary_locations_forgets_the_profiles_of_who_lost_one(store, world):
    store.replace_secondary_locations({world.near_tms: [ProviderLocation(BROOKLYN, False, PL)]}, "nppes_pl")
    assert _kept(store, world.near_tms) and _kept(store, world.esketamine)
    assert store.sweep_secondary_facts("nppes_pl", "a later file") == 1
    assert list(store.ranking_profiles([world.near_tms, world.esketamine])) == [world.esketamine]


def test_a_claim_written_over_by_a_fact_is_not_kept(store, world):
    claim = store.claim_ranking_profiles([world.near_tms])
    store.upsert_exclusions([Exclusion(world.near_tms, "LEIE", "1128a1", date(2024, 1, 5), LEIE)])
    assert store.write_ranking_profiles([profile(world.near_tms, vetting="passed")], claim) == 0
    assert store.ranking_profiles([world.near_tms]) == {}


def test_access_facts_and_networks_leave_profiles_alone(store, world):
    assert _kept(store, world.near_tms)
    store.upsert_access([AccessFacts(world.near_tms, ROSTER, accepting_new_patients=False)])
    store.add_network_members([NetworkMember("net-b", world.near_tms, ROSTER)])
    store.record_exclusion_lists([ExclusionListLoad("LEIE", date(2024, 6, 1), LEIE)])  # a basis, not a fact
    assert store.ranking_profiles([world.near_tms]) == {world.near_tms: profile(world.near_tms)}
    found = store.match_candidates(CandidateQuery(TMS, TIMES_SQUARE, 1.0))
    assert [x.list_name for x in found.exclusion_lists] == ["LEIE"]
    assert found.candidates[0].accepting_new_patients is False


def test_profiles_and_sites_go_with_a_wipe(store, world):
    assert _kept(store, world.near_tms)
    store.wipe()
    build_search_world(store)
    assert store.ranking_profiles([world.near_tms]) == {}
    assert [c.npi for c in store.match_candidates(CandidateQuery(TMS, TIMES_SQUARE, 1.0)).candidates] == [
        world.near_tms
    ]
    assert _miles(PHILADELPHIA) > 15  # the world's geometry, as the tests above assume


def test_a_store_made_before_the_site_index_gets_it_when_opened(tmp_path):
    from version2 import drop_matching, rewind_network_curation, rewind_record_evidence

    from directory.store import open_store
    from directory.store.sqlite import SQLiteStore
    from directory.store.sqlite_matching_schema import DDL

    path = tmp_path / "provnet.db"
    old = SQLiteStore(path)
    old.init_schema()
    world = build_search_world(old)
    old.close()
    raw = sqlite3.connect(path)  # make it what version 4 wrote: no matching tables, views or triggers
    rewind_record_evidence(raw)
    drop_matching(raw)
    rewind_network_curation(raw)
    raw.execute("UPDATE schema_version SET version = 4")
    raw.commit()
    assert not raw.execute("SELECT 1 FROM sqlite_master WHERE name = 'match_site'").fetchall()
    raw.close()
    store = open_store(f"sqlite:///{path}")
    try:
        found = store.match_candidates(CandidateQuery(TMS, TIMES_SQUARE, 15.0))
        assert [c.npi for c in found.candidates] == [world.near_tms, world.brooklyn_tms, world.newark_tms_no_plan]
        assert len(DDL) > 10
    finally:
        store.close()
