"""`provnet db`: create the schema, show what the store holds."""

from __future__ import annotations

import argparse
import json

from .common import as_dict, store_of


def cmd_db_init(args: argparse.Namespace) -> int:
    from ingest import load_taxonomies

    with store_of(args) as store:
        n = load_taxonomies(store)
        print(f"{store.backend} store ready; {n} NUCC taxonomy codes loaded")
    return 0


def cmd_db_status(args: argparse.Namespace) -> int:
    with store_of(args) as store:
        counts = store.counts()
        runs = store.runs()
        sources = store.record_sources()
    status = {"counts": counts, "record_sources": [as_dict(s) for s in sources], "runs": [as_dict(r) for r in runs]}
    print(json.dumps(status, indent=2, default=str))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    db = sub.add_parser("db", help="store administration").add_subparsers(dest="db_command", required=True)
    db.add_parser("init", help="create the schema and load the NUCC code set").set_defaults(func=cmd_db_init)
    db.add_parser("status", help="record counts, sources of records and ingest runs").set_defaults(func=cmd_db_status)
