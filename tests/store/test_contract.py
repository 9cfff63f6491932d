"""Store contract, providers and their facts: written once, run on every
backend through the ``store`` fixture. Only port methods; no query text."""

from __future__ import annotations

import dataclasses
from datetime import date

from store_records import (
    API,
    BROOKLYN,
    MH_CLINIC,
    MIDTOWN,
    NEWARK,
    PHILADELPHIA,
    PMHNP,
    PSYCHIATRY,
    ROSTER,
    UNGEOCODED,
    build_search_world,
    individual,
    load_nucc,
    npi,
    offering,
    org_npi,
    organization,
)

from directory.model import (
    AccessFacts,
    Affiliation,
    Credential,
    CredentialKind,
    EntityType,
    Evidence,
    Exclusion,
    Network,
    NetworkKind,
    NetworkMember,
    OtherName,
    SearchCriteria,
    Treatment,
)

MAIN_KINDS = {
    "providers",
    "organizations",
    "individuals",
    "locations",
    "taxonomies",
    "treatments",
    "networks",
    "network_members",
    "quarantined",
}


def _as_set(items):
    return set(items or ())


def _without_display(taxonomies):
    return {dataclasses.replace(t, display_name=None) for t in taxonomies or ()}


def test_counts_name_the_main_kinds(store):
    counts = store.counts()
    assert MAIN_KINDS <= set(counts)
    assert all(v == 0 for v in counts.values())


def test_upsert_is_idempotent(store):
    batch = [
        individual(
            npi(1), locations=(MIDTOWN, BROOKLYN), taxonomies=(PSYCHIATRY, PMHNP), other_names=("Johnny Smith",)
        ),
        individual(npi(2), "Mary", "Jones", locations=(BROOKLYN, UNGEOCODED)),
        organization(org_npi(3), "Bright Mind TMS Center", other_names=("Brightmind",)),
    ]
    first = store.upsert_providers(batch)
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    counts = store.counts()
    assert counts["providers"] == 3 and counts["individuals"] == 2 and counts["organizations"] == 1
    assert counts["locations"] == 3  # Midtown and Brooklyn are shared, not duplicated

    second = store.upsert_providers(batch)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 3)
    assert store.counts() == counts
    assert store.upsert_treatments([offering(npi(1))]) == 1
    after_treatment = store.counts()
    store.upsert_treatments([offering(npi(1))])
    assert store.counts() == after_treatment
    assert len(store.locations_for([npi(1)])[npi(1)]) == 2


def test_changed_record_is_updated(store):
    store.upsert_providers([individual(npi(1))])
    changed = individual(npi(1), last_update=date(2024, 5, 20), credential_text="DO")
    stats = store.upsert_providers([changed])
    assert (stats.inserted, stats.updated, stats.unchanged) == (0, 1, 0)
    assert store.providers([npi(1)])[npi(1)].credential_text == "DO"


def test_update_replaces_same_source_facts_and_keeps_other_sources(store):
    store.upsert_providers(
        [individual(npi(1), locations=(MIDTOWN,), taxonomies=(PSYCHIATRY,), other_names=("John Smyth",))]
    )
    store.upsert_providers(
        [individual(npi(1), evidence=API, last_update=date(2024, 5, 1), locations=(NEWARK,), taxonomies=(PMHNP,))]
    )
    store.upsert_providers(
        [
            individual(
                npi(1),
                last_update=date(2024, 6, 1),
                locations=(BROOKLYN,),
                taxonomies=(PMHNP,),
                other_names=("J. Smith",),
            )
        ]
    )

    locations = store.locations_for([npi(1)])[npi(1)]
    assert {(pl.location.key, pl.evidence.source) for pl in locations} == {
        (NEWARK.key, "npi_registry_api"),
        (BROOKLYN.key, "nppes"),
    }
    taxonomies = store.taxonomies_for([npi(1)])[npi(1)]
    assert sorted((t.code, t.evidence.source) for t in taxonomies) == [(PMHNP, "npi_registry_api"), (PMHNP, "nppes")]
    names = store.other_names_for([npi(1)])[npi(1)]
    assert [n.name for n in names] == ["J. Smith"]
    # the location the provider left stays, shared and unchanged, for others
    assert store.counts()["locations"] == 3


