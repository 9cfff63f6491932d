"""Store contract: API keys (directory/store/keys.py), on both backends. The
store keeps what it is given; the secret never reaches it (the service hashes
it first: tests/keys)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from directory.errors import ConstraintViolation, NotFound
from directory.model import ApiKey, Role

T0 = datetime(2026, 3, 1, 9, 30, 15, tzinfo=UTC)


def key(key_id: str, role: Role = Role.ADMIN, tenant: str | None = None, **extra) -> ApiKey:
    return ApiKey(
        key_id=key_id,
        role=role,
        tenant=tenant,
        label=extra.pop("label", f"label of {key_id}"),
        secret_hash="sha256$" + key_id * 4,
        created_at=extra.pop("created_at", T0),
        **extra,
    )


def test_a_key_round_trips_with_every_field(store, reopen):
    full = key(
        "0123456789abcdef",
        Role.EMPLOYER,
        "acme",
        label="Acme's HR integration — rotated yearly",
        expires_at=datetime(2027, 1, 1, tzinfo=UTC),
        revoked_at=T0 + timedelta(days=3),
        last_used_at=T0 + timedelta(hours=2),
    )
    bare = key("fedcba9876543210", Role.NAVIGATOR, label="")
    store.add_api_key(full)
    store.add_api_key(bare)
    assert store.api_key(full.key_id) == full
    assert store.api_key(bare.key_id) == bare
    assert store.api_key("0000000000000000") is None
    again = reopen()
    assert again.api_key(full.key_id) == full  # persisted, times still aware UTC instants
    assert again.api_key(full.key_id).created_at.tzinfo is not None


def test_times_are_kept_to_the_second_in_utc(store):
    from datetime import timezone

    paris = timezone(timedelta(hours=1))
    store.add_api_key(key("00000000000000a1", created_at=datetime(2026, 3, 1, 10, 30, 15, 987654, tzinfo=paris)))
    assert store.api_key("00000000000000a1").created_at == T0
    with pytest.raises(ValueError, match="timezone-aware"):
        store.add_api_key(key("00000000000000a2", created_at=datetime(2026, 3, 1)))
    assert store.api_key("00000000000000a2") is None


def test_ids_are_unique_and_a_duplicate_changes_nothing(store):
    first = key("00000000000000b1", Role.ADMIN)
    store.add_api_key(first)
    with pytest.raises(ConstraintViolation):
        store.add_api_key(key("00000000000000b1", Role.PAYER, "northwind", label="impostor"))
    assert store.api_key(first.key_id) == first
    assert store.api_keys() == [first]


def test_keys_are_listed_oldest_first_then_by_id(store):
    made = [
        key("00000000000000c3", created_at=T0 + timedelta(minutes=1)),
        key("00000000000000c2", created_at=T0),
        key("00000000000000c1", created_at=T0 + timedelta(minutes=1)),
    ]
    for each in made:
        store.add_api_key(each)
    assert [k.key_id for k in store.api_keys()] == ["00000000000000c2", "00000000000000c1", "00000000000000c3"]


def test_revoking_keeps_the_first_time_and_an_unknown_id_is_not_found(store):
    store.add_api_key(key("00000000000000d1"))
    revoked = store.revoke_api_key("00000000000000d1", T0 + timedelta(days=1))
    assert revoked.revoked_at == T0 + timedelta(days=1)
    assert store.revoke_api_key("00000000000000d1", T0 + timedelta(days=9)).revoked_at == T0 + timedelta(days=1)
    assert store.api_key("00000000000000d1") == dataclasses.replace(
        key("00000000000000d1"), revoked_at=revoked.revoked_at
    )
    with pytest.raises(NotFound, match="no API key '00000000000000d9'"):
        store.revoke_api_key("00000000000000d9", T0)


def test_last_use_only_moves_forward(store):
    store.add_api_key(key("00000000000000e1"))
    store.record_api_key_use("00000000000000e1", T0 + timedelta(hours=5))
    store.record_api_key_use("00000000000000e1", T0 + timedelta(hours=1))  # an older write arriving late
    assert store.api_key("00000000000000e1").last_used_at == T0 + timedelta(hours=5)
    store.record_api_key_use("00000000000000e1", T0 + timedelta(hours=6))
    assert store.api_key("00000000000000e1").last_used_at == T0 + timedelta(hours=6)
    with pytest.raises(NotFound):
        store.record_api_key_use("00000000000000e9", T0)


def test_active_keys_are_neither_revoked_nor_expired(store):
    assert store.has_active_api_keys(T0) is False
    store.add_api_key(key("00000000000000f1", expires_at=T0 + timedelta(days=1)))
    store.add_api_key(key("00000000000000f2"))
    assert store.has_active_api_keys(T0) is True
    store.revoke_api_key("00000000000000f2", T0)
    assert store.has_active_api_keys(T0) is True  # f1 until it expires
    assert store.has_active_api_keys(T0 + timedelta(days=1)) is False  # expired at that very instant
    assert store.has_active_api_keys(T0 + timedelta(days=1) - timedelta(seconds=1)) is True


def test_a_lookup_is_one_round_trip_and_wipe_removes_keys(store):
    store.add_api_key(key("00000000000000a7"))
    before = store.round_trips
    store.api_key("00000000000000a7")
    assert store.round_trips == before + 1
    store.wipe()
    assert store.api_keys() == [] and store.api_key("00000000000000a7") is None
