"""`provnet adequacy`: network adequacy of one network for a members file."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from directory.errors import InputError
from directory.services import adequacy

from .common import store_of


def _write(path: str, text: str | bytes) -> None:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        out.write_bytes(text)
    else:
        out.write_text(text, encoding="utf-8")


def cmd_adequacy(args: argparse.Namespace) -> int:
    started = time.monotonic()
    members = adequacy.read_members(args.members)
    standards = (
        adequacy.read_standards(adequacy.CsvText.of(args.standards)) if args.standards else adequacy.default_standards()
    )
    counties = adequacy.load_counties(args.counties) if args.counties else adequacy.default_counties()
    specialties = (
        adequacy.read_specialties(adequacy.CsvText.of(args.specialties))
        if args.specialties
        else adequacy.default_specialties()
    )
    if args.map and not args.map_county:
        raise InputError("--map needs --map-county STATE:COUNTY (e.g. 'NY:New York County')")
    travel, speeds = adequacy.travel_from_settings()
    today = datetime.now(UTC).date()
    with store_of(args) as store:
        result = adequacy.assess(
            store,
            args.network,
            members=members,
            standards=standards,
            counties=counties,
            specialties=specialties,
            travel=travel,
            speeds=speeds,
            today=today,
        )
    report = adequacy.report_dict(
        result, members=members, standards=standards, counties=counties, specialties=specialties, today=today
    )
    _write(args.out, json.dumps(report, indent=2) + "\n")
    if args.csv:
        _write(args.csv, adequacy.to_csv(adequacy.csv_rows(result), adequacy.CSV_COLUMNS))
    if args.hsd:
        _write(args.hsd, adequacy.to_csv(adequacy.hsd_rows(result), adequacy.HSD_COLUMNS))
    if args.map:
        from directory.services.adequacy.maps import county_map_png

        state, _, county = args.map_county.partition(":")
        specialty = args.map_specialty or standards.specialties[0]
        _write(args.map, county_map_png(result, state.strip(), county.strip(), specialty))
    s = report["summary"]
    print(
        f"network {args.network}: {s['cells']} county x specialty results, {s['passed']} passed, {s['failed']} failed "
        f"({s['members_assessed']:,} members assessed) in {time.monotonic() - started:.1f} s; report in {args.out}",
        file=sys.stderr,
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "adequacy",
        help="network adequacy (42 CFR 422.116) of a network for a members file",
        description="Time and distance and minimum numbers per county and specialty, the gaps, and the "
        "providers of the directory that close them.",
    )
    p.add_argument("--network", required=True, help="network id")
    p.add_argument("--members", required=True, help="CSV: zip,count or member_id,zip")
    p.add_argument(
        "--standards", help="CSV: specialty,county_type,max_minutes,max_miles,min_per_1000 (default: bundled)"
    )
    p.add_argument(
        "--counties", help="CSV state,county,county_type, or the CMS HSD reference file (.xlsx or a sheet as CSV)"
    )
    p.add_argument("--specialties", help="CSV: taxonomy_code,specialty (default: bundled NUCC mapping)")
    p.add_argument("--out", required=True, help="where to write the JSON report")
    p.add_argument("--csv", help="also write the table per county and specialty here")
    p.add_argument("--hsd", help="also write the HSD-style provider table here")
    p.add_argument("--map", help="also write a PNG map of one county here (with --map-county)")
    p.add_argument("--map-county", help="STATE:COUNTY for --map, e.g. 'NY:New York County'")
    p.add_argument("--map-specialty", help="specialty for --map (default: the first of the standards)")
    p.set_defaults(func=cmd_adequacy)
