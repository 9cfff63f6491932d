"""The README's example queries return what the README says they return, on
the bundled sample loaded through the real ingest: the first example, and one
query per user (navigator, employer, payer), each run as the role and tenant
its marker names, as of the date the README gives."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from directory.model import Role
from directory.store import open_store
from ingest import load_taxonomies
from ingest.sample.load import load_sample
from schema import build_schema
from schema.auth import ANONYMOUS, Principal
from schema.context import Context, Loaders
from schema.rounds import Rounds

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


def test_readme_match_example_returns_what_the_readme_shows(sample_store):
    """The matchProviders example, as of the day the README shows it (confidence decays by the day)."""
    from datetime import date

    from schema.context import Loaders
    from schema.rounds import Rounds

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    query = next(q for q in re.findall(r"```graphql\n(.*?)```", readme, re.S) if "matchProviders" in q)
    after = readme[readme.index(query) :]
    shown = json.loads(re.search(r"```json\n(.*?)```", after, re.S).group(1))
    day = date.fromisoformat(re.search(r"as of\s+(\d{4}-\d{2}-\d{2})", after).group(1))
    context = Context(sample_store, ANONYMOUS, Loaders(sample_store, Rounds()), day, datetime.now(UTC))
    result = asyncio.run(build_schema().execute(query, context_value=context))
    assert result.errors is None, result.errors
    assert {"data": result.data} == shown


#: ``<!-- query as ROLE[:TENANT] -->``, then the query's ```graphql block, then its ```json output.
USER_QUERY = re.compile(
    r"<!-- query as (?P<who>[a-z]+(?::[a-z0-9-]+)?) -->\s*```graphql\n(?P<query>.*?)```(?P<between>.*?)```json\n"
    r"(?P<shown>.*?)```",
    re.S,
)
#: The day the README's outputs are as of (facts go stale with the date).
AS_OF = date(2026, 12, 1)


def test_readme_shows_one_real_query_per_user_with_its_real_output(sample_store):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = list(USER_QUERY.finditer(readme))
    assert sorted(m["who"].partition(":")[0] for m in found) == ["employer", "navigator", "payer"]
    assert f"as of {AS_OF.isoformat()}" in readme
    for m in found:
        role, _, tenant = m["who"].partition(":")
        principal = Principal(Role(role), tenant or None)
        context = Context(sample_store, principal, Loaders(sample_store, Rounds()), AS_OF, datetime.now(UTC))
        result = asyncio.run(build_schema().execute(m["query"], context_value=context))
        assert result.errors is None, (m["who"], result.errors)
        assert {"data": result.data} == json.loads(m["shown"]), m["who"]
        assert "```" not in m["between"]  # the output shown is the one right under the query
