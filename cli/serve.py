"""`provnet serve` and `provnet export-schema`: the GraphQL API."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from directory import settings

from .common import EXIT_BAD_INPUT, EXIT_FAILURE, store_of


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from schema import create_app

    host = args.host or settings.get("host") or "127.0.0.1"
    port = args.port or settings.get_int("port")
    if args.workers < 1:
        print("--workers must be at least 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.workers > 1:
        return _serve_workers(args, host, port)
    store = store_of(args)
    try:
        app = create_app(store, host=host)  # refuses a public address without tokens
        print(f"provnet GraphQL on http://{host}:{port}/graphql ({store.backend} store)", file=sys.stderr)
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        store.close()
    return 0


def _serve_workers(args: argparse.Namespace, host: str, port: int) -> int:
    """N processes on one port (uvicorn's workers), each with its own store: one
    process holds the GIL for every request it serves, N use N cores."""
    import uvicorn

    from schema.app import check_exposure

    url = args.store or settings.get("store") or ""
    with store_of(args) as store:  # creates or upgrades the schema once, not in every worker at once
        check_exposure(host, store)  # refuses a public address without credentials, before any worker starts
    os.environ["PROVNET_STORE"] = url  # the workers open their store from the settings
    print(f"provnet GraphQL on http://{host}:{port}/graphql ({args.workers} workers, {url})", file=sys.stderr)
    uvicorn.run("schema.app:worker_app", factory=True, host=host, port=port, workers=args.workers, log_level="warning")
    return 0


def cmd_export_schema(args: argparse.Namespace) -> int:
    from schema import export_sdl

    sdl = export_sdl()
    out = Path(args.out)
    if args.check:
        current = out.read_text(encoding="utf-8") if out.exists() else ""
        if current != sdl:
            print(f"{out} is out of date: run `provnet export-schema`", file=sys.stderr)
            return EXIT_FAILURE
        print(f"{out} is up to date")
        return 0
    out.write_text(sdl, encoding="utf-8")
    print(f"wrote {out}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve GraphQL (GraphiQL at /graphql)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes serving requests, each with its own store connection (default 1)",
    )
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("export-schema", help="write the GraphQL SDL")
    p.add_argument("--out", default="schema/schema.graphql")
    p.add_argument("--check", action="store_true", help="fail if the file differs instead of writing it")
    p.set_defaults(func=cmd_export_schema)
