"""Store contract, exclusion-list records: the rows of a list kept matched or
not, the name candidates of the matching rules, reinstating and detaching the
exclusions attached from a record. Written once, run on every backend."""

from __future__ import annotations

import dataclasses
from datetime import date

from store_records import BROOKLYN, MIDTOWN, NEWARK, PHILADELPHIA, individual, npi, org_npi, organization

from directory.model import (
    Credential,
    CredentialKind,
    EntityType,
    Evidence,
    Exclusion,
    ExclusionRecord,
    OtherName,
)
from directory.store.port_exclusions import exclusion_reference, first_word, name_words, organization_word

LEIE_OCT = Evidence("oig_leie", date(2025, 10, 8), "bulk_file", 1.0, "UPDATED.csv")
LEIE_NOV = Evidence("oig_leie", date(2025, 11, 10), "bulk_file", 1.0, "UPDATED.csv")
BOARD = Evidence("state_board:nj", date(2025, 9, 1), "bulk_file", 1.0, "nj_licences.csv")


def record(key: str, **extra) -> ExclusionRecord:
    base = dict(
        list_name="LEIE",
        key=key,
        identity=f"id-{key}",
        exclusion_type="1128b4",
        excluded_on=date(2020, 2, 3),
        evidence=LEIE_OCT,
        last_name="SMITH",
        first_name="JOHN",
        middle_name="Q",
        state="NY",
        last_listed=date(2025, 10, 8),
    )
    base.update(extra)
    return ExclusionRecord(**base)


def attached(number: str, key: str, **extra) -> Exclusion:
    evidence = Evidence("oig_leie", date(2025, 10, 8), "name+state match", 0.95, exclusion_reference("LEIE", key))
    return Exclusion(number, "LEIE", extra.pop("exclusion_type", "1128b4"), date(2020, 2, 3), evidence, **extra)


def test_records_round_trip_by_key_and_identity_and_persist(store, reopen):
    full = record(
        "k1",
        business_name="",
        general="IND- LIC HC SERV PRO",
        specialty="PSYCHIATRY",
        upin="A12345",
        npi=npi(9),
        birth_date=date(1961, 4, 5),
        address="1 MAIN ST",
        city="ALBANY",
        zip="12207",
        waiver_date=date(2021, 1, 1),
        waiver_state="NY",
    )
    other = record("k2", identity="id-k1", address="2 ELM ST", last_listed=None, reinstated_on=date(2024, 1, 1))
    business = record("k3", last_name="", first_name="", middle_name="", business_name="ACME PHARMACY, INC")
    assert store.upsert_exclusion_records([full, other, business]) == 3
    assert store.exclusion_records("LEIE", keys=["k1"]) == [full]
    assert store.exclusion_records("LEIE", identities=["id-k1"]) == [full, other]  # ordered by key
    assert store.exclusion_records("LEIE", keys=["k3"], identities=["id-k1"]) == [full, other, business]
    assert store.exclusion_records("SAM", keys=["k1"]) == []
    assert store.exclusion_records("LEIE") == []
    assert business.is_business and not full.is_business
    assert store.counts()["exclusion_records"] == 3
    store = reopen()
    assert store.exclusion_records("LEIE", keys=["k1", "k2", "k3"]) == [full, other, business]


def test_upsert_replaces_a_record_and_the_last_of_a_batch_wins(store):
    store.upsert_exclusion_records([record("k1")])
    later = record("k1", evidence=LEIE_NOV, last_listed=date(2025, 11, 10), city="TROY")
    store.upsert_exclusion_records([record("k1", city="IGNORED"), later])
    assert store.exclusion_records("LEIE", keys=["k1"]) == [later]
    assert store.counts()["exclusion_records"] == 1


