"""fetch_npis and sync_with_registry: the local server into a SQLite store on disk."""

from __future__ import annotations

from datetime import date

import pytest
from registry_server import Canned

from directory.errors import InputError, RegistryUnavailable
from directory.model import EntityType, UpsertStats
from directory.store.sqlite import SQLiteStore
from ingest.npi_registry_map import fetch_npis
from ingest.sources.npi_registry import sync_with_registry

HIZA, CSP, UNKNOWN = "1720377294", "1568946812", "1234567893"
RETRIEVED = date(2026, 11, 25)


@pytest.fixture
def store(tmp_path):
    store = SQLiteStore(tmp_path / "provnet.db")
    store.init_schema()
    yield store
    store.close()


def test_fetch_npis_yields_records_of_the_npis_the_registry_has(make_client, registry):
    records = list(fetch_npis(make_client(), [HIZA, UNKNOWN, CSP, HIZA], retrieved=RETRIEVED))
    assert [r.npi for r in records] == [HIZA, CSP]
    assert records[0].evidence.reference.startswith(registry.url) and f"number={HIZA}" in records[0].evidence.reference
    assert len(registry.queries) == 3  # the repeated NPI is asked once


def test_sync_writes_records_to_the_store_and_reports_missing(make_client, registry, store, tmp_path):
    report = sync_with_registry(store, make_client(), [HIZA, CSP, UNKNOWN], retrieved=RETRIEVED)
    assert report.stats == UpsertStats(inserted=2)
    assert (report.fetched, report.missing, report.rejected) == (2, [UNKNOWN], {})
    store.close()

    reopened = SQLiteStore(tmp_path / "provnet.db")  # what is on disk, not in memory
    try:
        found = reopened.providers([HIZA, CSP, UNKNOWN])
        assert set(found) == {HIZA, CSP}
        hiza, csp = found[HIZA], found[CSP]
        assert (hiza.first_name, hiza.last_name, hiza.credential_text) == ("Elise", "Hiza", "MD")
        assert csp.entity_type is EntityType.ORGANIZATION and csp.organization_name == "CSP ANESTHESIA LLC"
        assert hiza.evidence.source == "npi_registry_api" and hiza.evidence.retrieved == RETRIEVED
        locations = reopened.locations_for([HIZA])[HIZA]
        assert sorted((pl.location.zip5, pl.primary) for pl in locations) == [("28801", True), ("30303", False)]
        assert all(pl.evidence.method == "api" for pl in locations)
        taxonomies = reopened.taxonomies_for([HIZA])[HIZA]
        assert sorted((t.code, t.primary, t.license_state) for t in taxonomies) == [
            ("207X00000X", True, "NC"),
            ("390200000X", False, None),
        ]
    finally:
        reopened.close()


def test_a_second_sync_changes_nothing(make_client, store):
    client = make_client()
    sync_with_registry(store, client, [HIZA, CSP], retrieved=RETRIEVED)
    again = sync_with_registry(store, client, [HIZA, CSP], retrieved=RETRIEVED)
    assert again.stats == UpsertStats(unchanged=2)


def test_registry_failure_midway_keeps_what_was_fetched(make_client, registry, store, sleeps):
    registry.script = [Canned(), Canned(503), Canned(503)]  # the first NPI answers, then the Registry is down
    with pytest.raises(RegistryUnavailable):
        sync_with_registry(store, make_client(max_retries=1), [HIZA, CSP], retrieved=RETRIEVED)
    assert set(store.providers([HIZA, CSP])) == {HIZA}
    assert sleeps == [0.5]


def test_invalid_npis_stop_the_sync_before_any_request(make_client, registry, store):
    with pytest.raises(InputError, match="1234567890"):
        sync_with_registry(store, make_client(), [HIZA, "1234567890"])
    assert registry.queries == []
    assert store.providers([HIZA]) == {}


def test_a_result_that_cannot_be_mapped_is_reported_not_written(make_client, registry, store):
    registry.script = [
        Canned(
            200, b'{"result_count": 1, "results": [{"number": 1720377294, "enumeration_type": "NPI-7", "basic": {}}]}'
        )
    ]
    report = sync_with_registry(store, make_client(), [HIZA, CSP], retrieved=RETRIEVED)
    assert list(report.rejected) == [HIZA] and "enumeration_type" in report.rejected[HIZA]
    assert set(store.providers([HIZA, CSP])) == {CSP}
