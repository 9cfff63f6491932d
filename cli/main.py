"""Assembles the command groups and turns provnet's errors into messages and
exit statuses. Only the CLI configures logging."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from directory import settings
from directory.errors import ConfigurationError, Conflict, InputError, NotFound, ProvnetError

from . import (
    adequacy,
    db,
    exclusions,
    ingest,
    matching,
    network,
    outcomes,
    registry,
    resolution,
    sample,
    serve,
    token,
    vetting,
)
from .common import EXIT_BAD_INPUT, EXIT_FAILURE

#: Each module adds its commands; the order is the order of `provnet --help`.
GROUPS = (
    db,
    ingest,
    sample,
    serve,
    token,
    resolution,
    exclusions,
    outcomes,
    registry,
    adequacy,
    vetting,
    network,
    matching,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="provnet", description="Provider-network vetting and directory service.")
    parser.add_argument("--store", help="store URL (default: PROVNET_STORE or sqlite:///./data/provnet.db)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level_name = (settings.get("log_level") or "INFO").upper()
    level = logging.DEBUG if args.verbose else getattr(logging, level_name, logging.INFO)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        return int(args.func(args))
    except FileNotFoundError as exc:
        print(f"provnet: error: file not found: {exc.filename or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (InputError, NotFound, ConfigurationError, Conflict) as exc:
        print(f"provnet: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ProvnetError as exc:
        print(f"provnet: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("provnet: interrupted; re-run the same command to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
