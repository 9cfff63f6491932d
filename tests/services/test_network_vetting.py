"""Vetting per network through the services, on the embedded store on disk:
criteria as data (validated, the default where a network has none), each
member's current status recorded when it changes (new evidence, new criteria,
or a fact ageing out), history and what changed, batch refresh, and the
employer network's refusal rule following the network's criteria."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from directory.errors import InputError, NotFound
from directory.model import (
    Credential,
    CredentialKind,
    EntityType,
    Evidence,
    Exclusion,
    ExclusionListLoad,
    Location,
    Network,
    NetworkKind,
    NetworkMember,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
    Treatment,
    TreatmentOffering,
    VettingStatus,
)
from directory.npi import make_npi
from directory.services import criteria as crit
from directory.services import network_vetting as nv
from directory.services import networks

TODAY = date(2026, 12, 1)
A, B, C = (make_npi(f"1{i:03d}00042") for i in range(3))
RULES = {
    "required_checks": ["active_npi", "taxonomy_fit", "state_license", "not_excluded"],
    "accepted_license_statuses": ["active"],
    "required_exclusion_lists": ["LEIE"],
    "min_trd_expertise": 0,
    "max_fact_age_days": 90,
}


def ev(source, days_old, confidence=0.95):
    return Evidence(source, TODAY - timedelta(days=days_old), "test", confidence, f"{source}.csv")


def person(npi: str, days_old: int = 10) -> ProviderRecord:
    nppes = ev("nppes", days_old, 1.0)
    return ProviderRecord(
        npi=npi,
        entity_type=EntityType.INDIVIDUAL,
        evidence=nppes,
        first_name="Ana",
        last_name="Moreau" + npi[-2:],
        locations=[ProviderLocation(Location("1 MAIN ST", "NEW YORK", "NY", "10029"), True, nppes)],
        taxonomies=[ProviderTaxonomy("2084P0800X", True, "L1", "NY", nppes)],
    )


def licence(npi: str, status="active", days_old=30):
    return npi, Credential(CredentialKind.STATE_LICENSE, ev("state_board:NY", days_old), number=npi[-6:], state="NY",
                           status=status)  # fmt: skip


@pytest.fixture
def world(sqlite_store):
    store = sqlite_store
    store.upsert_providers([person(A), person(B), person(C)])
    store.upsert_credentials([licence(A), licence(B), licence(C, "probation")])
    store.upsert_treatments([TreatmentOffering(A, Treatment.ESKETAMINE_REMS, ev("rems_list", 20))])
    store.record_exclusion_lists([ExclusionListLoad("LEIE", TODAY - timedelta(days=25), ev("oig_leie", 20, 1.0))])
    store.upsert_networks(
        [
            Network("acme-trd", "Acme TRD", NetworkKind.EMPLOYER, "acme"),
            Network("northwind-ma", "Northwind MA", NetworkKind.PAYER, "northwind"),
        ]
    )
    store.add_network_members([NetworkMember("acme-trd", n, ev("api:employer:acme", 60, 1.0)) for n in (A, B)])
    store.add_network_members([NetworkMember("northwind-ma", n, ev("roster:northwind", 40)) for n in (A, B, C)])
    return store


# ----------------------------------------------------------------- criteria
def test_the_bundled_default_is_the_documented_file_and_applies_where_a_network_has_none(world):
    text = (Path(crit.__file__).parent.parent / "data" / "vetting_criteria.json").read_text(encoding="utf-8")
    assert json.loads(text) == RULES
    default = crit.criteria_of(world, "acme-trd")
    assert crit.as_dict(default) == RULES and default.network_id == ""  # "": the default applies
    assert crit.criteria_of(world, None) == default
    with pytest.raises(NotFound):
        crit.criteria_of(world, "nope")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"colour": "red"}, "unknown criteria field 'colour'"),
        ({"required_checks": ["active_npi", "telepathy", "not_excluded"]}, "unknown check 'telepathy'"),
        ({"required_checks": ["active_npi"]}, "must include not_excluded"),
        ({"accepted_license_statuses": []}, "at least one status"),
        ({"accepted_license_statuses": "active"}, "must be a list of strings"),
        ({"required_exclusion_lists": ["LEIE", " "]}, "empty name"),
        ({"min_trd_expertise": 101}, "from 0 to 100"),
        ({"min_trd_expertise": True}, "from 0 to 100"),
        ({"max_fact_age_days": 0}, "from 1 to 3650, or null"),
        ({"max_fact_age_days": 30.5}, "from 1 to 3650, or null"),
    ],
)
def test_criteria_the_rules_refuse_name_the_field(change, message):
    with pytest.raises(InputError, match=message):
        crit.parse_criteria({**RULES, **change})


def test_criteria_must_name_every_field():
    with pytest.raises(InputError, match="missing max_fact_age_days"):
        crit.parse_criteria({k: v for k, v in RULES.items() if k != "max_fact_age_days"})


def test_a_network_s_own_criteria_and_a_stored_default_replace_the_bundled_ones(world):
    lenient = {**RULES, "accepted_license_statuses": ["Active", "probation"], "max_fact_age_days": None}
    stored, _ = nv.set_criteria(world, "acme-trd", lenient, actor="employer:acme", today=TODAY)
    assert stored.accepted_license_statuses == ("active", "probation") and stored.set_by == "employer:acme"
    assert crit.criteria_of(world, "acme-trd") == stored
    default = {**RULES, "required_exclusion_lists": ["LEIE", "SAM"]}
    nv.set_criteria(world, None, default, actor="admin", today=TODAY)
    assert crit.criteria_of(world, "northwind-ma").required_exclusion_lists == ("LEIE", "SAM")
    assert crit.criteria_of(world, "acme-trd") == stored  # its own still wins


# --------------------------------------------- current status and its history
def test_a_member_s_status_is_recorded_once_and_again_when_new_evidence_changes_it(world):
    first = nv.network_vetting(world, "acme-trd", [A, B, C], TODAY)
    assert sorted(first) == [A, B]  # C is not a member
    assert all(m.recorded and m.current.seq == 1 and m.previous is None for m in first.values())
    assert first[A].current.status is VettingStatus.VERIFIED
    assert first[A].current.judged_on == TODAY and first[A].current.scoring_version == "criteria-1"

    again = nv.network_vetting(world, "acme-trd", [A], TODAY + timedelta(days=1))
    assert not again[A].recorded and again[A].current == first[A].current  # the stored result still holds

    world.upsert_exclusions([Exclusion(A, "LEIE", "1128b4", TODAY - timedelta(days=3), ev("oig_leie", 2, 1.0))])
    changed = nv.network_vetting(world, "acme-trd", [A], TODAY + timedelta(days=2))[A]
    assert changed.recorded and changed.current.seq == 2 and changed.current.status is VettingStatus.FAILED
    assert changed.previous == first[A].current
    assert [(c.check, c.before, c.after) for c in changed.changes] == [
        (None, "verified", "failed"),
        ("not_excluded", "pass", "fail"),
    ]
    assert [r.seq for r in nv.history(world, "acme-trd", A)] == [2, 1]


def test_a_fact_ageing_past_the_limit_is_recorded_as_a_change_with_no_new_evidence(world):
    nv.network_vetting(world, "acme-trd", [B], TODAY)
    later = TODAY + timedelta(days=61)  # the licence (30 days old) is now 91
    aged = nv.network_vetting(world, "acme-trd", [B], later)[B]
    assert aged.recorded and aged.current.status is VettingStatus.NEEDS_REVIEW
    assert aged.current.fingerprint == aged.previous.fingerprint  # the same evidence ...
    assert [(c.check, c.after) for c in aged.changes] == [(None, "needs_review"), ("state_license", "unknown")]
    assert "older than 90 days" in aged.changes[1].reason


def test_refresh_records_the_networks_that_keep_results_and_only_what_changed(world):
    report = nv.refresh(world, None, TODAY)
    assert (report.networks, report.checked, report.recorded) == (1, 2, 2)  # the payer network keeps none
    assert dict(report.statuses) == {"verified": 2}
    assert nv.refresh(world, None, TODAY).recorded == 0
    # a payer network with criteria of its own keeps results too; a refresh may be limited to some NPIs
    nv.set_criteria(world, "northwind-ma", RULES, actor="payer:northwind", today=TODAY)
    assert [n.id for n in nv.vetted_networks(world)] == ["acme-trd", "northwind-ma"]
    some = nv.refresh(world, [C], TODAY)
    assert (some.networks, some.checked, some.recorded) == (1, 1, 0)  # C is in northwind-ma only, already recorded
    assert world.vetting_history("northwind-ma", C)[0].status is VettingStatus.FAILED  # probation is not active
    with pytest.raises(NotFound):
        nv.refresh(world, None, TODAY, network_id="nope")


def test_new_criteria_are_applied_to_the_network_s_members_at_once(world):
    nv.refresh(world, None, TODAY)
    strict = {**RULES, "min_trd_expertise": 30}
    _, report = nv.set_criteria(world, "acme-trd", strict, actor="employer:acme", today=TODAY)
    assert report.recorded == 2
    current = nv.network_vetting(world, "acme-trd", [A, B], TODAY)
    assert current[A].current.status is VettingStatus.VERIFIED  # esketamine at a REMS site + psychiatry
    assert current[B].current.status is VettingStatus.NEEDS_REVIEW
    assert [(c.check, c.after) for c in current[B].changes] == [(None, "needs_review"), ("trd_expertise", "unknown")]


def test_candidates_are_judged_without_being_recorded(world):
    judged = nv.candidates(world, "acme-trd", [C], TODAY)
    assert judged[C].status is VettingStatus.FAILED
    assert world.vetting_history("acme-trd", C) == []


# ------------------------------------------------- the refusal rule follows the criteria
def _add(store, npis, note=None):
    network = networks.find_network(store, "acme-trd")
    return networks.add_members(store, network, npis, actor="employer:acme", today=TODAY, override_note=note)


def test_an_employer_network_refuses_what_its_criteria_fail_and_accepts_what_they_accept(world):
    refused = _add(world, [C])
    assert refused.changed == 0
    [problem] = refused.problems
    assert problem.code is networks.ProblemCode.VETTING_FAILED and problem.failed_checks == ("state_license",)
    assert "licence NY" in problem.message and "probation" in problem.message
    nv.set_criteria(
        world, "acme-trd", {**RULES, "accepted_license_statuses": ["active", "probation"]}, actor="a", today=TODAY
    )
    added = _add(world, [C])
    assert added.changed == 1 and added.problems == ()
    (started,) = world.vetting_history("acme-trd", C)  # the judgment on adding starts the history
    assert started.status is VettingStatus.VERIFIED and started.seq == 1


def test_a_check_the_criteria_do_not_require_does_not_refuse_but_an_exclusion_always_does(world):
    nv.set_criteria(
        world, "acme-trd", {**RULES, "required_checks": ["active_npi", "not_excluded"]}, actor="a", today=TODAY
    )
    assert _add(world, [C]).changed == 1  # the probation licence is not required here
    excluded = make_npi("199900042")
    world.upsert_providers([person(excluded)])
    world.upsert_exclusions([Exclusion(excluded, "LEIE", "1128a1", date(2024, 1, 1), ev("oig_leie", 20, 1.0))])
    refused = _add(world, [excluded])
    assert [p.failed_checks for p in refused.problems] == [("not_excluded",)]
    overridden = _add(world, [excluded], note="appeal pending, reviewed by the board")
    assert overridden.changed == 1
    assert world.vetting_history("acme-trd", excluded)[0].status is VettingStatus.FAILED
