"""The README's example query returns what the README says it returns, on the
bundled sample loaded through the real ingest."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest

from directory.store import open_store
from ingest import load_taxonomies
from ingest.sample.load import load_sample
from schema import build_schema
from schema.auth import ANONYMOUS
from schema.context import Context

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    """The sample loaded as `make run` loads it: every file through the real ingest, then resolve."""
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('readme') / 'provnet.db'}")
    load_taxonomies(store)
    load_sample(store, SAMPLE)
    yield store
    store.close()


def test_readme_starts_with_the_two_commands():
    head = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:40])
    assert "make run" in head and "make test" in head


def test_readme_example_query_returns_what_the_readme_shows(sample_store):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    query = re.search(r"```graphql\n(.*?)```", readme, re.S).group(1)
    shown = json.loads(re.search(r"```json\n(.*?)```", readme, re.S).group(1))
    result = asyncio.run(build_schema().execute(query, context_value=Context.build(sample_store, ANONYMOUS)))
    assert result.errors is None, result.errors
    assert {"data": result.data} == shown
