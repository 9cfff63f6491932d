"""API keys: the rules of issuing and revoking them, their format, their hash,
and verifying the key a caller presents. `provnet token` and the API's
authentication (schema/auth.py) are entry points; every rule is here.

**Format.** ``pvn_<key id>_<secret>``, 64 characters:

* ``pvn_`` says what it is (to people, and to secret scanners looking for leaks);
* the key id, 16 lowercase hex characters (``secrets.token_hex(8)``), is public:
  the store keeps it as is, `provnet token list` shows it, logs may name it. The
  server finds the key by it, one indexed read;
* the secret, 43 characters of ``secrets.token_urlsafe(32)``, is 256 random
  bits. It is printed once, when the key is created, and never stored.

**Hash.** The store keeps ``sha256$<hex>`` of a message binding the key id,
role, tenant, expiry and secret, or ``hmac-sha256$<hex>`` of it keyed with the
``api_key_pepper`` setting when that is set. A fast hash is the right one:
slow password hashes (bcrypt, scrypt, Argon2) make guessing a *low-entropy*
password from its hash expensive, but no hashing speed makes 2^256 guesses
feasible, so stretching would buy nothing and cost milliseconds on every
request. Checking a key is one read by id and one ``hmac.compare_digest``.
With the pepper, someone who can read or even write the store but not the
environment can neither test guesses offline nor mint a key, nor widen one
(another role, tenant or expiry breaks its hash).

**Issuing.** The role is navigator, employer, payer or admin; an employer or
payer key needs a tenant, which must be an employer (payer) the store holds,
and the other roles take none. An expiry, if any, is a date after today
(UTC): the key stops working at 00:00 UTC on that date. A label is at most
:data:`MAX_LABEL` printable characters.

**Revoking** is immediate in the store; a server that looked the key up in the
last ``api_key_cache_seconds`` (default 5, at most 60) may still accept it
until its copy is that old (:class:`KeyVerifier`).
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as clock_time

from .. import settings
from ..errors import ConfigurationError, ConstraintViolation, InputError, NotFound, ProvnetError, StoreError, quoted
from ..model import ApiKey, Role
from ..store import Store

log = logging.getLogger(__name__)

PREFIX = "pvn_"
KEY_ID_BYTES = 8  # 16 hex characters
SECRET_BYTES = 32  # 256 bits, 43 URL-safe base64 characters
KEY_LENGTH = len(PREFIX) + 2 * KEY_ID_BYTES + 1 + 43
_KEY = re.compile(r"pvn_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")
_KEY_ID = re.compile(r"[0-9a-f]{16}")
MAX_LABEL = 100
MAX_TENANT = 100
#: Roles that act for a tenant (an employer or a payer) and so need one.
TENANT_ROLES = frozenset({Role.EMPLOYER, Role.PAYER})
#: Longest a server may keep a key it read before reading it again: the bound on
#: how late a revocation takes effect.
MAX_CACHE_SECONDS = 60.0
#: Seconds between two writes of a key's ``last_used_at`` by one server.
LAST_USED_EVERY = 60.0
#: Keys remembered by one server; beyond it the stale ones go, then all.
MAX_CACHED = 10_000
MIN_PEPPER = 32
_VERSION = "provnet-api-key-v1"


def utcnow() -> datetime:
    return datetime.now(UTC)


# ------------------------------------------------------------------ settings
def pepper(environ: dict[str, str] | None = None) -> bytes | None:
    """The ``api_key_pepper`` setting as an HMAC key, or None when unset."""
    value = settings.get("api_key_pepper", environ) or ""
    if not value:
        return None
    if len(value) < MIN_PEPPER:
        raise ConfigurationError(
            f"PROVNET_API_KEY_PEPPER must be at least {MIN_PEPPER} characters of random text "
            '(e.g. python3 -c "import secrets; print(secrets.token_urlsafe(32))")'
        )
    return value.encode()


def cache_seconds(environ: dict[str, str] | None = None) -> float:
    raw = settings.get("api_key_cache_seconds", environ)
    try:
        seconds = float(raw or "")
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= MAX_CACHE_SECONDS:
        raise ConfigurationError(
            f"PROVNET_API_KEY_CACHE_SECONDS must be a number of seconds from 0 to {MAX_CACHE_SECONDS:g}, got {raw!r}"
        )
    return seconds


# -------------------------------------------------------------- format, hash
def scheme(pepper: bytes | None) -> str:
    return "hmac-sha256" if pepper else "sha256"


def digest(
    key_id: str, role: Role, tenant: str | None, expires_at: datetime | None, secret: str, pepper: bytes | None
) -> str:
    """``<scheme>$<hex>`` of the key's grant and secret (see the module docstring)."""
    expires = "" if expires_at is None else expires_at.astimezone(UTC).isoformat()
    message = "\0".join((_VERSION, key_id, role.value, tenant or "", expires, secret)).encode()
    if pepper:
        return "hmac-sha256$" + hmac.new(pepper, message, hashlib.sha256).hexdigest()
    return "sha256$" + hashlib.sha256(message).hexdigest()


