"""The matching rules of an exclusion-list row and a directory provider
(directory.services.exclusion_rules), pure: when a match is certain, when it
is uncertain, when it is no match at all."""

from __future__ import annotations

from datetime import date

import pytest

from directory.model import EntityType, Evidence, ExclusionRecord, NameCandidate
from directory.services.exclusion_rules import (
    BUSINESS,
    BUSINESS_ONLY,
    NAME_DOB,
    NAME_ONLY,
    NAME_STATE,
    NPI,
    match_record,
    organization_key,
    surname_words,
)

EV = Evidence("oig_leie", date(2025, 11, 10), "bulk_file", 1.0, "UPDATED.csv")


def row(last="SMITH", first="JOHN", middle="Q", state="NY", **extra) -> ExclusionRecord:
    return ExclusionRecord(
        "LEIE",
        "k",
        "i",
        "1128b4",
        date(2020, 1, 1),
        EV,
        last_name=last,
        first_name=first,
        middle_name=middle,
        state=state,
        **extra,
    )


def biz(name="HARBOR MIND CLINIC, INC.", state="NY") -> ExclusionRecord:
    return ExclusionRecord("LEIE", "b", "i", "1128b7", date(2021, 1, 1), EV, business_name=name, state=state)


def person(npi="1000000012", first="John", last="Smith", middle="Q", states=("NY",), others=(), dob=None):
    return NameCandidate(
        npi, EntityType.INDIVIDUAL, first, middle, last, None, tuple(others), tuple(states), birth_date=dob
    )


def org(npi="2000000044", name="Harbor Mind Clinic LLC", states=("NY",), others=()):
    return NameCandidate(npi, EntityType.ORGANIZATION, organization_name=name, other_names=tuple(others), states=states)


def only(matches):
    assert len(matches) == 1, matches
    return matches[0]


def test_same_name_middle_initial_and_state_is_certain():
    m = only(match_record(row(), [person()]))
    assert (m.method, m.certain, m.probability) == (NAME_STATE, True, 0.95)
    assert m.agreement["surname"] == "exact (legal name)" and m.agreement["middle_name"] == "agree"
    assert m.agreement["state"] == "NY among NY"
    # a middle initial agrees with the full middle name
    assert only(match_record(row(middle="Q"), [person(middle="Quincy")])).certain


@pytest.mark.parametrize(
    "record, candidate, why",
    [
        (row(middle=""), person(), "middle_name"),  # no middle name on the row
        (row(), person(middle=None), "middle_name"),  # none in the directory
        (row(last="SMITH-JONES"), person(), "surname"),  # one part of the row's hyphenated surname
        (row(last="SMITH"), person(last="Smith-Jones"), "surname"),  # one part of the directory's
        (row(first="MARY ANN", last="JONES"), person(first="Mary", last="Jones"), "first_name"),
    ],
)
def test_weaker_name_agreement_is_uncertain(record, candidate, why):
    m = only(match_record(record, [candidate]))
    assert m.method == NAME_STATE and not m.certain
    assert 0.05 <= m.probability < 0.9
    assert m.agreement[why] in ("missing", "partial") or m.agreement[why].startswith("part")


def test_hyphenated_surname_written_with_a_space_is_the_same_surname():
    m = only(match_record(row(last="SMITH-JONES"), [person(last="Smith Jones")]))
    assert m.certain and m.agreement["surname"] == "exact (legal name)"


def test_a_common_name_in_the_state_makes_every_match_uncertain():
    twins = [person("1000000012"), person("1000000020", middle="Quentin")]
    found = match_record(row(), twins)
    assert [m.npi for m in found] == ["1000000012", "1000000020"]
    assert all(not m.certain and m.probability == 0.7 for m in found)
    assert found[0].agreement["namesakes"] == "2 providers of the name in NY"


def test_a_namesake_in_another_state_is_no_match():
    assert match_record(row(state="NY"), [person(states=("CA", "NV"))]) == []
    # but a licence state counts like a practice state
    assert only(match_record(row(state="NV"), [person(states=("CA", "NV"))])).certain


