"""Stored API keys over real HTTP: what each key speaks for, how soon a
revocation made with the real `provnet token revoke` reaches a running server,
when a request without a token is let in, the last use, the store failing,
and that no secret reaches a log. (Every tenant-owned field against every
role's key and every bad key: test_access.py.)"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from live_api import GRANTS

from directory.model import Employer, Payer
from directory.services import api_keys
from directory.store import open_store
from schema import create_app

PROVNET = shutil.which("provnet", path=str(Path(sys.executable).parent)) or "provnet"
VIEWER = "{ viewer { role tenant } }"


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """An empty store on disk with two tenants, its URL, and no credential switch set."""
    for name in (
        "PROVNET_AUTH_TOKENS",
        "PROVNET_ALLOW_ANONYMOUS",
        "PROVNET_ALLOW_ENV_TOKENS",
        "PROVNET_API_KEY_PEPPER",
    ):
        monkeypatch.delenv(name, raising=False)
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    store = open_store(url)
    store.upsert_employers([Employer("acme", "Acme Corp")])
    store.upsert_payers([Payer("northwind", "Northwind Health")])
    yield url, store
    store.close()


def provnet(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVNET_")}
    done = subprocess.run([PROVNET, "--store", url, *args], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


def until(predicate, seconds: float) -> float:
    """Seconds until ``predicate()`` held, polling every 20 ms; fails after ``seconds``."""
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"still not after {seconds} s")
        time.sleep(0.02)
    return time.monotonic() - started


def test_each_key_speaks_for_its_role_and_tenant(api, stored_keys):
    for who, (role, tenant) in GRANTS.items():
        assert api.data(VIEWER, token=stored_keys[who]) == {"viewer": {"role": role.upper(), "tenant": tenant}}


def test_a_key_seen_lately_costs_no_store_read(api, directory_store, stored_keys):
    store, _ = directory_store
    token = stored_keys["payer A"]
    api.data(VIEWER, token=token)  # read once, and its use recorded in the background
    key_id = api_keys.parse(token)[0]
    until(lambda: store.api_key(key_id).last_used_at is not None, seconds=5)
    before = store.round_trips
    for _ in range(20):
        assert api.data(VIEWER, token=token)["viewer"]["tenant"] == "northwind"
    assert store.round_trips == before  # the viewer reads nothing, and neither did authentication


def test_a_revocation_reaches_a_running_server_within_the_cache_seconds(fresh, serve, monkeypatch):
    url, store = fresh
    monkeypatch.setenv("PROVNET_API_KEY_CACHE_SECONDS", "1")
    token = provnet(url, "token", "create", "--role", "employer", "--tenant", "acme").stdout.strip()
    client = serve(create_app(store, host="127.0.0.1"))
    for _ in range(3):  # in use, so the server holds a copy of the key
        assert client.data(VIEWER, token=token) == {"viewer": {"role": "EMPLOYER", "tenant": "acme"}}
    provnet(url, "token", "revoke", api_keys.parse(token)[0])
    waited = until(lambda: client.post(VIEWER, token=token).status_code == 401, seconds=3)
    assert waited <= 1.0 + 0.25  # the cache bound, and a poll
    body = client.post(VIEWER, token=token).json()
    assert body["errors"][0]["message"] == "API key revoked: ask an admin for a new one"


def test_the_first_key_closes_a_local_server_that_was_open(fresh, serve, monkeypatch):
    url, store = fresh
    monkeypatch.setenv("PROVNET_API_KEY_CACHE_SECONDS", "1")
    client = serve(create_app(store, host="127.0.0.1"))
    assert client.data(VIEWER) == {"viewer": {"role": "NAVIGATOR", "tenant": None}}  # no credential at all: local use
    token = provnet(url, "token", "create", "--role", "admin", "--name", "first admin").stdout.strip()
    assert until(lambda: client.post(VIEWER).status_code == 401, seconds=3) <= 1.25
    refused = client.post(VIEWER).json()["errors"][0]
    assert refused == {
        "message": "missing bearer token: send `Authorization: Bearer <key>`",
        "extensions": {"code": "UNAUTHENTICATED"},
    }
    assert client.data(VIEWER, token=token) == {"viewer": {"role": "ADMIN", "tenant": None}}
    provnet(url, "token", "revoke", api_keys.parse(token)[0])
    until(lambda: client.post(VIEWER).status_code == 200, seconds=3)  # no key works: local use again


def test_a_public_server_whose_keys_all_went_stays_closed(fresh, serve, monkeypatch):
    url, store = fresh
    monkeypatch.setenv("PROVNET_API_KEY_CACHE_SECONDS", "0")
    issued = api_keys.issue(store, "admin")
    client = serve(create_app(store, host="0.0.0.0"))  # served here on loopback, but built for a public address
    api_keys.revoke(store, issued.key.key_id)
    assert client.post(VIEWER).status_code == 401
    assert client.post(VIEWER, token=issued.token).status_code == 401


def test_anonymous_access_beside_keys_is_an_explicit_choice(fresh, serve, monkeypatch):
    url, store = fresh
    issued = api_keys.issue(store, "payer", "northwind")
    closed = serve(create_app(store, host="127.0.0.1"))
    assert closed.post(VIEWER).status_code == 401
    monkeypatch.setenv("PROVNET_ALLOW_ANONYMOUS", "1")
    open_ = serve(create_app(store, host="127.0.0.1"))
    assert open_.data(VIEWER) == {"viewer": {"role": "NAVIGATOR", "tenant": None}}
    assert open_.data(VIEWER, token=issued.token) == {"viewer": {"role": "PAYER", "tenant": "northwind"}}
    # a token that is sent is checked, even where anonymous callers are let in
    assert open_.post(VIEWER, token=issued.token[:-1]).status_code == 401
    assert open_.post(VIEWER, token="whatever").status_code == 401


def test_the_last_use_is_recorded(fresh, serve):
    url, store = fresh
    issued = api_keys.issue(store, "navigator")
    assert store.api_key(issued.key.key_id).last_used_at is None
    client = serve(create_app(store))
    before = api_keys.utcnow().replace(microsecond=0)
    client.data(VIEWER, token=issued.token)
    until(lambda: store.api_key(issued.key.key_id).last_used_at is not None, seconds=5)  # written in the background
    used = store.api_key(issued.key.key_id).last_used_at
    assert before <= used <= api_keys.utcnow()
    listed = provnet(url, "token", "list").stdout
    assert used.isoformat().replace("+00:00", "Z") in listed


def test_no_secret_reaches_a_log(fresh, serve, caplog, monkeypatch):
    url, store = fresh
    monkeypatch.setenv("PROVNET_AUTH_TOKENS", "dev-secret-token=admin")
    good = api_keys.issue(store, "employer", "acme")
    revoked = api_keys.issue(store, "admin")
    api_keys.revoke(store, revoked.key.key_id)
    with caplog.at_level(logging.DEBUG):
        client = serve(create_app(store, host="127.0.0.1"))
        for token in (good.token, revoked.token, good.token[:-1] + "x", "dev-secret-token", "wrong"):
            client.post(VIEWER, token=token)
            client.post("{ networkMembers(networkId: 1) { npi } }", token=token)
    assert f"refused revoked API key {revoked.key.key_id}" in caplog.text  # the id, to find who holds it
    for secret in (good.token, revoked.token, api_keys.parse(good.token)[1], "dev-secret-token"):
        assert secret not in caplog.text


def test_a_store_that_fails_during_authentication_lets_no_one_in(fresh, serve):
    url, store = fresh
    issued = api_keys.issue(store, "admin")
    client = serve(create_app(store))
    store.close()
    for token in (issued.token, None):
        response = client.post(VIEWER, token=token)
        assert response.status_code == 503
        assert response.json() == {
            "errors": [{"message": "the store is unavailable", "extensions": {"code": "UNAVAILABLE"}}]
        }
