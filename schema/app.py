"""The ASGI app: GraphQL at ``/graphql`` (GraphiQL for a browser's GET, its
assets served from ``/static`` so it works without internet) and ``/healthz``.
Authentication runs before GraphQL, so a bad token is a plain 401; request
bodies over the ``max_body_bytes`` setting get 413 before anything reads them."""

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
from directory.store import Store, open_store

from .auth import ANONYMOUS, Authenticator, Principal, Unauthenticated, parse_tokens, require_safe_exposure
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
        try:
            principal = self.authenticator.authenticate(request.headers.get("authorization"))
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


def check_exposure(host: str) -> None:
    """ConfigurationError when serving on ``host`` would let anyone in: no tokens,
    not loopback, and the ``allow_anonymous`` setting not given."""
    tokens = parse_tokens(settings.get("auth_tokens"))
    allow_anonymous = settings.get_bool("allow_anonymous")
    require_safe_exposure(host, tokens, allow_anonymous)
    if not tokens and allow_anonymous:
        log.warning("serving on %s with no tokens: anyone who can reach it reads as a navigator", host)


def worker_app() -> Starlette:
    """The app of one worker process of ``provnet serve --workers N`` (a uvicorn
    factory): its own store, opened from the settings, closed when it stops.
    The parent checked the address before starting the workers."""
    return create_app()


def create_app(store: Store | None = None, *, host: str | None = None) -> Starlette:
    """The ASGI app on ``store`` (default: the ``store`` setting, opened here and
    closed on shutdown). Tokens come from the ``auth_tokens`` setting.

    ``host`` is the address the app is about to be served on: with no tokens, an
    address other than loopback is refused (ConfigurationError) unless the
    ``allow_anonymous`` setting says so."""
    tokens = parse_tokens(settings.get("auth_tokens"))
    if host is not None:
        check_exposure(host)
    authenticator = Authenticator(tokens)
    max_body = settings.get_int("max_body_bytes")
    geo.preload()  # the ZIP table, before the first request needs it
    own_store = store is None
    the_store = open_store() if store is None else store
    graphql = _Authenticate(_GraphQL(the_store, graphql_ide="graphiql"), authenticator)

    async def healthz(request: Request) -> JSONResponse:
        try:
            counts = await asyncio.to_thread(the_store.counts)
        except ProvnetError as exc:
            log.warning("health check failed: %s", exc)
            return JSONResponse({"status": "unavailable", "backend": the_store.backend}, status_code=503)
        return JSONResponse(
            {
                "status": "ok",
                "backend": the_store.backend,
                "counts": counts,
                "auth": "tokens" if authenticator.enabled else "anonymous",
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
