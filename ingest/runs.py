"""Run books shared by the loaders of a bundle's files (other than the main
file, whose pipeline keeps its own): a run per (source, file fingerprint),
reopened after a crash from its checkpoint, or from the start when the same
file is loaded again (so loading twice leaves the books as loading once)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from directory.model import IngestRun
from directory.store.base import RunCheckpoint, Store

from .pipeline import fingerprint
from .zipped import member_fingerprint


def file_key(path: str | os.PathLike[str], member: str | None = None) -> str:
    """Cheap identity of a file or of a zip member (see ``pipeline.fingerprint``)."""
    return fingerprint(Path(path)) if member is None else member_fingerprint(path, member)


def open_run(store: Store, source: str, file_name: str, key: str) -> IngestRun:
    """Start the run of a file or reopen the earlier run of the same file:
    an unfinished one at its checkpoint, a completed one from the start."""
    fresh = IngestRun(
        run_id=f"{source}-{key[:16]}",
        source=source,
        file_name=file_name,
        file_sha256=key,
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        finished_at=None,
        status="running",
        counts={},
    )
    previous = next((r for r in store.runs(source) if r.run_id == fresh.run_id), None)
    if previous is not None and previous.status == "completed":
        store.upsert_providers([], checkpoint=RunCheckpoint(fresh.run_id, 0, {}))
        store.finish_run(fresh.run_id, "running", {})
    return store.start_run(fresh)
