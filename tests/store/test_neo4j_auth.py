"""Connecting to Neo4j with and without a password, without a server: the
driver is built with basic auth only when a password is set, and a server that
cannot be reached or refuses the credentials is a StoreUnavailable with a
message, never a traceback."""

from __future__ import annotations

import neo4j
import pytest
from neo4j import exceptions as neo4j_errors

from cli import main
from directory.errors import StoreUnavailable
from directory.store import neo4j as adapter
from directory.store import open_store
from directory.store.neo4j import Neo4jStore

UNREACHABLE = "bolt://127.0.0.1:9"  # the discard port: nothing speaks Bolt there


@pytest.fixture
def built(monkeypatch):
    """The keyword arguments each driver was built with (no driver is made)."""
    calls: list[dict] = []

    class Unused:
        def close(self):
            pass

    def driver(uri, **kwargs):
        calls.append({"uri": uri, **kwargs})
        return Unused()

    monkeypatch.setattr(neo4j.GraphDatabase, "driver", driver)
    return calls


def test_no_password_connects_without_authentication(built):
    Neo4jStore(UNREACHABLE, user="neo4j", password=None).close()
    Neo4jStore(UNREACHABLE, user="ops", password="s3cret").close()
    assert [call["auth"] for call in built] == [None, neo4j.basic_auth("ops", "s3cret")]


def test_open_store_takes_the_password_from_the_environment_or_goes_without(built, monkeypatch):
    monkeypatch.delenv("PROVNET_NEO4J_PASSWORD", raising=False)
    monkeypatch.setenv("PROVNET_NEO4J_USER", "ops")
    assert isinstance(open_store(UNREACHABLE, init=False), Neo4jStore)
    monkeypatch.setenv("PROVNET_NEO4J_PASSWORD", "")  # set but empty: no password either
    open_store(UNREACHABLE, init=False)
    monkeypatch.setenv("PROVNET_NEO4J_PASSWORD", "s3cret")
    open_store(UNREACHABLE, init=False)
    assert [call["auth"] for call in built] == [None, None, neo4j.basic_auth("ops", "s3cret")]


def test_an_unreachable_server_without_a_password_is_store_unavailable(monkeypatch):
    monkeypatch.setattr(adapter, "MAX_RETRY_SECONDS", 0.0)
    store = Neo4jStore(UNREACHABLE, user="neo4j", password=None)
    try:
        with pytest.raises(StoreUnavailable, match="Neo4j is unavailable") as caught:
            store.counts()
        assert isinstance(caught.value.__cause__, neo4j_errors.ServiceUnavailable)
    finally:
        store.close()


def test_the_cli_says_so_in_one_line(monkeypatch, capsys):
    monkeypatch.setattr(adapter, "MAX_RETRY_SECONDS", 0.0)
    monkeypatch.delenv("PROVNET_NEO4J_PASSWORD", raising=False)
    assert main(["--store", UNREACHABLE, "db", "status"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("provnet: error: Neo4j is unavailable") and "Traceback" not in err


class _Refusing:
    """A driver whose every transaction is refused as a server refuses a bad password."""

    class _Session:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def execute_read(self, work, *args):
            raise neo4j_errors.AuthError("Neo.ClientError.Security.Unauthorized", "The client is unauthorized")

        execute_write = execute_read

    def session(self, database=None):
        return self._Session()

    def close(self):
        pass


def test_refused_credentials_are_store_unavailable_naming_the_settings():
    store = Neo4jStore(UNREACHABLE, user="neo4j", password="wrong")
    store._driver.close()
    store._driver = _Refusing()  # type: ignore[assignment]
    with pytest.raises(StoreUnavailable, match="PROVNET_NEO4J_PASSWORD") as caught:
        store.counts()
    assert "unauthorized" in str(caught.value) and isinstance(caught.value.__cause__, neo4j_errors.AuthError)
