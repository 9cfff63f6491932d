"""Fixtures of the outcome tests: an embedded store on disk with two
providers, and outcome files in the documented format."""

from __future__ import annotations

import os
from datetime import date, datetime

import pytest
from outcome_files import ANN, BEN, HEADER

from directory.model import EntityType, Evidence, ProviderRecord
from directory.store.sqlite import SQLiteStore

NPPES = Evidence("nppes", date(2025, 10, 6), "bulk_file", 1.0, "npidata_pfile_20050523-20251005.csv")


@pytest.fixture
def store(tmp_path):
    s = SQLiteStore(tmp_path / "provnet.db")
    s.init_schema()
    s.upsert_providers(
        [
            ProviderRecord(npi, EntityType.INDIVIDUAL, NPPES, first_name=first, last_name=last)
            for npi, first, last in ((ANN, "Ann", "Adler"), (BEN, "Ben", "Brook"))
        ]
    )
    yield s
    s.close()


@pytest.fixture
def outcomes_file(tmp_path):
    """``outcomes_file(lines, name=..., header=HEADER, modified=date)`` -> Path."""

    def make(lines, *, name="outcomes_2025q3.csv", header=HEADER, modified=date(2025, 10, 15)):
        path = tmp_path / name
        path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
        stamp = datetime(modified.year, modified.month, modified.day, 12).timestamp()
        os.utime(path, (stamp, stamp))
        return path

    return make
