"""Vetting under a network's criteria (scoring.criteria): the status from the
required checks, the criteria's tunings (licence statuses, fact age, required
lists, minimum TRD expertise), evidence on every reason, the fingerprint, and
what changed between two results."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from directory.model import (
    Credential,
    CredentialKind,
    EntityType,
    Evidence,
    Exclusion,
    ExclusionListLoad,
    Location,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
    Treatment,
    TreatmentOffering,
    VettingCriteria,
    VettingStatus,
)
from scoring import CheckStatus, changes, judge, vet

TODAY = date(2026, 12, 1)
FITTING = frozenset({"2084P0800X", "363LP0808X"})
NPI = "1234567893"
CRITERIA = VettingCriteria(
    required_checks=("active_npi", "taxonomy_fit", "state_license", "not_excluded"),
    accepted_license_statuses=("active",),
    required_exclusion_lists=("LEIE",),
    min_trd_expertise=0.0,
    max_fact_age_days=90,
)


def ev(days_old=10, source="roster:acme", confidence=0.9):
    return Evidence(source, TODAY - timedelta(days=days_old), "test", confidence, f"{source}#1")


def leie(days_old=20):
    return ExclusionListLoad("LEIE", TODAY - timedelta(days=days_old), ev(days_old - 5, "oig_leie", 1.0))


def licence(status="active", days_old=10, state="NY", expires=None):
    return Credential(
        CredentialKind.STATE_LICENSE, ev(days_old, "state_board:" + state), number="602145", state=state,
        status=status, expires=expires,
    )  # fmt: skip


def facts(**changed):
    base = dict(
        locations=[ProviderLocation(Location("1 MAIN ST", "NEW YORK", "NY", "10029"), True, ev(5, "nppes"))],
        taxonomies=[ProviderTaxonomy("2084P0800X", True, "L1", "NY", ev(5, "nppes"))],
        credentials=[licence()],
        exclusions=[],
        treatments=[TreatmentOffering(NPI, Treatment.ESKETAMINE_REMS, ev(15, "rems_list", 0.95))],
    )
    base.update(changed)
    return base


def provider(days_old=5, **kw):
    return ProviderRecord(npi=NPI, entity_type=EntityType.INDIVIDUAL, evidence=ev(days_old, "nppes", 1.0), **kw)


def run(criteria=CRITERIA, record=None, lists=None, today=TODAY, **changed):
    return judge(
        record or provider(),
        criteria=criteria,
        exclusion_lists=[leie()] if lists is None else lists,
        fitting_taxonomies=FITTING,
        today=today,
        network_id="acme-trd",
        **facts(**changed),
    )


def checks(result):
    return {c.name: c for c in result.checks}


def test_fresh_facts_meeting_every_required_check_are_verified_with_the_evidence_behind_each():
    result = run()
    assert result.status is VettingStatus.VERIFIED and result.network_id == "acme-trd" and result.npi == NPI
    c = checks(result)
    assert [name for name, check in c.items() if check.required] == [
        "active_npi",
        "taxonomy_fit",
        "state_license",
        "not_excluded",
    ]
    assert c["state_license"].reason == "active licence in NY"
    (licence_ref,) = c["state_license"].evidence
    assert (licence_ref.fact, licence_ref.source, licence_ref.retrieved) == (
        "licence NY 602145",
        "state_board:NY",
        TODAY - timedelta(days=10),
    )
    assert c["not_excluded"].evidence[0].fact == f"exclusion list LEIE as of {(TODAY - timedelta(days=20)).isoformat()}"
    assert c["trd_capability"].evidence[0].source == "rems_list"
    assert result.scoring_version == "criteria-1" and result.judged_on == TODAY


def test_a_required_check_that_is_unknown_needs_review_and_one_not_required_does_not_matter():
    no_licence = run(credentials=[])
    assert no_licence.status is VettingStatus.NEEDS_REVIEW
    assert checks(no_licence)["state_license"].status == "unknown"
    assert checks(no_licence)["board_certification"].status == "unknown"  # not required: no effect
    relaxed = dataclasses.replace(CRITERIA, required_checks=("active_npi", "taxonomy_fit", "not_excluded"))
    assert run(relaxed, credentials=[]).status is VettingStatus.VERIFIED


def test_a_required_check_that_fails_fails_and_a_failure_not_required_does_not():
    revoked = run(credentials=[licence("revoked")])
    assert revoked.status is VettingStatus.FAILED
    assert checks(revoked)["state_license"].reason == "licence NY 602145 revoked"
    relaxed = dataclasses.replace(CRITERIA, required_checks=("active_npi", "taxonomy_fit", "not_excluded"))
    not_required = run(relaxed, credentials=[licence("revoked")])
    assert not_required.status is VettingStatus.VERIFIED
    assert checks(not_required)["state_license"].status == "fail" and not checks(not_required)["state_license"].required


def test_an_exclusion_in_force_fails_and_a_past_reinstatement_does_not():
    excluded = Exclusion(NPI, "LEIE", "1128b4", date(2025, 3, 20), ev(30, "oig_leie", 1.0))
    failed = run(exclusions=[excluded])
    assert failed.status is VettingStatus.FAILED
    assert checks(failed)["not_excluded"].reason == "excluded by LEIE (1128b4) on 2025-03-20"
    assert checks(failed)["not_excluded"].evidence[0].fact == "exclusion LEIE 1128b4 2025-03-20"
    reinstated = dataclasses.replace(excluded, reinstated_on=TODAY - timedelta(days=1))
    assert run(exclusions=[reinstated]).status is VettingStatus.VERIFIED
    later = dataclasses.replace(excluded, reinstated_on=TODAY + timedelta(days=30))  # not yet
    assert run(exclusions=[later]).status is VettingStatus.FAILED


def test_a_fact_older_than_the_limit_cannot_verify_but_an_adverse_one_still_fails():
    old = run(credentials=[licence(days_old=100)])
    c = checks(old)["state_license"]
    assert old.status is VettingStatus.NEEDS_REVIEW and c.status == "unknown"
    assert "not counted, older than 90 days: licence NY 602145 (state_board:NY, " in c.reason
    assert run(dataclasses.replace(CRITERIA, max_fact_age_days=120), credentials=[licence(days_old=100)]).status is (
        VettingStatus.VERIFIED
    )
    assert run(dataclasses.replace(CRITERIA, max_fact_age_days=None), credentials=[licence(days_old=900)]).status is (
        VettingStatus.VERIFIED
    )
    assert run(credentials=[licence("revoked", days_old=400)]).status is VettingStatus.FAILED
    stale_record = run(record=provider(days_old=200))
    assert checks(stale_record)["active_npi"].status == "unknown"
    assert "older than 90 days" in checks(stale_record)["active_npi"].reason
    gone = run(record=provider(days_old=200, deactivation_date=date(2024, 1, 1)))
    assert gone.status is VettingStatus.FAILED  # a deactivation counts however old the record


def test_accepted_licence_statuses_decide_what_a_licence_status_means():
    probation = [licence("probation")]
    assert checks(run(credentials=probation))["state_license"].reason == "licence NY 602145 probation"
    assert run(credentials=probation).status is VettingStatus.FAILED
    lenient = dataclasses.replace(CRITERIA, accepted_license_statuses=("active", "probation"))
    assert run(lenient, credentials=probation).status is VettingStatus.VERIFIED
    expired = [licence("active", expires=TODAY - timedelta(days=1))]
    assert checks(run(lenient, credentials=expired))["state_license"].status == "fail"  # the date decides
    unknown = [licence(None)]
    assert checks(run(credentials=unknown))["state_license"].status == "unknown"


def test_a_required_exclusion_list_never_loaded_or_out_of_date_needs_review_naming_it():
    both = dataclasses.replace(CRITERIA, required_exclusion_lists=("LEIE", "SAM"))
    missing = run(both)
    assert missing.status is VettingStatus.NEEDS_REVIEW
    assert checks(missing)["not_excluded"].reason.startswith("required exclusion list never loaded: SAM")
    old = run(lists=[leie(days_old=200)])
    assert old.status is VettingStatus.NEEDS_REVIEW
    assert "required exclusion list out of date: LEIE as of" in checks(old)["not_excluded"].reason
    none = run(dataclasses.replace(CRITERIA, required_exclusion_lists=()), lists=[])
    assert "no exclusion list has been loaded" in checks(none)["not_excluded"].reason


def test_a_minimum_trd_expertise_requires_the_score_and_names_what_earned_it():
    strict = dataclasses.replace(CRITERIA, min_trd_expertise=45)
    low = run(strict, treatments=[TreatmentOffering(NPI, Treatment.PSYCHOTHERAPY, ev(10, "attestation", 0.7))])
    c = checks(low)["trd_expertise"]
    assert low.status is VettingStatus.NEEDS_REVIEW and c.required and c.status == "unknown"
    assert c.reason == "TRD expertise 19.2 of 100, below the minimum 45: not shown"
    board = Credential(CredentialKind.BOARD_CERTIFICATION, ev(10, "abpn", 0.98), board="ABPN", specialty="Psychiatry")
    high = run(strict, credentials=[licence(), board])
    c = checks(high)["trd_expertise"]
    assert (
        high.status is VettingStatus.VERIFIED
        and c.status == "pass"
        and c.reason == "TRD expertise 48.55 of 100, at least the minimum 45"
    )
    assert {r.fact for r in c.evidence} == {
        "treatment esketamine_rems",
        "taxonomy 2084P0800X",
        "board certification ABPN Psychiatry",
    }
    assert not checks(run())["trd_expertise"].required  # a minimum of 0 requires nothing


def test_the_fingerprint_follows_the_evidence_and_criteria_not_who_set_them_or_the_day():
    base = run()
    assert run() == base  # deterministic
    assert run(credentials=[licence(days_old=11)]).fingerprint != base.fingerprint
    assert run(dataclasses.replace(CRITERIA, max_fact_age_days=91)).fingerprint != base.fingerprint
    assert run(dataclasses.replace(CRITERIA, set_by="employer:acme", set_on=TODAY)).fingerprint == base.fingerprint
    tomorrow = run(today=TODAY + timedelta(days=1))
    assert (tomorrow.fingerprint, tomorrow.digest) == (base.fingerprint, base.digest)  # nothing aged out yet
    # the same evidence, a later day: the licence ages past the limit, so the outcome changes, not the fingerprint
    later = run(today=TODAY + timedelta(days=81))
    assert later.fingerprint == base.fingerprint and later.digest != base.digest
    assert later.status is VettingStatus.NEEDS_REVIEW


def test_changes_name_the_status_and_each_check_that_moved():
    before = run()
    excluded = Exclusion(NPI, "LEIE", "1128b4", date(2026, 11, 20), ev(5, "oig_leie", 1.0))
    after = run(exclusions=[excluded])
    found = changes(before, after)
    assert [(c.check, c.before, c.after) for c in found] == [
        (None, "verified", "failed"),
        ("not_excluded", "pass", "fail"),
    ]
    assert found[1].reason == "excluded by LEIE (1128b4) on 2026-11-20"
    aged = run(today=TODAY + timedelta(days=81))
    # 81 days on, the licence, the LEIE load and the REMS listing are all older than 90 days
    assert [(c.check, c.before, c.after) for c in changes(before, aged)] == [
        (None, "verified", "needs_review"),
        ("state_license", "pass", "unknown"),
        ("not_excluded", "pass", "unknown"),
        ("trd_capability", "pass", "unknown"),
    ]
    assert changes(None, before) == () and changes(before, before) == ()


def test_the_general_checklist_keeps_its_defaults():
    # no age limit, any loaded list: vet() without criteria is the checklist it was
    v = vet(
        provider(days_old=900),
        today=TODAY,
        fitting_taxonomies=FITTING,
        exclusion_lists=[leie(days_old=900)],
        **facts(credentials=[licence(days_old=900)]),
    )
    assert v.passed and all(c.status is not CheckStatus.UNKNOWN for c in v.checks[:4])
