"""Settings, declared once: name, default, help. Each can be overridden by an
environment variable ``PROVNET_<NAME>``; secrets come only from the environment
and never have a default. A test checks every setting is documented in the README.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: str | None
    help: str
    secret: bool = False

    @property
    def env(self) -> str:
        return f"PROVNET_{self.name.upper()}"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "store",
        "sqlite:///./data/provnet.db",
        "Which store to use: sqlite:///PATH for the embedded store, "
        "neo4j://HOST:PORT (or bolt://, neo4j+s://) for Neo4j 5.",
    ),
    Setting("neo4j_user", "neo4j", "Neo4j user name."),
    Setting(
        "neo4j_password",
        None,
        "Neo4j password (environment only). Unset: connect without authentication, "
        "for a server with authentication off.",
        secret=True,
    ),
    Setting("neo4j_database", "neo4j", "Neo4j database name."),
    Setting("host", "127.0.0.1", "Address `provnet serve` binds to."),
    Setting("port", "8000", "Port `provnet serve` listens on."),
    Setting(
        "auth_tokens",
        None,
        "Development only: API tokens, `token=role[:tenant]` separated by commas, e.g. `s3cret=employer:acme` "
        "(environment only). The server warns at start when they are set, and `provnet serve` refuses them on an "
        "address other than loopback unless PROVNET_ALLOW_ENV_TOKENS is 1. Use stored API keys "
        "(`provnet token create`) anywhere else.",
        secret=True,
    ),
    Setting(
        "allow_env_tokens",
        "0",
        "1 lets `provnet serve` accept PROVNET_AUTH_TOKENS on an address other than loopback (they are plain "
        "shared secrets in the environment, without expiry, revocation or hashing).",
    ),
    Setting(
        "allow_anonymous",
        "0",
        "1: a request without a token is an anonymous navigator (it reads the public directory), even when API "
        "keys or tokens exist. 0: it is refused with 401 once any key or token exists, and `provnet serve` refuses "
        "an address other than loopback when none does.",
    ),
    Setting(
        "api_key_pepper",
        None,
        "Optional secret (environment only, at least 32 characters) mixed into the hash of every stored API key "
        "with HMAC-SHA-256, so the store alone cannot check guesses or mint keys. Keys created under one value "
        "work only under that value: set it before creating keys, and re-issue every key if it changes.",
        secret=True,
    ),
    Setting(
        "api_key_cache_seconds",
        "5",
        "How long a server trusts a stored API key it has read before reading it again (0 to 60): a revoked key "
        "stops working at most this many seconds after `provnet token revoke`.",
    ),
    Setting("batch_size", "30000", "Rows written to the store per transaction during ingest."),
    Setting("max_query_depth", "10", "Deepest GraphQL selection accepted."),
    Setting("max_aliases", "30", "Most aliases accepted in one GraphQL query."),
    Setting(
        "max_query_tokens",
        "5000",
        "Most tokens (names, punctuation, values) in one GraphQL document; parsing stops there, so a huge "
        "document cannot hold up the server.",
    ),
    Setting(
        "max_query_cost",
        "10000",
        "Highest cost accepted for one GraphQL query: the most objects it can make the server build, "
        "from the list bounds the schema states.",
    ),
    Setting(
        "max_body_bytes",
        "1048576",
        "Largest HTTP request body the API accepts, in bytes; a bigger one (with or without Content-Length) gets 413.",
    ),
    Setting("npi_api_url", "https://npiregistry.cms.hhs.gov/api/", "Base URL of the NPI Registry API."),
    Setting("npi_api_timeout", "20", "Seconds before an NPI Registry API request times out."),
    Setting("log_level", "INFO", "Log level of the CLI."),
    Setting(
        "adequacy_speeds_mph",
        "Large Metro=30,Metro=40,Micro=45,Rural=50,CEAC=55",
        "Network adequacy: speed (mph) by county type that turns straight-line miles into travel minutes "
        "when no OSRM server is configured.",
    ),
    Setting(
        "osrm_url",
        None,
        "Network adequacy: base URL of an OSRM server (e.g. `http://127.0.0.1:5000`); when set, travel minutes "
        "come from its `/table/v1/driving` service. Unset: estimated from distance, no network used.",
    ),
    Setting("osrm_timeout", "30", "Seconds before an OSRM table request times out."),
    Setting(
        "match_weights",
        None,
        "Matching: a JSON file of match-score weights (`scoring.MatchWeights`; keys left out keep their "
        "defaults). Unset: the defaults.",
    ),
    Setting(
        "trd_pathway",
        None,
        "Matching: a JSON file of the TRD pathway order (steps of treatments) used after the treatments tried. "
        "Unset: the bundled `directory/data/matching/trd_pathway.json`.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str, environ: dict[str, str] | None = None) -> str | None:
    """Value of a setting: the environment first, then the default."""
    try:
        setting = _BY_NAME[name]
    except KeyError:
        raise ConfigurationError(f"unknown setting {name!r}") from None
    env = os.environ if environ is None else environ
    return env.get(setting.env, setting.default)


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def get_bool(name: str, environ: dict[str, str] | None = None) -> bool:
    raw = (get(name, environ) or "").strip().lower()
    if raw in _TRUE or raw in _FALSE:
        return raw in _TRUE
    raise ConfigurationError(f"{_BY_NAME[name].env} must be 1 or 0 (true/false, yes/no, on/off), got {raw!r}")


def get_int(name: str, environ: dict[str, str] | None = None) -> int:
    raw = get(name, environ)
    try:
        return int(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConfigurationError(f"{_BY_NAME[name].env} must be an integer, got {raw!r}") from None
