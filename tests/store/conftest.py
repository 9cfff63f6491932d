"""The ``store`` fixture: every contract test runs once per backend.

* ``sqlite``: an :class:`SQLiteStore` on a file in ``tmp_path``;
* ``neo4j``: marked ``neo4j`` and skipped unless ``NEO4J_URI`` is set; it uses
  NEO4J_USER (default ``neo4j``), NEO4J_PASSWORD (unset: no authentication) and
  NEO4J_DATABASE (default ``neo4j``), and wipes the database before and after
  each test.

``reopen()`` closes the store and opens the same data again, so persistence is
tested the same way on both backends.
"""

from __future__ import annotations

import os

import pytest

from directory.store.sqlite import SQLiteStore


def _open_sqlite(tmp_path):
    path = tmp_path / "provnet.db"
    return lambda: SQLiteStore(path)


def _open_neo4j():
    from directory.store.neo4j import Neo4jStore  # lazily: it is optional here

    uri = os.environ["NEO4J_URI"]
    user = os.environ.get("NEO4J_USER") or "neo4j"
    password = os.environ.get("NEO4J_PASSWORD")
    database = os.environ.get("NEO4J_DATABASE") or "neo4j"
    return lambda: Neo4jStore(uri, user=user, password=password, database=database)


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store_factory(request, tmp_path):
    """A function opening the backend under test on the same data each time."""
    if request.param == "sqlite":
        return _open_sqlite(tmp_path)
    if not os.environ.get("NEO4J_URI"):
        pytest.skip("NEO4J_URI not set")
    return _open_neo4j()


@pytest.fixture
def opened_stores():
    """Every store a test opened, closed at teardown."""
    return []


@pytest.fixture
def store(store_factory, opened_stores):
    store = store_factory()
    opened_stores.append(store)
    store.init_schema()
    store.wipe()
    yield store
    try:
        opened_stores[-1].wipe()
    finally:
        for each in opened_stores:
            each.close()


@pytest.fixture
def reopen(store, store_factory, opened_stores):
    """Close ``store`` and return a fresh connection to the same data."""

    def _reopen():
        opened_stores[-1].close()
        fresh = store_factory()
        opened_stores.append(fresh)
        fresh.init_schema()
        return fresh

    return _reopen