def test_stale_record_is_ignored(store):
    newer = individual(npi(1), "John", "Smith", last_update=date(2024, 6, 1), locations=(BROOKLYN,))
    older = individual(npi(1), "Jon", "Smit", last_update=date(2023, 1, 1), locations=(NEWARK,))
    store.upsert_providers([newer])
    stats = store.upsert_providers([older])
    assert (stats.inserted, stats.updated, stats.unchanged) == (0, 0, 1)
    kept = store.providers([npi(1)])[npi(1)]
    assert (kept.first_name, kept.last_name, kept.last_update) == ("John", "Smith", date(2024, 6, 1))
    assert [pl.location.key for pl in store.locations_for([npi(1)])[npi(1)]] == [BROOKLYN.key]


def test_provenance_round_trips(store):
    load_nucc(store)
    ev = Evidence("nppes", date(2024, 4, 8), "bulk_file", 0.9, "npidata_pfile.csv:line 17")
    record = individual(
        npi(1),
        evidence=ev,
        locations=(MIDTOWN, UNGEOCODED),
        taxonomies=(PSYCHIATRY, PMHNP),
        other_names=("John Q. Smith",),
        middle_name="Q",
        prefix="Dr.",
        suffix="Jr.",
        deactivation_date=None,
        replacement_npi=None,
    )
    org = organization(
        org_npi(2), "Bright Mind TMS Center", is_subpart=True, parent_organization_name="Bright Mind Holdings"
    )
    store.upsert_providers([record, org])

    stored = store.providers([npi(1), org_npi(2), npi(99)])
    assert set(stored) == {npi(1), org_npi(2)}
    core = dataclasses.replace(record, locations=[], taxonomies=[], other_names=[])
    assert stored[npi(1)] == core
    assert stored[org_npi(2)] == dataclasses.replace(org, locations=[], taxonomies=[], other_names=[])
    assert stored[npi(1)].evidence == ev

    assert _as_set(store.locations_for([npi(1)])[npi(1)]) == set(record.locations)
    assert _without_display(store.taxonomies_for([npi(1)])[npi(1)]) == set(record.taxonomies)
    assert store.other_names_for([npi(1)])[npi(1)] == [OtherName("John Q. Smith", "1", ev)]

    licence = Credential(
        CredentialKind.STATE_LICENSE, ROSTER, number="MD123", state="NY", status="active", expires=date(2026, 1, 31)
    )
    board = Credential(
        CredentialKind.BOARD_CERTIFICATION, API, board="ABPN", specialty="Psychiatry", certified_on=date(2015, 7, 1)
    )
    assert store.upsert_credentials([(npi(1), licence), (npi(1), board)]) == 2
    assert _as_set(store.credentials_for([npi(1)])[npi(1)]) == {licence, board}

    offers = [
        offering(npi(1)),
        offering(
            npi(1),
            Treatment.ESKETAMINE_REMS,
            location=None,
            telehealth=False,
            evidence=Evidence("rems_list", date(2024, 3, 1), "bulk_file", 1.0),
        ),
    ]
    store.upsert_treatments(offers)
    assert _as_set(store.treatments_for([npi(1)])[npi(1)]) == set(offers)

    access = AccessFacts(
        npi(1), ROSTER, accepting_new_patients=True, telehealth=None, languages=("en", "es"), wait_days=12
    )
    store.upsert_access([access])
    assert store.access_for([npi(1), org_npi(2)]) == {npi(1): access}

    store.upsert_networks([Network("net-a", "Acme Vetted", NetworkKind.EMPLOYER, "acme")])
    member = NetworkMember("net-a", npi(1), ROSTER, date(2024, 2, 29))
    store.add_network_members([member])
    assert store.network_members("net-a") == [member]

    link = Affiliation(npi(1), org_npi(2), API, "medical_director")
    store.upsert_affiliations([link])
    assert store.affiliations_for([npi(1)]) == {npi(1): [link]}

    excluded = Exclusion(
        npi(1),
        "LEIE",
        "1128b4",
        date(2019, 5, 20),
        Evidence("leie", date(2024, 6, 1), "bulk_file", 0.99, "UPDATED.csv"),
    )
    store.upsert_exclusions([excluded])
    assert store.exclusions_for([npi(1)]) == {npi(1): [excluded]}


