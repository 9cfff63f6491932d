"""The rules of API keys (directory/services/api_keys.py) on a real store on
disk: the format, what the store keeps (a hash, never the secret), the rules of
issuing, verification, and how long a server may trust a key it has read."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from directory.errors import ConfigurationError, InputError, NotFound
from directory.model import Employer, Payer, Role
from directory.services import api_keys
from directory.services.api_keys import KeyVerifier, Verdict
from directory.store.sqlite import SQLiteStore

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PEPPER = b"p" * 40


@pytest.fixture
def store(tmp_path):
    store = SQLiteStore(tmp_path / "keys.db")
    store.init_schema()
    store.upsert_employers([Employer("acme", "Acme Corp")])
    store.upsert_payers([Payer("northwind", "Northwind Health")])
    yield store
    store.close()


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


# ------------------------------------------------------------------ format
def test_a_key_is_prefix_public_id_and_256_random_bits(store):
    issued = [api_keys.issue(store, "admin", now=NOW) for _ in range(20)]
    for each in issued:
        assert re.fullmatch(r"pvn_[0-9a-f]{16}_[A-Za-z0-9_-]{43}", each.token), each.token
        assert len(each.token) == api_keys.KEY_LENGTH == 64
        key_id, secret = api_keys.parse(each.token)
        assert key_id == each.key.key_id and len(secret) == 43
    assert len({k.token for k in issued}) == len({k.key.key_id for k in issued}) == 20
    # 43 base64url characters carry 258 bits; token_urlsafe(32) draws 256: every character varies
    secrets_ = [api_keys.parse(k.token)[1] for k in issued]
    assert all(len({s[i] for s in secrets_}) > 1 for i in range(42))


@pytest.mark.parametrize(
    "token",
    [
        "",
        "pvn_",
        "pvn_0123456789abcdef",
        "pvn_0123456789ABCDEF_" + "a" * 43,  # the id is lowercase hex
        "pvn_0123456789abcdef_" + "a" * 42,
        "pvn_0123456789abcdef_" + "a" * 44,
        "pvn_0123456789abcdef_" + "a" * 42 + "=",
        "pvx_0123456789abcdef_" + "a" * 43,
        " pvn_0123456789abcdef_" + "a" * 43,
    ],
)
def test_malformed_keys_do_not_parse(token):
    assert api_keys.parse(token) is None


def test_the_store_keeps_the_hash_and_never_the_secret(store, tmp_path):
    issued = api_keys.issue(store, "employer", "acme", label="HR portal", pepper=None, now=NOW)
    key_id, secret = api_keys.parse(issued.token)
    stored = store.api_key(key_id)
    assert stored == issued.key
    message = "\0".join(("provnet-api-key-v1", key_id, "employer", "acme", "", secret)).encode()
    assert stored.secret_hash == "sha256$" + hashlib.sha256(message).hexdigest()
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("keys.db"))
    assert key_id.encode() in raw  # the file is really the store we think it is
    assert secret.encode() not in raw and issued.token.encode() not in raw


def test_with_a_pepper_the_hash_is_an_hmac_keyed_with_it(store):
    issued = api_keys.issue(store, "admin", pepper=PEPPER, now=NOW)
    assert issued.key.secret_hash.startswith("hmac-sha256$")
    key_id, secret = api_keys.parse(issued.token)
    assert issued.key.secret_hash == api_keys.digest(key_id, Role.ADMIN, None, None, secret, PEPPER)
    assert issued.key.secret_hash != api_keys.digest(key_id, Role.ADMIN, None, None, secret, b"q" * 40)
    assert api_keys.unverifiable([issued.key], None, NOW) == [issued.key]
    assert api_keys.unverifiable([issued.key], PEPPER, NOW) == []


# ----------------------------------------------------------------- issuing
@pytest.mark.parametrize(
    "role,tenant,error",
    [
        ("employer", None, "an employer key needs a tenant"),
        ("payer", "  ", "a payer key needs a tenant"),
        ("navigator", "acme", "a navigator key acts for no tenant"),
        ("admin", "acme", "an admin key acts for no tenant"),
        ("superuser", None, "unknown role 'superuser': one of navigator, employer, payer, admin"),
        ("employer", "x" * 101, "a tenant id is at most 100 printable characters"),
    ],
)
def test_the_grant_rules(store, role, tenant, error):
    with pytest.raises(InputError, match=re.escape(error)):
        api_keys.issue(store, role, tenant, now=NOW)
    assert store.api_keys() == []


def test_the_tenant_must_be_one_the_directory_holds_of_the_roles_kind(store):
    with pytest.raises(NotFound, match="no employer 'acmee' in the directory"):
        api_keys.issue(store, "employer", "acmee", now=NOW)
    with pytest.raises(NotFound, match="no employer 'northwind'"):  # a payer is not an employer
        api_keys.issue(store, "employer", "northwind", now=NOW)
    with pytest.raises(NotFound, match="no payer 'acme'"):
        api_keys.issue(store, "payer", "acme", now=NOW)
    assert store.api_keys() == []
    assert api_keys.issue(store, Role.PAYER, "northwind", now=NOW).key.tenant == "northwind"


def test_expiry_is_a_future_date_ending_at_midnight_utc(store):
    for past in (date(2026, 3, 1), date(2026, 2, 28), date(1999, 1, 1)):
        with pytest.raises(InputError, match=r"the expiry date must be after today \(2026-03-01, UTC\)"):
            api_keys.issue(store, "admin", expires=past, now=NOW)
    key = api_keys.issue(store, "admin", expires=date(2026, 3, 2), now=NOW).key
    assert key.expires_at == datetime(2026, 3, 2, tzinfo=UTC)
    assert key.is_active(datetime(2026, 3, 1, 23, 59, 59, tzinfo=UTC))
    assert not key.is_active(datetime(2026, 3, 2, tzinfo=UTC))


@pytest.mark.parametrize("label", ["x" * 101, "line\nbreak", "bell\a", "tab\there"])
def test_labels_are_short_and_printable(store, label):
    with pytest.raises(InputError, match="a label is at most 100 printable characters"):
        api_keys.issue(store, "admin", label=label, now=NOW)


def test_a_label_is_kept_trimmed(store):
    assert api_keys.issue(store, "admin", label="  CI deploy bot  ", now=NOW).key.label == "CI deploy bot"
    assert api_keys.issue(store, "admin", label="x" * 100, now=NOW).key.label == "x" * 100


def test_revoking_by_id_or_by_the_whole_key_and_never_echoing_it(store):
    one = api_keys.issue(store, "admin", now=NOW)
    two = api_keys.issue(store, "admin", now=NOW)
    assert api_keys.revoke(store, one.key.key_id, NOW).revoked_at == NOW
    assert api_keys.revoke(store, two.token, NOW + timedelta(hours=1)).key_id == two.key.key_id
    assert api_keys.revoke(store, two.key.key_id, NOW + timedelta(days=1)).revoked_at == NOW + timedelta(hours=1)
    secret = api_keys.parse(one.token)[1]
    for bad in (secret, "pvn_" + one.key.key_id + "_short", "0123", "x" * 500):
        with pytest.raises(InputError) as refused:
            api_keys.revoke(store, bad, NOW)
        assert bad not in str(refused.value) and secret not in str(refused.value)
    with pytest.raises(NotFound):
        api_keys.revoke(store, "0000000000000000", NOW)


# --------------------------------------------------------------- settings
def test_pepper_and_cache_settings_are_checked():
    assert api_keys.pepper({}) is None
    assert api_keys.pepper({"PROVNET_API_KEY_PEPPER": ""}) is None
    assert api_keys.pepper({"PROVNET_API_KEY_PEPPER": "k" * 32}) == b"k" * 32
    with pytest.raises(ConfigurationError, match="at least 32 characters") as short:
        api_keys.pepper({"PROVNET_API_KEY_PEPPER": "hunter2"})
    assert "hunter2" not in str(short.value)  # a secret setting is never repeated
    assert api_keys.cache_seconds({}) == 5.0
    assert api_keys.cache_seconds({"PROVNET_API_KEY_CACHE_SECONDS": "0.5"}) == 0.5
    for bad in ("61", "-1", "soon", "nan"):
        with pytest.raises(ConfigurationError, match="from 0 to 60"):
            api_keys.cache_seconds({"PROVNET_API_KEY_CACHE_SECONDS": bad})


# --------------------------------------------------------------- verifying
def _verifier(store, clock, *, pepper=None, seconds=5.0, now=lambda: NOW + timedelta(minutes=5)) -> KeyVerifier:
    return KeyVerifier(store, pepper=pepper, cache_seconds=seconds, clock=clock, now=now)


def test_verdicts(store):
    clock = Clock()
    good = api_keys.issue(store, "payer", "northwind", pepper=PEPPER, now=NOW)
    expiring = api_keys.issue(store, "admin", expires=date(2026, 3, 2), pepper=PEPPER, now=NOW)
    revoked = api_keys.issue(store, "admin", pepper=PEPPER, now=NOW)
    api_keys.revoke(store, revoked.key.key_id, NOW)
    verifier = _verifier(store, clock, pepper=PEPPER, now=lambda: datetime(2026, 3, 2, tzinfo=UTC))
    checked = verifier.verify(good.token)
    assert checked.verdict is Verdict.OK and checked.key == good.key
    assert verifier.verify(expiring.token).verdict is Verdict.EXPIRED  # at 00:00 UTC on its date
    assert verifier.verify(revoked.token).verdict is Verdict.REVOKED
    key_id, secret = api_keys.parse(good.token)
    flipped = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert verifier.verify(f"pvn_{key_id}_{flipped}") == api_keys.Checked(Verdict.INVALID)
    assert verifier.verify(f"pvn_{'0' * 16}_{secret}") == api_keys.Checked(Verdict.INVALID)  # unknown id
    assert verifier.verify("pvn_nonsense") == api_keys.Checked(Verdict.INVALID)
    # another pepper (or none) than the one the key was made under: refused
    assert _verifier(store, clock, pepper=None).verify(good.token).verdict is Verdict.INVALID
    assert _verifier(store, clock, pepper=b"q" * 40).verify(good.token).verdict is Verdict.INVALID


def test_a_key_widened_in_the_store_stops_working(store, tmp_path):
    """Someone who can write the store but not read the environment changes a
    payer key into an admin key: its hash no longer matches. With the pepper
    they cannot compute a matching one either, even knowing the secret."""
    issued = api_keys.issue(store, "payer", "northwind", pepper=PEPPER, now=NOW)
    key_id, secret = api_keys.parse(issued.token)
    forged = (
        "sha256$"
        + hashlib.sha256("\0".join(("provnet-api-key-v1", key_id, "admin", "", "", secret)).encode()).hexdigest()
    )
    with sqlite3.connect(tmp_path / "keys.db") as conn:
        conn.execute("UPDATE api_key SET role = 'admin', tenant = NULL WHERE key_id = ?", (key_id,))
    assert _verifier(store, Clock(), pepper=PEPPER).verify(issued.token).verdict is Verdict.INVALID
    with sqlite3.connect(tmp_path / "keys.db") as conn:
        conn.execute("UPDATE api_key SET secret_hash = ? WHERE key_id = ?", (forged, key_id))
    assert _verifier(store, Clock(), pepper=PEPPER).verify(issued.token).verdict is Verdict.INVALID


def test_a_revocation_reaches_a_server_within_the_cache_seconds(store):
    clock = Clock()
    issued = api_keys.issue(store, "admin", now=NOW)
    verifier = _verifier(store, clock, seconds=5.0)
    trips = store.round_trips
    assert verifier.verify(issued.token).verdict is Verdict.OK
    assert store.round_trips == trips + 1  # read once
    clock.t += 1
    assert verifier.verify(issued.token, may_read=False).verdict is Verdict.OK
    assert store.round_trips == trips + 1  # then served from memory
    api_keys.revoke(store, issued.key.key_id, NOW)
    trips = store.round_trips
    clock.t += 3.99  # 4.99 s after the read: the copy may still be used (the documented bound)
    assert verifier.verify(issued.token).verdict is Verdict.OK
    clock.t += 0.01  # 5 s after the read: read again
    assert verifier.verify(issued.token, may_read=False) is None
    assert verifier.verify(issued.token).verdict is Verdict.REVOKED
    assert store.round_trips == trips + 1


def test_the_age_of_a_copy_counts_from_before_the_read(store):
    clock = Clock()
    issued = api_keys.issue(store, "admin", now=NOW)

    class SlowStore:  # the read takes 2 s of the clock
        def api_key(self, key_id):
            clock.t += 2
            return store.api_key(key_id)

    verifier = KeyVerifier(SlowStore(), pepper=None, cache_seconds=5.0, clock=clock, now=lambda: NOW)  # type: ignore[arg-type]
    assert verifier.verify(issued.token).verdict is Verdict.OK
    clock.t += 3  # 5 s after the read began
    assert verifier.verify(issued.token, may_read=False) is None


def test_no_cache_reads_every_time(store):
    issued = api_keys.issue(store, "admin", now=NOW)
    verifier = _verifier(store, Clock(), seconds=0)
    assert verifier.verify(issued.token, may_read=False) is None
    trips = store.round_trips
    for _ in range(3):
        assert verifier.verify(issued.token).verdict is Verdict.OK
    assert store.round_trips == trips + 3


def test_unknown_ids_are_remembered_too_and_the_memory_is_bounded(store):
    clock = Clock()
    verifier = KeyVerifier(store, pepper=None, cache_seconds=5.0, clock=clock, now=lambda: NOW, max_cached=3)
    guesses = [f"pvn_{i:016x}_{'a' * 43}" for i in range(10)]
    for guess in guesses:
        assert verifier.verify(guess).verdict is Verdict.INVALID
    assert len(verifier._keys) <= 3
    trips = store.round_trips
    assert verifier.verify(guesses[-1], may_read=False).verdict is Verdict.INVALID  # remembered as unknown
    assert store.round_trips == trips


def test_whether_any_key_works_is_remembered_for_the_cache_seconds(store):
    clock = Clock()
    verifier = _verifier(store, clock, seconds=5.0, now=lambda: NOW)
    assert verifier.any_active(may_read=False) is None
    assert verifier.any_active() is False
    api_keys.issue(store, "admin", now=NOW)
    assert verifier.any_active(may_read=False) is False  # stale by at most 5 s
    clock.t += 5
    assert verifier.any_active(may_read=False) is None
    assert verifier.any_active() is True


def test_the_last_use_is_written_at_most_once_a_minute_off_the_callers_thread(store):
    clock = Clock()
    issued = api_keys.issue(store, "admin", now=NOW)
    key_id = issued.key.key_id
    moments = iter([NOW + timedelta(minutes=m) for m in (1, 2, 3)])
    verifier = KeyVerifier(store, pepper=None, cache_seconds=5.0, clock=clock, now=lambda: next(moments))
    writer = verifier.note_use(key_id)
    assert writer is not None and writer is not threading.current_thread()
    writer.join(10)
    assert store.api_key(key_id).last_used_at == NOW + timedelta(minutes=1)
    clock.t += 59
    assert verifier.note_use(key_id) is None  # within the minute: nothing written
    clock.t += 1
    verifier.note_use(key_id).join(10)
    assert store.api_key(key_id).last_used_at == NOW + timedelta(minutes=2)


def test_a_failed_write_of_the_last_use_is_logged_not_raised(store, caplog):
    issued = api_keys.issue(store, "admin", now=NOW)
    verifier = _verifier(store, Clock())
    store.close()
    with caplog.at_level("WARNING", logger="directory.services.api_keys"):
        verifier.note_use(issued.key.key_id).join(10)
    assert f"could not record the use of API key {issued.key.key_id}: StoreUnavailable" in caplog.text
