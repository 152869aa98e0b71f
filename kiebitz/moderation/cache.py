"""Rendered threads kept as ready JSON bytes, dropped whenever the data changes.

Reads far outnumber writes on a news site, so the work of building a thread's
JSON is done once per write. Every write in this process bumps a generation;
the database's change counter (store/changes.py: SQLite's data_version, or
PostgreSQL's notifications) tells each process that another one wrote. A
rendering is kept only if nothing changed while it was being built, so a slow
reader can never put back stale bytes.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable

from kiebitz.store.changes import DataVersion

Stamp = tuple[int, int]


class ThreadCache:
    def __init__(self, data_version: DataVersion | None = None, max_entries: int = 10_000) -> None:
        self._entries: dict[Hashable, bytes] = {}
        self._lock = threading.Lock()
        self._max_entries = max_entries
        self._generation = 0
        self._data_version = data_version
        self._stamp = self._current()

    def _current(self) -> Stamp:
        return (self._generation, self._data_version() if self._data_version else 0)

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
