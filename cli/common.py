"""What every command shares: the store option, exit codes, progress and reports."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from directory.store import Store, open_store

SAMPLE_DIR = Path("data/sample")
EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1
POLICIES = ["quarantine", "fail-fast", "ignore"]


def store_of(args: argparse.Namespace) -> Store:
    return open_store(args.store)


def refresh_vetting(store: Store) -> str:
    """After a load of facts: the vetted networks' results brought up to date (the ones that changed recorded)."""
    from datetime import UTC, datetime

    from directory.services.network_vetting import refresh

    return refresh(store, None, datetime.now(UTC).date()).summary()


def progress_printer(stream: TextIO = sys.stderr) -> Callable[[Any], None]:
    """A progress printer for long ingests: one line, rewritten in place."""
    started = time.monotonic()

    def report(snapshot: Any) -> None:
        rate = snapshot.read / max(time.monotonic() - started, 1e-9)
        print(
            f"\r  read {snapshot.read:,}  loaded {snapshot.loaded:,}  filtered {snapshot.filtered_total:,}  "
            f"quarantined {snapshot.quarantined_total:,}  ({rate:,.0f} rows/s)",
            end="",
            file=stream,
            flush=True,
        )

    return report


def print_report(report: Any) -> None:
    print(file=sys.stderr)
    print(report.summary() if hasattr(report, "summary") else report)


def as_dict(record: Any) -> dict[str, Any]:
    """A dataclass record as a plain dict (slots dataclasses have no __dict__)."""
    return {f: getattr(record, f) for f in record.__dataclass_fields__}
