"""`provnet match refresh`: the ranking profiles of patient-to-provider matching."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime

from .common import store_of


def cmd_match_refresh(args: argparse.Namespace) -> int:
    """Recompute the ranking profiles that are stale (every one with --all), ahead
    of the answers: nightly (confidence decays and licences expire by the day) and
    after a large load. Answers recompute what is stale anyway, more slowly."""
    from directory.services.matching import refresh_profiles

    started = time.monotonic()
    with store_of(args) as store:
        report = refresh_profiles(store, datetime.now(UTC).date(), only_stale=not args.all)
    print(
        f"{report.providers:,} providers: {report.computed:,} ranking profiles computed, {report.fresh:,} already "
        f"fresh ({time.monotonic() - started:.1f} s)",
        file=sys.stderr,
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    match = sub.add_parser("match", help="patient-to-provider matching").add_subparsers(
        dest="match_command", required=True
    )
    p = match.add_parser("refresh", help="recompute stale ranking profiles (nightly, and after large loads)")
    p.add_argument("--all", action="store_true", help="recompute every profile, fresh or not")
    p.set_defaults(func=cmd_match_refresh)
