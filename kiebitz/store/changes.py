"""How a process learns that another one wrote: a number that moves whenever the data may have changed.

Each process keeps rendered threads (moderation/cache.py) and must drop them
when any worker or instance writes. SQLite counts this itself (``PRAGMA
data_version``), asked at most once in 10 ms per process. PostgreSQL cannot be asked so
cheaply; instead every write transaction sends a NOTIFY (``engine.begin_write``),
delivered on commit, and a listener thread per process counts them, so a read
costs no round trip. While the listener is not connected, every call counts as
a change: no rendering is trusted that a missed notification might have outdated.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine

from kiebitz.store.engine import CHANGES_CHANNEL, sqlite_file

DataVersion = Callable[[], int]


def data_version_of(engine: Engine) -> DataVersion | None:
    """The change counter for this database; None when only this process can write (in-memory SQLite)."""
    if engine.dialect.name == "postgresql":
        return PostgresChanges(engine.url.set(drivername="postgresql").render_as_string(hide_password=False))
    path = sqlite_file(engine)
    return SqliteDataVersion(path) if path else None


class SqliteDataVersion:
    """SQLite's own counter of commits by other connections, on a connection of its own, asked at most once
    every ``FRESH_SECONDS``.

    Every read asks, and each asking takes two ``fcntl`` calls on the WAL's
    shared memory: at 20,000 reads a second that was an eighth to a fifth of
    a worker's request handling (docs/benchmarks.md, "Big, busy threads").
    Another process's write is seen within 10 ms instead of at once; this
    process's own writes are taken in at once anyway (``ThreadCache.invalidate``).
    """

    FRESH_SECONDS = 0.01

    def __init__(self, path: str) -> None:
        self._connection = sqlite3.connect(path, check_same_thread=False)
        self._lock = threading.Lock()
        self._version = 0
        self._asked = -self.FRESH_SECONDS

    def __call__(self) -> int:
        if time.monotonic() - self._asked < self.FRESH_SECONDS:
            return self._version
        with self._lock:
            self._version = int(self._connection.execute("PRAGMA data_version").fetchone()[0])
            self._asked = time.monotonic()
            return self._version


class PostgresChanges:
    """Counts NOTIFYs on the changes channel from a listener thread; reconnects when the server goes away."""

    RECONNECT_SECONDS = 1.0

    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo
        self._count = 0
        self._count_lock = threading.Lock()
        self._listening = False
        self._first_attempt = threading.Event()
        threading.Thread(target=self._listen, name="kiebitz-changes", daemon=True).start()
        self._first_attempt.wait(timeout=10)  # so that a write right after start is not missed

    def __call__(self) -> int:
        if not self._listening:
            self._bump()
        return self._count

    def _bump(self) -> None:
        with self._count_lock:
            self._count += 1

    def _listen(self) -> None:
        import psycopg  # only installed with the postgres extra

        while True:
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANGES_CHANNEL}")
                    self._listening = True
                    self._bump()  # whatever was written while nobody listened
                    self._first_attempt.set()
                    for _ in connection.notifies():
                        self._bump()
            except psycopg.Error:
                pass
            self._listening = False
            self._first_attempt.set()
            time.sleep(self.RECONNECT_SECONDS)
