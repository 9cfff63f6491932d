"""The cases the messy sources are full of, at small scale, with the provider model
trained (unsupervised) on the five-source benchmark world."""

from __future__ import annotations

import numpy as np

from directory.model import EntityType
from ingest.resolve import EntityRecord, provider_settings, resolve
from ingest.resolve import em as em_module
from ingest.resolve.result import MERGED, REVIEW

I, O = EntityType.INDIVIDUAL, EntityType.ORGANIZATION


def together(result, a: str, b: str) -> bool:
    clusters = result.clusters_of_refs()
    return clusters[a] == clusters[b]


def pair(result, a: str, b: str) -> int | None:
    refs = result.refs.tolist()
    i, j = sorted((refs.index(a), refs.index(b)))
    k = np.flatnonzero((result.left == i) & (result.right == j))
    return int(k[0]) if len(k) else None


def person(ref, npi=None, first=None, last=None, **kw) -> EntityRecord:
    return EntityRecord(ref, I, npi, first, kw.pop("middle", None), last, **kw)


SUITE = dict(address_line1="123 N Main St", address_line2="Suite 200", city="Houston", state="TX", zip="77002")
PHONE = ("7135550100",)


def test_namesakes_in_two_states_are_not_merged(five_source_settings):
    records = [
        person(
            "nppes:1234567893",
            "1234567893",
            "JOHN",
            "SMITH",
            **SUITE,
            phones=PHONE,
            licences=("TX-12345",),
            licence_states=("TX",),
            source_kind="nppes",
        ),  # fmt: skip
        person(
            "boards:L1",
            None,
            "JOHN",
            "SMITH",
            city="Atlanta",
            state="GA",
            zip="30301",
            licences=("98765",),
            licence_states=("GA",),
            source_kind="licences",
        ),  # fmt: skip
    ]
    result = resolve(records, five_source_settings, train=False)
    assert not together(result, "nppes:1234567893", "boards:L1")
    k = pair(result, "nppes:1234567893", "boards:L1")
    assert k is not None and result.probability[k] < 0.5  # one name is not evidence of one person
    # the same board row with the licence NPPES lists is that person
    records[1] = person("boards:L1", None, "JOHN", "SMITH", city="Atlanta", state="GA", zip="30301",
                        licences=("0012345",), licence_states=("TX",), source_kind="licences")  # fmt: skip
    assert together(resolve(records, five_source_settings, train=False), "nppes:1234567893", "boards:L1")


def test_father_and_son_at_one_practice_stay_apart(five_source_settings):
    records = [
        person("nppes:1234567893", "1234567893", "JOHN", "SMITH", middle="A", suffix="SR", **SUITE, phones=PHONE),
        person("nppes:1982736450", "1982736450", "JOHN", "SMITH", middle="B", suffix="JR.", **SUITE, phones=PHONE),
        EntityRecord("roster:1", I, full_name="Smith Jr, John", **SUITE, phones=PHONE, source_kind="roster"),
        EntityRecord("roster:2", I, full_name="JOHN SMITH SR MD", **SUITE, phones=PHONE, source_kind="roster"),
    ]
    result = resolve(records, five_source_settings, train=False)
    assert not together(result, "nppes:1234567893", "nppes:1982736450")
    assert together(result, "roster:1", "nppes:1982736450") and not together(result, "roster:1", "nppes:1234567893")
    assert together(result, "roster:2", "nppes:1234567893") and not together(result, "roster:2", "roster:1")
    k = pair(result, "roster:1", "nppes:1234567893")
    assert k is not None and result.status[k] != MERGED


def test_a_colleague_at_the_same_suite_and_phone_is_not_merged(five_source_settings):
    records = [
        person("nppes:1234567893", "1234567893", "JOHN", "ROE", **SUITE, phones=PHONE),
        EntityRecord(
            "nppes:1245319599", O, "1245319599", organization_name="Main Street Psychiatry PLLC", **SUITE, phones=PHONE
        ),  # fmt: skip
        # a colleague's roster rows: no NPI, and the group's NPI
        EntityRecord("roster:1", I, None, full_name="Doe, Jane, PMHNP-BC", **SUITE, phones=PHONE),
        EntityRecord("roster:2", I, "1245319599", full_name="Jane Doe", **SUITE, phones=PHONE),
        # her spouse: one surname, one suite, one phone
        person("nppes:1982736450", "1982736450", "RICHARD", "DOE", **SUITE, phones=PHONE),
    ]
    result = resolve(records, five_source_settings, train=False)
    for row in ("roster:1", "roster:2"):
        for other in ("nppes:1234567893", "nppes:1245319599", "nppes:1982736450"):
            assert not together(result, row, other), (row, other)
    assert together(result, "roster:1", "roster:2")  # her two rows are one person
    assert result.status[pair(result, "roster:1", "nppes:1982736450")] != REVIEW  # nothing a person could settle


def test_a_mistyped_npi_is_a_typo_not_a_conflict(five_source_settings):
    npi = "1234567893"
    typo = "1234567839"  # two digits swapped: fails the check digit
    records = [
        person("nppes:" + npi, npi, "ROBERT", "KOWALCZYK", **SUITE, phones=PHONE),
        EntityRecord(
            "roster:1",
            I,
            typo,
            full_name="Kowalczyk, Bob",
            address_line1="9 Oak Ave",
            state="TX",
            zip="78701",
            source_kind="roster",
        ),  # fmt: skip
    ]
    result = resolve(records, five_source_settings, train=False)
    assert together(result, "nppes:" + npi, "roster:1")
    assert result.explain(pair(result, "nppes:" + npi, "roster:1"))["npi"].startswith("typo")
    # a mistake that still passes the check digit is another enumeration: no merge
    records[1] = EntityRecord("roster:1", I, "1982736450", full_name="Kowalczyk, Bob", address_line1="9 Oak Ave",
                              state="TX", zip="78701", source_kind="roster")  # fmt: skip
    result = resolve(records, five_source_settings, train=False)
    assert not together(result, "nppes:" + npi, "roster:1")
    assert result.capped[pair(result, "nppes:" + npi, "roster:1")]


