"""Fixtures of the schema tests: the directory of live_api.py on a real store, served over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from live_api import TOKENS, Client, Directory, LiveServer, issue_keys, populate

from directory.store import Store, open_store
from schema import create_app


@pytest.fixture(scope="module")
def directory_store(tmp_path_factory) -> Iterator[tuple[Store, Directory]]:
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('api') / 'provnet.db'}")
    try:
        yield store, populate(store)
    finally:
        store.close()


@pytest.fixture(scope="module")
def stored_keys(directory_store) -> dict[str, str]:
    """API keys in the store of ``directory_store``, by who they speak for (the
    names of live_api.GRANTS), plus an expired, a revoked and other bad keys."""
    return issue_keys(directory_store[0])


@pytest.fixture(scope="module")
def api(directory_store) -> Iterator[Client]:
    """The API with development tokens configured (PROVNET_AUTH_TOKENS = TOKENS);
    it honours the store's API keys too (``stored_keys``)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROVNET_AUTH_TOKENS", TOKENS)
        server = LiveServer(create_app(directory_store[0]))
    try:
        yield Client(server.url, token="nav-tok")
    finally:
        server.stop()


@pytest.fixture(scope="module")
def anonymous_api(directory_store) -> Iterator[Client]:
    """The API with no tokens configured and anonymous access allowed: a caller
    without a token is an anonymous navigator, whether or not the store holds
    API keys (without PROVNET_ALLOW_ANONYMOUS, keys in the store would make it 401:
    tests/schema/test_keys_http.py)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("PROVNET_AUTH_TOKENS", raising=False)
        mp.setenv("PROVNET_ALLOW_ANONYMOUS", "1")
        server = LiveServer(create_app(directory_store[0]))
    try:
        yield Client(server.url)
    finally:
        server.stop()


@pytest.fixture
def serve() -> Iterator:
    """serve(app) -> Client of a live server on that app, stopped after the test."""
    servers: list[LiveServer] = []

    def start(app) -> Client:
        servers.append(LiveServer(app))
        return Client(servers[-1].url)

    try:
        yield start
    finally:
        for server in servers:
            server.stop()
