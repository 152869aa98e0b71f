"""Write transactions: one writer at a time, within a process and across processes.

SQLite lets one connection write at a time; Kiebitz queues its writers itself
(a thread lock, then an flock beside the database file) instead of leaving
them to SQLite's busy handler, and does the slow part of a commit, the fsync,
after both locks are let go. On PostgreSQL the thread lock stays, and
``begin_write`` takes an advisory lock that orders writers across processes
and instances the same way.
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from kiebitz.store.engine import begin_write


class WriteTransaction:
    """``with WriteTransaction(...) as db:`` holds both write locks around one transaction.

    It commits when the block ends (or rolls back on an error), lets go of the
    locks, and only then runs ``after`` (the fsync and a checkpoint now and
    then), so that no other writer waits for the disk.
    """

    def __init__(
        self, engine: Engine, thread_lock: threading.Lock, process_lock: ProcessLock, after: Callable[[], None] | None,
    ) -> None:
        self.engine = engine
        self.thread_lock = thread_lock
        self.process_lock = process_lock
        self.after = after

    def __enter__(self) -> Connection:
        self.thread_lock.acquire()
        self.process_lock.acquire()
        try:
            self.connection = self.engine.connect()
            self.transaction = begin_write(self.connection)
            return self.connection
        except BaseException:
            self._close()
            raise

    def __exit__(self, exc_type: object, *exc: object) -> None:
        try:
            if exc_type is None:
                self.transaction.commit()
            else:
                self.transaction.rollback()
        finally:
            self._close()
        if exc_type is None and self.after is not None:
            self.after()

    def _close(self) -> None:
        try:
            if getattr(self, "connection", None) is not None:
                self.connection.close()
        finally:
            self.process_lock.release()
            self.thread_lock.release()


class ProcessLock:
    """One SQLite writer at a time across processes, queued by the kernel.

    SQLite's own busy handler polls with sleeps of up to 100 ms, which under
    load from several server processes costs more than the writes themselves;
    an flock on a file beside the database wakes the next writer at once.
    """

    def __init__(self, database: str | None) -> None:
        """``database``: the SQLite file (the lock file sits beside it); None for no lock (PostgreSQL, memory)."""
        self._handle = open(database + ".lock", "a+b") if database else None  # noqa: SIM115 - held for the process's life

    def acquire(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_EX)

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
