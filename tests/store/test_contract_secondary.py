"""Store contract, secondary facts: locations and other names owned by a
source other than the provider record's (NPPES pl_pfile and othername_pfile),
replaced as a set per NPI without touching the record. Runs on every backend."""

from __future__ import annotations

from datetime import date

import pytest
from store_records import BROOKLYN, MIDTOWN, NEWARK, PHILADELPHIA, individual, npi, org_npi, organization

from directory.errors import InputError
from directory.model import Evidence, IngestRun, OtherName, ProviderLocation, SearchCriteria
from directory.store import RunCheckpoint

PL = Evidence("nppes_pl", date(2024, 5, 1), "bulk_file", 1.0, "pl_pfile_20050523-20240430.csv")
PL_LATER = Evidence("nppes_pl", date(2024, 6, 1), "bulk_file", 1.0, "pl_pfile_20050523-20240531.csv")
OTHER = Evidence("nppes_othername", date(2024, 5, 1), "bulk_file", 1.0, "othername_pfile_20050523-20240430.csv")


def secondary(*locations, evidence=PL):
    return [ProviderLocation(loc, False, evidence) for loc in locations]


def located(store, number):
    return sorted(
        (pl.location.key, pl.primary, pl.evidence.source) for pl in store.locations_for([number]).get(number, [])
    )


def test_secondary_locations_are_added_beside_the_records_own(store):
    store.upsert_providers([individual(npi(1), locations=(MIDTOWN,))])
    written = store.replace_secondary_locations({npi(1): secondary(BROOKLYN, NEWARK)}, "nppes_pl")
    assert written == 1
    assert located(store, npi(1)) == sorted(
        [(MIDTOWN.key, True, "nppes"), (BROOKLYN.key, False, "nppes_pl"), (NEWARK.key, False, "nppes_pl")]
    )
    before = store.counts()
    assert store.replace_secondary_locations({npi(1): secondary(BROOKLYN, NEWARK)}, "nppes_pl") == 1
    assert store.counts() == before  # the same set again changes nothing


def test_secondary_locations_are_replaced_as_a_set_and_survive_a_record_update(store):
    store.upsert_providers([individual(npi(1), locations=(MIDTOWN,))])
    store.replace_secondary_locations({npi(1): secondary(BROOKLYN, NEWARK)}, "nppes_pl")
    store.replace_secondary_locations({npi(1): secondary(PHILADELPHIA, evidence=PL_LATER)}, "nppes_pl")
    assert located(store, npi(1)) == sorted([(MIDTOWN.key, True, "nppes"), (PHILADELPHIA.key, False, "nppes_pl")])
    (philly,) = [pl for pl in store.locations_for([npi(1)])[npi(1)] if pl.evidence.source == "nppes_pl"]
    assert philly.evidence == PL_LATER and philly.location.latitude == PHILADELPHIA.latitude

    # a newer main-file record replaces its own location and keeps the secondary ones
    stats = store.upsert_providers([individual(npi(1), last_update=date(2024, 7, 1), locations=(BROOKLYN,))])
    assert stats.updated == 1
    assert located(store, npi(1)) == sorted([(BROOKLYN.key, True, "nppes"), (PHILADELPHIA.key, False, "nppes_pl")])

    store.replace_secondary_locations({npi(1): []}, "nppes_pl")  # an empty set removes them
    assert located(store, npi(1)) == [(BROOKLYN.key, True, "nppes")]


def test_secondary_facts_of_unknown_npis_are_not_written(store):
    store.upsert_providers([individual(npi(1))])
    before = store.counts()
    assert store.replace_secondary_locations({npi(2): secondary(BROOKLYN)}, "nppes_pl") == 0
    assert store.replace_other_names({npi(2): [OtherName("Ghost Clinic", "3", OTHER)]}, "nppes_othername") == 0
    assert store.providers([npi(2)]) == {}
    after = store.counts()
    assert (after["providers"], after["provider_locations"], after["other_names"]) == (
        before["providers"],
        before["provider_locations"],
        before["other_names"],
    )


