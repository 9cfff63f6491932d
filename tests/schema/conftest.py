"""Fixtures of the schema tests: the directory of live_api.py on a real store, served over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from live_api import TOKENS, Client, Directory, LiveServer, populate

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
def api(directory_store) -> Iterator[Client]:
    """The API with tokens configured (PROVNET_AUTH_TOKENS = TOKENS)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROVNET_AUTH_TOKENS", TOKENS)
        server = LiveServer(create_app(directory_store[0]))
    try:
        yield Client(server.url, token="nav-tok")
    finally:
        server.stop()


@pytest.fixture(scope="module")
def anonymous_api(directory_store) -> Iterator[Client]:
    """The API with no tokens configured: every caller is an anonymous navigator."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("PROVNET_AUTH_TOKENS", raising=False)
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
