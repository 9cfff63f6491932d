"""Shared test fixtures. Kept minimal: each test package has its own conftest."""

from __future__ import annotations

import pytest

from directory.store.sqlite import SQLiteStore


@pytest.fixture
def sqlite_store(tmp_path):
    """An initialised embedded store on a file in ``tmp_path``."""
    store = SQLiteStore(tmp_path / "provnet.db")
    store.init_schema()
    yield store
    store.close()
