"""The store port's API keys: the stored half of each key (its public id, role,
tenant, label, hash, times). ``Store`` inherits it; adapters implement its
primitives like the others (one round trip each). Issuing, hashing and
verifying are the business of :mod:`directory.services.api_keys`; the store
only keeps what it is given and never sees a secret.

Semantics every adapter honours (tests/store/test_contract_keys.py):

* ``key_id`` is unique: adding a second key with the same id is a
  ConstraintViolation and leaves the first untouched;
* looking a key up by id is one indexed read;
* revoking keeps the first revocation time; revoking or marking the use of an
  unknown id is NotFound;
* ``last_used_at`` only moves forward.
"""

from __future__ import annotations

import abc
from datetime import UTC, datetime

from ..model import ApiKey


class KeyBook(abc.ABC):
    def _trip(self) -> None:  # pragma: no cover - Store counts round trips
        raise NotImplementedError

    def add_api_key(self, key: ApiKey) -> None:
        """Store a new key; ConstraintViolation if its id is taken."""
        self._trip()
        self._add_api_key(key)

    def api_key(self, key_id: str) -> ApiKey | None:
        """The key with this id, or None."""
        self._trip()
        return self._api_key(key_id)

    def api_keys(self) -> list[ApiKey]:
        """Every key, revoked and expired ones included, oldest first (then by id)."""
        self._trip()
        return self._api_keys()

    def has_active_api_keys(self, now: datetime) -> bool:
        """Whether any key works at ``now`` (not revoked, not expired)."""
        return any(key.is_active(now) for key in self.api_keys())

    def revoke_api_key(self, key_id: str, at: datetime) -> ApiKey:
        """Mark the key revoked at ``at`` (an earlier revocation stays); NotFound if none."""
        self._trip()
        return self._revoke_api_key(key_id, at)

    def record_api_key_use(self, key_id: str, at: datetime) -> None:
        """Move the key's ``last_used_at`` forward to ``at``; NotFound if none."""
        self._trip()
        self._record_api_key_use(key_id, at)

    @abc.abstractmethod
    def _add_api_key(self, key: ApiKey) -> None: ...
    @abc.abstractmethod
    def _api_key(self, key_id: str) -> ApiKey | None: ...
    @abc.abstractmethod
    def _api_keys(self) -> list[ApiKey]: ...
    @abc.abstractmethod
    def _revoke_api_key(self, key_id: str, at: datetime) -> ApiKey: ...
    @abc.abstractmethod
    def _record_api_key_use(self, key_id: str, at: datetime) -> None: ...


def timestamp(value: datetime | None) -> str | None:
    """A UTC instant as both stores keep it: ISO 8601 to the second with ``+00:00``,
    so that instants order and compare as text."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("API key times must be timezone-aware")
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
