"""`provnet ingest ...` and `provnet quarantine`: load source files, show rejected rows."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from directory import settings

from .common import POLICIES, print_report, progress_printer, refresh_vetting, store_of
from .records import register_loaders


def cmd_ingest_nppes(args: argparse.Namespace) -> int:
    from ingest import ingest_nppes
    from ingest.weekly import check_order, period_of

    path = Path(args.path)
    with store_of(args) as store:
        period = period_of(path.name)
        if period is not None and period.weekly:  # a weekly main file on its own keeps the date order too
            check_order(store, path.name)
        report = ingest_nppes(
            store,
            path,
            scope=args.scope,
            policy=args.policy,
            batch_size=args.batch_size or settings.get_int("batch_size"),
            progress=None if args.quiet else progress_printer(),
        )
    print_report(report)
    return 0


def cmd_ingest_bundle(args: argparse.Namespace) -> int:
    from ingest.bundle import apply_bundle

    with store_of(args) as store:
        report = apply_bundle(
            store,
            Path(args.path),
            scope=args.scope,
            policy=args.policy,
            batch_size=args.batch_size,
            progress=None if args.quiet else progress_printer(),
        )
    print_report(report)
    return 0


def cmd_ingest_weekly(args: argparse.Namespace) -> int:
    from ingest.bundle import apply_weeklies

    with store_of(args) as store:
        reports = apply_weeklies(
            store,
            [Path(p) for p in args.paths],
            scope=args.scope,
            policy=args.policy,
            batch_size=args.batch_size,
        )
    for report in reports:
        print_report(report)
    return 0


def cmd_ingest_deactivations(args: argparse.Namespace) -> int:
    from ingest.sources.deactivation import apply_deactivation_report

    with store_of(args) as store:
        report = apply_deactivation_report(store, Path(args.path), policy=args.policy)
    print_report(report)
    return 0


def cmd_ingest_catalog(args: argparse.Namespace) -> int:
    from ingest.sources.catalog import load_catalog

    with store_of(args) as store:
        report = load_catalog(store, Path(args.path))
        vetted = refresh_vetting(store)
    print_report(report)
    print(vetted, file=sys.stderr)
    return 0


def cmd_ingest_leie(args: argparse.Namespace) -> int:
    from ingest.sources.leie import load_leie

    with store_of(args) as store:
        report = load_leie(
            store, Path(args.path), kind=args.kind, as_of=args.as_of, policy=args.policy, batch_size=args.batch_size
        )
    print_report(report)
    return 0


def cmd_ingest_outcomes(args: argparse.Namespace) -> int:
    from ingest.sources.outcomes import load_outcomes

    with store_of(args) as store:
        report = load_outcomes(store, Path(args.path), source=args.source, as_of=args.as_of, policy=args.policy)
    print_report(report)  # counts only: no figure of any cell is printed
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def cmd_quarantine(args: argparse.Namespace) -> int:
    with store_of(args) as store:
        rows = store.quarantined(args.run, limit=args.limit)
    for row in rows:
        print(f"{row.run_id}\tline {row.line_number}\t{row.reason}\t{row.detail}")
    print(f"{len(rows)} quarantined row(s)", file=sys.stderr)
    return 0


def add_scope(p: argparse.ArgumentParser, default: str) -> None:
    """``--scope default|all``, and ``--all`` for ``--scope all`` (the flag the bundle commands had)."""
    p.add_argument("--scope", choices=["default", "all"], default="default", help=f"default: {default}; all: every row")
    p.add_argument("--all", dest="scope", action="store_const", const="all", help="the same as --scope all")


def register(sub: argparse._SubParsersAction) -> None:
    ingest = sub.add_parser("ingest", help="load source files").add_subparsers(dest="ingest_command", required=True)
    p = ingest.add_parser("nppes", help="ingest an NPPES main file (npidata_pfile_*.csv)")
    p.add_argument("path")
    add_scope(p, "behavioural health and ketamine-capable specialties")
    p.add_argument("--policy", choices=POLICIES, default="quarantine", help="what to do with a bad row")
    p.add_argument("--batch-size", type=int, default=None)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_ingest_nppes)
    p = ingest.add_parser("bundle", help="apply a monthly or weekly NPPES bundle (zip or folder) in order")
    p.add_argument("path")
    add_scope(p, "the behavioural-health scope with the organizations its providers link to")
    p.add_argument("--policy", choices=POLICIES, default="quarantine")
    p.add_argument("--batch-size", type=int, default=None)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_ingest_bundle)
    p = ingest.add_parser("weekly", help="apply weekly NPPES bundles on top of the monthly load, in date order")
    p.add_argument("paths", nargs="+")
    add_scope(p, "the behavioural-health scope with the organizations its providers link to")
    p.add_argument("--policy", choices=POLICIES, default="quarantine")
    p.add_argument("--batch-size", type=int, default=None)
    p.set_defaults(func=cmd_ingest_weekly)
    p = ingest.add_parser("deactivations", help="apply the monthly NPPES deactivation report (.xlsx or its zip)")
    p.add_argument("path")
    p.add_argument("--policy", choices=POLICIES, default="quarantine")
    p.set_defaults(func=cmd_ingest_deactivations)
    p = ingest.add_parser(
        "catalog", help="load treatments, access facts, credentials, payers, plans and networks (JSON)"
    )
    p.add_argument("path")
    p.set_defaults(func=cmd_ingest_catalog)
    register_loaders(ingest)

    p = ingest.add_parser(
        "leie", help="load the OIG LEIE: UPDATED.csv, or a monthly supplement YYMMEXCL.csv / YYMMREIN.csv"
    )
    p.add_argument("path")
    p.add_argument(
        "--kind",
        choices=["full", "exclusions", "reinstatements"],
        help="what the file is, when its name does not say (UPDATED.csv, YYMMEXCL.csv, YYMMREIN.csv)",
    )
    p.add_argument(
        "--as-of",
        type=_day,
        help="the date the file speaks for (default: a supplement's month end, else the file's modification date)",
    )
    p.add_argument("--policy", choices=POLICIES, default="quarantine", help="what to do with a bad row")
    p.add_argument("--batch-size", type=int, default=None)
    p.set_defaults(func=cmd_ingest_leie)
    p = ingest.add_parser("outcomes", help="load outcome and alliance aggregates per provider and period (CSV)")
    p.add_argument("path")
    p.add_argument("--source", default="outcomes", help="who reported them, kept as the evidence source")
    p.add_argument("--as-of", type=_day, help="the date the file speaks for (default: its modification date)")
    p.add_argument("--policy", choices=POLICIES, default="quarantine", help="what to do with a bad row")
    p.set_defaults(func=cmd_ingest_outcomes)

    p = sub.add_parser("quarantine", help="list quarantined rows")
    p.add_argument("--run", help="only this ingest run")
    p.add_argument("--limit", type=int, default=100)
    p.set_defaults(func=cmd_quarantine)