def parse(token: str) -> tuple[str, str] | None:
    """(key id, secret) of a well-formed key, else None."""
    found = _KEY.fullmatch(token)
    return (found.group(1), found.group(2)) if found else None


def looks_like_key(token: str) -> bool:
    """Whether ``token`` claims to be a stored key (it may still be malformed)."""
    return token.startswith(PREFIX)


def key_id_of(text: str) -> str:
    """The key id in ``text``: a key id, or a whole key (whose secret is ignored).
    Never repeats the text: it may be a secret."""
    text = text.strip()
    found = parse(text)
    if found:
        return found[0]
    if _KEY_ID.fullmatch(text):
        return text
    raise InputError("not an API key id: expected the 16 hexadecimal characters `provnet token list` shows")


# ------------------------------------------------------------------- issuing
@dataclass(frozen=True, slots=True)
class IssuedKey:
    key: ApiKey
    token: str  # the whole key, secret included: show it once, keep it nowhere


def _a(role: Role) -> str:
    return "an" if role.value[0] in "aeiou" else "a"


def check_grant(role: Role | str, tenant: str | None) -> tuple[Role, str | None]:
    """The role and tenant of a key, checked: employer and payer keys need a
    tenant, the others take none."""
    if isinstance(role, str):
        try:
            role = Role(role.strip().lower())
        except ValueError:
            raise InputError(f"unknown role {quoted(role)}: one of {', '.join(r.value for r in Role)}") from None
    tenant = (tenant or "").strip() or None
    if role in TENANT_ROLES and tenant is None:
        raise InputError(f"{_a(role)} {role.value} key needs a tenant: the id of the {role.value} it acts for")
    if role not in TENANT_ROLES and tenant is not None:
        raise InputError(f"{_a(role)} {role.value} key acts for no tenant: leave the tenant out")
    if tenant is not None and (len(tenant) > MAX_TENANT or not tenant.isprintable()):
        raise InputError(f"a tenant id is at most {MAX_TENANT} printable characters")
    return role, tenant


def check_label(label: str | None) -> str:
    label = (label or "").strip()
    if len(label) > MAX_LABEL or not label.isprintable():
        raise InputError(f"a label is at most {MAX_LABEL} printable characters (no line breaks or control characters)")
    return label


def check_expiry(expires: date | None, now: datetime) -> datetime | None:
    """The instant a key expiring on ``expires`` stops working (00:00 UTC that day)."""
    if expires is None:
        return None
    if expires <= now.astimezone(UTC).date():
        raise InputError(f"the expiry date must be after today ({now.astimezone(UTC).date().isoformat()}, UTC)")
    return datetime.combine(expires, clock_time(0), UTC)


def _require_tenant(store: Store, role: Role, tenant: str) -> None:
    known = {e.id for e in store.employers()} if role is Role.EMPLOYER else {p.id for p in store.payers()}
    if tenant not in known:
        raise NotFound(f"no {role.value} {quoted(tenant)} in the directory: load it (catalog) before issuing its key")


def issue(
    store: Store,
    role: Role | str,
    tenant: str | None = None,
    *,
    label: str | None = None,
    expires: date | None = None,
    pepper: bytes | None = None,
    now: datetime | None = None,
) -> IssuedKey:
    """A new key for ``role`` (and ``tenant``), stored hashed; the whole key is
    in the result only. InputError or NotFound when a rule refuses it."""
    now = (now or utcnow()).astimezone(UTC).replace(microsecond=0)
    role, tenant = check_grant(role, tenant)
    label = check_label(label)
    expires_at = check_expiry(expires, now)
    if tenant is not None:
        _require_tenant(store, role, tenant)
    for _ in range(3):  # 64-bit ids: a collision is next to impossible, but the store has the last word
        key_id, secret = secrets.token_hex(KEY_ID_BYTES), secrets.token_urlsafe(SECRET_BYTES)
        key = ApiKey(
            key_id=key_id,
            role=role,
            tenant=tenant,
            label=label,
            secret_hash=digest(key_id, role, tenant, expires_at, secret, pepper),
            created_at=now,
            expires_at=expires_at,
        )
        try:
            store.add_api_key(key)
        except ConstraintViolation:
            continue
        log.info("issued API key %s (%s%s)", key_id, role.value, f":{tenant}" if tenant else "")
        return IssuedKey(key, f"{PREFIX}{key_id}_{secret}")
    raise StoreError("could not store a new API key under a fresh id")


def revoke(store: Store, key_id: str, now: datetime | None = None) -> ApiKey:
    """Revoke the key (``key_id`` as :func:`key_id_of` reads it); NotFound if none.
    Revoking twice keeps the first time."""
    revoked = store.revoke_api_key(key_id_of(key_id), now or utcnow())
    log.info("revoked API key %s", revoked.key_id)
    return revoked


def status(key: ApiKey, now: datetime) -> str:
    if key.revoked_at is not None:
        return "revoked"
    if key.expires_at is not None and now >= key.expires_at:
        return "expired"
    return "active"


