"""`provnet resolve` and `provnet review`: entity resolution and its review queue."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from directory.model import MatchStatus
from directory.services.matches import Decision, decide

from .common import store_of


def cmd_review_list(args: argparse.Namespace) -> int:
    with store_of(args) as store:
        pending = store.matches(status=MatchStatus.REVIEW, limit=args.limit)
    for m in pending:
        agreement = ", ".join(f"{k}={v}" for k, v in sorted(m.agreement.items()))
        print(f"{m.match_id}\t{m.left} ~ {m.right}\tp={m.probability:.3f}\t{agreement}")
    print(f"{len(pending)} pair(s) waiting for review", file=sys.stderr)
    return 0


_DECISIONS = {"accept": Decision.MERGE, "reject": Decision.REJECT, "undo": Decision.UNDO}


def cmd_review_decide(args: argparse.Namespace) -> int:
    with store_of(args) as store:
        m = decide(store, args.match_id, _DECISIONS[args.review_command], args.by)
    print(f"{m.match_id}: {m.status.value} by {m.decided_by}")
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    """Resolve every record of every source with the providers in the store; see ingest.resolve.run."""
    from ingest.resolve import ResolveSettings
    from ingest.resolve.run import export_links, resolve_store

    model = ResolveSettings.from_json(Path(args.settings).read_text(encoding="utf-8")) if args.settings else None
    with store_of(args) as store:
        report = resolve_store(store, model)
        if args.export:
            written = export_links(store, args.export)
    print(report.summary())
    if args.export:
        print(f"{written:,} links written to {args.export}")
    if args.save_settings and report.result is not None:
        Path(args.save_settings).write_text(report.result.settings.to_json(), encoding="utf-8")
        print(f"trained settings written to {args.save_settings}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    review = sub.add_parser("review", help="entity-resolution review queue").add_subparsers(
        dest="review_command", required=True
    )
    p = review.add_parser("list", help="pairs waiting for a decision")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_review_list)
    for name, text in (("accept", "merge the pair"), ("reject", "keep the pair apart"), ("undo", "reverse a merge")):
        p = review.add_parser(name, help=text)
        p.add_argument("match_id")
        p.add_argument("--by", default="cli", help="who decided (kept with the decision)")
        p.set_defaults(func=cmd_review_decide)

    p = sub.add_parser(
        "resolve", help="entity resolution over the providers in the store and every current record of every source"
    )
    p.add_argument("--settings", help="ResolveSettings JSON (default: the provider model, trained by EM on this data)")
    p.add_argument("--save-settings", help="write the trained settings here, to reproduce the run")
    p.add_argument("--export", help="write source,record_id,entity_id of every record here (CSV)")
    p.set_defaults(func=cmd_resolve)
