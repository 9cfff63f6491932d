"""Fixtures for the NPPES ingest tests: real files in the published format
(see ``nppes_files``) and an embedded store on disk."""

from __future__ import annotations

import pytest
from nppes_files import FILE_NAME, write_nppes

from directory.store.sqlite import SQLiteStore


@pytest.fixture
def nppes_file(tmp_path):
    """``nppes_file(rows, version="V2", newline="\\r\\n", name=FILE_NAME, columns=None)`` -> Path."""

    def make(rows, *, version="V2", newline="\r\n", name=FILE_NAME, columns=None):
        return write_nppes(tmp_path / name, rows, version=version, newline=newline, columns=columns)

    return make


@pytest.fixture
def open_sqlite(tmp_path):
    """``open_sqlite(name)``: an initialised SQLite store on a file in tmp_path, closed after the test."""
    opened: list[SQLiteStore] = []

    def make(name: str = "provnet.db", cls: type[SQLiteStore] = SQLiteStore, **kwargs) -> SQLiteStore:
        store = cls(tmp_path / name, **kwargs)
        store.init_schema()
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()