def test_facts_about_unknown_npis_are_not_written(store):
    store.upsert_providers([individual(npi(1))])
    assert store.upsert_treatments([offering(npi(1)), offering(npi(50))]) == 1
    assert (
        store.upsert_credentials([(npi(50), Credential(CredentialKind.STATE_LICENSE, ROSTER, number="1", state="NY"))])
        == 0
    )
    assert store.upsert_access([AccessFacts(npi(50), ROSTER, accepting_new_patients=True)]) == 0
    assert store.upsert_affiliations([Affiliation(npi(1), org_npi(50), ROSTER)]) == 0
    assert store.treatments_for([npi(50)]).get(npi(50), []) == []
    assert store.counts()["providers"] == 1


def test_npi_is_unique_across_individuals_and_organizations(store):
    number = npi(1)
    store.upsert_providers([organization(number, "Smith Psychiatry PC", last_update=date(2024, 1, 1))])
    store.upsert_providers([individual(number, last_update=date(2024, 2, 1))])
    counts = store.counts()
    assert (counts["providers"], counts["individuals"], counts["organizations"]) == (1, 1, 0)
    stored = store.providers([number])[number]
    assert stored.entity_type is EntityType.INDIVIDUAL and stored.organization_name is None
    assert store.search(SearchCriteria(entity_type=EntityType.ORGANIZATION)).total == 0
    assert [h.npi for h in store.search(SearchCriteria(entity_type=EntityType.INDIVIDUAL)).hits] == [number]
    # within one batch the last record of an NPI wins as well
    store.upsert_providers(
        [
            individual(npi(2), last_update=date(2024, 3, 1)),
            organization(npi(2), "Later Org", last_update=date(2024, 3, 1)),
        ]
    )
    assert store.providers([npi(2)])[npi(2)].entity_type is EntityType.ORGANIZATION
    assert store.counts()["providers"] == 2


def test_provider_detail_with_neighbours(store):
    load_nucc(store)
    clinic, sub, doctor = org_npi(1), org_npi(2), npi(3)
    store.upsert_providers(
        [
            organization(clinic, "Bright Mind TMS Center", taxonomies=(MH_CLINIC,)),
            organization(
                sub,
                "Bright Mind TMS Center",
                is_subpart=True,
                parent_organization_name="BRIGHT MIND TMS CENTER",
                locations=(BROOKLYN,),
            ),
            individual(doctor, taxonomies=(PSYCHIATRY, PMHNP), locations=(MIDTOWN, PHILADELPHIA)),
        ]
    )
    store.upsert_affiliations([Affiliation(doctor, clinic, ROSTER, "medical_director")])
    store.upsert_credentials(
        [(doctor, Credential(CredentialKind.STATE_LICENSE, ROSTER, number="MD1", state="NY", status="active"))]
    )
    store.upsert_treatments([offering(doctor), offering(clinic, Treatment.TMS_ACCELERATED)])
    store.upsert_networks(
        [Network("net-b", "B", NetworkKind.PAYER, "p"), Network("net-a", "A", NetworkKind.PAYER, "p")]
    )
    store.add_network_members([NetworkMember("net-b", doctor, ROSTER), NetworkMember("net-a", doctor, ROSTER)])

    nucc = store.taxonomies([PSYCHIATRY, "0000000000"])
    assert list(nucc) == [PSYCHIATRY] and nucc[PSYCHIATRY].classification == "Psychiatry & Neurology"
    assert set(store.taxonomies()) == {PSYCHIATRY, PMHNP, MH_CLINIC}
    assert {pl.location.key for pl in store.locations_for([doctor])[doctor]} == {MIDTOWN.key, PHILADELPHIA.key}
    names = {t.code: t.display_name for t in store.taxonomies_for([doctor])[doctor]}
    assert names == {PSYCHIATRY: "Psychiatry Physician", PMHNP: "Psychiatric/Mental Health Nurse Practitioner"}
    assert [c.number for c in store.credentials_for([doctor])[doctor]] == ["MD1"]
    assert {t.treatment for t in store.treatments_for([doctor, clinic])[clinic]} == {Treatment.TMS_ACCELERATED}
    assert sorted(n.id for n in store.networks_for([doctor])[doctor]) == ["net-a", "net-b"]
    both = store.affiliations_for([doctor, clinic])
    assert both[doctor] == both[clinic] == [Affiliation(doctor, clinic, ROSTER, "medical_director")]
    assert store.subparts_of([clinic]) == {clinic: [sub]}
    assert store.subparts_of([sub]).get(sub, []) == []
    assert store.parents_of([sub]) == {sub: [clinic]}
    assert store.parents_of([clinic]).get(clinic, []) == []
    assert store.networks_for([clinic]).get(clinic, []) == []


