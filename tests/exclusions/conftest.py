"""Fixtures of the exclusion-list tests: an embedded store on disk with a few
providers, and LEIE files in the published format written to tmp_path."""

from __future__ import annotations

import os
from datetime import date, datetime

import pytest
from leie_files import write_leie
from leie_world import World, build_world

from directory.store.sqlite import SQLiteStore


@pytest.fixture
def store(tmp_path):
    s = SQLiteStore(tmp_path / "provnet.db")
    s.init_schema()
    yield s
    s.close()


@pytest.fixture
def leie_file(tmp_path):
    """``leie_file(name, rows, modified=date)`` -> Path of a LEIE file (its
    modification date is the date an UPDATED.csv speaks for)."""

    def make(name, rows, *, modified: date | None = None, newline="\r\n"):
        folder = tmp_path / "files"
        folder.mkdir(exist_ok=True)
        path = write_leie(folder / name, rows, newline=newline)
        if modified is not None:
            stamp = datetime(modified.year, modified.month, modified.day, 12).timestamp()
            os.utime(path, (stamp, stamp))
        return path

    return make


@pytest.fixture
def world(store) -> World:
    return build_world(store)
