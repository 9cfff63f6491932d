"""The Neo4j adapter's API keys, without a server: through the recording driver
of ``test_neo4j_queries`` (constant Cypher, every parameter sent and plain, one
transaction per primitive, reads as reads), and the property conversions. The
Cypher passes Neo4j's own analyser there (``QUERY_MODULES``) and runs against
Neo4j in ``test_contract_keys`` when NEO4J_URI is set."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from neo4j import exceptions as neo4j_errors
from test_neo4j_queries import FakeDriver, check_all

from directory.errors import ConstraintViolation, NotFound
from directory.model import ApiKey, Role
from directory.store import neo4j_cypher as cypher
from directory.store import neo4j_keys as keys
from directory.store.neo4j import DATA_LABELS, Neo4jStore

KEY = ApiKey(
    key_id="0123456789abcdef",
    role=Role.PAYER,
    tenant="northwind",
    label="claims bridge",
    secret_hash="hmac-sha256$" + "ab" * 32,
    created_at=datetime(2026, 3, 1, 9, 30, 15, tzinfo=UTC),
    expires_at=datetime(2027, 3, 1, tzinfo=UTC),
)


@pytest.fixture
def neo4j_fake():
    store = Neo4jStore("neo4j://127.0.0.1:7687", user="neo4j", password="secret", database="provnet")
    store._driver.close()  # the real driver never connected; swap in the recorder
    driver = FakeDriver()
    store._driver = driver
    return store, driver


def test_each_primitive_is_one_transaction_of_constant_cypher(neo4j_fake):
    store, driver = neo4j_fake
    stored = keys.props(KEY)
    driver.answers[keys.KEY_BY_ID] = [{"props": {k: v for k, v in stored.items() if v is not None}}]
    driver.answers[keys.ALL_KEYS] = driver.answers[keys.KEY_BY_ID]
    driver.answers[keys.REVOKE_KEY] = [{"props": {**stored, "revoked_at": "2026-04-01T00:00:00+00:00"}}]
    driver.answers[keys.KEY_USED] = [{"key_id": KEY.key_id}]
    at = datetime(2026, 4, 1, tzinfo=UTC)

    store.add_api_key(KEY)
    assert store.api_key(KEY.key_id) == KEY
    assert store.api_keys() == [KEY]
    assert store.revoke_api_key(KEY.key_id, at).revoked_at == at
    store.record_api_key_use(KEY.key_id, at)

    check_all(driver)
    assert [(mode, [q for q, _ in statements]) for mode, statements in driver.transactions] == [
        ("write", [keys.CREATE_KEY]),
        ("read", [keys.KEY_BY_ID]),
        ("read", [keys.ALL_KEYS]),
        ("write", [keys.REVOKE_KEY]),
        ("write", [keys.KEY_USED]),
    ]
    sent = driver.statements()
    assert sent[0][1] == {"props": stored}  # the hash and grant, never a secret
    assert set(stored) == {f.name for f in KEY.__dataclass_fields__.values()}
    assert sent[3][1] == {"key_id": KEY.key_id, "at": "2026-04-01T00:00:00+00:00"}


def test_unknown_ids_are_not_found_and_a_taken_id_is_a_constraint_violation(neo4j_fake):
    store, driver = neo4j_fake
    assert store.api_key("ffffffffffffffff") is None
    with pytest.raises(NotFound, match="no API key 'ffffffffffffffff'"):
        store.revoke_api_key("ffffffffffffffff", datetime(2026, 4, 1, tzinfo=UTC))
    with pytest.raises(NotFound):
        store.record_api_key_use("ffffffffffffffff", datetime(2026, 4, 1, tzinfo=UTC))
    driver.fail = neo4j_errors.ConstraintError("Node(1) already exists with label `ApiKey` and property `key_id`")
    with pytest.raises(ConstraintViolation):
        store.add_api_key(KEY)


def test_the_key_id_is_unique_indexed_and_keys_are_wiped():
    assert "CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.key_id IS UNIQUE" in cypher.SCHEMA
    assert "ApiKey" in DATA_LABELS


def test_properties_round_trip_with_absent_values():
    bare = ApiKey("fedcba9876543210", Role.ADMIN, None, "", "sha256$00", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    for key in (KEY, bare):
        props = keys.props(key)
        assert keys.key({k: v for k, v in props.items() if v is not None}) == key  # Neo4j drops null properties
