"""API keys on Neo4j: constant Cypher (parameters only, as in
:mod:`.neo4j_cypher`), the transaction functions of :class:`~.keys.KeyBook`'s
primitives and the property conversions.

Graph model: ``(:ApiKey {key_id, role, tenant, label, secret_hash, created_at,
expires_at, revoked_at, last_used_at})``, instants as ISO text of one format
(:func:`.keys.timestamp`), absent when null; ``key_id`` is unique (constraint
``api_key_id`` in :data:`.neo4j_cypher.SCHEMA`), which also backs the lookup
by id with an index.
"""

from __future__ import annotations

from datetime import datetime

from ..errors import NotFound, quoted
from ..model import ApiKey, Role
from .keys import instant, timestamp

# a second key with the same id breaks the constraint: ConstraintViolation, nothing written
CREATE_KEY = "CREATE (k:ApiKey) SET k = $props"
KEY_BY_ID = "MATCH (k:ApiKey {key_id: $key_id}) RETURN properties(k) AS props"
ALL_KEYS = "MATCH (k:ApiKey) RETURN properties(k) AS props ORDER BY k.created_at, k.key_id"
REVOKE_KEY = """
MATCH (k:ApiKey {key_id: $key_id})
SET k.revoked_at = coalesce(k.revoked_at, $at)
RETURN properties(k) AS props"""
# instants are ISO text of one format, so the later one is the greater
KEY_USED = """
MATCH (k:ApiKey {key_id: $key_id})
SET k.last_used_at = CASE WHEN k.last_used_at IS NULL OR k.last_used_at < $at THEN $at ELSE k.last_used_at END
RETURN k.key_id AS key_id"""


def props(key: ApiKey) -> dict:
    return {
        "key_id": key.key_id,
        "role": key.role.value,
        "tenant": key.tenant,
        "label": key.label,
        "secret_hash": key.secret_hash,
        "created_at": timestamp(key.created_at),
        "expires_at": timestamp(key.expires_at),
        "revoked_at": timestamp(key.revoked_at),
        "last_used_at": timestamp(key.last_used_at),
    }


def key(found: dict) -> ApiKey:
    created = instant(found["created_at"])
    assert created is not None  # always written
    return ApiKey(
        key_id=found["key_id"],
        role=Role(found["role"]),
        tenant=found.get("tenant"),
        label=found.get("label") or "",
        secret_hash=found["secret_hash"],
        created_at=created,
        expires_at=instant(found.get("expires_at")),
        revoked_at=instant(found.get("revoked_at")),
        last_used_at=instant(found.get("last_used_at")),
    )


# -------------------------------------------------- transaction functions
def add(tx, new: ApiKey) -> None:
    tx.run(CREATE_KEY, {"props": props(new)}).consume()


def get(tx, key_id: str) -> ApiKey | None:
    found = tx.run(KEY_BY_ID, {"key_id": key_id}).data()
    return key(found[0]["props"]) if found else None


def every(tx) -> list[ApiKey]:
    return [key(row["props"]) for row in tx.run(ALL_KEYS, {}).data()]


def revoke(tx, key_id: str, at: datetime) -> ApiKey:
    found = tx.run(REVOKE_KEY, {"key_id": key_id, "at": timestamp(at)}).data()
    if not found:
        raise NotFound("no API key " + quoted(key_id))
    return key(found[0]["props"])


def used(tx, key_id: str, at: datetime) -> None:
    if not tx.run(KEY_USED, {"key_id": key_id, "at": timestamp(at)}).data():
        raise NotFound("no API key " + quoted(key_id))
