"""ingest.sources.catalog.load_catalog on a SQLite store on disk: the sample catalog
loads, is idempotent and searchable; a bad catalog is refused whole."""

from __future__ import annotations

import json
import shutil
from collections import Counter

import pytest

from directory.errors import InputError, SourceFormatError
from directory.geo import point_for_zip
from directory.model import SearchCriteria, Treatment
from directory.npi import make_npi
from directory.store.sqlite import SQLiteStore
from ingest.sources.catalog import load_catalog


def _catalog(generated) -> dict:
    return json.loads(generated.catalog.read_text(encoding="utf-8"))


def _write(tmp_path, data) -> object:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_report_accounts_for_every_record(generated, full_db):
    _, report = full_db
    catalog = _catalog(generated)
    for section, records in catalog.items():
        if section in ("format", "version", "evidence"):
            continue
        counts = report.sections[section]
        assert counts["read"] == len(records), section
        if section == "network_members":
            assert counts["new"] + counts["already_members"] == len(records)
        else:
            assert counts["written"] == len(records), section
    assert report.read == sum(len(v) for k, v in catalog.items() if isinstance(v, list))
    assert "network_members" in report.summary()


def test_loaded_facts_are_in_the_store_with_their_evidence(generated, full_store):
    catalog = _catalog(generated)
    counts = full_store.counts()
    for section, key in (
        ("credentials", "credentials"),
        ("treatments", "treatments"),
        ("access", "access_facts"),
        ("affiliations", "affiliations"),
        ("network_members", "network_members"),
        ("payers", "payers"),
        ("plans", "plans"),
        ("networks", "networks"),
    ):
        assert counts[key] == len(catalog[section]), section
    rems = [t for t in catalog["treatments"] if t["evidence"] == "rems-2026-10" and "location_key" in t]
    stored = full_store.treatments_for([rems[0]["npi"]])[rems[0]["npi"]]
    match = [t for t in stored if t.treatment is Treatment.ESKETAMINE_REMS and t.evidence.source == "rems_list"]
    assert match and match[0].location_key == rems[0]["location_key"] and "REMS" in match[0].detail
    assert match[0].evidence.confidence == catalog["evidence"]["rems-2026-10"]["confidence"]


def test_esketamine_near_manhattan_in_a_plan(full_store):
    center = point_for_zip("10016")
    criteria = SearchCriteria(
        treatments=(Treatment.ESKETAMINE_REMS,), near=center, radius_miles=25, plan_id="northwind-choice-ppo", limit=100
    )
    page = full_store.search(criteria)
    assert page.total >= 3
    npis = [h.npi for h in page.hits]
    plan_networks = set(full_store.plans(["northwind-choice-ppo"])[0].network_ids)
    networks = full_store.networks_for(npis)
    offerings = full_store.treatments_for(npis)
    providers = full_store.providers(npis)
    for hit in page.hits:
        assert hit.distance_miles is not None and hit.distance_miles <= 25
        assert plan_networks & {n.id for n in networks[hit.npi]}
        assert any(t.treatment is Treatment.ESKETAMINE_REMS for t in offerings[hit.npi])
        assert providers[hit.npi].is_active
    everywhere = full_store.search(SearchCriteria(treatments=(Treatment.ESKETAMINE_REMS,), limit=100))
    assert everywhere.total > page.total  # the radius and the plan did filter


def test_loading_twice_changes_nothing(generated, full_db, tmp_path):
    shutil.copyfile(full_db[0], tmp_path / "again.db")
    store = SQLiteStore(tmp_path / "again.db")
    try:
        before = store.counts()
        report = load_catalog(store, generated.catalog)
        assert store.counts() == before
        assert report.sections["network_members"] == {
            "read": before["network_members"],
            "new": 0,
            "already_members": before["network_members"],
        }
    finally:
        store.close()


