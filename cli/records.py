"""`provnet ingest roster|licenses|sites`: load a source's file of records
through its column mapping, then bring the source's facts in line with the
links already decided (`provnet resolve` links new records)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from .common import POLICIES, print_report, store_of


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _load(args: argparse.Namespace, source_class, **extra) -> int:
    from ingest.materialise import materialise
    from ingest.sources.base import load

    source = source_class(
        Path(args.path),
        Path(args.mapping),
        args.source,
        as_of=args.as_of,
        method=args.method,
        confidence=args.confidence,
        sheet=args.sheet,
        **extra,
    )
    with store_of(args) as store:
        report = load(store, source, policy=args.policy)
        facts = materialise(store, [source.name])
    print_report(report)
    print(facts.summary(), file=sys.stderr)
    return 0


def cmd_ingest_roster(args: argparse.Namespace) -> int:
    from ingest.sources.roster import Roster

    return _load(args, Roster)


def cmd_ingest_licenses(args: argparse.Namespace) -> int:
    from ingest.sources.licences import Licences

    return _load(args, Licences)


def cmd_ingest_sites(args: argparse.Namespace) -> int:
    from ingest.sources.sites import Sites

    return _load(args, Sites, kind=args.kind)


def register_loaders(ingest: argparse._SubParsersAction) -> None:
    """The three commands, under `provnet ingest`."""
    loaders = (
        ("roster", "a roster (CSV or XLSX): one row per provider, location and network", cmd_ingest_roster),
        ("licenses", "a state licence board file (CSV or XLSX): one row per licence", cmd_ingest_licenses),
        ("sites", "a list of TMS, esketamine REMS or IV ketamine sites (CSV or XLSX)", cmd_ingest_sites),
    )
    for name, text, func in loaders:
        p = ingest.add_parser(name, help=text)
        p.add_argument("path")
        if name == "sites":
            p.add_argument("--kind", required=True, choices=["tms", "esketamine_rems", "iv_ketamine"])
        p.add_argument("--mapping", required=True, help="the JSON column mapping of the file")
        p.add_argument("--source", required=True, help="the source's name: its records are source:record_id")
        p.add_argument("--as-of", type=_day, help="the date the file speaks for (default: its modification date)")
        p.add_argument("--method", help="how the source got its data (default: roster, licence_board, site_list)")
        p.add_argument("--confidence", type=float, help="the source's confidence, 0..1 (default by kind)")
        p.add_argument("--sheet", help="the sheet of an XLSX file (default: the first)")
        p.add_argument("--policy", choices=POLICIES, default="quarantine", help="what to do with a bad row")
        p.set_defaults(func=func)
