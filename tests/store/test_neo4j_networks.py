"""The Neo4j adapter's network curation without a server, through the
recording driver of ``test_neo4j_queries``: each primitive is one transaction
that takes the network's lock before anything else, numbers events after the
counter it read, sends only plain parameters, and refuses an archived network
before writing. The Cypher runs against Neo4j in ``test_contract_networks``
when NEO4J_URI is set, and through Neo4j's analyser in ``test_neo4j_queries``."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from test_neo4j_queries import check_all, fake  # noqa: F401 - the fixture

from directory.errors import AlreadyExists, Archived, NotFound
from directory.model import (
    Employer,
    Evidence,
    MemberDecision,
    Network,
    NetworkEvent,
    NetworkEventKind,
    NetworkKind,
    NetworkMember,
    Region,
)
from directory.store import neo4j_cypher as cypher
from directory.store import neo4j_networks as networks
from directory.store import neo4j_rows as rows

NPI = "1234567893"
AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
ACME = Network("acme-trd", "Acme", NetworkKind.EMPLOYER, "acme", regions=(Region(state="NY"),))
CURATOR = Evidence("api:employer:acme", date(2026, 12, 1), "curation", 1.0, None)


def event(kind=NetworkEventKind.MEMBER_ADDED, **extra) -> NetworkEvent:
    return NetworkEvent("acme-trd", kind, AT, "employer:acme", **extra)


def test_creating_checks_the_id_links_the_owner_and_numbers_the_first_event(fake):  # noqa: F811
    store, driver = fake
    stored = store.create_network(ACME, event(NetworkEventKind.CREATED))
    assert stored.seq == 1
    check_all(driver)
    ((mode, statements),) = driver.transactions
    assert mode == "write"
    assert [q for q, _ in statements] == [
        networks.NETWORK_EXISTS,
        networks.CREATE_NETWORK,
        cypher.LINK_NETWORK_OWNERS,
        cypher.LINK_NETWORK_PLANS,
        networks.APPEND_EVENTS,
        networks.SET_EVENT_SEQ,
    ]
    assert statements[1][1]["regions"] == '[{"state": "NY"}]'
    assert statements[4][1]["rows"][0]["props"]["uid"] == "acme-trd|1"
    driver.answers[networks.NETWORK_EXISTS] = [{"id": "acme-trd"}]
    with pytest.raises(AlreadyExists):
        store.create_network(ACME, event(NetworkEventKind.CREATED))


def test_member_changes_lock_first_and_record_events_of_what_changed(fake):  # noqa: F811
    store, driver = fake
    driver.answers[networks.LOCK_NETWORK] = [{"status": "active", "top": 7}]
    driver.answers[cypher.MISSING_NPIS] = [{"missing": []}]
    driver.answers[networks.ADD_MEMBERS] = [{"npi": NPI}]
    added = NetworkMember("acme-trd", NPI, CURATOR, date(2026, 12, 1), MemberDecision.ADDED_AFTER_REVIEW, "x", AT)
    done = store.change_members(
        "acme-trd",
        [added],
        ["1000000004"],
        [event(npi=NPI), event(npi="1000000004", kind=NetworkEventKind.MEMBER_REMOVED)],
    )
    assert done.added == (NPI,) and done.removed == () and [e.seq for e in done.events] == [8]
    check_all(driver)
    ((_, statements),) = driver.transactions
    assert [q for q, _ in statements] == [
        networks.LOCK_NETWORK,
        cypher.MISSING_NPIS,
        networks.ADD_MEMBERS,
        networks.REMOVE_MEMBERS,
        networks.APPEND_EVENTS,
        networks.SET_EVENT_SEQ,
    ]
    props = statements[2][1]["rows"][0]["props"]
    assert props["decision"] == "added_after_review" and props["decided_at"] == "2026-12-01T09:30:00+00:00"
    assert statements[-1][1] == {"network_id": "acme-trd", "top": 8}


def test_an_archived_or_missing_network_is_refused_before_any_write(fake):  # noqa: F811
    store, driver = fake
    driver.answers[networks.LOCK_NETWORK] = [{"status": "archived", "top": 3}]
    with pytest.raises(Archived):
        store.change_members("acme-trd", [], ["1000000004"], [])
    with pytest.raises(Archived):
        store.mark_reviewed("acme-trd", {NPI: 1}, AT, event(NetworkEventKind.REVIEWED))
    assert {q for q, _ in driver.statements()} == {networks.LOCK_NETWORK}
    driver.answers[networks.LOCK_NETWORK] = []
    with pytest.raises(NotFound):
        store.update_network(ACME, event(NetworkEventKind.RENAMED))


def test_reviews_history_and_results_at_send_plain_parameters(fake):  # noqa: F811
    store, driver = fake
    driver.answers[networks.LOCK_NETWORK] = [{"status": "active", "top": 2}]
    driver.answers[networks.MARK_REVIEWED] = [{"marked": 1}]
    marked, e = store.mark_reviewed("acme-trd", {NPI: 3}, AT, event(NetworkEventKind.REVIEWED))
    assert (marked, e.seq) == (1, 3)
    driver.answers[networks.NETWORK_EXISTS] = [{"id": "acme-trd"}]
    driver.answers[networks.EVENTS] = [{"props": {"uid": "acme-trd|3", **_params(e)}}]
    assert store.network_events("acme-trd", kinds=[NetworkEventKind.REVIEWED], limit=1) == [e]
    store.vetting_results_at("acme-trd", {NPI: 3})
    driver.answers[networks.MEMBER_PAGE] = [{"npi": NPI, "fact": {"added_on": "2026-12-01", **_evidence()}}]
    (paged,) = store.member_page("acme-trd", after="1000000004", limit=5)
    assert paged.npi == NPI and paged.decision is None
    check_all(driver)
    assert [mode for mode, _ in driver.transactions] == ["write", "read", "read", "read"]
    assert driver.statements()[-1][1] == {"network_id": "acme-trd", "after": "1000000004", "limit": 5}
    results_at = [p for q, p in driver.statements() if q == networks.RESULTS_AT]
    assert results_at == [{"network_id": "acme-trd", "rows": [{"npi": NPI, "seq": 3}]}]


def test_employer_plans_and_network_fields_round_trip():
    e = Employer("acme", "Acme", ("nw-ppo",))
    assert rows.employer_params(e) == {"id": "acme", "name": "Acme", "plan_ids": ["nw-ppo"]}
    assert rows.employer_params(Employer("x", "X"))["plan_ids"] is None  # never an empty list property
    assert rows.network(rows.network_params(ACME)) == ACME
    legacy = {"id": "nw", "name": "NW", "kind": "payer", "owner_id": "northwind", "status": None, "regions": None}
    assert rows.network(legacy) == Network("nw", "NW", NetworkKind.PAYER, "northwind")
    m = NetworkMember("acme-trd", NPI, CURATOR, date(2026, 12, 1), MemberDecision.REMOVED_OTHER, "a", AT, "n", 2, AT)
    p = rows.member_params(m)
    assert rows.network_member("acme-trd", {"npi": NPI, "fact": {**p["fact"], **_decision(p)}}) == m


def _params(e: NetworkEvent) -> dict:
    from directory.store.network_codec import event_params

    return event_params(e, e.seq)


def _decision(p: dict) -> dict:
    return {k: v for k, v in p.items() if k not in ("network_id", "npi", "fact")}


def _evidence() -> dict:
    return rows.evidence_params(CURATOR)