def unverifiable(keys: list[ApiKey], pepper: bytes | None, now: datetime) -> list[ApiKey]:
    """Active keys hashed under another pepper setting than ``pepper``: they will be refused."""
    wanted = scheme(pepper) + "$"
    return [k for k in keys if k.is_active(now) and not k.secret_hash.startswith(wanted)]


# ----------------------------------------------------------------- verifying
class Verdict(enum.Enum):
    OK = "ok"
    INVALID = "invalid"  # malformed, unknown id, or wrong secret: the caller learns nothing more
    EXPIRED = "expired"  # the secret was right: only its holder learns this
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class Checked:
    verdict: Verdict
    key: ApiKey | None = None


class KeyVerifier:
    """Checks presented keys against the store, keeping each key it read (or
    that an id has none) for ``cache_seconds``: a request with a recently seen
    key costs a dictionary lookup, a SHA-256 and a comparison, no store read.

    The copy's age is counted from *before* the read, so a revocation reaches
    every request at most ``cache_seconds`` after it was written. Expiry is
    checked against the clock on every request, so it is exact. Thread-safe."""

    def __init__(
        self,
        store: Store,
        *,
        pepper: bytes | None,
        cache_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = utcnow,
        max_cached: int = MAX_CACHED,
    ) -> None:
        self.store = store
        self.cache_seconds = cache_seconds
        self._pepper = pepper
        self._clock = clock
        self._now = now
        self._max = max_cached
        self._keys: dict[str, tuple[float, ApiKey | None]] = {}
        self._any_active: tuple[float, bool] | None = None
        self._used: dict[str, float] = {}
        self._lock = threading.Lock()
        # an unknown id costs the same hash as a known one
        self._decoy = digest("0" * 16, Role.NAVIGATOR, None, None, "", pepper)

    # -- the cache
    def _fresh(self, read_at: float) -> bool:
        return self._clock() - read_at < self.cache_seconds

    def cached(self, key_id: str) -> tuple[bool, ApiKey | None]:
        """(True, the key as last read) if that was recent enough, else (False, None)."""
        entry = self._keys.get(key_id)
        if entry is None or not self._fresh(entry[0]):
            return False, None
        return True, entry[1]

    def load(self, key_id: str) -> ApiKey | None:
        """Read the key from the store (call it off the event loop) and remember it."""
        started = self._clock()
        key = self.store.api_key(key_id)
        with self._lock:
            if len(self._keys) >= self._max:
                stale = [k for k, (at, _) in self._keys.items() if not self._fresh(at)]
                for k in stale:
                    del self._keys[k]
                if len(self._keys) >= self._max:
                    self._keys.clear()
            self._keys[key_id] = (started, key)
        return key

    def any_active(self, *, may_read: bool = True) -> bool | None:
        """Whether the store holds a key that works now; None when that needs a
        read and ``may_read`` is false."""
        found = self._any_active
        if found is not None and self._fresh(found[0]):
            return found[1]
        if not may_read:
            return None
        started = self._clock()
        active = self.store.has_active_api_keys(self._now())
        self._any_active = (started, active)
        return active

    # -- verifying
    def verify(self, token: str, *, may_read: bool = True) -> Checked | None:
        """The verdict on a presented key; None when it needs a store read and
        ``may_read`` is false."""
        parsed = parse(token)
        if parsed is None:
            return Checked(Verdict.INVALID)
        key_id, secret = parsed
        fresh, key = self.cached(key_id)
        if not fresh:
            if not may_read:
                return None
            key = self.load(key_id)
        return self._judge(key, key_id, secret)

    def _judge(self, key: ApiKey | None, key_id: str, secret: str) -> Checked:
        if key is None:
            hmac.compare_digest(digest(key_id, Role.NAVIGATOR, None, None, secret, self._pepper), self._decoy)
            return Checked(Verdict.INVALID)
        expected = digest(key_id, key.role, key.tenant, key.expires_at, secret, self._pepper)
        if not hmac.compare_digest(expected, key.secret_hash):
            return Checked(Verdict.INVALID)
        if key.revoked_at is not None:
            return Checked(Verdict.REVOKED, key)
        if key.expires_at is not None and self._now() >= key.expires_at:
            return Checked(Verdict.EXPIRED, key)
        return Checked(Verdict.OK, key)

    # -- last use
    def note_use(self, key_id: str) -> threading.Thread | None:
        """Record that the key was used, at most once a minute per key and server,
        in a thread of its own: a request never waits for this write (a busy
        store could hold it for seconds). Returns the thread, if one was started."""
        now = self._clock()
        last = self._used.get(key_id)
        if last is not None and now - last < LAST_USED_EVERY:
            return None
        self._used[key_id] = now
        writer = threading.Thread(target=self._write_use, args=(key_id, self._now()), name="api-key-use", daemon=True)
        writer.start()
        return writer

    def _write_use(self, key_id: str, at: datetime) -> None:
        try:
            self.store.record_api_key_use(key_id, at)
        except ProvnetError as exc:  # the last use is a convenience: never fail a request over it
            log.warning("could not record the use of API key %s: %s", key_id, type(exc).__name__)
