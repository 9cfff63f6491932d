"""Decisions through the real SQLite store: save with evidence, review queue,
accept/reject, undo, and people's decisions surviving later model runs."""

from __future__ import annotations

import pytest

from directory.errors import InputError, NotFound
from directory.model import EntityType, MatchStatus
from directory.store.sqlite import SQLiteStore
from ingest.resolve import EntityRecord, apply, decide, resolve, review_queue, undo

I = EntityType.INDIVIDUAL
RECORDS = [
    EntityRecord(
        "nppes:1234567893",
        I,
        "1234567893",
        "ROBERT",
        "A",
        "KOWALCZYK",
        address_line1="123 MAIN ST",
        state="MA",
        zip="02139",
        phones=("6175551212",),
        licences=("MA41234",),
    ),
    EntityRecord(
        "roster:acme:1",
        I,
        None,
        full_name="Kowalczyk, Bob A., MD",
        address_line1="123 Main Street",
        state="MA",
        zip="02139",
        phones=("617-555-1212",),
        licences=("41234",),
    ),
    # same name and practice, another NPI: the model may not merge it, only ask
    EntityRecord(
        "nppes:1982736450",
        I,
        "1982736450",
        "ROBERT",
        "",
        "KOWALCZYK",
        address_line1="123 MAIN ST",
        state="MA",
        zip="02139",
        phones=("6175551212",),
    ),
]


@pytest.fixture
def store(tmp_path):
    s = SQLiteStore(tmp_path / "provnet.db")
    s.init_schema()
    yield s
    s.close()


def test_merge_review_decide_undo(store, trained_provider_settings):
    result = resolve(RECORDS, trained_provider_settings, train=False)
    assert apply(store, result) == len(result.match_records())
    merged = store.matches(status=MatchStatus.MERGED)
    assert [(m.left, m.right) for m in merged] == [("nppes:1234567893", "roster:acme:1")]
    assert merged[0].agreement["phone"].startswith("shared") and merged[0].decided_by == "model"

    queue = review_queue(store, limit=10)
    assert queue and all(m.status is MatchStatus.REVIEW for m in queue)
    assert {"nppes:1234567893", "nppes:1982736450"} == {queue[0].left, queue[0].right} or any(
        {"nppes:1234567893", "nppes:1982736450"} == {m.left, m.right} for m in queue
    )

    rejected = decide(store, queue[0].match_id, accept=False, by="navigator@example.org")
    assert rejected.status is MatchStatus.REJECTED and rejected.decided_by == "navigator@example.org"

    undone = undo(store, merged[0].match_id, by="admin@example.org")
    assert undone.status is MatchStatus.UNDONE
    assert store.matches(ids=[merged[0].match_id])[0].agreement == merged[0].agreement  # evidence kept

    # a later model run neither overwrites people's decisions nor re-merges the undone pair
    decisions = store.matches(limit=None)
    rerun = resolve(RECORDS, trained_provider_settings, train=False, decisions=decisions)
    clusters = rerun.clusters_of_refs()
    assert clusters["nppes:1234567893"] != clusters["roster:acme:1"]
    apply(store, rerun)
    assert store.matches(ids=[merged[0].match_id])[0].status is MatchStatus.UNDONE
    assert store.matches(ids=[queue[0].match_id])[0].status is MatchStatus.REJECTED


def test_accepting_from_the_queue_merges_on_the_next_run(store, trained_provider_settings):
    apply(store, resolve(RECORDS, trained_provider_settings, train=False))
    pending = review_queue(store)
    accepted = decide(store, pending[0].match_id, accept=True, by="admin@example.org")
    assert accepted.status is MatchStatus.MERGED
    rerun = resolve(RECORDS, trained_provider_settings, train=False, decisions=store.matches(limit=None))
    clusters = rerun.clusters_of_refs()
    assert clusters[pending[0].left] == clusters[pending[0].right]


def test_bad_decisions_are_refused(store, trained_provider_settings):
    with pytest.raises(NotFound):
        decide(store, "no-such-match", accept=True, by="admin")
    apply(store, resolve(RECORDS, trained_provider_settings, train=False))
    pending = review_queue(store)
    with pytest.raises(InputError, match="only a merge"):
        undo(store, pending[0].match_id, by="admin")
    with pytest.raises(InputError, match="who"):
        decide(store, pending[0].match_id, accept=True, by="")