def test_deactivated_providers_leave_search_until_reactivated(store):
    world = build_search_world(store)
    tms = SearchCriteria(treatments=(Treatment.TMS_STANDARD,))
    before = {h.npi for h in store.search(tms).hits}
    assert world.near_tms in before

    gone = individual(
        world.near_tms,
        "Alice",
        "Adams",
        last_update=date(2024, 5, 1),
        deactivation_date=date(2024, 5, 1),
        deactivation_reason="OT",
    )
    store.upsert_providers([gone])
    assert world.near_tms not in {h.npi for h in store.search(tms).hits}
    with_inactive = store.search(dataclasses.replace(tms, include_deactivated=True))
    assert {h.npi for h in with_inactive.hits} == before

    back = dataclasses.replace(gone, last_update=date(2024, 7, 1), reactivation_date=date(2024, 7, 1))
    store.upsert_providers([back])
    assert store.providers([world.near_tms])[world.near_tms].is_active
    assert {h.npi for h in store.search(tms).hits} == before


def test_deactivation_report(store):
    reactivated = individual(
        npi(2), "Rita", "Ray", reactivation_date=date(2024, 3, 1), deactivation_date=date(2023, 1, 1)
    )
    store.upsert_providers([individual(npi(1)), reactivated])
    report = Evidence("nppes_deactivation", date(2024, 6, 10), "bulk_file", 1.0, "NPPES Deactivated NPI Report")
    changed = store.deactivate({npi(1): date(2024, 6, 1), npi(2): date(2024, 2, 1), npi(77): date(2024, 6, 1)}, report)
    assert changed == 2
    stored = store.providers([npi(1), npi(2)])
    assert stored[npi(1)].deactivation_date == date(2024, 6, 1) and not stored[npi(1)].is_active
    # a later reactivation date stays, so that provider is still active
    assert stored[npi(2)].reactivation_date == date(2024, 3, 1) and stored[npi(2)].is_active
    assert store.deactivate({npi(1): date(2024, 6, 1)}, report) == 0
    hits = {h.npi for h in store.search(SearchCriteria()).hits}
    assert hits == {npi(2)}
    assert {h.npi for h in store.search(SearchCriteria(include_deactivated=True)).hits} == {npi(1), npi(2)}
    # the same NPPES record again is unchanged, so it does not undo the report
    store.upsert_providers([individual(npi(1))])
    assert not store.providers([npi(1)])[npi(1)].is_active


def test_data_persists_after_reopen(store, reopen):
    world = build_search_world(store)
    counts = store.counts()
    again = reopen()
    assert again.counts() == counts
    assert again.providers([world.near_tms])[world.near_tms].last_name == "Adams"
    hits = again.search(SearchCriteria(name="Alise Adams")).hits
    assert hits and hits[0].npi == world.near_tms
    assert again.upsert_providers([individual(world.near_tms, "Alice", "Adams")]).unchanged == 1


def test_provider_npis_pages_through_every_npi_in_order(store):
    wanted = sorted([npi(i) for i in range(1, 8)] + [org_npi(20)])
    store.upsert_providers([individual(npi(i)) for i in range(1, 8)] + [organization(org_npi(20), "Quiet Lake Clinic")])
    pages, after = [], None
    while page := store.provider_npis(after=after, limit=3):
        assert len(page) <= 3
        pages.append(page)
        after = page[-1]
    assert [n for p in pages for n in p] == wanted
    assert len(pages) == 3
