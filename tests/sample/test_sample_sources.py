"""The sample's roster, licence board file and TMS and REMS lists, loaded as
`make run` loads them (the real loaders, then resolve): every source's
evidence reaches the API, with the record it came from, and the sources'
agreement or disagreement with NPPES shows in `factStatus`."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from directory.source_records import LinkStatus
from directory.store import open_store
from ingest import load_taxonomies
from ingest.sample.load import load_sample
from ingest.sample.records import SOURCES
from schema import build_schema
from schema.auth import ANONYMOUS
from schema.context import Context

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
QUERY = """
query Facts($npi: String!) {
  provider(npi: $npi) {
    evidence { kind fact source retrieved method confidence reference file linkProbability }
    factStatus(first: 50) { kind fact agreement sources { source value } }
  }
}
"""


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('sources') / 'provnet.db'}")
    load_taxonomies(store)
    reports, resolved = load_sample(store, SAMPLE)
    yield store, reports, resolved
    store.close()


def provider(store, npi: str) -> dict:
    result = asyncio.run(build_schema().execute(QUERY, {"npi": npi}, context_value=Context.build(store, ANONYMOUS)))
    assert result.errors is None, result.errors
    return result.data["provider"]


def test_every_file_of_records_is_loaded_and_resolved(loaded):
    store, reports, resolved = loaded
    by_source = {r.source: r for r in reports if hasattr(r, "source")}  # the catalog has its own report
    for spec in SOURCES:
        report = by_source[spec.source]
        rows = len((SAMPLE / spec.file).read_text(encoding="utf-8").splitlines()) - 1
        assert report.read == rows and report.loaded + report.quarantined_total == rows
    assert by_source["northwind-roster"].quarantined == {"missing_value": 1}  # the row that names no one
    statuses = Counter(link.status for link in store.iter_resolution_links())
    assert statuses[LinkStatus.LINKED] == sum(statuses.values())  # every sample record is one of its providers
    assert resolved.facts is not None and resolved.facts.skipped["no payer network: NW-EAP"] == 6


def test_each_sources_evidence_reaches_the_api_with_its_record(loaded):
    store, _, _ = loaded
    seen: dict[str, dict] = {}
    for spec in SOURCES:
        link = next(
            link
            for link in store.iter_resolution_links()
            if link.source == spec.source and link.npi and link.status is LinkStatus.LINKED
        )
        evidence = [e for e in provider(store, link.npi)["evidence"] if e["source"] == spec.source]
        assert evidence, spec.source
        for e in evidence:
            assert e["reference"].startswith(spec.source + ":") and e["file"] == spec.file
            assert e["retrieved"] == spec.as_of.isoformat()
            assert e["linkProbability"] is None or 0 < e["linkProbability"] < 1
        seen[spec.source] = {e["kind"] for e in evidence}
    assert "CREDENTIAL" in seen["ny-licence-board"]
    assert "TREATMENT" in seen["tms-registry"] and "TREATMENT" in seen["spravato-rems"]
    assert "LOCATION" in seen["northwind-roster"]


def test_a_roster_phone_that_differs_from_nppes_is_a_contradiction_and_the_same_address_agrees(loaded):
    store, _, _ = loaded
    agreed = contradicted = 0
    for link in store.iter_resolution_links():
        if link.source != "northwind-roster" or not link.npi or agreed and contradicted:
            continue
        statuses = provider(store, link.npi)["factStatus"]
        both = [s for s in statuses if {"nppes", "northwind-roster"} <= {x["source"] for x in s["sources"]}]
        agreed += any(s["kind"] == "ADDRESS" and s["agreement"] == "AGREES" for s in both)
        contradicted += any(s["kind"] == "PHONE" and s["agreement"] == "CONTRADICTS" for s in both)
    assert agreed and contradicted
