"""Fixtures of the sample tests: a freshly generated sample, and SQLite stores
on disk loaded through the real NPPES ingest (built once, copied per test)."""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from directory.store.sqlite import SQLiteStore
from ingest import ingest_nppes
from ingest.sample import CATALOG_FILE_NAME, NPPES_FILE_NAME, generate_sample
from ingest.sources.catalog import load_catalog


@dataclass(frozen=True)
class Generated:
    folder: Path
    manifest: dict  # as written to manifest.json

    @property
    def nppes(self) -> Path:
        return self.folder / NPPES_FILE_NAME

    @property
    def catalog(self) -> Path:
        return self.folder / CATALOG_FILE_NAME

    def rows(self) -> list[tuple[int, list[str]]]:
        """(physical line, fields) of every record after the header."""
        with open(self.nppes, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            next(reader)
            return [(reader.line_num, fields) for fields in reader]

    def bad_lines(self) -> dict[int, dict]:
        return {b["line"]: b for b in self.manifest["bad_rows"]}


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Generated:
    folder = tmp_path_factory.mktemp("sample")
    generate_sample(folder)
    return Generated(folder, json.loads((folder / "manifest.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def nppes_db(generated, tmp_path_factory) -> tuple[Path, object]:
    """A store file holding the sample's NPPES file, loaded by the real ingest; and its report."""
    path = tmp_path_factory.mktemp("nppes") / "provnet.db"
    store = SQLiteStore(path)
    store.init_schema()
    report = ingest_nppes(store, generated.nppes, scope="all")
    store.close()
    return path, report


@pytest.fixture(scope="session")
def full_db(generated, nppes_db, tmp_path_factory) -> tuple[Path, object]:
    """The NPPES store plus the catalog; and the catalog report."""
    path = tmp_path_factory.mktemp("full") / "provnet.db"
    shutil.copyfile(nppes_db[0], path)
    store = SQLiteStore(path)
    store.init_schema()
    report = load_catalog(store, generated.catalog)
    store.close()
    return path, report


def _open_copy(source: Path, tmp_path: Path) -> SQLiteStore:
    target = tmp_path / "copy.db"
    shutil.copyfile(source, target)
    store = SQLiteStore(target)
    store.init_schema()
    return store


@pytest.fixture
def nppes_store(nppes_db, tmp_path):
    """A private copy of the NPPES-only store for a test that writes."""
    store = _open_copy(nppes_db[0], tmp_path)
    yield store
    store.close()


@pytest.fixture(scope="session")
def full_store(full_db):
    """The loaded sample, read only."""
    store = SQLiteStore(full_db[0])
    yield store
    store.close()
