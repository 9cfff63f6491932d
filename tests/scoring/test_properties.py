"""Properties of the scoring rules over generated facts and criteria (issue 9
point 6): more evidence never lowers an expertise score; an exclusion in
force always fails vetting, under any criteria; stale facts never count as
verified; results are deterministic (the same facts in any order give the
same result, fingerprint included)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from directory.model import (
    AccessFacts,
    Credential,
    CredentialKind,
    EntityType,
    Evidence,
    Exclusion,
    ExclusionListLoad,
    Location,
    NetworkMember,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
    Treatment,
    TreatmentOffering,
    VettingCriteria,
    VettingStatus,
)
from scoring import CHECKS, FRESH_DAYS, TreatmentList, fact_statuses, judge, trd_expertise, vet

TODAY = date(2026, 12, 1)
NPI = "1234567893"
FITTING = frozenset({"2084P0800X", "363LP0808X", "261QM0801X"})
CODES = ["2084P0800X", "363LP0808X", "261QM0801X", "207L00000X", "103TC0700X", "207Q00000X"]
SOURCES = ["nppes", "roster:acme", "attestation", "rems_list", "state_board:NY", "secret_shopper"]
STATES = ["NY", "NJ", "MA"]
STATUSES = [None, "active", "expired", "revoked", "probation", "restricted", "unknown"]
PROFILE = settings(max_examples=80, deadline=None)


def days(n: int) -> date:
    return TODAY - timedelta(days=n)


evidence = st.builds(
    Evidence,
    source=st.sampled_from(SOURCES),
    retrieved=st.integers(-30, 900).map(days),  # a little in the future too: clocks disagree
    method=st.just("generated"),
    confidence=st.floats(0.0, 1.0, allow_nan=False),
    reference=st.none() | st.just("row 1"),
)
treatments = st.lists(
    st.builds(
        TreatmentOffering,
        npi=st.just(NPI),
        treatment=st.sampled_from(list(Treatment)),
        evidence=evidence,
        location_key=st.none() | st.just("1 MAIN ST||NEW YORK|NY|10029"),
        telehealth=st.booleans(),
    ),
    max_size=6,
)
taxonomies = st.lists(
    st.builds(
        ProviderTaxonomy,
        code=st.sampled_from(CODES),
        primary=st.booleans(),
        license_number=st.none() | st.just("L1"),
        license_state=st.none() | st.sampled_from(STATES),
        evidence=evidence,
    ),
    max_size=4,
)
licences = st.builds(
    Credential,
    kind=st.just(CredentialKind.STATE_LICENSE),
    evidence=evidence,
    number=st.sampled_from(["1", "2"]),
    state=st.sampled_from(STATES),
    status=st.sampled_from(STATUSES),
    expires=st.none() | st.integers(-400, 400).map(days),
)
boards = st.builds(
    Credential,
    kind=st.just(CredentialKind.BOARD_CERTIFICATION),
    evidence=evidence,
    board=st.sampled_from(["ABPN", "ABA"]),
    specialty=st.sampled_from(["Psychiatry", "Anesthesiology"]),
    certified_on=st.none() | st.integers(300, 9000).map(days),
)
credentials = st.lists(st.one_of(licences, boards), max_size=5)
locations = st.lists(
    st.builds(
        ProviderLocation,
        location=st.builds(
            Location,
            line1=st.sampled_from(["1 MAIN ST", "9 ELM ST"]),
            city=st.just("NEW YORK"),
            state=st.sampled_from(STATES),
            zip5=st.just("10029"),
            phone=st.none() | st.sampled_from(["2125550100", "2125550199"]),
        ),
        primary=st.booleans(),
        evidence=evidence,
    ),
    max_size=4,
)
exclusions = st.lists(
    st.builds(
        Exclusion,
        npi=st.just(NPI),
        source=st.sampled_from(["LEIE", "SAM"]),
        exclusion_type=st.sampled_from(["1128a1", "1128b4"]),
        excluded_on=st.integers(0, 4000).map(days),
        evidence=evidence,
        reinstated_on=st.none() | st.integers(-400, 400).map(days),
    ),
    max_size=3,
)


@st.composite
def list_loads(draw) -> list[ExclusionListLoad]:
    out = []
    for name in draw(st.lists(st.sampled_from(["LEIE", "SAM", "NY-OMIG"]), unique=True, max_size=3)):
        as_of = draw(st.integers(0, 500))
        # a list is retrieved on or after the date it speaks for
        retrieved = draw(st.integers(0, as_of))
        out.append(ExclusionListLoad(name, days(as_of), Evidence("list", days(retrieved), "bulk_file", 1.0)))
    return out


records = st.builds(
    ProviderRecord,
    npi=st.just(NPI),
    entity_type=st.sampled_from(list(EntityType)),
    evidence=evidence,
    deactivation_date=st.none() | st.integers(0, 2000).map(days),
    reactivation_date=st.none() | st.integers(0, 2000).map(days),
)
criteria = st.builds(
    VettingCriteria,
    required_checks=st.lists(st.sampled_from(CHECKS), unique=True).map(lambda c: tuple(sorted({*c, "not_excluded"}))),
    accepted_license_statuses=st.lists(
        st.sampled_from(["active", "probation", "restricted"]), min_size=1, unique=True
    ).map(tuple),
    required_exclusion_lists=st.lists(st.sampled_from(["LEIE", "SAM"]), unique=True).map(tuple),
    min_trd_expertise=st.floats(0, 100, allow_nan=False),
    max_fact_age_days=st.none() | st.integers(1, 400),
)


def judged(record, crit, facts, lists):
    return judge(
        record,
        criteria=crit,
        exclusion_lists=lists,
        fitting_taxonomies=FITTING,
        today=TODAY,
        network_id="net",
        **facts,
    )


facts_of = st.fixed_dictionaries(
    {
        "locations": locations,
        "taxonomies": taxonomies,
        "credentials": credentials,
        "exclusions": exclusions,
        "treatments": treatments,
    }
)


# ------------------------------------------------------------------ properties
@PROFILE
@given(treatments, taxonomies, credentials, treatments, taxonomies, credentials)
def test_more_evidence_never_lowers_an_expertise_score(t1, x1, c1, t2, x2, c2):
    before = trd_expertise(t1, x1, c1, TODAY)
    after = trd_expertise(t1 + t2, x1 + x2, c1 + c2, TODAY)
    assert after.score >= before.score
    assert 0 <= before.score <= 100 and 0 <= after.score <= 100


@PROFILE
@given(records, criteria, facts_of, list_loads(), exclusions, st.integers(-3000, 0))
def test_an_exclusion_in_force_always_fails_vetting_under_any_criteria(record, crit, facts, lists, more, reinstated):
    in_force = Exclusion(
        NPI,
        "LEIE",
        "1128b4",
        days(100),
        Evidence("oig_leie", days(900), "bulk_file", 0.1),  # however old and unsure its evidence
        None if reinstated > -1500 else TODAY - timedelta(days=reinstated),  # never, or not yet, reinstated
    )
    facts = {**facts, "exclusions": [*more, in_force, *facts["exclusions"]]}
    result = judged(record, crit, facts, lists)
    assert result.status is VettingStatus.FAILED
    assert next(c for c in result.checks if c.name == "not_excluded").status == "fail"
    general = vet(record, today=TODAY, fitting_taxonomies=FITTING, exclusion_lists=lists, **facts)
    assert not general.passed


@PROFILE
@given(records, criteria, facts_of, list_loads())
def test_stale_facts_never_count_as_verified(record, crit, facts, lists):
    result = judged(record, crit, facts, lists)
    limit = crit.max_fact_age_days
    if limit is not None:
        for check in result.checks:
            if check.status == "pass":  # every fact behind a pass is young enough
                assert all((TODAY - e.retrieved).days <= limit for e in check.evidence), check
        # the same facts once every one is older than the limit: nothing can be verified
        later = TODAY + timedelta(days=limit + 1000)
        late = judge(record, criteria=crit, exclusion_lists=lists, fitting_taxonomies=FITTING, today=later, **facts)
        assert late.status is not VettingStatus.VERIFIED
        assert all(c.status != "pass" or not c.evidence for c in late.checks)


@PROFILE
@given(locations, credentials, treatments, st.lists(st.builds(AccessFacts, npi=st.just(NPI), evidence=evidence,
       accepting_new_patients=st.none() | st.booleans(), telehealth=st.none() | st.booleans(),
       wait_days=st.none() | st.integers(0, 60)), max_size=4), exclusions)  # fmt: skip
def test_stale_facts_never_count_as_verified_in_a_listing(locs, creds, offers, access, excl):
    members = [NetworkMember("net", NPI, Evidence("roster:acme", days(200), "roster", 0.9))]
    rems = [TreatmentList(Treatment.ESKETAMINE_REMS, "rems_list", days(30))]
    for status in fact_statuses(
        locations=locs,
        credentials=creds,
        treatments=offers,
        access=access,
        exclusions=excl,
        memberships=members,
        treatment_lists=rems,
        today=TODAY,
    ):
        fresh = (TODAY - status.last_verified).days <= FRESH_DAYS
        assert status.stale is not fresh
        if status.verified:
            assert fresh and status.agreement.value != "contradicts"
        assert 0.0 <= status.confidence <= 1.0
        assert any(s.agrees and s.retrieved == status.last_verified for s in status.sources)


@PROFILE
@given(records, criteria, facts_of, list_loads(), st.randoms(use_true_random=False))
def test_judgments_are_deterministic_whatever_the_order_of_the_facts(record, crit, facts, lists, rnd):
    first = judged(record, crit, facts, lists)
    shuffled = {k: rnd.sample(v, len(v)) for k, v in facts.items()}
    again = judged(record, crit, shuffled, rnd.sample(lists, len(lists)))
    assert again == first  # status, every check and its evidence, fingerprint and digest
    statuses = fact_statuses(
        locations=facts["locations"], credentials=facts["credentials"], treatments=facts["treatments"], today=TODAY
    )
    assert statuses == fact_statuses(
        locations=shuffled["locations"],
        credentials=shuffled["credentials"],
        treatments=shuffled["treatments"],
        today=TODAY,
    )