def test_different_middle_names_or_first_names_are_no_match():
    assert match_record(row(middle="Q"), [person(middle="R")]) == []
    assert match_record(row(first="JOHN"), [person(first="Jon")]) == []
    assert match_record(row(last="SMITH-BROWN"), [person(last="Smith-Jones")]) == []


def test_a_former_name_matches_like_the_legal_name():
    mary = person(first="Mary", last="Jones", middle="A", others=(("MARY A SMITH, MD", "1"),))
    m = only(match_record(row(last="SMITH", first="MARY", middle="A"), [mary]))
    assert m.certain and m.agreement["surname"] == "exact (former name 'MARY A SMITH, MD')"
    # a former name without middle: uncertain
    plain = person(first="Mary", last="Jones", middle=None, others=(("DR MARY SMITH", "1"),))
    assert not only(match_record(row(last="SMITH", first="MARY", middle="A"), [plain])).certain
    # an organization's DBA (type 3) is not a person's name
    dba = person(first="Mary", last="Jones", others=(("MARY A SMITH", "3"),))
    assert match_record(row(last="SMITH", first="MARY", middle="A"), [dba]) == []


def test_date_of_birth_decides_when_both_sides_have_one():
    born = date(1960, 1, 1)
    m = only(match_record(row(birth_date=born, state="TX"), [person(dob=born)]))  # another state: dob still decides
    assert (m.method, m.certain, m.probability) == (NAME_DOB, True, 0.99)
    assert match_record(row(birth_date=born), [person(dob=date(1971, 5, 5))]) == []  # a different person
    # with the dates agreeing, a middle-name conflict is uncertain, not dismissed
    assert not only(match_record(row(birth_date=born, middle="R"), [person(dob=born)])).certain
    # the directory has no date of birth: the state decides, and the agreement says so
    m = only(match_record(row(birth_date=born), [person()]))
    assert m.method == NAME_STATE and m.agreement["dob"] == "not in the directory"


def test_a_row_without_a_state_is_an_uncertain_name_only_match():
    m = only(match_record(row(state=""), [person()]))
    assert (m.method, m.certain) == (NAME_ONLY, False)


def test_by_npi_only_the_provider_of_that_npi():
    record = row(npi="1000000012", state="CA")
    m = only(match_record(record, [person("1000000012", first="Someone", last="Else", states=())]))
    assert (m.method, m.certain, m.probability) == (NPI, True, 1.0)
    assert match_record(record, [person("1000000020")]) == []


def test_business_names_match_without_punctuation_legal_forms_or_the():
    assert (
        organization_key("The Harbor Mind Clinic, L.L.C.")
        == organization_key("HARBOR MIND CLINIC INC")
        == (
            "HARBOR",
            "MIND",
            "CLINIC",
        )
    )
    assert organization_key("A & B PHARMACY") == ("A", "AND", "B", "PHARMACY")
    m = only(match_record(biz(), [org()]))
    assert (m.method, m.certain) == (BUSINESS, True)
    m = only(match_record(biz("HARBOR WELLNESS"), [org(name="Bright Mind", others=(("HARBOR WELLNESS LLC", "3"),))]))
    assert m.certain and m.agreement["business_name"] == "equal (DBA 'HARBOR WELLNESS LLC')"
    assert match_record(biz(state="NJ"), [org()]) == []  # another state
    assert match_record(biz("HARBOR MIND"), [org()]) == []  # another name
    two = match_record(biz(), [org(), org("2000000051", "HARBOR MIND CLINIC PC")])
    assert len(two) == 2 and not any(m.certain for m in two)
    assert only(match_record(biz(state=""), [org()])).method == BUSINESS_ONLY
    # a person's row never matches an organization, nor the reverse
    assert match_record(row(last="HARBOR", first="MIND"), [org()]) == []
    assert match_record(biz("JOHN SMITH"), [person()]) == []


def test_generational_suffixes_are_not_part_of_a_surname():
    assert surname_words("Smith Jr.") == ("SMITH",) == surname_words("SMITH, III")
    assert only(match_record(row(last="SMITH JR"), [person()])).certain
