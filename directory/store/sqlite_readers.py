"""Read connections of the embedded store: one per thread.

WAL lets readers run beside each other and beside the writer, each on a
snapshot of the last commit; a single connection behind a lock made every
read of every request wait its turn (16 concurrent clients queued on it). So
reads open a connection of their own per thread, on first use, and writes keep
the one connection behind the lock (SQLite allows one writer at a time anyway).
A read that starts after a write committed sees it. An in-memory database
exists only in its own connection, so ``:memory:`` stores read through the
writer's connection as before.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable

from ..errors import StoreUnavailable

#: Pragmas of a read connection: no write settings; a smaller page cache each
#: (there is one per thread) and memory-mapped reads, which share the OS page cache.
READER_PRAGMAS = (
    "PRAGMA busy_timeout=15000",
    "PRAGMA cache_size=-65536",  # 64 MiB
    "PRAGMA mmap_size=2147483648",  # up to 2 GiB of the file mapped: reads copy no pages
)


class Readers:
    """The read connection of each thread, opened by ``connect`` on first use; closed together."""

    def __init__(self, connect: Callable[[], sqlite3.Connection]) -> None:
        self._connect = connect
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[sqlite3.Connection] = []
        self._closed = False

    def get(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            with self._lock:
                if self._closed:
                    raise StoreUnavailable("the SQLite store is closed")
                conn = self._connect()
                for pragma in READER_PRAGMAS:
                    conn.execute(pragma)
                self._open.append(conn)
            self._local.conn = conn
        elif self._closed:
            raise StoreUnavailable("the SQLite store is closed")
        return conn

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for conn in self._open:
                conn.close()  # check_same_thread=False: any thread may close them
            self._open.clear()
