"""`provnet sample`: regenerate the bundled sample, or load it through the real ingest."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .common import SAMPLE_DIR, as_dict, print_report, refresh_vetting, store_of


def cmd_sample_generate(args: argparse.Namespace) -> int:
    from ingest.sample import generate_sample

    manifest = generate_sample(Path(args.out), seed=args.seed)
    print(f"sample written to {args.out}")
    print(json.dumps(manifest if isinstance(manifest, dict) else as_dict(manifest), indent=2, default=str))
    return 0


def cmd_sample_load(args: argparse.Namespace) -> int:
    """Load the bundled sample through the real ingest: NPPES file, the catalog,
    the files of records (roster, licence board, TMS and REMS lists), then resolve."""
    from ingest.sample.load import load_sample

    folder = Path(args.dir)
    with store_of(args) as store:
        if args.if_empty and store.counts().get("providers", 0) > 0:
            print("the store already holds providers: sample not loaded (--if-empty)", file=sys.stderr)
            return 0
        reports, resolved = load_sample(store, folder)
        for report in reports:
            print_report(report)
        print(resolved.summary(), file=sys.stderr)
        print(refresh_vetting(store), file=sys.stderr)
        print(json.dumps(store.counts(), indent=2))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    sample = sub.add_parser("sample", help="the bundled sample").add_subparsers(dest="sample_command", required=True)
    p = sample.add_parser("generate", help="regenerate the deterministic sample")
    p.add_argument("--out", default=str(SAMPLE_DIR))
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(func=cmd_sample_generate)
    p = sample.add_parser("load", help="load the sample through the real ingest")
    p.add_argument("--dir", default=str(SAMPLE_DIR))
    p.add_argument(
        "--if-empty", action="store_true", help="load only into a store that holds no providers (a first start)"
    )
    p.set_defaults(func=cmd_sample_load)
