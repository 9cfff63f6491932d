"""Fixtures for the entity-resolution tests: the FEBRL loaders and the NPPES-shaped
generator from bench/resolve (the benchmark and the tests share them), and a
provider model trained on generated data."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "resolve"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))


@pytest.fixture(scope="session")
def trained_provider_settings():
    """The provider model trained (unsupervised) on a 20,000-record NPPES-shaped
    benchmark, so small hand-written worlds can be scored with a real model."""
    from gen_nppes_er import Generator

    from ingest.resolve import entity_frame, provider_settings, resolve_frame

    raw = Generator(seed=7).generate(20_000)
    result = resolve_frame(entity_frame(raw), provider_settings())
    assert result.settings.trained
    return result.settings


@pytest.fixture(scope="session")
def five_source_world(tmp_path_factory):
    """A small five-source benchmark (NPPES V2 file, roster, licence rows, TMS and REMS
    lists with their mappings and truths), written by the benchmark's own generator."""
    from gen_sources import generate

    folder = tmp_path_factory.mktemp("er5")
    generate(folder, people=3000, seed=5)
    return folder


@pytest.fixture(scope="session")
def five_source_run(five_source_world):
    """(records, result) of the five-source world read through the mapping layer and
    the NPPES reader, resolved with the provider model trained on it."""
    from bench_sources import read_sources

    from ingest.resolve import resolve

    records, _ = read_sources(five_source_world)
    return records, resolve(records)


@pytest.fixture(scope="session")
def five_source_settings(five_source_run):
    return five_source_run[1].settings
