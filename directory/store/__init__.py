"""The store port and its two adapters. ``open_store`` picks one from a URL:

* ``sqlite:///path/to/provnet.db`` (or ``sqlite:///:memory:``): the embedded store;
* ``neo4j://host:7687``, ``bolt://...``, ``neo4j+s://...``: Neo4j 5, with user,
  password and database from the settings (password from the environment only;
  with none set, the connection is made without authentication, for a server
  whose authentication is off).
"""

from __future__ import annotations

from .. import settings
from ..errors import ConfigurationError
from .base import RunCheckpoint, Store, StoredVersion
from .network_books import MemberChanges
from .ranking import Candidate

__all__ = ["Candidate", "MemberChanges", "RunCheckpoint", "Store", "StoredVersion", "open_store"]

_NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def open_store(url: str | None = None, *, init: bool = True) -> Store:
    """Open the store named by ``url`` (default: the ``store`` setting)."""
    url = url or settings.get("store")
    if not url:
        raise ConfigurationError("no store configured: set PROVNET_STORE")
    if url.startswith("sqlite://"):
        from .sqlite import SQLiteStore

        path = url[len("sqlite://") :]
        if path.startswith("/"):  # sqlite:///rel/path and sqlite:////abs/path
            path = path[1:]
        store: Store = SQLiteStore(path or ":memory:")
    elif url.startswith(_NEO4J_SCHEMES):
        from .neo4j import Neo4jStore

        store = Neo4jStore(
            url,
            user=settings.get("neo4j_user") or "neo4j",
            password=settings.get("neo4j_password") or None,  # unset or empty: no authentication
            database=settings.get("neo4j_database") or "neo4j",
        )
    else:
        raise ConfigurationError(f"unknown store URL {url!r}: use sqlite:///PATH or neo4j://HOST:PORT")
    if init:
        store.init_schema()
    return store
