"""`provnet resolve` and `provnet review`: entity resolution and its review queue."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from directory.model import MatchStatus
from directory.services.matches import Decision, decide
from directory.store import Store

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


def _entity_records(store: Store, page_size: int = 5000) -> Iterator:
    """Every provider in the store with the facts entity resolution compares."""
    from ingest.resolve import from_provider

    for npis in store.provider_npi_pages(page_size):
        records = store.providers(npis)
        locations, taxonomies = store.locations_for(npis), store.taxonomies_for(npis)
        other_names = store.other_names_for(npis)
        for npi in npis:
            record = records[npi]
            record.locations = locations.get(npi, [])
            record.taxonomies = taxonomies.get(npi, [])
            record.other_names = other_names.get(npi, [])
            yield from_provider(record)


def cmd_resolve(args: argparse.Namespace) -> int:
    """Resolve the providers in the store; merges and review pairs are stored with their evidence."""
    from ingest.resolve import ResolveSettings, apply, provider_settings, resolve

    model = (
        ResolveSettings.from_json(Path(args.settings).read_text(encoding="utf-8"))
        if args.settings
        else provider_settings()
    )
    with store_of(args) as store:
        records = list(_entity_records(store))
        # People's earlier decisions are honoured by the new run.
        result = resolve(records, model, decisions=store.matches(limit=None))
        written = apply(store, result)
        merged = len(result.pair_indices(1))
        review = len(result.pair_indices(2))
    print(
        f"{len(records):,} records, {result.n_pairs:,} candidate pairs: {merged:,} merged, "
        f"{review:,} for review; {written:,} decisions stored"
    )
    if args.save_settings:
        Path(args.save_settings).write_text(result.settings.to_json(), encoding="utf-8")
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

    p = sub.add_parser("resolve", help="entity resolution over the providers in the store")
    p.add_argument("--settings", help="ResolveSettings JSON (default: the provider model, trained by EM on this data)")
    p.add_argument("--save-settings", help="write the trained settings here, to reproduce the run")
    p.set_defaults(func=cmd_resolve)
