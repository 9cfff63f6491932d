"""The `provnet` command: one small function per command.

Each parses its options, calls the library and turns a ProvnetError into a
message on stderr and a non-zero exit status. Only this module configures logging.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from . import settings
from .errors import ConfigurationError, InputError, NotFound, ProvnetError
from .model import MatchStatus
from .store import Store, open_store

log = logging.getLogger("provnet")

SAMPLE_DIR = Path("data/sample")
EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1


def _store(args: argparse.Namespace) -> Store:
    return open_store(args.store)


def _progress(stream=sys.stderr) -> Callable:
    """A progress printer for long ingests: one line, rewritten in place."""
    started = time.monotonic()

    def report(snapshot) -> None:
        rate = snapshot.read / max(time.monotonic() - started, 1e-9)
        print(f"\r  read {snapshot.read:,}  loaded {snapshot.loaded:,}  filtered {snapshot.filtered_total:,}  "
              f"quarantined {snapshot.quarantined_total:,}  ({rate:,.0f} rows/s)", end="", file=stream, flush=True)

    return report


def _print_report(report) -> None:
    print(file=sys.stderr)
    print(report.summary() if hasattr(report, "summary") else report)


# ------------------------------------------------------------------ commands
def cmd_db_init(args) -> int:
    with _store(args) as store:
        from ingest import load_taxonomies

        n = load_taxonomies(store)
        print(f"{store.backend} store ready; {n} NUCC taxonomy codes loaded")
    return 0


def cmd_db_status(args) -> int:
    with _store(args) as store:
        counts = store.counts()
        runs = store.runs()
    print(json.dumps({"counts": counts, "runs": [r.__dict__ if hasattr(r, "__dict__") else _run_dict(r) for r in runs]},
                     indent=2, default=str))
    return 0


def _run_dict(run) -> dict:
    return {f: getattr(run, f) for f in run.__dataclass_fields__}


def cmd_ingest_nppes(args) -> int:
    from ingest import ingest_nppes
    from ingest.weekly import check_order, period_of

    path = Path(args.path)
    with _store(args) as store:
        period = period_of(path.name)
        if period is not None and period.weekly:  # a weekly main file on its own keeps the date order too
            check_order(store, path.name)
        report = ingest_nppes(
            store,
            path,
            scope=args.scope,
            policy=args.policy,
            batch_size=args.batch_size or settings.get_int("batch_size"),
            progress=None if args.quiet else _progress(),
        )
    _print_report(report)
    return 0


def cmd_ingest_bundle(args) -> int:
    from ingest.bundle import apply_bundle

    with _store(args) as store:
        report = apply_bundle(store, Path(args.path), scope="all" if args.all else "default", policy=args.policy,
                              batch_size=args.batch_size, progress=None if args.quiet else _progress())
    _print_report(report)
    return 0


def cmd_ingest_weekly(args) -> int:
    from ingest.bundle import apply_weeklies

    with _store(args) as store:
        reports = apply_weeklies(store, [Path(p) for p in args.paths], scope="all" if args.all else "default",
                                 policy=args.policy, batch_size=args.batch_size)
    for report in reports:
        _print_report(report)
    return 0


def cmd_ingest_deactivations(args) -> int:
    from ingest.deactivation import apply_deactivation_report

    with _store(args) as store:
        report = apply_deactivation_report(store, Path(args.path), policy=args.policy)
    _print_report(report)
    return 0


def cmd_ingest_catalog(args) -> int:
    from ingest.catalog import load_catalog

    with _store(args) as store:
        report = load_catalog(store, Path(args.path))
    _print_report(report)
    return 0


def cmd_sample_generate(args) -> int:
    from ingest.sample import generate_sample

    manifest = generate_sample(Path(args.out), seed=args.seed)
    print(f"sample written to {args.out}")
    print(json.dumps(manifest if isinstance(manifest, dict) else _run_dict(manifest), indent=2, default=str))
    return 0


def cmd_sample_load(args) -> int:
    """Load the bundled sample through the real ingest: NPPES file, then the catalog."""
    from ingest import ingest_nppes
    from ingest.catalog import load_catalog

    folder = Path(args.dir)
    nppes_files = sorted(folder.glob("npidata_pfile_*.csv"))
    nppes_files = [p for p in nppes_files if not p.name.endswith("_fileheader.csv")]
    if not nppes_files:
        raise InputError(f"no npidata_pfile_*.csv in {folder}; run `provnet sample generate` first")
    with _store(args) as store:
        for path in nppes_files:
            print(f"ingesting {path}", file=sys.stderr)
            _print_report(ingest_nppes(store, path, scope="all", progress=None))
        _print_report(load_catalog(store, folder / "catalog.json"))
        print(json.dumps(store.counts(), indent=2))
    return 0


def cmd_serve(args) -> int:
    import uvicorn

    from schema import create_app

    store = _store(args)
    app = create_app(store)
    host = args.host or settings.get("host")
    port = args.port or settings.get_int("port")
    print(f"provnet GraphQL on http://{host}:{port}/graphql ({store.backend} store)", file=sys.stderr)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        store.close()
    return 0


def cmd_export_schema(args) -> int:
    from schema import export_sdl

    sdl = export_sdl()
    out = Path(args.out)
    if args.check:
        current = out.read_text(encoding="utf-8") if out.exists() else ""
        if current != sdl:
            print(f"{out} is out of date: run `provnet export-schema`", file=sys.stderr)
            return EXIT_FAILURE
        print(f"{out} is up to date")
        return 0
    out.write_text(sdl, encoding="utf-8")
    print(f"wrote {out}")
    return 0


def cmd_quarantine(args) -> int:
    with _store(args) as store:
        rows = store.quarantined(args.run, limit=args.limit)
    for row in rows:
        print(f"{row.run_id}\tline {row.line_number}\t{row.reason}\t{row.detail}")
    print(f"{len(rows)} quarantined row(s)", file=sys.stderr)
    return 0


def cmd_review_list(args) -> int:
    with _store(args) as store:
        pending = store.matches(status=MatchStatus.REVIEW, limit=args.limit)
    for m in pending:
        agreement = ", ".join(f"{k}={v}" for k, v in sorted(m.agreement.items()))
        print(f"{m.match_id}\t{m.left} ~ {m.right}\tp={m.probability:.3f}\t{agreement}")
    print(f"{len(pending)} pair(s) waiting for review", file=sys.stderr)
    return 0


def cmd_review_decide(args) -> int:
    from ingest.resolve import decide, undo

    with _store(args) as store:
        if args.review_command == "undo":
            m = undo(store, args.match_id, args.by)
        else:
            m = decide(store, args.match_id, accept=args.review_command == "accept", by=args.by)
    print(f"{m.match_id}: {m.status.value} by {m.decided_by}")
    return 0


def _entity_records(store: Store, page_size: int = 5000):
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


def cmd_resolve(args) -> int:
    """Resolve the providers in the store; merges and review pairs are stored with their evidence."""
    from ingest.resolve import ResolveSettings, apply, provider_settings, resolve

    model = ResolveSettings.from_json(Path(args.settings).read_text(encoding="utf-8")) if args.settings \
        else provider_settings()
    with _store(args) as store:
        records = list(_entity_records(store))
        # People's earlier decisions are honoured by the new run.
        result = resolve(records, model, decisions=store.matches(limit=None))
        written = apply(store, result)
        merged = len(result.pair_indices(1))
        review = len(result.pair_indices(2))
    print(f"{len(records):,} records, {result.n_pairs:,} candidate pairs: {merged:,} merged, "
          f"{review:,} for review; {written:,} decisions stored")
    if args.save_settings:
        Path(args.save_settings).write_text(result.settings.to_json(), encoding="utf-8")
        print(f"trained settings written to {args.save_settings}")
    return 0


def cmd_npi_fetch(args) -> int:
    from ingest.npi_registry import NpiRegistryClient, sync_with_registry

    client = NpiRegistryClient()
    with _store(args) as store:
        report = sync_with_registry(store, client, args.npis)
    _print_report(report)
    return 0


# ------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="provnet", description="Provider-network vetting and directory service.")
    parser.add_argument("--store", help="store URL (default: PROVNET_STORE or sqlite:///./data/provnet.db)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="store administration").add_subparsers(dest="db_command", required=True)
    db.add_parser("init", help="create the schema and load the NUCC code set").set_defaults(func=cmd_db_init)
    db.add_parser("status", help="record counts and ingest runs").set_defaults(func=cmd_db_status)

    ingest = sub.add_parser("ingest", help="load source files").add_subparsers(dest="ingest_command", required=True)
    p = ingest.add_parser("nppes", help="ingest an NPPES main file (npidata_pfile_*.csv)")
    p.add_argument("path")
    p.add_argument("--scope", choices=["default", "all"], default="default",
                   help="default: behavioural health and ketamine-capable specialties; all: every row")
    p.add_argument("--policy", choices=["quarantine", "fail-fast", "ignore"], default="quarantine",
                   help="what to do with a bad row")
    p.add_argument("--batch-size", type=int, default=None)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_ingest_nppes)
    p = ingest.add_parser("bundle", help="apply a monthly or weekly NPPES bundle (zip or folder) in order")
    p.add_argument("path")
    p.add_argument("--all", action="store_true", help="load every row (default: the behavioural-health scope "
                   "with the organizations its providers link to)")
    p.add_argument("--policy", choices=["quarantine", "fail-fast", "ignore"], default="quarantine")
    p.add_argument("--batch-size", type=int, default=None)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_ingest_bundle)
    p = ingest.add_parser("weekly", help="apply weekly NPPES bundles on top of the monthly load, in date order")
    p.add_argument("paths", nargs="+")
    p.add_argument("--all", action="store_true", help="load every row")
    p.add_argument("--policy", choices=["quarantine", "fail-fast", "ignore"], default="quarantine")
    p.add_argument("--batch-size", type=int, default=None)
    p.set_defaults(func=cmd_ingest_weekly)
    p = ingest.add_parser("deactivations", help="apply the monthly NPPES deactivation report (.xlsx or its zip)")
    p.add_argument("path")
    p.add_argument("--policy", choices=["quarantine", "fail-fast", "ignore"], default="quarantine")
    p.set_defaults(func=cmd_ingest_deactivations)
    p = ingest.add_parser("catalog", help="load treatments, access facts, credentials, payers, plans and networks (JSON)")
    p.add_argument("path")
    p.set_defaults(func=cmd_ingest_catalog)

    sample = sub.add_parser("sample", help="the bundled sample").add_subparsers(dest="sample_command", required=True)
    p = sample.add_parser("generate", help="regenerate the deterministic sample")
    p.add_argument("--out", default=str(SAMPLE_DIR))
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(func=cmd_sample_generate)
    p = sample.add_parser("load", help="load the sample through the real ingest")
    p.add_argument("--dir", default=str(SAMPLE_DIR))
    p.set_defaults(func=cmd_sample_load)

    p = sub.add_parser("serve", help="serve GraphQL (GraphiQL at /graphql)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("export-schema", help="write the GraphQL SDL")
    p.add_argument("--out", default="schema/schema.graphql")
    p.add_argument("--check", action="store_true", help="fail if the file differs instead of writing it")
    p.set_defaults(func=cmd_export_schema)

    p = sub.add_parser("quarantine", help="list quarantined rows")
    p.add_argument("--run", help="only this ingest run")
    p.add_argument("--limit", type=int, default=100)
    p.set_defaults(func=cmd_quarantine)

    review = sub.add_parser("review", help="entity-resolution review queue").add_subparsers(
        dest="review_command", required=True)
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

    p = sub.add_parser("npi-registry", help="refresh providers from the NPI Registry API")
    p.add_argument("npis", nargs="+")
    p.set_defaults(func=cmd_npi_fetch)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.DEBUG if args.verbose else getattr(logging, (settings.get("log_level") or "INFO").upper(), logging.INFO)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        return args.func(args)
    except FileNotFoundError as exc:
        print(f"provnet: error: file not found: {exc.filename or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (InputError, NotFound, ConfigurationError) as exc:
        print(f"provnet: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ProvnetError as exc:
        print(f"provnet: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("provnet: interrupted; re-run the same command to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
