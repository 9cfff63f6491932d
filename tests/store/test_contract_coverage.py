"""Store contract, network adequacy's read (``coverage_inputs``): written once,
run on every backend through the ``store`` fixture."""

from __future__ import annotations

from datetime import date

import pytest
from store_records import (
    BROOKLYN,
    MH_CLINIC,
    MIDTOWN,
    NEWARK,
    PHILADELPHIA,
    PMHNP,
    PSYCHIATRY,
    ROSTER,
    UNGEOCODED,
    individual,
    load_nucc,
    npi,
    org_npi,
    organization,
)

from directory.errors import NotFound
from directory.model import (
    AccessFacts,
    CoverageQuery,
    EntityType,
    Network,
    NetworkKind,
    NetworkMember,
    Treatment,
    TreatmentOffering,
)

NET = "acme-trd"
SOCIAL_WORK = "1041C0700X"
#: around New York City: Midtown and Brooklyn inside, Newark (west) and Philadelphia outside
NYC_BOX = (40.6, 40.8, -74.05, -73.9)


def _world(store):
    load_nucc(store)
    store.upsert_providers(
        [
            # in the box, in the network, two taxonomies, listed at two places
            individual(npi(1), "Ann", "Adler", locations=(MIDTOWN, BROOKLYN), taxonomies=(PSYCHIATRY, PMHNP)),
            # in the box, not in the network
            individual(npi(2), "Ben", "Brook", locations=(BROOKLYN,), taxonomies=(PSYCHIATRY,)),
            # outside the box, not in the network: not returned
            individual(npi(3), "Cy", "Cole", locations=(PHILADELPHIA,), taxonomies=(PSYCHIATRY,)),
            # outside the box but in the network: returned with its location
            individual(npi(4), "Di", "Dunn", locations=(NEWARK,), taxonomies=(SOCIAL_WORK,)),
            # no geocoded location, in the network (telehealth only): returned without sites
            individual(npi(5), "Ed", "Eve", locations=(UNGEOCODED,), taxonomies=(PSYCHIATRY,)),
            # in the box but no listed taxonomy: not returned
            individual(npi(6), "Flo", "Fox", locations=(MIDTOWN,), taxonomies=("207Q00000X",)),
            # in the box, deactivated: not returned
            individual(npi(7), "Gil", "Gray", locations=(MIDTOWN,), deactivation_date=date(2024, 1, 2)),
            # deactivated then reactivated: active
            individual(
                npi(8),
                "Hal",
                "Hart",
                locations=(BROOKLYN,),
                deactivation_date=date(2023, 1, 2),
                reactivation_date=date(2023, 6, 1),
            ),
            organization(org_npi(9), "Bright Mind Clinic", locations=(MIDTOWN,), taxonomies=(MH_CLINIC,)),
        ]
    )
    store.upsert_networks(
        [Network(NET, "Acme vetted", NetworkKind.EMPLOYER, "acme"), Network("other", "O", NetworkKind.PAYER, "x")]
    )
    store.add_network_members(
        [NetworkMember(NET, n, ROSTER) for n in (npi(1), npi(4), npi(5), npi(7))]
        + [NetworkMember("other", npi(2), ROSTER)]
    )
    store.upsert_access([AccessFacts(npi(5), ROSTER, telehealth=True), AccessFacts(npi(2), ROSTER, telehealth=False)])
    store.upsert_treatments([TreatmentOffering(npi(4), Treatment.PSYCHOTHERAPY, ROSTER, telehealth=True)])


def test_coverage_inputs_returns_what_adequacy_measures(store):
    _world(store)
    codes = (PSYCHIATRY, SOCIAL_WORK, MH_CLINIC)
    before = store.round_trips
    found = store.coverage_inputs(CoverageQuery(NET, codes, NYC_BOX))
    assert store.round_trips == before + 1
    by_npi = {p.npi: p for p in found}
    assert [p.npi for p in found] == sorted(by_npi)
    assert set(by_npi) == {npi(1), npi(2), npi(4), npi(5), npi(8), org_npi(9)}

    ann = by_npi[npi(1)]
    assert ann.in_network and not ann.telehealth and ann.entity_type is EntityType.INDIVIDUAL
    assert ann.taxonomy_codes == (PSYCHIATRY,)  # PMHNP was not asked for
    assert ann.license_states == ("NY",)
    assert [s.key for s in ann.sites] == sorted([MIDTOWN.key, BROOKLYN.key])
    midtown = next(s for s in ann.sites if s.key == MIDTOWN.key)
    assert (midtown.latitude, midtown.longitude, midtown.zip5, midtown.state) == (40.7566, -73.9867, "10036", "NY")
    assert (midtown.county, midtown.city, midtown.line1, midtown.line2) == (
        "New York",
        "New York",
        "1501 Broadway",
        "Suite 1200",
    )
    assert "Ann" in ann.display_name

    assert not by_npi[npi(2)].in_network and not by_npi[npi(2)].telehealth  # member of another network only
    assert by_npi[npi(4)].in_network and by_npi[npi(4)].telehealth  # a telehealth treatment offering
    assert [s.zip5 for s in by_npi[npi(4)].sites] == ["07102"]
    assert by_npi[npi(5)].sites == () and by_npi[npi(5)].telehealth and by_npi[npi(5)].in_network
    assert by_npi[org_npi(9)].entity_type is EntityType.ORGANIZATION
    assert by_npi[org_npi(9)].taxonomy_codes == (MH_CLINIC,)


def test_coverage_inputs_without_a_box_reads_every_located_provider(store):
    _world(store)
    found = {p.npi for p in store.coverage_inputs(CoverageQuery(NET, (PSYCHIATRY,)))}
    assert found == {npi(1), npi(2), npi(3), npi(5), npi(8)}
    assert store.coverage_inputs(CoverageQuery(NET, ())) == []


def test_coverage_inputs_of_an_unknown_network_is_not_found(store):
    _world(store)
    with pytest.raises(NotFound, match="no-such"):
        store.coverage_inputs(CoverageQuery("no-such", (PSYCHIATRY,), NYC_BOX))