def test_record_pages_go_by_key_and_the_sweep_filter_keeps_only_older_listings_in_force(store):
    store.upsert_exclusion_records(
        [
            record("a1", last_listed=date(2025, 10, 8)),  # listed before Nov: swept
            record("a2", last_listed=date(2025, 11, 10)),  # listed by the Nov file: kept
            record("a3", last_listed=date(2025, 10, 8), reinstated_on=date(2025, 10, 20)),  # already reinstated
            record("a4", last_listed=None),  # never listed in force (a reinstatement of an unknown row)
            record("a5", last_listed=date(2025, 12, 1)),  # a newer supplement
        ]
    )
    keys = [[r.key for r in page] for page in _pages(store, limit=2)]
    assert keys == [["a1", "a2"], ["a3", "a4"], ["a5"]]
    before = store.exclusion_record_page("LEIE", "", 10, in_force_listed_before=date(2025, 11, 10))
    assert [r.key for r in before] == ["a1", "a4"]
    assert store.exclusion_record_page("LEIE", "a1", 10, in_force_listed_before=date(2025, 11, 10))[0].key == "a4"


def _pages(store, limit):
    after = ""
    while page := store.exclusion_record_page("LEIE", after, limit):
        after = page[-1].key
        yield page


def test_reinstating_a_record_reinstates_the_exclusions_attached_from_it(store):
    store.upsert_providers([individual(npi(1)), individual(npi(2), "Jane", "Doe")])
    store.upsert_exclusion_records([record("k1"), record("k2", last_name="DOE", first_name="JANE")])
    store.upsert_exclusions([attached(npi(1), "k1"), attached(npi(2), "k2", exclusion_type="1128a1")])
    assert store.reinstate_exclusion_records("LEIE", {"k1": date(2025, 11, 1)}) == 1
    assert store.exclusion_records("LEIE", keys=["k1"])[0].reinstated_on == date(2025, 11, 1)
    assert store.exclusions_for([npi(1)])[npi(1)][0].reinstated_on == date(2025, 11, 1)
    # the other record and its exclusion are untouched
    assert store.exclusion_records("LEIE", keys=["k2"])[0].reinstated_on is None
    assert store.exclusions_for([npi(2)])[npi(2)][0].reinstated_on is None
    # the same date again changes no record; an unknown key none either
    assert store.reinstate_exclusion_records("LEIE", {"k1": date(2025, 11, 1), "nope": date(2025, 11, 1)}) == 0
    assert store.reinstate_exclusion_records("LEIE", {}) == 0


def test_detaching_removes_only_the_exclusion_of_that_provider_and_record(store):
    store.upsert_providers([individual(npi(1)), individual(npi(2), "Jane", "Doe")])
    catalog = Exclusion(npi(1), "LEIE", "1128a1", date(2019, 1, 1), Evidence("catalog", date(2025, 1, 1), "file"))
    store.upsert_exclusions([attached(npi(1), "k1"), attached(npi(2), "k1"), catalog])
    assert store.detach_exclusions([(npi(1), exclusion_reference("LEIE", "k1"))]) == 1
    assert store.exclusions_for([npi(1)])[npi(1)] == [catalog]
    assert len(store.exclusions_for([npi(2)])[npi(2)]) == 1
    assert store.detach_exclusions([(npi(1), exclusion_reference("LEIE", "k1"))]) == 0
    assert store.detach_exclusions([]) == 0


def _people(store):
    store.upsert_providers(
        [
            individual(npi(1), "John", "Smith", middle_name="Q", locations=(MIDTOWN,)),
            individual(npi(2), "John", "Smith-Jones", locations=(NEWARK,)),
            individual(npi(3), "Johnny", "Smith", locations=(MIDTOWN,)),  # another first name
            individual(npi(4), "Mary", "Jones", locations=(PHILADELPHIA,), other_names=("MARY ANN SMITH, MD",)),
            individual(npi(5), "ann", "o'neil", locations=(BROOKLYN,)),  # lower case, an apostrophe
            individual(npi(6), "John", "Jones Smith", locations=(MIDTOWN,)),
            organization(org_npi(7), "The Harbor Mind Clinic, LLC", locations=(BROOKLYN,)),
            organization(org_npi(8), "Bright Mind TMS", other_names=("HARBOR WELLNESS",), locations=(NEWARK,)),
            organization(org_npi(9), "Smith Medical PC"),
        ]
    )
    store.upsert_credentials(
        [(npi(2), Credential(CredentialKind.STATE_LICENSE, BOARD, number="25MA1", state="NJ", status="active"))]
    )


