"""`provnet npi-registry`: refresh providers from the NPI Registry API."""

from __future__ import annotations

import argparse

from .common import print_report, store_of


def cmd_npi_fetch(args: argparse.Namespace) -> int:
    from ingest.npi_registry import NpiRegistryClient, sync_with_registry  # type: ignore[attr-defined]

    client = NpiRegistryClient()
    with store_of(args) as store:
        report = sync_with_registry(store, client, args.npis)
    print_report(report)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("npi-registry", help="refresh providers from the NPI Registry API")
    p.add_argument("npis", nargs="+")
    p.set_defaults(func=cmd_npi_fetch)
