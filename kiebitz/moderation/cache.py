"""Rendered threads kept as ready JSON bytes, dropped whenever the data changes.

Reads far outnumber writes on a news site, so the work of building a thread's
JSON is done once per write. Every write in this process bumps a generation;
with SQLite, ``PRAGMA data_version`` also tells each process cheaply that
another process wrote. A rendering is kept only if nothing changed while it
was being built, so a slow reader can never put back stale bytes.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Hashable

Stamp = tuple[int, int]


class ThreadCache:
    def __init__(self, sqlite_path: str | None = None, max_entries: int = 10_000) -> None:
        self._entries: dict[Hashable, bytes] = {}
        self._lock = threading.Lock()
        self._max_entries = max_entries
        self._generation = 0
        self._watch: sqlite3.Connection | None = None
        if sqlite_path:
            self._watch = sqlite3.connect(sqlite_path, check_same_thread=False)
        self._stamp = self._current()

    def _current(self) -> Stamp:
        if self._watch is None:
            return (self._generation, 0)
        with self._lock:
            version = int(self._watch.execute("PRAGMA data_version").fetchone()[0])
        return (self._generation, version)

    def lookup(self, key: Hashable) -> tuple[bytes | None, Stamp]:
        """The cached bytes (or None) and the stamp to hand back to ``keep``."""
        stamp = self._current()
        if stamp != self._stamp:
            with self._lock:
                self._entries.clear()
                self._stamp = stamp
            return None, stamp
        return self._entries.get(key), stamp

    def keep(self, key: Hashable, value: bytes, stamp: Stamp) -> None:
        if self._current() != stamp:
            return
        with self._lock:
            if stamp != self._stamp:
                return
            if len(self._entries) >= self._max_entries:
                self._entries.clear()
            self._entries[key] = value

    def invalidate(self) -> None:
        """Forget every rendering; called after each write."""
        with self._lock:
            self._generation += 1
            self._entries.clear()
