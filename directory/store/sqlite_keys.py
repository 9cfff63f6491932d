"""API keys on the embedded store: the ``api_key`` table (its DDL is in
:mod:`.sqlite_schema`) and the statements of :class:`~.keys.KeyBook`'s
primitives. Each function runs inside the caller's transaction."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from ..errors import NotFound, quoted
from ..model import ApiKey, Role
from .keys import instant, timestamp

INSERT = """INSERT INTO api_key
    (key_id, role, tenant, label, secret_hash, created_at, expires_at, revoked_at, last_used_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"""
BY_ID = """SELECT key_id, role, tenant, label, secret_hash, created_at, expires_at, revoked_at, last_used_at
    FROM api_key WHERE key_id = ?"""
ALL = """SELECT key_id, role, tenant, label, secret_hash, created_at, expires_at, revoked_at, last_used_at
    FROM api_key ORDER BY created_at, key_id"""
REVOKE = "UPDATE api_key SET revoked_at = coalesce(revoked_at, ?) WHERE key_id = ?"
# instants are ISO text of one format (keys.timestamp), so the later one is the greater
USED = "UPDATE api_key SET last_used_at = max(coalesce(last_used_at, ''), ?) WHERE key_id = ?"


def _key(row: sqlite3.Row | tuple) -> ApiKey:
    key_id, role, tenant, label, secret_hash, created_at, expires_at, revoked_at, last_used_at = tuple(row)
    created = instant(created_at)
    assert created is not None  # NOT NULL column
    return ApiKey(
        key_id=key_id,
        role=Role(role),
        tenant=tenant,
        label=label,
        secret_hash=secret_hash,
        created_at=created,
        expires_at=instant(expires_at),
        revoked_at=instant(revoked_at),
        last_used_at=instant(last_used_at),
    )


def add(conn: sqlite3.Connection, key: ApiKey) -> None:
    conn.execute(
        INSERT,
        (
            key.key_id,
            key.role.value,
            key.tenant,
            key.label,
            key.secret_hash,
            timestamp(key.created_at),
            timestamp(key.expires_at),
            timestamp(key.revoked_at),
            timestamp(key.last_used_at),
        ),
    )


def get(conn: sqlite3.Connection, key_id: str) -> ApiKey | None:
    row = conn.execute(BY_ID, (key_id,)).fetchone()
    return None if row is None else _key(row)


def every(conn: sqlite3.Connection) -> list[ApiKey]:
    return [_key(row) for row in conn.execute(ALL)]


def revoke(conn: sqlite3.Connection, key_id: str, at: datetime) -> ApiKey:
    if conn.execute(REVOKE, (timestamp(at), key_id)).rowcount == 0:
        raise NotFound(f"no API key {quoted(key_id)}")
    found = get(conn, key_id)
    assert found is not None  # updated just now, in this transaction
    return found


def used(conn: sqlite3.Connection, key_id: str, at: datetime) -> None:
    if conn.execute(USED, (timestamp(at), key_id)).rowcount == 0:
        raise NotFound(f"no API key {quoted(key_id)}")
