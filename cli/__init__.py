"""The `provnet` command, above everything else: it may import the core,
ingest and the API; nothing imports it. One module per group of commands,
each with a ``register(subparsers)``; :mod:`.main` assembles them."""

from .main import build_parser, main

__all__ = ["build_parser", "main"]
