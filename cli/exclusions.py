"""`provnet exclusions match`: match the stored exclusion-list records with
the directory again (after an NPPES load added providers, a record no one
matched before is linked; certain matches attach, uncertain ones go to review)."""

from __future__ import annotations

import argparse
import sys

from .common import store_of


def cmd_exclusions_match(args: argparse.Namespace) -> int:
    from directory.services.exclusions import relink

    with store_of(args) as store:
        result = relink(store)
    found: dict[str, int] = {}
    for status in result.status.values():
        found[status] = found.get(status, 0) + 1
    print(
        f"{len(result.status):,} record(s): {found.get('attached', 0):,} attached to a provider, "
        f"{found.get('review', 0):,} waiting for review, {found.get('none', 0):,} naming no provider; "
        f"{len(result.changed):,} changed"
    )
    for name, n in sorted(result.counts.items()):
        print(f"  {name} {n:,}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    group = sub.add_parser("exclusions", help="exclusion-list records (OIG LEIE)").add_subparsers(
        dest="exclusions_command", required=True
    )
    p = group.add_parser("match", help="match every stored exclusion record with the directory again")
    p.set_defaults(func=cmd_exclusions_match)
