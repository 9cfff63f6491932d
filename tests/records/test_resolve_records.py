"""Every record resolved (issue 9 point 2), on a small five-source world written
by the benchmark's generator and loaded through the real loaders into an
embedded store on disk: each record linked to a provider, new, or waiting for
review, with stable entity ids; the export; people's decisions honoured; the
linked records' facts materialised with their evidence, withdrawn when a link
is undone or a record retired; and a second resolve changing nothing."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from collections import defaultdict
from datetime import date

import numpy as np
import pytest
from bench_sources import pair_codes, scores

from directory.model import MatchStatus, Network, NetworkKind, Payer, Treatment
from directory.services.fact_status import fact_statuses_of
from directory.services.matches import Decision, decide
from directory.source_records import LinkStatus, SourceFacts
from directory.store.sqlite import SQLiteStore
from ingest import ingest_nppes, load_taxonomies
from ingest.materialise import materialise
from ingest.resolve.run import export_links, resolve_store
from ingest.sources.base import load
from ingest.sources.licences import Licences
from ingest.sources.roster import Roster
from ingest.sources.sites import Sites

AS_OF = date(2026, 1, 15)
NETWORKS = ["COMM-PPO", "COMM-HMO", "MA-HMO"]  # two of the roster's five are left unknown to the store


def load_world(store, folder) -> None:
    load_taxonomies(store)
    for spec in json.loads((folder / "sources.json").read_text()):
        path = folder / spec["file"]
        if spec["kind"] == "nppes":
            ingest_nppes(store, path, scope="all")
            continue
        mapping, name = folder / spec["mapping"], spec["source"]
        if spec["kind"] == "roster":
            source = Roster(path, mapping, name, as_of=AS_OF)
        elif spec["kind"] == "licences":
            source = Licences(path, mapping, name, as_of=AS_OF)
        else:
            source = Sites(path, mapping, name, kind=spec["kind"], as_of=AS_OF)
        load(store, source)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from gen_sources import generate

    folder = tmp_path_factory.mktemp("world")
    generate(folder, people=2000, seed=11)
    return folder


@pytest.fixture(scope="module")
def resolved_db(world, tmp_path_factory):
    """The world loaded and resolved once (with three of the roster's networks known)."""
    path = tmp_path_factory.mktemp("db") / "provnet.db"
    store = SQLiteStore(path)
    store.init_schema()
    load_world(store, world)
    store.upsert_payers([Payer("payer", "A Payer")])
    store.upsert_networks([Network(n, n, NetworkKind.PAYER, "payer") for n in NETWORKS])
    report = resolve_store(store)
    store.close()
    return path, report


@pytest.fixture
def store(resolved_db, tmp_path):
    target = tmp_path / "copy.db"
    shutil.copyfile(resolved_db[0], target)
    store = SQLiteStore(target)
    store.init_schema()
    yield store
    store.close()


def exported(store, tmp_path) -> list[dict]:
    path = tmp_path / "export.csv"
    export_links(store, path)
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_record_is_linked_new_or_waiting_and_exported_with_a_stable_entity_id(
    store, resolved_db, world, tmp_path
):
    report = resolved_db[1]
    providers = store.counts()["providers"]
    records = sum(s.current for s in store.record_sources())
    rows = exported(store, tmp_path)
    assert len(rows) == providers + records == sum(report.statuses.values())
    assert {r["source"] for r in rows} == {"nppes", "roster", "licences", "tms_sites", "rems_sites"}
    assert set(report.statuses) <= {"linked", "new", "review"} and report.statuses["linked"] > records / 2
    links = {link.ref: link for link in store.iter_resolution_links()}
    by_entity: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_entity[row["entity_id"]].append(f"{row['source']}:{row['record_id']}")
    for entity, refs in by_entity.items():
        statuses = {links[r].status for r in refs}
        if statuses == {LinkStatus.LINKED}:  # a provider of the store: its NPI, held by its NPPES record
            assert f"nppes:{entity}" in refs and all(links[r].npi == entity for r in refs)
        else:  # no provider: a hash of the smallest reference
            assert LinkStatus.LINKED not in statuses
            assert entity == "e-" + hashlib.blake2b(min(refs).encode(), digest_size=8).hexdigest()
    # the export is the resolution: score it against the generator's truth
    truth = {}
    with open(world / "truth_separate.csv", newline="") as f:
        for t in csv.DictReader(f):
            truth[f"{t['source']}:{t['record_id']}"] = t["entity_id"]
    refs = [f"{r['source']}:{r['record_id']}" for r in rows]
    found = pair_codes(np.unique([r["entity_id"] for r in rows], return_inverse=True)[1])
    expected = pair_codes(np.unique([truth[r] for r in refs], return_inverse=True)[1])
    assert scores(found, expected)["f1"] >= 0.97


def test_resolving_again_changes_nothing(store, tmp_path):
    before = exported(store, tmp_path)
    counts = store.counts()
    decisions = store.matches(limit=None)
    again = resolve_store(store)
    assert (again.decisions_stored, again.decisions_withdrawn, again.links_written, again.links_removed) == (0, 0, 0, 0)
    assert store.matches(limit=None) == decisions  # the same decisions, made when they were first made
    assert again.facts is not None and again.facts.written == 0 and not again.facts.changed
    assert exported(store, tmp_path) == before and store.counts() == counts


def test_linked_records_give_their_providers_facts_with_the_evidence(store):
    links = list(store.iter_resolution_links())
    linked = [link for link in links if link.status is LinkStatus.LINKED and link.method == "model"]
    by_source = defaultdict(list)
    for link in linked:
        by_source[link.source].append(link)
    # a licence row: the board's licence, with its record, file and link
    licence = by_source["licences"][0]
    record = store.source_records([licence.ref])[licence.ref]
    (held,) = [c for c in store.credentials_for([licence.npi])[licence.npi] if c.evidence.reference == licence.ref]
    assert (held.number, held.state, held.status) == (
        record.fields["license_number"],
        record.fields["state"],
        record.fields.get("status"),
    )
    assert held.evidence.file == "licences.txt" and held.evidence.retrieved == AS_OF
    assert held.evidence.method == "licence_board"
    if licence.probability < 1:
        assert held.evidence.link_probability == licence.probability
        assert held.evidence.confidence == round(0.95 * licence.probability, 4)
    # a REMS site: esketamine at a REMS-certified setting, at the site's location
    rems = by_source["rems_sites"][0]
    offers = [t for t in store.treatments_for([rems.npi])[rems.npi] if t.evidence.reference == rems.ref]
    assert [t.treatment for t in offers] == [Treatment.ESKETAMINE_REMS]
    assert offers[0].detail.startswith(f"REMS-certified healthcare setting {rems.record_id}")
    places = {pl.location.key for pl in store.locations_for([rems.npi])[rems.npi]}
    assert offers[0].location_key in places
    # roster rows: memberships in the networks the store holds, none in the others
    members = {n: {m.npi for m in store.network_members(n)} for n in NETWORKS}
    assert all(members.values())
    roster_npis = {link.npi for link in by_source["roster"]}
    assert set().union(*members.values()) <= roster_npis


def test_a_roster_address_that_nppes_lists_too_agrees_with_it(store):
    today = date(2026, 1, 20)
    for link in (link for link in store.iter_resolution_links() if link.source == "roster" and link.npi):
        places = store.locations_for([link.npi])[link.npi]
        shared = {pl.location.key for pl in places if pl.evidence.source == "roster"} & {
            pl.location.key for pl in places if pl.evidence.source == "nppes"
        }
        if shared:
            break
    else:
        pytest.fail("no roster row at its provider's NPPES address")
    statuses = fact_statuses_of(store, [link.npi], today)[link.npi]
    address = next(
        s for s in statuses if s.kind.value == "address" and {c.source for c in s.sources} >= {"nppes", "roster"}
    )
    assert address.agreement.value in ("agrees", "contradicts")  # both sources speak to it
    assert {c.source for c in address.sources if c.value.startswith(address.value.split(" (")[0])} >= {"nppes"}


def test_a_rejected_merge_splits_the_record_off_and_withdraws_its_facts(store):
    # a licence row joined to its provider by one merged pair only (with the NPPES record)
    for link in store.iter_resolution_links():
        if link.source != "licences" or link.status is not LinkStatus.LINKED:
            continue
        merged = [m for m in store.matches(record=link.ref, limit=None) if m.status is MatchStatus.MERGED]
        if len(merged) == 1 and f"nppes:{link.npi}" in (merged[0].left, merged[0].right):
            break
    else:
        pytest.fail("no licence row joined by its NPPES pair alone")
    npi = link.npi
    assert any(c.evidence.reference == link.ref for c in store.credentials_for([npi])[npi])
    decide(store, merged[0].match_id, Decision.REJECT, "reviewer@test")
    resolve_store(store)
    after = store.resolution_links([link.ref])[link.ref]
    assert after.status is not LinkStatus.LINKED and after.npi is None
    assert not any(c.evidence.reference == link.ref for c in store.credentials_for([npi]).get(npi, []))
    assert store.matches(ids=[merged[0].match_id])[0].status is MatchStatus.REJECTED  # the person's decision stays


def test_accepting_a_pair_from_the_review_queue_links_its_record(store):
    waiting = [link for link in store.iter_resolution_links() if link.status is LinkStatus.REVIEW]
    assert waiting, "the world has records waiting for review"
    for link in waiting:
        pairs = [m for m in store.matches(record=link.ref, limit=None) if m.status is MatchStatus.REVIEW]
        other = [m for m in pairs if m.npi or any(r.startswith("nppes:") for r in (m.left, m.right))]
        if other:
            break
    else:
        pytest.skip("no review pair against a provider in this world")
    pair = other[0]
    decide(store, pair.match_id, Decision.MERGE, "reviewer@test")
    resolve_store(store)
    after = store.resolution_links([pair.left, pair.right])
    assert after[pair.left].entity_id == after[pair.right].entity_id
    assert after[link.ref].status is LinkStatus.LINKED and after[link.ref].method == "decision"


def test_a_newer_roster_retires_its_missing_rows_facts_at_once_and_their_links_at_the_next_resolve(
    store, world, tmp_path
):
    lines = (world / "roster.csv").read_text(encoding="utf-8-sig").splitlines()
    kept, dropped = lines[: len(lines) // 2], lines[len(lines) // 2 :]
    newer = tmp_path / "roster_2026-02.csv"
    newer.write_text("\n".join(kept) + "\n", encoding="utf-8")
    gone = {f"roster:{line.split(',')[0]}" for line in dropped}
    before = {link.ref: link for link in store.iter_resolution_links() if link.ref in gone}
    gone_npis = {link.npi for link in before.values() if link.npi}
    report = load(store, Roster(newer, world / "roster.mapping.json", "roster", as_of=date(2026, 2, 15)))
    assert report.details["retired"] == len(dropped)
    materialise(store, ["roster"])  # what `provnet ingest roster` does after the load
    held = store.source_facts("roster", sorted(gone_npis))
    for facts in held.values():  # what a provider still holds from the roster comes from rows the file kept
        refs = {f.evidence.reference for f in (*facts.credentials, *facts.memberships, *facts.locations)}
        assert not refs & gone
    queued = [m for m in store.matches(limit=None) if m.left in gone or m.right in gone]
    resolve_store(store)
    assert not set(store.resolution_links(gone))
    # the model's earlier decisions on retired records are withdrawn: the review queue asks only live questions
    assert queued and not [m for m in store.matches(limit=None) if m.left in gone or m.right in gone]
    assert store.record_sources()[[s.source for s in store.record_sources()].index("roster")].retired == len(dropped)


def test_a_resolve_cut_off_while_writing_facts_is_finished_by_the_next(store, tmp_path, monkeypatch):
    # a copy resolved from the same state without interruption is what the store must end as
    clean_path = tmp_path / "clean.db"
    shutil.copyfile(store.path, clean_path)
    clean = SQLiteStore(clean_path)
    clean.init_schema()
    for held in clean.record_sources():  # the facts as the first resolve left them, forgotten
        clean.replace_source_facts(held.source, {npi: SourceFacts() for npi in clean.source_fact_npis(held.source)})
        store.replace_source_facts(held.source, {npi: SourceFacts() for npi in store.source_fact_npis(held.source)})
    resolve_store(clean)
    calls = {"n": 0}
    real = SQLiteStore.replace_source_facts

    def failing(self, source, facts):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk went away")
        return real(self, source, facts)

    monkeypatch.setattr(SQLiteStore, "replace_source_facts", failing)
    with pytest.raises(OSError):
        resolve_store(store)
    monkeypatch.setattr(SQLiteStore, "replace_source_facts", real)
    resolve_store(store)

    def facts(s):
        return {
            held.source: s.source_facts(held.source, s.source_fact_npis(held.source)) for held in s.record_sources()
        }

    assert facts(store) == facts(clean) and store.counts() == clean.counts()
    same = {link.ref: (link.entity_id, link.status, link.method) for link in clean.iter_resolution_links()}
    assert {link.ref: (link.entity_id, link.status, link.method) for link in store.iter_resolution_links()} == same
    clean.close()
