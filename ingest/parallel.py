"""Run the read, screen and validate stages in a child process.

Parsing 330 quoted columns and normalizing in-scope rows is CPU work that does
not need the store, so on a machine with two cores a forked child does it while
the parent writes batches. Outcomes travel in chunks over a pipe; the pipe's
small buffer is the back-pressure that keeps memory bounded. Rows cross without
their field lists (the writer needs only line numbers, and raw text for rows
it keeps in quarantine).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from queue import Full, Queue

from directory.model import Evidence

from .normalize import ZipGeocoder
from .nppes import MainFile, RawRow
from .prescreen import out_of_scope_test
from .scope import Scope
from .stages import Kind, Outcome, screen, validate

log = logging.getLogger(__name__)

#: Outcomes per message; a filtered outcome stands for up to FILTER_RUN rows.
CHUNK = 256
#: Messages the parent holds while it writes: about 60 MB, a million rows ahead.
BUFFERED_MESSAGES = 1000
_EOF = object()
#: Files smaller than this are read in-process: a child is not worth starting.
MIN_PARALLEL_BYTES = 64 << 20


def available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) >= 2


def worth_it(path: Path) -> bool:
    return available() and path.stat().st_size >= MIN_PARALLEL_BYTES


class _Failure:
    """An exception raised in the child, carried to the parent."""

    def __init__(self, error: BaseException):
        self.error = error


def _slim(kind: int, row: RawRow, payload: object) -> RawRow:
    keep_raw = kind == Kind.REJECT or (kind == Kind.LOAD and payload[1])  # type: ignore[index]
    return RawRow(row.line, row.end_line, [], row.raw if keep_raw else "", row.problem)


def _child(
    conn, path: Path, scope: Scope, evidence: Evidence, today: date, resume_line: int, member: str | None = None
) -> None:
    try:
        with MainFile(path, member) as main:
            rows = main.rows(skip=out_of_scope_test(main.columns, scope))
            screened = screen(rows, main.columns, scope.matcher(main.columns), resume_line=resume_line)
            chunk: list[Outcome] = []
            for kind, row, payload in validate(
                screened, main.columns, evidence, today, resume_line=resume_line, geocode=ZipGeocoder()
            ):
                chunk.append((kind, _slim(kind, row, payload), payload))
                if len(chunk) >= CHUNK:
                    conn.send(chunk)
                    chunk = []
            if chunk:
                conn.send(chunk)
        conn.send(None)
    except BaseException as exc:  # noqa: BLE001 - every failure must reach the parent
        try:
            conn.send(_Failure(exc))
        except Exception:  # the exception itself may not pickle
            conn.send(_Failure(RuntimeError(f"ingest worker failed: {exc!r}")))
    finally:
        conn.close()


def _receive(receive, queue: Queue, stop: threading.Event) -> None:
    """Move raw messages from the pipe into ``queue`` as they come, so the child
    keeps reading while the writer commits a batch (the pipe alone holds only
    a few hundred rows). Unpickling is left to the consumer."""
    while not stop.is_set():
        try:
            item: object = receive.recv_bytes()
        except (EOFError, OSError):
            item = _EOF
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.5)
                break
            except Full:
                continue
        if item is _EOF:
            return


def outcomes_from_child(
    path: Path, scope: Scope, evidence: Evidence, today: date, *, resume_line: int = 0, member: str | None = None
) -> Iterator[Outcome]:
    """The outcomes ``validate(screen(rows))`` would yield, computed in a forked child."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(send, path, scope, evidence, today, resume_line, member), name="nppes-reader", daemon=True
    )
    child.start()
    send.close()
    queue: Queue = Queue(maxsize=BUFFERED_MESSAGES)
    stop = threading.Event()
    receiver = threading.Thread(target=_receive, args=(receive, queue, stop), name="nppes-receiver", daemon=True)
    receiver.start()
    try:
        while True:
            data = queue.get()
            if data is _EOF:
                raise RuntimeError(f"ingest worker ended without finishing (exit code {child.exitcode})")
            message = pickle.loads(data)
            if message is None:
                return
            if isinstance(message, _Failure):
                raise message.error
            yield from message
    finally:
        stop.set()
        if child.is_alive():
            child.terminate()
        child.join()
        receiver.join()
        receive.close()
