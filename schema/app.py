"""The ASGI app: GraphQL at ``/graphql`` (GraphiQL for a browser's GET, its
assets served from ``/static`` so it works without internet) and ``/healthz``.
Authentication runs before GraphQL, so a bad token is a plain 401 (and the
store is read for a key only off the event loop, and only when the key was not
seen in the last ``api_key_cache_seconds``); request bodies over the
``max_body_bytes`` setting get 413 before anything reads them."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.asgi import GraphQL

from directory import geo, settings
from directory.errors import ProvnetError
from directory.services import api_keys
from directory.store import Store, open_store

from .auth import (
    ANONYMOUS,
    Authenticator,
    Principal,
    Unauthenticated,
    is_loopback,
    parse_tokens,
    require_safe_exposure,
)
from .body_limit import BodyLimit
from .context import Context
from .root import build_schema

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"


@functools.cache
def _graphiql_page() -> str:
    return (STATIC / "graphiql.html").read_text(encoding="utf-8")


class _GraphQL(GraphQL[Context, None]):
    def __init__(self, store: Store, **kwargs: Any):
        super().__init__(build_schema(), **kwargs)
        self.store = store

    @property
    def graphql_ide_html(self) -> str:
        # strawberry's own page loads GraphiQL from a CDN; ours from /static
        return _graphiql_page()

    async def get_context(self, request: Any, response: Any) -> Context:
        principal: Principal = request.scope["state"]["principal"]
        return Context.build(self.store, principal)


def _wants_ide(request: Request) -> bool:
    """A browser opening GraphiQL: the page itself carries no data."""
    return (
        request.method == "GET"
        and "text/html" in request.headers.get("accept", "")
        and "query" not in request.query_params
    )


class _Authenticate:
    """Resolves the caller before GraphQL runs and refuses bad tokens with 401."""

    def __init__(self, app: ASGIApp, authenticator: Authenticator):
        self.app = app
        self.authenticator = authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # only HTTP is routed here: no subscriptions are served
            raise RuntimeError(f"unexpected ASGI scope {scope['type']!r}")
        request = Request(scope, receive)
        header = request.headers.get("authorization")
        try:
            principal = self.authenticator.quick(header)
            if principal is None:  # a key not seen lately: its read goes to a worker thread
                principal = await asyncio.to_thread(self.authenticator.authenticate, header)
        except ProvnetError as exc:  # the store could not say who the caller is: let no one in
            log.warning("authentication failed: the store is unavailable (%s)", type(exc).__name__)
            response = JSONResponse(
                {"errors": [{"message": "the store is unavailable", "extensions": {"code": "UNAVAILABLE"}}]},
                status_code=503,
            )
            await response(scope, receive, send)
            return
        except Unauthenticated as exc:
            if not _wants_ide(request):
                response = JSONResponse(
                    {"errors": [{"message": str(exc), "extensions": {"code": "UNAUTHENTICATED"}}]},
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
                await response(scope, receive, send)
                return
            principal = ANONYMOUS  # the page itself carries no data
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)


#: Allocations between young-generation collections (CPython's default is 700).
GC_THRESHOLD = 50_000


def settle_memory() -> None:
    """Before serving: move everything built so far (the schema, the ZIP table,
    modules) out of the garbage collector's sight, and collect less often. A
    match answer allocates tens of thousands of short-lived objects; with the
    defaults, full collections over the long-lived ones stalled one request in a
    hundred by 150 to 200 ms."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])


def check_exposure(host: str, store: Store) -> list:
    """ConfigurationError when serving on ``host`` would rest on development
    tokens or let anyone in (see :func:`auth.require_safe_exposure`), given the
    API keys ``store`` holds; returns the active keys."""
    now = api_keys.utcnow()
    active = [k for k in store.api_keys() if k.is_active(now)]
    require_safe_exposure(
        host,
        env_tokens=bool(parse_tokens(settings.get("auth_tokens"))),
        stored_keys=bool(active),
        allow_anonymous=settings.get_bool("allow_anonymous"),
        allow_env_tokens=settings.get_bool("allow_env_tokens"),
    )
    return active


def worker_app() -> Starlette:
    """The app of one worker process of ``provnet serve --workers N`` (a uvicorn
    factory): its own store, opened from the settings, closed when it stops.
    The parent checked the address before starting the workers."""
    return create_app()


def create_app(store: Store | None = None, *, host: str | None = None) -> Starlette:
    """The ASGI app on ``store`` (default: the ``store`` setting, opened here and
    closed on shutdown). Callers authenticate with the API keys in the store and,
    for development, the tokens of the ``auth_tokens`` setting.

    ``host`` is the address the app is about to be served on. On an address
    other than loopback, development tokens are refused (ConfigurationError)
    unless the ``allow_env_tokens`` setting says so, and so is serving with no
    credential at all (no token, no active key) unless ``allow_anonymous`` does.
    ``host`` None: the caller serves the app itself (tests) and vouches that it is local."""
    tokens = parse_tokens(settings.get("auth_tokens"))
    allow_anonymous = settings.get_bool("allow_anonymous")
    pepper, cache_seconds = api_keys.pepper(), api_keys.cache_seconds()
    max_body = settings.get_int("max_body_bytes")
    geo.preload()  # the ZIP table, before the first request needs it
    own_store = store is None
    the_store = open_store() if store is None else store
    verifier = api_keys.KeyVerifier(the_store, pepper=pepper, cache_seconds=cache_seconds)
    if host is not None:  # about to serve: which credentials exist decides whether that is safe
        try:
            active = check_exposure(host, the_store)
        except BaseException:
            if own_store:
                the_store.close()
            raise
        if unusable := api_keys.unverifiable(active, pepper, api_keys.utcnow()):
            log.warning(
                "%d active API key(s) will be refused: they were created %s (%s); re-issue them",
                len(unusable),
                "without PROVNET_API_KEY_PEPPER, which is set now"
                if pepper
                else "with PROVNET_API_KEY_PEPPER, unset now",
                ", ".join(k.key_id for k in unusable[:10]),
            )
    if tokens:
        log.warning(
            "PROVNET_AUTH_TOKENS is set: %d development token(s), plain shared secrets without expiry or "
            "revocation; use API keys from `provnet token create` outside development",
            len(tokens),
        )
    if allow_anonymous and host is not None:
        log.warning("serving on %s with anonymous access allowed: a request without a token reads as a navigator", host)
    authenticator = Authenticator(
        tokens,
        verifier,
        allow_anonymous=allow_anonymous,
        open_when_empty=host is None or is_loopback(host),
    )
    graphql = _Authenticate(_GraphQL(the_store, graphql_ide="graphiql"), authenticator)

    async def healthz(request: Request) -> JSONResponse:
        try:
            counts = await asyncio.to_thread(the_store.counts)
            keyed = await asyncio.to_thread(authenticator.credentials_exist)
        except ProvnetError as exc:
            log.warning("health check failed: %s", exc)
            return JSONResponse({"status": "unavailable", "backend": the_store.backend}, status_code=503)
        return JSONResponse(
            {
                "status": "ok",
                "backend": the_store.backend,
                "counts": counts,
                "auth": "tokens" if keyed else "anonymous",
            }
        )

    async def home(request: Request) -> RedirectResponse:
        return RedirectResponse("/graphql")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        settle_memory()
        yield
        if own_store:
            the_store.close()

    return Starlette(
        routes=[
            Route("/", home),
            Route("/healthz", healthz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=[Middleware(BodyLimit, max_bytes=max_body)],
        lifespan=lifespan,
    )
