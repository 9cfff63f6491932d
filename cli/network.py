"""`provnet network`: a network's members as CSV, its history, and the reports
of its owner (members by specialty and county, stale or contradicted
listings, directory accuracy); `provnet benefit-gap`: the benefit gap audit
of plans and networks for employees counted by ZIP. Run by whoever holds the
store (the admin's view); the rules are the services'
(``directory.services.member_export``, ``network_lifecycle``,
``network_reports``, ``benefit_gap``)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from directory.services import adequacy, benefit_gap, member_export, network_lifecycle, network_reports
from directory.services.network_vetting import find_network

from .common import store_of
from .vetting import _today


def _write(text: str, out: str | None) -> None:
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, default=str) + "\n"


def cmd_export(args: argparse.Namespace) -> int:
    today = _today(args)
    started = time.perf_counter()
    with store_of(args) as store:
        network = find_network(store, args.network)
        if args.out:
            with open(args.out, "w", encoding="utf-8", newline="") as f:
                written = member_export.export_all(store, network, today, f)
        else:
            written = member_export.export_all(store, network, today, sys.stdout)
    seconds = time.perf_counter() - started
    print(f"exported {written} member(s) of {network.id} in {seconds:.2f} s", file=sys.stderr)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    with store_of(args) as store:
        events = network_lifecycle.history(store, args.network, limit=args.limit)
    _write(
        _json([{**asdict(e), "kind": e.kind.value, "decision": e.decision and e.decision.value} for e in events]), None
    )
    return 0


def cmd_accuracy(args: argparse.Namespace) -> int:
    today = _today(args)
    started = time.perf_counter()
    with store_of(args) as store:
        found = network_reports.directory_accuracy(store, find_network(store, args.network), today)
    out = {
        "network": found.network.id,
        "as_of": found.as_of.isoformat(),
        "listings": found.listings,
        "fields": [asdict(f) for f in found.fields],
        "fully_verified": found.fully_verified,
        "share_fully_verified": found.share_fully_verified,
        "seconds": round(time.perf_counter() - started, 3),
    }
    _write(_json(out), args.out)
    return 0


def cmd_composition(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    with store_of(args) as store:
        found = network_reports.composition(store, find_network(store, args.network))
    out = {
        "network": found.network.id,
        "members": found.members,
        "by_specialty": dict(found.by_specialty),
        "rows": [asdict(r) for r in found.rows],
        "seconds": round(time.perf_counter() - started, 3),
    }
    _write(_json(out), args.out)
    return 0


def cmd_stale(args: argparse.Namespace) -> int:
    today = _today(args)
    started = time.perf_counter()
    with store_of(args) as store:
        page = network_reports.stale_or_contradicted(
            store, find_network(store, args.network), today, first=args.first, after=args.after
        )
    out = {
        "listings": [
            {
                "npi": i.npi,
                "name": i.display_name,
                "facts": [
                    {
                        "fact": f.fact,
                        "value": f.value,
                        "last_verified": f.last_verified.isoformat(),
                        "verified_by": f.verified_by,
                        "stale": f.stale,
                        "agreement": f.agreement.value,
                    }
                    for f in i.facts
                ],
            }
            for i in page.items
        ],
        "end_cursor": page.end_cursor,
        "has_next_page": page.has_next_page,
        "scanned": page.scanned,
        "seconds": round(time.perf_counter() - started, 3),
    }
    _write(_json(out), args.out)
    return 0


def cmd_benefit_gap(args: argparse.Namespace) -> int:
    employees = benefit_gap.read_employees(args.employees)
    standards = adequacy.read_standards(adequacy.CsvText.of(args.standards)) if args.standards else None
    counties = adequacy.load_counties(args.counties) if args.counties else adequacy.default_counties()
    with store_of(args) as store:
        found = benefit_gap.audit(
            store,
            plan_ids=args.plan,
            network_ids=args.network,
            employees=employees,
            standards=standards or adequacy.default_standards(),
            counties=counties,
            radius_miles=args.radius,
        )
    out = {
        "plans": list(found.plan_ids),
        "networks": list(found.network_ids),
        "employees": found.employees,
        "assessed": found.assessed,
        "distance": found.distance,
        "treatments": [
            {"treatment": t.treatment.value, "covered": t.covered, "share": t.share, "providers": t.providers}
            for t in found.treatments
        ],
        "gaps": [
            {
                "zip": g.zip,
                "state": g.state,
                "county": g.county,
                "county_type": g.county_type,
                "employees": g.employees,
                "max_miles": g.max_miles,
                "missing": [t.value for t in g.missing],
            }
            for g in found.gaps
        ],
        "unlocated": [{"zip": z, "employees": n} for z, n in found.unlocated],
        "unassessed": [{"zip": z, "county": c, "employees": n} for z, c, n in found.unassessed],
    }
    _write(_json(out), args.out)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("network", help="a network's members as CSV, its history and its owner's reports")
    network = p.add_subparsers(dest="network_command", required=True)

    def command(name: str, help_text: str, func, *, today: bool = False, out: bool = True) -> argparse.ArgumentParser:
        c = network.add_parser(name, help=help_text)
        c.add_argument("--network", required=True, help="network id")
        if today:
            c.add_argument("--today", help="judge as of this date (YYYY-MM-DD; default: today, UTC)")
        if out:
            c.add_argument("--out", help="write to this file instead of stdout")
        c.set_defaults(func=func)
        return c

    command("export", "the members as CSV (vetting status judged as of --today)", cmd_export, today=True)
    c = command("history", "the network's events, newest first, as JSON", cmd_history, out=False)
    c.add_argument("--limit", type=int, default=100, help="most events (1 to 1000)")
    command("accuracy", "the directory-accuracy summary as JSON", cmd_accuracy, today=True)
    command("composition", "members by specialty and county as JSON", cmd_composition)
    c = command("stale", "members with stale or contradicted facts, a page as JSON", cmd_stale, today=True)
    c.add_argument("--first", type=int, default=50, help="listings per page (1 to 100)")
    c.add_argument("--after", help="the end_cursor of the previous page")

    b = sub.add_parser(
        "benefit-gap", help="employees within reach of an in-network provider of each TRD treatment, and the gaps"
    )
    b.add_argument("--employees", required=True, help="CSV zip,count (counts by ZIP; employee-level rows refused)")
    b.add_argument("--plan", action="append", default=[], help="a plan id (repeat for more)")
    b.add_argument("--network", action="append", default=[], help="a network id (repeat for more)")
    b.add_argument("--radius", type=float, help="miles (default: the Psychiatry distance of the county type)")
    b.add_argument("--standards", help="adequacy standards CSV (default: bundled)")
    b.add_argument("--counties", help="counties CSV or CMS HSD reference file (default: bundled sample counties)")
    b.add_argument("--out", help="write the JSON report here instead of stdout")
    b.set_defaults(func=cmd_benefit_gap)
