"""The sample through the real ingest (ingest_nppes) and the catalog loader:
every row accounted for, the broken rows quarantined where the manifest says,
and searches that answer what a care navigator would ask."""

from __future__ import annotations

import csv
from collections import Counter

from directory.geo import point_for_zip
from directory.model import EntityType, SearchCriteria, Treatment
from directory.store.sqlite import SQLiteStore
from ingest import ingest_nppes
from ingest.sources.catalog import load_catalog

TRD = {
    Treatment.TMS_STANDARD,
    Treatment.TMS_ACCELERATED,
    Treatment.ESKETAMINE_REMS,
    Treatment.IV_KETAMINE,
    Treatment.ECT,
}


def _rows(generated) -> list[dict[str, str]]:
    with open(generated.nppes, newline="", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r.get("Entity Type Code") in ("1", "2")]


def test_every_row_is_accounted_for(generated, nppes_db, full_store):
    _, report = nppes_db
    bad = generated.manifest["bad_rows"]
    assert report.read == generated.manifest["files"][generated.nppes.name]["records"]
    assert report.read == report.loaded + report.filtered_total + report.quarantined_total
    assert report.quarantined == dict(Counter(b["reason"] for b in bad if b["reason"] != "invalid_taxonomy"))
    assert report.warnings == {"invalid_taxonomy": 1}
    assert report.filtered == {"deactivated_unknown_npi": 1}
    assert report.loaded == full_store.counts()["providers"] == report.read - report.quarantined_total - 1
    kept = {q.line_number: q.reason for q in full_store.quarantined(report.run_id)}
    assert kept == {b["line"]: b["reason"] for b in bad}


def test_providers_keep_what_the_file_says(generated, full_store):
    rows = {r["NPI"]: r for r in _rows(generated)}
    subpart = next(r for r in rows.values() if r["Is Organization Subpart"] == "Y")
    parent = next(
        r
        for r in rows.values()
        if r["Provider Organization Name (Legal Business Name)"] == subpart["Parent Organization LBN"]
    )
    assert subpart["NPI"] in full_store.subparts_of([parent["NPI"]])[parent["NPI"]]
    dead = next(r for r in rows.values() if r["NPI Deactivation Reason Code"] == "DT")
    back = next(r for r in rows.values() if r["NPI Reactivation Date"])
    stored = full_store.providers([dead["NPI"], back["NPI"]])
    assert not stored[dead["NPI"]].is_active and stored[back["NPI"]].is_active
    spellings = {r["Provider Credential Text"] for r in rows.values() if r["Entity Type Code"] == "1"}
    normalized = {p.credential_text for p in full_store.providers(rows).values() if p.credential_text}
    assert len(normalized) < len(spellings)  # "M.D." and "MD" became one


def test_treatments_near_each_metro(full_store):
    boston = full_store.search(
        SearchCriteria(treatments=(Treatment.TMS_ACCELERATED,), near=point_for_zip("02115"), radius_miles=15, limit=100)
    )
    assert boston.total >= 1 and all(h.distance_miles <= 15 for h in boston.hits)
    denver = full_store.search(
        SearchCriteria(
            treatments=(Treatment.IV_KETAMINE,),
            near=point_for_zip("80203"),
            radius_miles=20,
            entity_type=EntityType.ORGANIZATION,
            limit=100,
        )
    )
    assert denver.total >= 2
    codes = full_store.taxonomies_for([h.npi for h in denver.hits])
    assert any(t.code in ("261QI0500X", "261QP3300X") for h in denver.hits for t in codes[h.npi])
    far = full_store.search(
        SearchCriteria(treatments=(Treatment.IV_KETAMINE,), near=point_for_zip("80203"), radius_miles=20, state="NY")
    )
    assert far.total == 0


def test_typo_tolerant_name_search_and_dba_names(generated, full_store):
    rows = _rows(generated)
    surname = Counter(
        r["Provider Last Name (Legal Name)"]
        for r in rows
        if r["Entity Type Code"] == "1" and not r["NPI Deactivation Date"]
    ).most_common(1)[0][0]
    typo = surname[:3] + surname[4:]  # drop a letter
    page = full_store.search(SearchCriteria(name=typo.lower(), limit=5))
    assert page.hits and surname.lower() in page.hits[0].display_name.lower()
    dba = next(
        r for r in rows if r["Provider Other Organization Name Type Code"] == "3" and not r["NPI Deactivation Date"]
    )
    found = full_store.search(SearchCriteria(name=dba["Provider Other Organization Name"], limit=5))
    assert dba["NPI"] in [h.npi for h in found.hits]


def test_deactivated_providers_stay_out_of_search(generated, full_store):
    dead = next(r for r in _rows(generated) if r["NPI Deactivation Reason Code"] == "DT")
    name = f"{dead['Provider First Name']} {dead['Provider Last Name (Legal Name)']}"
    assert dead["NPI"] not in [h.npi for h in full_store.search(SearchCriteria(name=name)).hits]
    shown = full_store.search(SearchCriteria(name=name, include_deactivated=True))
    assert dead["NPI"] in [h.npi for h in shown.hits]


def test_the_employer_network_holds_vetted_trd_providers(full_store):
    members = full_store.network_members("acme-trd")
    assert len(members) >= 20
    npis = [m.npi for m in members]
    offerings = full_store.treatments_for(npis)
    providers = full_store.providers(npis)
    exclusions = full_store.exclusions_for(npis)
    for npi in npis:
        assert {t.treatment for t in offerings[npi]} & TRD
        assert providers[npi].is_active and not exclusions.get(npi)
    page = full_store.search(SearchCriteria(network_id="acme-trd", limit=100))
    assert page.total == len(members)


def test_the_sample_loads_under_the_default_scope_too(generated, tmp_path):
    store = SQLiteStore(tmp_path / "default.db")
    store.init_schema()
    try:
        report = ingest_nppes(store, generated.nppes)  # default scope
        assert report.filtered["out_of_scope"] == 5  # one family physician per metro
        assert report.read == report.loaded + report.filtered_total + report.quarantined_total
        catalog = load_catalog(store, generated.catalog)
        assert catalog.sections["treatments"]["written"] == catalog.sections["treatments"]["read"] > 500
    finally:
        store.close()