def test_an_individual_and_their_own_pllc_stay_apart(five_source_settings):
    records = [
        person("nppes:1234567893", "1234567893", "JOHN", "SMITH", middle="A", **SUITE, phones=PHONE),
        EntityRecord(
            "nppes:1245319599", O, "1245319599", organization_name="John A Smith MD PLLC", **SUITE, phones=PHONE
        ),  # fmt: skip
        EntityRecord(
            "tms:1", O, None, organization_name="John A. Smith, M.D., PLLC", **SUITE, phones=PHONE, source_kind="tms"
        ),  # fmt: skip
    ]
    result = resolve(records, five_source_settings, train=False)
    assert not together(result, "nppes:1234567893", "nppes:1245319599")
    assert together(result, "tms:1", "nppes:1245319599") and not together(result, "tms:1", "nppes:1234567893")


def test_transposed_nicknamed_and_former_names_still_match(five_source_settings):
    records = [
        person("nppes:1234567893", "1234567893", "SUSAN", "SPEROS", other_last_names=("BEBEAU",), **SUITE),
        # keyed into the wrong boxes, with a nickname in the surname box
        EntityRecord("roster:1", I, None, first_name="SPEROS", last_name="SUE", **SUITE, phones=PHONE),
        # the board still has her former name
        person("boards:1", None, "SUSAN", "BEBEAU", state="TX", zip="77002", licences=("TX55555",)),
        # a double-barrelled name on another roster
        EntityRecord("roster:2", I, None, full_name="Susan Bebeau-Speros", **SUITE),
    ]
    result = resolve(records, five_source_settings, train=False)
    for other in ("roster:1", "boards:1", "roster:2"):
        assert together(result, "nppes:1234567893", other), other


def test_an_npi_on_rows_of_several_people_is_no_key(five_source_settings):
    shared = "1245319599"  # a billing NPI the registry extract does not hold
    records = [
        EntityRecord(f"roster:{i}", I, shared, full_name=name, **SUITE, phones=PHONE)
        for i, name in enumerate(["Doe, Jane", "Roe, John", "Poe, Edgar"])
    ]
    result = resolve(records, five_source_settings, train=False)
    assert len(set(result.clusters.tolist())) == 3


# ------------------------------------------------------------------------- EM
def test_guard_names_and_corrects_degenerate_parameters(caplog):
    m = [np.array([0.30, 0.30, 0.40]), np.array([0.2, 0.5, 0.3])]
    u = [np.array([0.20, 0.10, 0.70]), np.array([0.9, 0.02, 0.08])]
    m2, u2, warnings = em_module.guard(["first_name", "zip"], m, u)
    text = " ".join(warnings)
    # first_name: "else" likelier among matches than non-matches, and its top level no evidence for
    assert "first_name: m of the weakest level" in text and "first_name: m of the strongest level" in text
    assert "zip: level(s) [2] weighed less" in text  # the exact level weighs less than the fuzzy one
    assert "degenerate parameter" in caplog.text
    for mj, uj in zip(m2, u2):
        ratio = mj / uj
        assert np.all(np.diff(ratio) >= -1e-9) and ratio[0] <= 1 + 1e-9 and ratio[-1] >= 1 - 1e-9
        assert abs(mj.sum() - 1) < 1e-9 and mj.min() >= em_module.FLOOR and uj.min() >= em_module.FLOOR
    _, _, none = em_module.guard(["ok"], [np.array([0.05, 0.95])], [np.array([0.9, 0.1])])
    assert none == []


def test_em_on_a_degenerate_sample_warns_and_stays_bounded():
    """Three hundred copies of one person at one address: every candidate pair agrees on
    everything, which unguarded EM reads as every pair of records being a match."""
    records = [EntityRecord(f"roster:{i}", I, None, "JOHN", None, "SMITH", **SUITE, phones=PHONE) for i in range(300)]
    settings = provider_settings()
    for rule in settings.blocking_rules:
        rule.max_block_size = 1000
    result = resolve(records, settings)
    trained = result.settings
    assert any(w.startswith("prior:") for w in result.warnings), result.warnings
    n = len(records)
    assert trained.probability_two_random_records_match <= trained.max_matches_per_record * n / 2 / (n * (n - 1) / 2)
    for c in trained.comparisons:
        assert all(em_module.FLOOR * 0.999 <= p <= 1 for p in c.m + c.u if not c.fix_u), c.name
        assert abs(sum(c.m) - 1) < 1e-6 and abs(sum(c.u) - 1) < 1e-6


def test_the_trained_model_does_not_collapse(five_source_settings):
    """The failure this model replaces: a prior near 1 and name "else" levels near 0.3,
    so every candidate pair scored above the merge threshold."""
    s = five_source_settings
    assert s.probability_two_random_records_match < 1e-3
    for name in ("first_name", "last_name"):
        c = next(c for c in s.comparisons if c.name == name)
        assert c.m[0] < 0.1 and c.m[0] < c.u[0] / 10, (name, c.m, c.u)
    weights = [np.log2(np.array(c.m) / np.array(c.u)) for c in s.comparisons]
    assert all(np.all(np.diff(w) >= -1e-9) for w in weights)
