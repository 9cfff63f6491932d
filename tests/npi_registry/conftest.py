"""Fixtures: a local NPI Registry stand-in and clients that never really sleep."""

from __future__ import annotations

import pytest
from registry_server import RegistryServer

from ingest.npi_registry import NpiRegistryClient


@pytest.fixture
def registry():
    server = RegistryServer().start()
    yield server
    server.stop()


@pytest.fixture
def sleeps():
    """Delays the client asked to sleep, in order."""
    return []


@pytest.fixture
def make_client(registry, sleeps):
    """Build a client on the local server; ``sleep`` records instead of waiting."""
    made = []

    def make(**kwargs) -> NpiRegistryClient:
        options = {"base_url": registry.url, "timeout": 5.0, "sleep": sleeps.append, "jitter": False, **kwargs}
        client = NpiRegistryClient(**options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()