def test_invalid_catalog_is_refused_and_nothing_is_written(generated, nppes_store, tmp_path):
    data = _catalog(generated)
    known = data["treatments"][0]["npi"]
    stranger = make_npi("199999999")
    data["treatments"][0]["treatment"] = "tms_deluxe"
    data["treatments"][1]["npi"] = stranger
    data["treatments"][2]["location_key"] = "1 NOWHERE ST||NOWHERE|NY|10016"
    data["credentials"][0]["expires"] = "2027-02-30"
    data["network_members"][0]["npi"] = known[:9] + str((int(known[9]) + 1) % 10)
    data["access"][0]["evidence"] = "no-such-evidence"
    data["plans"][0]["network_ids"] = ["no-such-network"]
    data["evidence"]["rems-2026-10"]["retrieved"] = "2999-01-01"
    before = nppes_store.counts()
    with pytest.raises(InputError) as caught:
        load_catalog(nppes_store, _write(tmp_path, data))
    problems = caught.value.problems
    text = str(caught.value)
    assert "nothing written" in text
    for needle in (
        "treatments[0].treatment: unknown treatment 'tms_deluxe'",
        "credentials[0].expires",
        "network_members[0].npi",
        "access[0].evidence: no evidence named 'no-such-evidence'",
        "evidence['rems-2026-10'].retrieved: 2999-01-01 is in the future",
    ):
        assert any(needle in p for p in problems), needle
    assert nppes_store.counts() == before

    # with the evidence, shape and date problems fixed, the references are checked
    data = _catalog(generated)
    data["treatments"][1]["npi"] = stranger
    data["treatments"][2]["location_key"] = "1 NOWHERE ST||NOWHERE|NY|10016"
    data["plans"][0]["network_ids"] = ["no-such-network"]
    with pytest.raises(InputError) as caught:
        load_catalog(nppes_store, _write(tmp_path, data))
    problems = caught.value.problems
    assert any(f"treatments[1].npi: NPI {stranger} is not in the store" in p for p in problems)
    assert any("treatments[2].location_key" in p for p in problems)
    assert any("plans[0].network_ids: no network 'no-such-network'" in p for p in problems)
    assert len(problems) == 3
    assert nppes_store.counts() == before


def test_catalog_before_nppes_names_every_missing_npi(generated, tmp_path):
    store = SQLiteStore(tmp_path / "empty.db")
    store.init_schema()
    try:
        with pytest.raises(InputError) as caught:
            load_catalog(store, generated.catalog)
        assert len(caught.value.problems) > 1000
        assert "load the NPPES file first" in str(caught.value) and "more" in str(caught.value)
        assert store.counts()["payers"] == 0
    finally:
        store.close()


def test_repeated_records_and_wrong_entity_types_are_problems(generated, nppes_store, tmp_path):
    data = _catalog(generated)
    data["access"].append(dict(data["access"][0]))
    aff = data["affiliations"][0]
    swapped = dict(aff, individual_npi=aff["organization_npi"], organization_npi=aff["individual_npi"])
    data["affiliations"].append(swapped)
    with pytest.raises(InputError) as caught:
        load_catalog(nppes_store, _write(tmp_path, data))
    reasons = Counter(p.split(":")[0] for p in caught.value.problems)
    assert reasons[f"access[{len(data['access']) - 1}]"] == 1
    n = len(data["affiliations"]) - 1
    assert reasons[f"affiliations[{n}].individual_npi"] == 1 and reasons[f"affiliations[{n}].organization_npi"] == 1


def test_not_json_is_a_source_format_error(nppes_store, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "provnet-catalog",\n "version": 1,\n "payers": [}', encoding="utf-8")
    with pytest.raises(SourceFormatError, match="line 3"):
        load_catalog(nppes_store, path)
    with pytest.raises(SourceFormatError, match="not found"):
        load_catalog(nppes_store, tmp_path / "missing.json")
    path.write_text(json.dumps({"format": "something-else", "version": 9, "doctors": []}), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_catalog(nppes_store, path)
    assert [p.split(":")[0] for p in caught.value.problems] == ["format", "version", "doctors"]
