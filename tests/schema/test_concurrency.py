"""One request never stalls the others: no store call runs on the event loop.

The store here is the real embedded store on disk, watched: every port call
records whether it ran on the thread of a running event loop, and a search for
the name "slowpoke" blocks inside the store until the test lets it go."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import Iterator

import pytest
import requests
from graphql import OperationDefinitionNode, parse
from live_api import TOKENS, Client, Directory, LiveServer, populate

from directory import settings
from directory.store.sqlite import SQLiteStore
from schema import build_schema, create_app

SLOW_NAME = "slowpoke"
#: How long a small request may take while a slow one is stuck in the store.
BOUND_SECONDS = 1.0


class WatchedStore(SQLiteStore):
    def __init__(self, path) -> None:
        super().__init__(path)
        self.watching = False
        self.on_loop: list[str] = []
        self.slow_started = threading.Event()
        self.release = threading.Event()

    def _trip(self) -> None:
        super()._trip()
        if self.watching and _on_event_loop():
            self.on_loop.append(sys._getframe(1).f_code.co_name)  # the port method that called

    def _search_candidates(self, criteria, limit):
        if criteria.name == SLOW_NAME:
            self.slow_started.set()
            self.release.wait(timeout=30)  # a slow backend: blocks whatever thread runs it
        return super()._search_candidates(criteria, limit)


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.fixture(scope="module")
def watched(tmp_path_factory) -> Iterator[tuple[WatchedStore, Directory, Client]]:
    store = WatchedStore(tmp_path_factory.mktemp("watched") / "provnet.db")
    store.init_schema()
    d = populate(store)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROVNET_AUTH_TOKENS", TOKENS)
        server = LiveServer(create_app(store))
    store.watching = True
    try:
        yield store, d, Client(server.url, token="adm")
    finally:
        store.release.set()
        server.stop()
        store.close()


def _timed(call) -> tuple[float, object]:
    started = time.monotonic()
    result = call()
    return time.monotonic() - started, result


def test_a_request_stuck_in_the_store_does_not_delay_a_small_one(watched):
    store, d, client = watched
    slow_query = "query($n: String!) { searchProviders(filter: {name: $n}) { totalCount } }"
    outcome: dict = {}

    def slow() -> None:
        outcome["body"] = client.gql(slow_query, {"n": SLOW_NAME})

    thread = threading.Thread(target=slow)
    thread.start()
    try:
        assert store.slow_started.wait(10), "the slow search never reached the store"
        small = f'{{ provider(npi: "{d.in_plan_near[0]}") {{ name locations {{ city }} networks {{ id }} }} }}'
        elapsed, data = _timed(
            lambda: requests.post(
                f"{client.url}/graphql",
                json={"query": small},
                headers={"Authorization": "Bearer adm"},
                timeout=BOUND_SECONDS * 5,
            ).json()
        )
        assert data["data"]["provider"]["name"], data
        assert elapsed < BOUND_SECONDS, f"a small query took {elapsed:.2f}s while a slow one was in the store"
        elapsed, health = _timed(lambda: requests.get(f"{client.url}/healthz", timeout=BOUND_SECONDS * 5))
        assert health.status_code == 200 and elapsed < BOUND_SECONDS
        elapsed, _ = _timed(lambda: client.data("{ payers { id plans { id } } networks { id } }"))
        assert elapsed < BOUND_SECONDS
        assert thread.is_alive() and "body" not in outcome  # the slow one was still in the store all along
    finally:
        store.release.set()
        thread.join(30)
    assert outcome["body"] == {"data": {"searchProviders": {"totalCount": 0}}}


# Every root field and every field that reads the store, as an admin sees them.
READS = [
    """query($npi: String!) { provider(npi: $npi) {
        name locations { city } taxonomies { code } credentials { kind } treatments { treatment } access { waitDays }
        networks { id } affiliations { organization { name } individual { name } } subparts { npi } parent { npi }
        otherNames { name } exclusions { source } evidence { kind } vetting { passed } trdExpertise { score }
        vettingStatus { status } factStatus { fact sources { source } } } }""",
    """{ searchProviders(filter: {near: {zip: "10029"}, radiusMiles: 10, planId: "northwind-ma-hmo"}, first: 5) {
        totalCount edges { node { npi } } } }""",
    '{ searchProviders(filter: {networkId: "globex-vetted"}) { totalCount } }',
    """{ searchProviders(filter: {treatments: [ESKETAMINE_REMS]}, orderBy: EXPERTISE, first: 3) {
        edges { expertise node { npi } } } }""",
    """{ matchProviders(need: {near: {zip: "10029"}, maxMiles: 5, tried: [MEDICATION_MANAGEMENT]}, first: 3) {
        totalCount matches { score treatments { treatment } location { city } provider { name } } } }""",
    '{ taxonomies(search: "psychiatry", first: 3) { code } treatments { label } viewer { role } }',
    "{ payers { id plans { id } } plans { id networks { id } } employers { id } networks { id } }",
    """{ network(id: "northwind-ma") { id members(first: 5) { npi } }
        networkMembers(networkId: "northwind-ma") { npi provider { name } } }""",
    '{ reviewQueue { matchId } matchesFor(record: "nppes:1") { matchId } }',
    """query($npi: String!) { defaultVettingCriteria { requiredChecks }
        network(id: "globex-vetted") { vettingCriteria { isDefault } memberVetting { npi current { status } } }
        vettingHistory(networkId: "globex-vetted", npi: $npi) { seq } }""",
    """{ networkAdequacy(networkId: "northwind-ma", members: [{zip: "10029", count: 40}]) {
        errors { code } report { results(first: 3) { passed } hsdProviders(first: 2) { npi } } } }""",
    """{ networkCandidates(networkId: "acme-vetted", first: 5) {
            candidates { npi vetting { status } provider { name } } endCursor }
        networkChangesSinceReview(networkId: "globex-vetted") { lastReview { seq } members { npi changes { check } } }
        networkHistory(networkId: "globex-vetted") { seq kind }
        exportNetworkMembers(networkId: "northwind-ma", first: 10) { csv rows } }""",
    """{ networkComposition(networkId: "northwind-ma") { members rows { specialty county providers } }
        staleListings(networkId: "northwind-ma", first: 5) { listings { npi facts { fact } } }
        directoryAccuracy(networkId: "northwind-ma") { listings fields { field verified } } }""",
    """{ benefitGapAudit(planIds: ["northwind-ma-hmo"], employees: [{zip: "10029", count: 40}]) {
        errors { code } audit { treatments { treatment share } gaps { zip missing } } } }""",
    """{ network(id: "globex-vetted") { status regions { label } history { seq }
        members { npi decision vettingStatus } } }""",
]
WRITES = [
    'mutation($npi: String!) { addNetworkMembers(networkId: "acme-vetted", npis: [$npi]) { changed } }',
    'mutation($npi: String!) { removeNetworkMembers(networkId: "acme-vetted", npis: [$npi], note: "x") { changed } }',
    'mutation { decideMatch(matchId: "m-1", decision: REJECT) { errors { code } } }',
    """mutation { setVettingCriteria(networkId: "acme-vetted", criteria: {requiredChecks: ["not_excluded"],
        acceptedLicenseStatuses: ["active"]}) { resultsRecorded errors { code } } }""",
    """mutation { createNetwork(input: {id: "admin-made", name: "Admin made", kind: EMPLOYER, ownerId: "acme",
        regions: [{state: "NY"}]}) { errors { code } network { id } event { seq } } }""",
    'mutation { renameNetwork(networkId: "admin-made", name: "Renamed") { errors { code } } }',
    """mutation { setNetworkRegions(networkId: "admin-made", regions: [{zip: "10029", radiusMiles: 5}]) {
        errors { code } } }""",
    'mutation { markNetworkReviewed(networkId: "acme-vetted") { membersReviewed errors { code } } }',
    'mutation { archiveNetwork(networkId: "admin-made", note: "done") { errors { code } } }',
]


def _root_fields(queries: list[str]) -> set[str]:
    names = set()
    for text in queries:
        for definition in parse(text).definitions:
            assert isinstance(definition, OperationDefinitionNode)
            names |= {sel.name.value for sel in definition.selection_set.selections}  # type: ignore[attr-defined]
    return names


def test_the_battery_covers_every_root_field():
    schema = build_schema()._schema
    assert _root_fields(READS) == set(schema.query_type.fields)
    assert _root_fields(WRITES) == set(schema.mutation_type.fields)


def test_no_store_call_runs_on_the_event_loop(watched):
    store, d, client = watched
    before = store.round_trips
    for query in READS:
        client.data(query, {"npi": d.organization} if "$npi" in query else None)
    for mutation in WRITES:
        client.data(mutation, {"npi": d.far[0]} if "$npi" in mutation else None)
    assert requests.get(f"{client.url}/healthz", timeout=10).status_code == 200
    assert store.round_trips - before >= len(READS) + len(WRITES)  # the battery really reached the store
    assert store.on_loop == [], f"store calls on the event loop: {store.on_loop}"


def test_a_huge_query_document_is_cut_short_while_parsing(watched):
    # parsing runs on the event loop: without a bound on tokens this 950 KB document held it for seconds
    store, _, client = watched
    document = "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(40_000)) + " }"
    before = store.round_trips
    elapsed, body = _timed(lambda: client.gql(document))
    max_tokens = settings.get_int("max_query_tokens", {})
    assert body["errors"][0]["message"].startswith(f"Syntax Error: Document contains more than {max_tokens} tokens")
    assert elapsed < BOUND_SECONDS
    assert store.round_trips == before
