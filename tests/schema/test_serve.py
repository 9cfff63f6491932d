"""Serving: GraphiQL works without internet (every asset from the app itself),
and on any address but loopback a server refuses to start with no credential
(no active API key in the store, no token) unless anonymous access is allowed
explicitly, and refuses development tokens (PROVNET_AUTH_TOKENS) unless they
are allowed explicitly. The CLI is driven in-process with uvicorn.run recorded
instead of run, so no public socket is ever opened."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
import uvicorn

from cli import main
from directory.errors import ConfigurationError
from directory.services import api_keys
from directory.store import open_store
from schema import create_app

STATIC = Path(__file__).resolve().parents[2] / "schema" / "static"


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and found.get("src"):
            self.refs.append(("script", found["src"] or ""))
        if tag == "link" and found.get("href"):
            self.refs.append(("link", found["href"] or ""))


def test_graphiql_loads_every_asset_from_the_app_itself(api):
    page = requests.get(f"{api.url}/graphql", headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    parser = _Assets()
    parser.feed(page.text)
    kinds = {kind for kind, _ in parser.refs}
    assert kinds == {"script", "link"} and len(parser.refs) >= 5
    assert "://" not in page.text and "unpkg" not in page.text  # no external URL at all
    expected_type = {"script": "javascript", "link": "text/css"}
    for kind, ref in parser.refs:
        url = urljoin(page.url, ref)
        assert urlsplit(url).netloc == urlsplit(api.url).netloc, ref
        asset = requests.get(url, timeout=10)  # no token: the assets carry no data
        assert asset.status_code == 200, ref
        assert expected_type[kind] in asset.headers["content-type"], (ref, asset.headers["content-type"])
        assert len(asset.content) > 100
    graphiql = requests.get(f"{api.url}/static/graphiql/graphiql.min.js", timeout=10).text
    assert "createFetcher" in graphiql and "window.GraphiQL" in graphiql


def test_the_vendored_assets_are_the_published_ones_with_their_licences():
    notes = (STATIC / "graphiql" / "VENDORED.md").read_text(encoding="utf-8")
    hashes = dict((name, digest) for digest, name in re.findall(r"^ {4}([0-9a-f]{64})  (\S+)$", notes, re.M))
    assert set(hashes) == {p.name for p in (STATIC / "graphiql").glob("*.min.*")}
    for name, digest in hashes.items():
        assert hashlib.sha256((STATIC / "graphiql" / name).read_bytes()).hexdigest() == digest, name
    for package in ("graphiql", "react", "react-dom"):
        assert "MIT License" in (STATIC / "graphiql" / f"LICENSE.{package}").read_text(encoding="utf-8")
    total = sum(p.stat().st_size for p in (STATIC / "graphiql").iterdir())
    assert total < 2_000_000


PUBLIC = ["0.0.0.0", "::", "192.0.2.10", "provnet.example.org"]
LOOPBACK = ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"]


NO_CREDENTIAL = "refusing to serve on {} without API keys (anyone who can reach it would be let in)"
DEV_TOKENS = "refusing to serve on {} with PROVNET_AUTH_TOKENS, which are for development only"
SWITCHES = ("PROVNET_AUTH_TOKENS", "PROVNET_ALLOW_ANONYMOUS", "PROVNET_ALLOW_ENV_TOKENS")


@pytest.mark.parametrize("host", PUBLIC)
def test_a_public_address_needs_an_active_api_key_or_an_explicit_choice(monkeypatch, sqlite_store, host):
    for name in SWITCHES:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigurationError, match=re.escape(NO_CREDENTIAL.format(host))):
        create_app(sqlite_store, host=host)
    monkeypatch.setenv("PROVNET_ALLOW_ANONYMOUS", "1")
    assert create_app(sqlite_store, host=host) is not None
    monkeypatch.setenv("PROVNET_ALLOW_ANONYMOUS", "0")

    # keys that no longer work do not count
    revoked = api_keys.issue(sqlite_store, "admin")
    api_keys.revoke(sqlite_store, revoked.key.key_id)
    api_keys.issue(sqlite_store, "admin", expires=date(2025, 1, 1), now=datetime(2024, 12, 1, tzinfo=UTC))
    with pytest.raises(ConfigurationError, match=re.escape(NO_CREDENTIAL.format(host))):
        create_app(sqlite_store, host=host)
    api_keys.issue(sqlite_store, "navigator")
    assert create_app(sqlite_store, host=host) is not None


@pytest.mark.parametrize("host", PUBLIC)
def test_development_tokens_are_refused_on_a_public_address_unless_allowed(monkeypatch, sqlite_store, host, caplog):
    for name in SWITCHES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PROVNET_AUTH_TOKENS", "t0k3n-for-dev=admin")
    with pytest.raises(ConfigurationError, match=re.escape(DEV_TOKENS.format(host))):
        create_app(sqlite_store, host=host)
    api_keys.issue(sqlite_store, "admin")  # stored keys beside them change nothing
    with pytest.raises(ConfigurationError, match=re.escape(DEV_TOKENS.format(host))):
        create_app(sqlite_store, host=host)
    monkeypatch.setenv("PROVNET_ALLOW_ENV_TOKENS", "1")
    with caplog.at_level("WARNING", logger="schema.app"):
        assert create_app(sqlite_store, host=host) is not None
    assert "PROVNET_AUTH_TOKENS is set: 1 development token(s)" in caplog.text
    assert "t0k3n-for-dev" not in caplog.text


@pytest.mark.parametrize("host", LOOPBACK)
def test_development_tokens_on_loopback_start_with_a_warning(monkeypatch, sqlite_store, host, caplog):
    for name in SWITCHES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PROVNET_AUTH_TOKENS", "t0k3n-for-dev=admin")
    with caplog.at_level("WARNING", logger="schema.app"):
        assert create_app(sqlite_store, host=host) is not None
    assert "development token(s)" in caplog.text and "t0k3n-for-dev" not in caplog.text


def test_keys_made_under_another_pepper_are_named_at_start(monkeypatch, sqlite_store, caplog):
    for name in SWITCHES:
        monkeypatch.delenv(name, raising=False)
    plain = api_keys.issue(sqlite_store, "admin")
    monkeypatch.setenv("PROVNET_API_KEY_PEPPER", "z" * 40)
    with caplog.at_level("WARNING", logger="schema.app"):
        create_app(sqlite_store, host="127.0.0.1")
    assert (
        f"1 active API key(s) will be refused: they were created without PROVNET_API_KEY_PEPPER, which is set now "
        f"({plain.key.key_id})" in caplog.text
    )
    assert "z" * 40 not in caplog.text


@pytest.mark.parametrize("host", LOOPBACK)
def test_loopback_without_tokens_stays_anonymous(monkeypatch, sqlite_store, host):
    monkeypatch.delenv("PROVNET_AUTH_TOKENS", raising=False)
    monkeypatch.delenv("PROVNET_ALLOW_ANONYMOUS", raising=False)
    assert create_app(sqlite_store, host=host) is not None


@pytest.fixture
def uvicorn_runs(monkeypatch) -> list[dict]:
    """What `provnet serve` would have served: uvicorn.run records its arguments instead of binding."""
    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append({"app": app, **kwargs}))
    return calls


def test_provnet_serve_refuses_a_public_address_without_keys(monkeypatch, tmp_path, capsys, uvicorn_runs):
    for name in SWITCHES:
        monkeypatch.delenv(name, raising=False)
    status = main(["--store", f"sqlite:///{tmp_path / 'p.db'}", "serve", "--host", "0.0.0.0", "--port", "8123"])
    assert status == 2 and uvicorn_runs == []
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        "provnet: error: refusing to serve on 0.0.0.0 without API keys (anyone who can reach it would be let in): "
        "create one with `provnet token create --role admin`, or set PROVNET_ALLOW_ANONYMOUS=1 to allow anonymous "
        "read access"
    ]
    monkeypatch.setenv("PROVNET_ALLOW_ANONYMOUS", "maybe")
    assert main(["--store", f"sqlite:///{tmp_path / 'p.db'}", "serve", "--host", "0.0.0.0"]) == 2
    assert "PROVNET_ALLOW_ANONYMOUS must be 1 or 0" in capsys.readouterr().err
    assert uvicorn_runs == []


def test_provnet_serve_when_allowed_or_on_loopback(monkeypatch, tmp_path, uvicorn_runs, serve):
    monkeypatch.delenv("PROVNET_AUTH_TOKENS", raising=False)
    store = f"sqlite:///{tmp_path / 'p.db'}"
    monkeypatch.delenv("PROVNET_ALLOW_ANONYMOUS", raising=False)
    assert main(["--store", store, "serve", "--host", "127.0.0.1", "--port", "8123"]) == 0
    monkeypatch.setenv("PROVNET_ALLOW_ANONYMOUS", "1")
    assert main(["--store", store, "serve", "--host", "0.0.0.0", "--port", "8124"]) == 0
    assert [(c["host"], c["port"]) for c in uvicorn_runs] == [("127.0.0.1", 8123), ("0.0.0.0", 8124)]
    # the app the CLI built is a working one (its store is closed once serve returns: health says so)
    client = serve(uvicorn_runs[1]["app"])
    assert requests.get(f"{client.url}/healthz", timeout=10).json() == {"status": "unavailable", "backend": "sqlite"}
    assert client.data("{ viewer { role tenant } }") == {"viewer": {"role": "NAVIGATOR", "tenant": None}}


def test_provnet_serve_on_a_public_address_once_an_admin_key_exists(monkeypatch, tmp_path, capsys, uvicorn_runs, serve):
    for name in SWITCHES:
        monkeypatch.delenv(name, raising=False)
    store = f"sqlite:///{tmp_path / 'p.db'}"
    assert main(["--store", store, "token", "create", "--role", "admin", "--name", "first admin"]) == 0
    key = capsys.readouterr().out.strip()
    monkeypatch.setenv("PROVNET_AUTH_TOKENS", "dev=admin")
    assert main(["--store", store, "serve", "--host", "0.0.0.0", "--port", "8125"]) == 2
    assert "with PROVNET_AUTH_TOKENS, which are for development only" in capsys.readouterr().err
    monkeypatch.delenv("PROVNET_AUTH_TOKENS")
    assert main(["--store", store, "serve", "--host", "0.0.0.0", "--port", "8125"]) == 0
    assert [(c["host"], c["port"]) for c in uvicorn_runs] == [("0.0.0.0", 8125)]
    with open_store(store) as opened:  # the app the CLI built, on the same store file, asks for the key
        client = serve(create_app(opened, host="0.0.0.0"))
        assert client.post("{ viewer { role } }").status_code == 401
        assert client.data("{ viewer { role tenant } }", token=key) == {"viewer": {"role": "ADMIN", "tenant": None}}


def test_provnet_serve_with_workers_starts_them_on_the_same_store(monkeypatch, tmp_path, capsys, uvicorn_runs, serve):
    monkeypatch.delenv("PROVNET_AUTH_TOKENS", raising=False)
    monkeypatch.delenv("PROVNET_ALLOW_ANONYMOUS", raising=False)
    monkeypatch.setenv("PROVNET_STORE", "sqlite:///elsewhere.db")
    store = f"sqlite:///{tmp_path / 'w.db'}"
    # a public address without credentials (no token, no stored key) is refused before any worker starts
    assert main(["--store", store, "serve", "--host", "0.0.0.0", "--workers", "2"]) == 2
    assert uvicorn_runs == []
    assert main(["--store", store, "serve", "--workers", "0"]) == 2 and uvicorn_runs == []
    assert main(["--store", store, "serve", "--port", "8125", "--workers", "3"]) == 0
    (run,) = uvicorn_runs
    assert run["app"] == "schema.app:worker_app" and run["factory"] is True and run["workers"] == 3
    assert (run["host"], run["port"]) == ("127.0.0.1", 8125)
    assert (tmp_path / "w.db").exists()  # the schema was made once, by the parent
    # each worker builds its app from the settings, which now name the store given on the command line
    import os

    from schema.app import worker_app

    assert os.environ["PROVNET_STORE"] == store
    client = serve(worker_app())
    assert requests.get(f"{client.url}/healthz", timeout=10).json()["status"] == "ok"
    capsys.readouterr()
