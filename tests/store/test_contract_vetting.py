"""Store contract, vetting (issue 9 points 4 and 5): criteria per network,
results appended only when they change (history kept), the newest results,
the dates site lists were loaded; and facts of one kind from several sources
kept apart (access facts per source, each source's phone at an address).
Written once, run on every backend through the ``store`` fixture."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from store_records import API, BROOKLYN, MIDTOWN, NPPES, ROSTER, individual, npi, offering

from directory.errors import InputError, NotFound
from directory.model import (
    AccessFacts,
    CheckResult,
    EvidenceRef,
    Network,
    NetworkKind,
    ProviderLocation,
    SearchCriteria,
    Treatment,
    VettingCriteria,
    VettingRecord,
    VettingStatus,
)

DEFAULT = VettingCriteria(
    required_checks=("active_npi", "not_excluded"),
    accepted_license_statuses=("active",),
    required_exclusion_lists=("LEIE",),
    min_trd_expertise=0.0,
    max_fact_age_days=90,
    network_id="",
    set_by="admin",
    set_on=date(2026, 11, 1),
)
ACME = dataclasses.replace(
    DEFAULT,
    required_checks=("active_npi", "state_license", "not_excluded", "board_certification"),
    accepted_license_statuses=("active", "probation"),
    required_exclusion_lists=("LEIE", "SAM"),
    min_trd_expertise=40.5,
    max_fact_age_days=None,
    network_id="acme-trd",
    set_by="employer:acme",
)
LICENCE_REF = EvidenceRef("licence NY 602145", "state_board:NY", date(2026, 10, 18), "license_lookup", 0.95)


def result(n: int, status=VettingStatus.VERIFIED, fingerprint="f1", digest="d1", network="acme-trd", day=1):
    checks = (
        CheckResult("state_license", "pass", True, "active licence in NY", (LICENCE_REF,)),
        CheckResult("board_certification", "unknown", False, "no board certification on record"),
    )
    return VettingRecord(network, npi(n), status, checks, fingerprint, digest, "criteria-1", date(2026, 12, day))


@pytest.fixture
def world(store):
    store.upsert_providers([individual(npi(1)), individual(npi(2), "Mary", "Jones")])
    store.upsert_networks(
        [
            Network("acme-trd", "Acme TRD", NetworkKind.EMPLOYER, "acme"),
            Network("northwind-ma", "Northwind MA", NetworkKind.PAYER, "northwind"),
        ]
    )
    return store


def test_criteria_per_network_and_the_default_round_trip_and_replace(world, reopen):
    store = world
    assert store.vetting_criteria() == {}
    store.set_vetting_criteria(DEFAULT)
    store.set_vetting_criteria(ACME)
    assert store.vetting_criteria() == {"": DEFAULT, "acme-trd": ACME}
    assert store.vetting_criteria(["acme-trd", "northwind-ma"]) == {"acme-trd": ACME}
    stricter = dataclasses.replace(ACME, max_fact_age_days=30, set_on=date(2026, 12, 2))
    store.set_vetting_criteria(stricter)  # replaces
    store = reopen()
    assert store.vetting_criteria(["acme-trd"]) == {"acme-trd": stricter}
    assert store.counts()["vetting_criteria"] == 2


def test_criteria_of_an_unknown_network_are_refused(world):
    with pytest.raises(NotFound, match="no network nope"):
        world.set_vetting_criteria(dataclasses.replace(ACME, network_id="nope"))
    assert world.vetting_criteria() == {}


def test_a_result_is_appended_only_when_its_fingerprint_or_outcome_changes(world, reopen):
    store = world
    assert store.record_vetting([result(1), result(2, VettingStatus.NEEDS_REVIEW)]) == 2
    assert store.record_vetting([result(1, day=2), result(2, VettingStatus.NEEDS_REVIEW)]) == 0  # nothing new
    assert store.record_vetting([result(1, VettingStatus.FAILED, digest="d2", day=3)]) == 1  # the outcome changed
    assert store.record_vetting([result(1, VettingStatus.FAILED, fingerprint="f2", digest="d2", day=4)]) == 1
    store = reopen()
    history = store.vetting_history("acme-trd", npi(1))
    assert [(r.seq, r.status, r.fingerprint, r.digest, r.judged_on.day) for r in history] == [
        (3, VettingStatus.FAILED, "f2", "d2", 4),
        (2, VettingStatus.FAILED, "f1", "d2", 3),
        (1, VettingStatus.VERIFIED, "f1", "d1", 1),  # the unchanged result of day 2 was not stored
    ]
    assert history[-1] == dataclasses.replace(result(1), seq=1)  # checks and evidence come back whole
    newest = store.vetting_results("acme-trd", [npi(1), npi(2), npi(3)])
    assert {k: [r.seq for r in v] for k, v in newest.items()} == {npi(1): [3], npi(2): [1]}
    two = store.vetting_results("acme-trd", [npi(1)], latest=2)
    assert [r.seq for r in two[npi(1)]] == [3, 2]
    assert store.counts()["vetting_results"] == 4


def test_results_are_kept_per_network_and_the_default_has_its_own(world):
    store = world
    store.record_vetting([result(1), result(1, network="northwind-ma"), result(1, network="")])
    for network in ("acme-trd", "northwind-ma", ""):
        assert [r.network_id for r in store.vetting_history(network, npi(1))] == [network]
    assert store.vetting_results("acme-trd", []) == {}


def test_the_last_result_of_a_provider_in_a_batch_wins(world):
    assert world.record_vetting([result(1, digest="a"), result(1, digest="b")]) == 1
    assert [r.digest for r in world.vetting_history("acme-trd", npi(1))] == ["b"]


def test_results_for_an_unknown_network_write_nothing(world):
    with pytest.raises(NotFound, match="no network nope"):
        world.record_vetting([result(1), result(2, network="nope")])
    assert world.vetting_history("acme-trd", npi(1)) == []


def test_asking_for_no_result_or_too_many_is_refused(world):
    with pytest.raises(InputError):
        world.vetting_results("acme-trd", [npi(1)], latest=0)


def test_wipe_removes_criteria_and_results(world):
    world.set_vetting_criteria(ACME)
    world.record_vetting([result(1)])
    world.wipe()
    assert world.vetting_criteria() == {} and world.counts()["vetting_results"] == 0


def test_the_newest_offering_of_each_source_dates_a_site_list(world):
    store = world
    rems = dataclasses.replace(ROSTER, source="rems_list", retrieved=date(2026, 10, 15))
    store.upsert_treatments(
        [
            offering(npi(1), Treatment.ESKETAMINE_REMS, evidence=rems),
            offering(npi(2), Treatment.ESKETAMINE_REMS, evidence=dataclasses.replace(rems, retrieved=date(2026, 9, 1))),
            offering(npi(2), Treatment.TMS_STANDARD, evidence=ROSTER),
        ]
    )
    assert store.newest_offering_dates(["rems_list", "roster:acme", "nope"]) == {
        "rems_list": date(2026, 10, 15),
        "roster:acme": ROSTER.retrieved,
    }
    assert store.newest_offering_dates([]) == {}


# ------------------------------------------- one fact kind, several sources
def test_access_facts_are_kept_per_source_and_the_newest_is_the_one_shown_and_searched(world):
    store = world
    roster = AccessFacts(npi(1), ROSTER, accepting_new_patients=True, telehealth=False, languages=("en",), wait_days=9)
    survey_ev = dataclasses.replace(API, source="secret_shopper", retrieved=date(2024, 7, 1))
    survey = AccessFacts(npi(1), survey_ev, accepting_new_patients=False)
    assert store.upsert_access([roster, survey]) == 2
    assert store.access_facts_for([npi(1), npi(2)]) == {npi(1): [survey, roster]}  # newest first
    assert store.access_for([npi(1)]) == {npi(1): survey}

    def known(accepting: bool) -> list[str]:
        """NPIs whose shown access facts say so; providers no source speaks for stay, flagged unknown."""
        hits = store.search(SearchCriteria(accepting_new_patients=accepting)).hits
        assert all(h.unknown == ("accepting_new_patients",) for h in hits if h.npi != npi(1))
        return [h.npi for h in hits if not h.unknown]

    assert known(False) == [npi(1)]
    assert known(True) == []  # the newest row (the survey) says it is not accepting
    assert npi(1) not in {h.npi for h in store.search(SearchCriteria(accepting_new_patients=True)).hits}
    # the same source again replaces its own row only
    again = dataclasses.replace(roster, wait_days=3, evidence=dataclasses.replace(ROSTER, retrieved=date(2024, 8, 1)))
    store.upsert_access([again])
    assert store.access_facts_for([npi(1)]) == {npi(1): [again, survey]}
    assert known(True) == [npi(1)]
    assert store.counts()["access_facts"] == 2


def test_access_rows_of_one_day_are_ordered_by_source_name(world):
    day = date(2024, 9, 9)
    a = AccessFacts(npi(2), dataclasses.replace(ROSTER, source="b:second", retrieved=day), telehealth=True)
    b = AccessFacts(npi(2), dataclasses.replace(ROSTER, source="a:first", retrieved=day), telehealth=False)
    world.upsert_access([a, b])
    assert world.access_for([npi(2)]) == {npi(2): b}
    assert world.access_facts_for([npi(2)]) == {npi(2): [b, a]}


def test_each_source_keeps_the_phone_it_gave_for_an_address(world):
    store = world
    other_phone = dataclasses.replace(MIDTOWN, phone="2125559999")
    store.replace_secondary_locations(
        {npi(1): [ProviderLocation(other_phone, True, ROSTER), ProviderLocation(BROOKLYN, False, ROSTER)]},
        ROSTER.source,
    )
    placed = store.locations_for([npi(1)])[npi(1)]
    phones = sorted((pl.evidence.source, pl.location.key, pl.location.phone) for pl in placed)
    assert phones == [
        (NPPES.source, MIDTOWN.key, MIDTOWN.phone),
        (ROSTER.source, MIDTOWN.key, "2125559999"),
        (ROSTER.source, BROOKLYN.key, BROOKLYN.phone),
    ]
