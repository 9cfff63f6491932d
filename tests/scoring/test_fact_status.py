"""Freshness and agreement of each fact (scoring.fact_status): one source,
sources that agree, sources that contradict, staleness after 90 days, and the
contradictions of each kind (a roster's address against NPPES, two sources'
phones or accepting-new-patients, a board's licence status against a roster's,
a treatment claimed but absent from the REMS list)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from directory.model import (
    AccessFacts,
    Credential,
    CredentialKind,
    Evidence,
    Exclusion,
    Location,
    NetworkMember,
    ProviderLocation,
    Treatment,
    TreatmentOffering,
)
from scoring import Agreement, FactKind, TreatmentList, fact_statuses

TODAY = date(2026, 12, 1)
NPI = "1234567893"
MAIN = Location("1 MAIN ST", "NEW YORK", "NY", "10029", phone="2125550100")
ELM = Location("9 ELM ST", "NEW YORK", "NY", "10036", phone="2125550199")
ANNEX = Location("3 PARK AVE", "NEW YORK", "NY", "10016")


def ev(source, days_old=10, confidence=0.9):
    return Evidence(source, TODAY - timedelta(days=days_old), "test", confidence, f"{source}#1")


def one(statuses, kind, fact=None):
    found = [s for s in statuses if s.kind is kind and (fact is None or s.fact == fact)]
    assert len(found) == 1, found
    return found[0]


def test_one_source_gives_its_own_confidence_and_date():
    roster = ev("roster:northwind", 30, 0.85)
    (status,) = fact_statuses(access=[AccessFacts(NPI, roster, accepting_new_patients=True)], today=TODAY)
    assert status.kind is FactKind.ACCEPTING_NEW_PATIENTS and status.value == "yes"
    assert status.agreement is Agreement.SINGLE_SOURCE and status.confidence == 0.85
    assert (status.last_verified, status.verified_by) == (roster.retrieved, "roster:northwind")
    assert not status.stale and status.verified
    (claim,) = status.sources
    assert (claim.source, claim.value, claim.agrees, claim.reference) == (
        "roster:northwind",
        "yes",
        True,
        "roster:northwind#1",
    )


def test_sources_that_agree_raise_the_confidence():
    rows = [
        AccessFacts(NPI, ev("roster:northwind", 30, 0.8), telehealth=True),
        AccessFacts(NPI, ev("secret_shopper", 5, 0.9), telehealth=True),
    ]
    status = one(fact_statuses(access=rows, today=TODAY), FactKind.TELEHEALTH)
    assert status.agreement is Agreement.AGREES and status.confidence == pytest.approx(1 - 0.2 * 0.1)
    assert status.verified_by == "secret_shopper"  # the later of the two
    assert status.last_verified == TODAY - timedelta(days=5)


def test_two_sources_accepting_new_patients_contradict():
    rows = [
        AccessFacts(NPI, ev("roster:northwind", 60, 0.85), accepting_new_patients=True, wait_days=7),
        AccessFacts(NPI, ev("secret_shopper", 10, 0.8), accepting_new_patients=False, wait_days=7),
    ]
    statuses = fact_statuses(access=rows, today=TODAY)
    accepting = one(statuses, FactKind.ACCEPTING_NEW_PATIENTS)
    assert accepting.agreement is Agreement.CONTRADICTS and not accepting.verified
    assert accepting.value == "yes"  # 0.85 outweighs 0.8
    assert accepting.confidence == pytest.approx(0.85 * (1 - 0.8))
    assert [(s.source, s.value, s.agrees) for s in accepting.sources] == [
        ("roster:northwind", "yes", True),
        ("secret_shopper", "no", False),
    ]
    assert one(statuses, FactKind.WAIT_DAYS).agreement is Agreement.AGREES


def test_a_fact_last_verified_more_than_90_days_ago_is_stale_and_not_verified():
    fresh = fact_statuses(access=[AccessFacts(NPI, ev("roster:x", 90, 0.8), languages=("en", "es"))], today=TODAY)
    stale = fact_statuses(access=[AccessFacts(NPI, ev("roster:x", 91, 0.8), languages=("en", "es"))], today=TODAY)
    assert not fresh[0].stale and fresh[0].verified and fresh[0].value == "en, es"
    assert stale[0].stale and not stale[0].verified
    assert stale[0].confidence < 0.8  # decayed with age


def test_a_roster_address_against_nppes_contradicts_both_but_a_secondary_location_file_does_not():
    locations = [
        ProviderLocation(MAIN, True, ev("nppes", 20, 1.0)),
        ProviderLocation(ANNEX, False, ev("nppes_pl", 20, 1.0)),  # secondary locations: no primary address
        ProviderLocation(ELM, True, ev("roster:acme", 5, 0.8)),
    ]
    statuses = fact_statuses(locations=locations, today=TODAY)
    main = one(statuses, FactKind.ADDRESS, "address 1 MAIN ST, NEW YORK, NY 10029")
    elm = one(statuses, FactKind.ADDRESS, "address 9 ELM ST, NEW YORK, NY 10036")
    annex = one(statuses, FactKind.ADDRESS, "address 3 PARK AVE, NEW YORK, NY 10016")
    assert main.agreement is Agreement.CONTRADICTS and elm.agreement is Agreement.CONTRADICTS
    assert main.value == "1 MAIN ST, NEW YORK, NY 10029 (primary)"  # NPPES 1.0 outweighs the roster's 0.8
    assert [(s.source, s.value) for s in main.sources] == [
        ("nppes", "1 MAIN ST, NEW YORK, NY 10029 (primary)"),
        ("roster:acme", "primary address 9 ELM ST, NEW YORK, NY 10036"),
    ]
    assert elm.value == "primary address 1 MAIN ST, NEW YORK, NY 10029"  # believed: not at Elm St
    assert annex.agreement is Agreement.SINGLE_SOURCE and annex.verified
    agreeing = fact_statuses(
        locations=[ProviderLocation(MAIN, True, ev("nppes", 20, 1.0)), ProviderLocation(MAIN, True, ev("roster:acme"))],
        today=TODAY,
    )
    assert one(agreeing, FactKind.ADDRESS).agreement is Agreement.AGREES


def test_each_source_phone_at_an_address_is_compared():
    other = Location(MAIN.line1, MAIN.city, MAIN.state, MAIN.zip5, phone="(212) 555-0999")
    statuses = fact_statuses(
        locations=[
            ProviderLocation(MAIN, True, ev("nppes", 20, 1.0)),
            ProviderLocation(other, True, ev("roster:acme")),
        ],
        today=TODAY,
    )
    phone = one(statuses, FactKind.PHONE)
    assert phone.fact == "phone at 1 MAIN ST, NEW YORK, NY 10029"
    assert phone.agreement is Agreement.CONTRADICTS and phone.value == "2125550100"
    assert {s.value for s in phone.sources} == {"2125550100", "2125550999"}
    assert one(statuses, FactKind.ADDRESS).agreement is Agreement.AGREES


def test_a_board_licence_status_against_a_roster_and_an_expiry_date_that_passed():
    board = Credential(CredentialKind.STATE_LICENSE, ev("state_board:NY", 5, 0.95), number="602145", state="NY",
                       status="revoked")  # fmt: skip
    roster = Credential(CredentialKind.STATE_LICENSE, ev("roster:acme", 40, 0.8), number="602145", state="NY",
                        status="Active", expires=TODAY + timedelta(days=300))  # fmt: skip
    silent = Credential(CredentialKind.STATE_LICENSE, ev("attestation", 3, 0.7), number="602145", state="NY")
    status = one(fact_statuses(credentials=[board, roster, silent], today=TODAY), FactKind.LICENSE)
    assert status.fact == "licence NY 602145" and status.value == "revoked"
    assert status.agreement is Agreement.CONTRADICTS
    assert {s.source for s in status.sources} == {"state_board:NY", "roster:acme"}  # the silent source is left out
    lapsed = Credential(CredentialKind.STATE_LICENSE, ev("state_board:NY"), number="1", state="NJ", status="active",
                        expires=TODAY - timedelta(days=1))  # fmt: skip
    assert one(fact_statuses(credentials=[lapsed], today=TODAY), FactKind.LICENSE).value.startswith("expired")
    cert = Credential(CredentialKind.BOARD_CERTIFICATION, ev("abpn", 5, 0.98), board="ABPN", specialty="Psychiatry",
                      certified_on=date(2015, 8, 1))  # fmt: skip
    board_status = one(fact_statuses(credentials=[cert], today=TODAY), FactKind.BOARD_CERTIFICATION)
    assert (board_status.fact, board_status.value) == ("board certification ABPN Psychiatry", "certified 2015-08-01")


def test_a_treatment_claimed_by_attestation_but_absent_from_the_loaded_rems_list_is_contradicted():
    claimed = TreatmentOffering(NPI, Treatment.ESKETAMINE_REMS, ev("attestation", 20, 0.7))
    rems = TreatmentList(Treatment.ESKETAMINE_REMS, "rems_list", TODAY - timedelta(days=15), 0.7)
    absent = one(fact_statuses(treatments=[claimed], treatment_lists=[rems], today=TODAY), FactKind.TREATMENT)
    assert absent.agreement is Agreement.CONTRADICTS and not absent.verified
    # 0.7 each way; the list was loaded after the attestation, so its absence is believed
    listed_on = (TODAY - timedelta(days=15)).isoformat()
    assert absent.value == f"not on rems_list as of {listed_on}"
    assert [(s.source, s.agrees) for s in absent.sources] == [("rems_list", True), ("attestation", False)]
    assert absent.confidence == pytest.approx(0.7 * 0.3)
    listed = TreatmentOffering(NPI, Treatment.ESKETAMINE_REMS, ev("rems_list", 15, 0.95), detail="REMS site 7")
    agreed = one(fact_statuses(treatments=[claimed, listed], treatment_lists=[rems], today=TODAY), FactKind.TREATMENT)
    assert agreed.agreement is Agreement.AGREES and agreed.value == "offered (REMS site 7)"
    # no list loaded: an attestation alone is one source, nothing to contradict it
    alone = one(fact_statuses(treatments=[claimed], today=TODAY), FactKind.TREATMENT)
    assert alone.agreement is Agreement.SINGLE_SOURCE
    # a list for another treatment says nothing about this one
    tms = TreatmentOffering(NPI, Treatment.TMS_STANDARD, ev("attestation", 20, 0.7))
    assert one(fact_statuses(treatments=[tms], treatment_lists=[rems], today=TODAY), FactKind.TREATMENT).agreement is (
        Agreement.SINGLE_SOURCE
    )


def test_memberships_and_exclusions_are_facts_with_their_dates():
    member = NetworkMember("acme-trd", NPI, ev("api:employer:acme", 120, 1.0), added_on=date(2026, 1, 5))
    excluded = Exclusion(NPI, "LEIE", "1128b4", date(2025, 3, 20), ev("oig_leie", 40, 0.99))
    statuses = fact_statuses(memberships=[member], exclusions=[excluded], today=TODAY)
    membership = one(statuses, FactKind.NETWORK_MEMBERSHIP)
    assert (membership.fact, membership.value, membership.stale) == (
        "network acme-trd",
        "member since 2026-01-05",
        True,
    )
    exclusion = one(statuses, FactKind.EXCLUSION)
    assert (exclusion.fact, exclusion.value) == ("exclusion LEIE 1128b4 2025-03-20", "in force")
    assert [s.kind for s in statuses] == [FactKind.NETWORK_MEMBERSHIP, FactKind.EXCLUSION]  # kinds in order
