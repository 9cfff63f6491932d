"""Time authentication alone: what the API spends on the Authorization header
of one request, on a SQLite store on disk holding N API keys.

    .venv/bin/python bench/auth/bench_auth.py --keys 1000 --calls 200000

Cases (best of --repeat runs, per call):

* ``stored key, seen lately``: the hot path (a key read in the last
  ``api_key_cache_seconds``): a regex, a dict lookup, one SHA-256 and one
  ``hmac.compare_digest`` (and the HMAC variant, with a pepper);
* ``stored key, read from the store``: the cache disabled, so every call is
  one indexed read of the embedded store plus the above;
* ``development token``: PROVNET_AUTH_TOKENS (a constant-time scan of 6);
* ``middleware, stored key seen lately``: the whole ASGI middleware of
  schema/app.py around a no-op app (header parsing by Starlette included),
  next to the same middleware with the anonymous path, to show the part that
  is authentication's.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from directory.model import Employer
from directory.services import api_keys
from directory.store.sqlite import SQLiteStore
from schema.app import _Authenticate
from schema.auth import Authenticator, parse_tokens


def per_call(fn, calls: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, time.perf_counter() - started)
    return best / calls


def middleware_call(authenticate: _Authenticate, header: bytes | None):
    headers = [(b"authorization", header)] if header else []
    scope = {"type": "http", "method": "POST", "path": "/graphql", "headers": headers, "query_string": b""}

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        return None

    async def many(n: int) -> None:
        for _ in range(n):
            await authenticate(dict(scope), receive, send)

    return many


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keys", type=int, default=1000, help="API keys in the store")
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "bench.db")
        store.init_schema()
        store.upsert_employers([Employer("acme", "Acme Corp")])
        pepper = b"p" * 40
        tokens = [api_keys.issue(store, "employer", "acme").token for _ in range(args.keys - 1)]
        peppered = api_keys.issue(store, "admin", pepper=pepper).token
        token = tokens[len(tokens) // 2]
        header = f"Bearer {token}"

        def authenticator(seconds: float, with_pepper: bytes | None = None) -> Authenticator:
            verifier = api_keys.KeyVerifier(store, pepper=with_pepper, cache_seconds=seconds)
            return Authenticator({}, verifier, open_when_empty=False)

        hot = authenticator(60)
        assert hot.authenticate(header).tenant == "acme"  # warm: read once, use recorded
        assert hot.quick(header) is not None
        hot_hmac = authenticator(60, pepper)
        assert hot_hmac.authenticate(f"Bearer {peppered}").role.value == "admin"
        cold = authenticator(0)
        dev = Authenticator(
            parse_tokens("adm=admin,a=employer:acme,b=employer:globex,c=payer:n,d=payer:s,nav-tok=navigator"), None
        )
        cold.authenticate(header)
        calls, repeat = args.calls, args.repeat
        rows = [
            ("stored key, seen lately (SHA-256)", per_call(lambda: hot.quick(header), calls, repeat)),
            (
                "stored key, seen lately (HMAC-SHA-256, pepper)",
                per_call(lambda: hot_hmac.quick(f"Bearer {peppered}"), calls, repeat),
            ),
            ("stored key, read from the store", per_call(lambda: cold.authenticate(header), calls // 20, repeat)),
            ("development token", per_call(lambda: dev.quick("Bearer nav-tok"), calls, repeat)),
        ]

        async def noop(scope, receive, send):
            return None

        loop = asyncio.new_event_loop()
        for name, auth, value in (
            ("middleware, stored key seen lately", hot, header.encode()),
            ("middleware, anonymous (no authentication)", Authenticator({}, None, allow_anonymous=True), None),
        ):
            many = middleware_call(_Authenticate(noop, auth), value)
            n = calls // 4
            best = float("inf")
            for _ in range(repeat):
                started = time.perf_counter()
                loop.run_until_complete(many(n))
                best = min(best, time.perf_counter() - started)
            rows.append((name, best / n))
        loop.close()
        store.close()

    print(f"{args.keys} keys in the store; best of {args.repeat} runs")
    for name, seconds in rows:
        print(f"  {name:<48} {seconds * 1e6:8.2f} µs per request")


if __name__ == "__main__":
    main()
