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
)
from scoring import CheckStatus, fact_confidence, freshness, trd_expertise, vet

TODAY = date(2026, 11, 25)
#: What fits TRD care, as the vetting service passes it (scoring knows no reference data of its own).
FITTING = frozenset({"2084P0800X", "363LP0808X"})
LISTS = [ExclusionListLoad("LEIE", date(2025, 10, 1), Evidence("oig_leie", date(2025, 10, 8), "bulk_file", 1.0))]


def ev(days_old=0, confidence=1.0, source="attestation"):
    return Evidence(source, TODAY - timedelta(days=days_old), "test", confidence)


def test_freshness_decays_after_ninety_days_and_never_to_zero():
    assert freshness(TODAY - timedelta(days=90), TODAY) == 1.0
    assert 0.5 < freshness(TODAY - timedelta(days=400), TODAY) < 1.0
    assert freshness(TODAY - timedelta(days=730), TODAY) == 0.5
    assert freshness(TODAY - timedelta(days=5000), TODAY) == 0.25
    assert fact_confidence(ev(0, 0.8), TODAY) == 0.8


def test_expertise_ranks_fresh_rems_site_above_stale_attestation():
    fresh = trd_expertise([TreatmentOffering("1", Treatment.ESKETAMINE_REMS, ev(10, 1.0, "rems_list"))], [], [], TODAY)
    stale = trd_expertise([TreatmentOffering("1", Treatment.ESKETAMINE_REMS, ev(700, 0.6))], [], [], TODAY)
    assert fresh.score > stale.score > 0
    assert "esketamine_rems" in fresh.reasons[0].text


def test_expertise_adds_taxonomy_and_board_and_caps_at_100():
    treatments = [TreatmentOffering("1", t, ev()) for t in Treatment]
    tax = [ProviderTaxonomy("2084P0800X", True, "1", "NY", ev())]
    board = [Credential(CredentialKind.BOARD_CERTIFICATION, ev(), board="ABPN", specialty="Psychiatry")]
    full = trd_expertise(treatments, tax, board, TODAY)
    assert full.score == 100.0
    assert any("taxonomy 2084P0800X" == r.text for r in full.reasons)
    none = trd_expertise([], [], [], TODAY)
    assert none.score == 0 and none.reasons == ()


def _provider(**kw):
    return ProviderRecord(npi="1234567893", entity_type=EntityType.INDIVIDUAL, evidence=ev(), **kw)


def _loc(state):
    return ProviderLocation(Location("1 MAIN ST", "X", state, "10029"), True, ev())


def test_vetting_passes_with_active_licence_and_no_exclusion():
    licence = Credential(
        CredentialKind.STATE_LICENSE,
        ev(),
        number="123",
        state="NY",
        status="active",
        expires=TODAY + timedelta(days=100),
    )
    v = vet(
        _provider(),
        locations=[_loc("NY")],
        taxonomies=[ProviderTaxonomy("2084P0800X", True, None, None, ev())],
        credentials=[licence],
        exclusions=[],
        treatments=[],
        today=TODAY,
        fitting_taxonomies=FITTING,
        exclusion_lists=LISTS,
    )
    assert v.passed
    assert {c.name: c.status for c in v.checks}["trd_capability"] is CheckStatus.UNKNOWN


def test_vetting_fails_on_exclusion_expired_licence_or_deactivation():
    expired = Credential(
        CredentialKind.STATE_LICENSE, ev(), number="9", state="NY", status="active", expires=TODAY - timedelta(days=1)
    )
    excl = Exclusion("1234567893", "LEIE", "1128b4", date(2020, 1, 1), ev())
    v = vet(
        _provider(deactivation_date=date(2024, 1, 1)),
        locations=[_loc("NY")],
        taxonomies=[],
        credentials=[expired],
        exclusions=[excl],
        treatments=[],
        today=TODAY,
        fitting_taxonomies=FITTING,
        exclusion_lists=LISTS,
    )
    status = {c.name: c.status for c in v.checks}
    assert status["active_npi"] is CheckStatus.FAIL
    assert status["state_license"] is CheckStatus.FAIL
    assert status["not_excluded"] is CheckStatus.FAIL
    assert not v.passed


def test_vetting_cannot_pass_not_excluded_before_an_exclusion_list_is_loaded():
    licence = Credential(CredentialKind.STATE_LICENSE, ev(), number="9", state="NY", status="active")
    facts = dict(
        locations=[_loc("NY")],
        taxonomies=[ProviderTaxonomy("2084P0800X", True, None, None, ev())],
        credentials=[licence],
        exclusions=[],
        treatments=[],
        today=TODAY,
        fitting_taxonomies=FITTING,
    )
    unknown = vet(_provider(), exclusion_lists=[], **facts)
    check = {c.name: c for c in unknown.checks}["not_excluded"]
    assert check.status is CheckStatus.UNKNOWN and "no exclusion list has been loaded" in check.reason
    assert not unknown.passed
    known = vet(_provider(), exclusion_lists=LISTS, **facts)
    check = {c.name: c for c in known.checks}["not_excluded"]
    assert check.status is CheckStatus.PASS and check.reason.endswith("LEIE as of 2025-10-01")
    assert known.passed


def test_vetting_unknown_licence_in_an_unverified_state():
    licence = Credential(CredentialKind.STATE_LICENSE, ev(), number="1", state="NY", status="active")
    v = vet(
        _provider(),
        locations=[_loc("NY"), _loc("NJ")],
        taxonomies=[],
        credentials=[licence],
        exclusions=[],
        treatments=[],
        today=TODAY,
        fitting_taxonomies=FITTING,
        exclusion_lists=LISTS,
    )
    check = {c.name: c for c in v.checks}["state_license"]
    assert check.status is CheckStatus.UNKNOWN and "NJ" in check.reason
    assert not v.passed