def test_other_names_are_replaced_per_owner_and_searchable(store):
    clinic = org_npi(1)
    store.upsert_providers([organization(clinic, "Northside Mental Health Center", other_names=("Northside Mind",))])
    names = [OtherName("Lakeview Ketamine Suites", "3", OTHER), OtherName("Northside Behavioral", "4", OTHER)]
    assert store.replace_other_names({clinic: names}, "nppes_othername") == 1
    found = store.other_names_for([clinic])[clinic]
    assert sorted((n.name, n.type_code, n.evidence.source) for n in found) == [
        ("Lakeview Ketamine Suites", "3", "nppes_othername"),
        ("Northside Behavioral", "4", "nppes_othername"),
        ("Northside Mind", "3", "nppes"),
    ]
    hits = store.search(SearchCriteria(name="Lakeview Ketamine", limit=5)).hits
    assert [h.npi for h in hits] == [clinic]

    store.replace_other_names({clinic: [OtherName("Lakeside Minds", "5", OTHER)]}, "nppes_othername")
    assert sorted(n.name for n in store.other_names_for([clinic])[clinic]) == ["Lakeside Minds", "Northside Mind"]
    assert store.search(SearchCriteria(name="Lakeview Ketamine", limit=5)).hits == ()
    # a record update keeps names of the other owner
    store.upsert_providers(
        [organization(clinic, "Northside Mental Health Center", last_update=date(2024, 8, 1), other_names=())]
    )
    assert [n.name for n in store.other_names_for([clinic])[clinic]] == ["Lakeside Minds"]


def test_secondary_write_commits_its_checkpoint(store):
    store.upsert_providers([individual(npi(1))])
    run = store.start_run(
        IngestRun(
            "pl-run", "nppes_pl", "pl_pfile_20050523-20240430.csv", "f" * 64, "2024-05-02T10:00:00", None, "running", {}
        )
    )
    store.replace_secondary_locations(
        {npi(1): secondary(NEWARK)}, "nppes_pl", checkpoint=RunCheckpoint(run.run_id, 17, {"read": 16})
    )
    (saved,) = store.runs("nppes_pl")
    assert (saved.resume_line, saved.counts) == (17, {"read": 16})
    store.replace_other_names({}, "nppes_othername", checkpoint=RunCheckpoint(run.run_id, 20, {"read": 19}))
    assert store.runs("nppes_pl")[0].resume_line == 20


def test_secondary_facts_must_carry_their_owner(store):
    store.upsert_providers([individual(npi(1))])
    with pytest.raises(InputError):
        store.replace_secondary_locations({npi(1): secondary(NEWARK)}, "nppes")
    with pytest.raises(InputError):
        store.replace_other_names({npi(1): [OtherName("X", "3", OTHER)]}, "")


def test_sweep_removes_what_a_full_file_no_longer_lists(store):
    clinic = org_npi(1)
    store.upsert_providers([individual(npi(1)), individual(npi(2)), organization(clinic, "Northside")])
    store.replace_secondary_locations({npi(1): secondary(BROOKLYN), npi(2): secondary(NEWARK)}, "nppes_pl")
    store.replace_other_names({clinic: [OtherName("Lakeview Ketamine Suites", "3", OTHER)]}, "nppes_othername")
    # the next full file lists npi(1) only
    store.replace_secondary_locations({npi(1): secondary(BROOKLYN, evidence=PL_LATER)}, "nppes_pl")
    assert store.sweep_secondary_facts("nppes_pl", PL_LATER.reference) == 1
    assert located(store, npi(1)) == sorted([(MIDTOWN.key, True, "nppes"), (BROOKLYN.key, False, "nppes_pl")])
    assert located(store, npi(2)) == [(MIDTOWN.key, True, "nppes")]  # its own location stays
    assert store.sweep_secondary_facts("nppes_pl", PL_LATER.reference) == 0

    assert store.sweep_secondary_facts("nppes_othername", "othername_pfile_20050523-20240531.csv") == 1
    assert store.other_names_for([clinic]).get(clinic, []) == []
    assert store.search(SearchCriteria(name="Lakeview Ketamine", limit=5)).hits == ()


def test_exclusion_list_loads_keep_the_latest_date_per_list(store):
    from directory.model import ExclusionListLoad

    assert store.exclusion_lists() == []
    leie_nov = Evidence("oig_leie", date(2026, 11, 9), "bulk_file", 1.0, "UPDATED.csv")
    leie_oct = Evidence("oig_leie", date(2026, 10, 8), "bulk_file", 1.0, "2610EXCL.csv")
    sam = Evidence("sam_gov", date(2026, 11, 1), "bulk_file", 0.95, "SAM_Exclusions.csv")
    assert (
        store.record_exclusion_lists(
            [ExclusionListLoad("LEIE", date(2026, 11, 1), leie_nov), ExclusionListLoad("SAM", date(2026, 10, 31), sam)]
        )
        == 2
    )
    # An older supplement loaded later does not move the date back; within one call the latest wins.
    store.record_exclusion_lists([ExclusionListLoad("LEIE", date(2026, 10, 1), leie_oct)])
    store.record_exclusion_lists(
        [ExclusionListLoad("SAM", date(2026, 11, 30), sam), ExclusionListLoad("SAM", date(2026, 11, 2), sam)]
    )
    assert store.exclusion_lists() == [
        ExclusionListLoad("LEIE", date(2026, 11, 1), leie_nov),
        ExclusionListLoad("SAM", date(2026, 11, 30), sam),
    ]
    assert store.counts()["exclusion_lists"] == 2
