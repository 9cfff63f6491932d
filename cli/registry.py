"""`provnet npi-registry`: refresh providers from the NPI Registry API."""

from __future__ import annotations

import argparse

from .common import POLICIES, print_report, store_of


def cmd_npi_fetch(args: argparse.Namespace) -> int:
    from ingest.npi_registry import NpiRegistryClient
    from ingest.sources.npi_registry import sync_with_registry

    with NpiRegistryClient() as client, store_of(args) as store:
        report = sync_with_registry(store, client, args.npis, policy=args.policy)
    print_report(report)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("npi-registry", help="refresh providers from the NPI Registry API")
    p.add_argument("npis", nargs="+", metavar="NPI")
    p.add_argument("--policy", choices=POLICIES, default="quarantine", help="what to do with an NPI whose lookup fails")
    p.set_defaults(func=cmd_npi_fetch)