def test_name_candidates_find_people_by_a_surname_word_and_first_word(store):
    _people(store)
    found = {c.npi: c for c in store.name_candidates(people=[("SMITH", "JOHN")])}
    # Smith, Smith-Jones and Jones Smith (a word of the last name); not Johnny Smith, not the organization
    assert sorted(found) == sorted([npi(1), npi(2), npi(6)])
    one = found[npi(1)]
    assert (one.entity_type, one.first_name, one.middle_name, one.last_name) == (
        EntityType.INDIVIDUAL,
        "John",
        "Q",
        "Smith",
    )
    # states: practice location, taxonomy licence (store_records licenses NY) and credential
    assert found[npi(2)].states == ("NJ", "NY")
    assert one.birth_date is None  # no source of the directory records one
    assert [c.npi for c in store.name_candidates(people=[("JONES", "JOHN")])] == sorted([npi(2), npi(6)])
    assert store.name_candidates(people=[("SMITH", "JANE")]) == []
    assert store.name_candidates() == []


def test_name_candidates_find_people_by_both_words_of_an_other_name(store):
    _people(store)
    (mary,) = store.name_candidates(people=[("SMITH", "MARY")])  # her former name MARY ANN SMITH
    assert mary.npi == npi(4) and mary.other_names == (("MARY ANN SMITH, MD", "1"),)
    assert mary.states == ("NY", "PA")
    assert [c.npi for c in store.name_candidates(people=[("SMITH", "ANN")])] == [npi(4)]  # any two words


def test_name_candidates_split_names_as_name_words_does(store):
    _people(store)
    assert name_words("ann o'neil") == ["ANN", "ONEIL"] and first_word("ann") == "ANN"
    assert [c.npi for c in store.name_candidates(people=[("ONEIL", "ANN")])] == [npi(5)]


def test_name_candidates_find_organizations_by_first_word_after_the(store):
    _people(store)
    assert organization_word("The Harbor Mind Clinic, LLC") == "HARBOR"
    found = store.name_candidates(organizations=["HARBOR"])
    assert sorted(c.npi for c in found) == sorted([org_npi(7), org_npi(8)])  # legal name; DBA
    by_npi = {c.npi: c for c in found}
    assert by_npi[org_npi(7)].entity_type is EntityType.ORGANIZATION
    assert by_npi[org_npi(7)].organization_name == "The Harbor Mind Clinic, LLC"
    assert by_npi[org_npi(7)].states == ("NY",)
    assert by_npi[org_npi(8)].other_names == (("HARBOR WELLNESS", "3"),)
    # people and organizations in one call; a person's surname is no organization's first word
    both = store.name_candidates(people=[("SMITH", "JOHN")], organizations=["SMITH"])
    assert sorted(c.npi for c in both) == sorted([npi(1), npi(2), npi(6), org_npi(9)])
    assert store.name_candidates(organizations=["THE"]) == []


def test_name_candidates_follow_other_names_written_later(store):
    _people(store)
    later = Evidence("nppes_othername", date(2025, 1, 1), "bulk_file")
    store.replace_other_names({npi(3): [OtherName("JOHN R SMITH", "1", later)]}, "nppes_othername")
    found = {c.npi: c for c in store.name_candidates(people=[("SMITH", "JOHN")])}
    assert npi(3) in found and ("JOHN R SMITH", "1") in found[npi(3)].other_names


def test_records_keep_every_optional_field_absent(store):
    bare = dataclasses.replace(record("k9"), middle_name="", state="", last_listed=None)
    store.upsert_exclusion_records([bare])
    assert store.exclusion_records("LEIE", keys=["k9"]) == [bare]
