"""The matching service's tests use the small directories of the API's matching
tests (``tests/schema/match_worlds.py``), built on a real SQLite file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "schema"))

from directory.store import open_store  # noqa: E402


@pytest.fixture
def store(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'provnet.db'}")
    yield store
    store.close()
