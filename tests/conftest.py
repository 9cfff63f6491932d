"""Shared test fixtures. Kept minimal: each test package has its own conftest."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from directory.store.sqlite import SQLiteStore

# Property tests draw the same examples on every run (a red build must be
# reproducible, and CI must not fail on a draw no one can repeat);
# HYPOTHESIS_PROFILE=explore draws new ones each run, to hunt for more.
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture
def sqlite_store(tmp_path):
    """An initialised embedded store on a file in ``tmp_path``."""
    store = SQLiteStore(tmp_path / "provnet.db")
    store.init_schema()
    yield store
    store.close()
