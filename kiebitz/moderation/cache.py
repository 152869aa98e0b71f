"""Rendered threads kept as ready JSON bytes, each dropped when its own thread changes.

Reads far outnumber writes on a news site, so a thread's JSON is built once
per change to that thread. Which thread a write touched, the database records
itself (triggers stamp ``thread_changes``, migration 0008; a settings change
stamps "every thread"). A process looks there only when something was written:
SQLite's ``data_version`` or PostgreSQL's notifications (store/changes.py) say
so at no cost, and its own writes call ``invalidate``. A post to one article
thus leaves every other article's rendering in place.

When a thread changes, many readers miss at once. Only one of them renders
(single flight); the others wait for it, or, for at most ``stale_seconds``
after the change, get the previous rendering at once (stale while
revalidate). A reader who has just written (own edit cookie) never gets a
stale one. A rendering is kept only if its thread did not change while it was
being built, so a slow render never puts back outdated bytes, and for at most
``max_age_seconds``, so that what changes with time alone (a thread closing
after ``close_after_days``) shows within a minute.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Protocol

from kiebitz.store.changes import DataVersion

EVERY_THREAD = 0
Render = Callable[[], tuple[bytes, int | None]]  # the body, and its thread's id (None: no such thread yet)


def weak_etag(body: bytes) -> str:
    return 'W/"' + hashlib.blake2b(body, digest_size=10).hexdigest() + '"'


class ChangeLog(Protocol):
    def newest(self) -> int: ...
    def since(self, seq: int) -> list[tuple[int, int]]: ...  # (thread id, sequence number) changed after seq


@dataclass(frozen=True)
class Rendering:
    body: bytes
    etag: str  # weak: equal bytes apart from the form token carry the same tag
    thread_id: int | None
    made: float = field(default_factory=time.monotonic)


@dataclass
class _Flight:
    stamp: int
    done: threading.Event = field(default_factory=threading.Event)
    rendering: Rendering | None = None


class ThreadCache:
    def __init__(self, changes: ChangeLog, data_version: DataVersion | None = None, max_entries: int = 10_000,
                 stale_seconds: float = 1.0, wait_seconds: float = 30.0, max_age_seconds: float = 60.0) -> None:
        self._changes = changes
        self._data_version = data_version
        self._max_entries = max_entries
        self.stale_seconds = stale_seconds
        self.max_age_seconds = max_age_seconds
        self._wait_seconds = wait_seconds
        self._lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._entries: dict[Hashable, Rendering] = {}
        self._keys_by_thread: dict[int | None, set[Hashable]] = {}
        self._stale: dict[Hashable, tuple[Rendering, float]] = {}
        self._flights: dict[Hashable, _Flight] = {}
        self._seen_version: int | None = None
        self._written_here = False
        self._seq = changes.newest()  # the newest change taken in
        self._changed_at: dict[int, int] = {}  # thread id → sequence number of its last change taken in
        self._remembered_from = 0  # changes before this number are no longer in _changed_at

    # -- reading --------------------------------------------------------------
    def lookup(self, key: Hashable) -> tuple[Rendering | None, int]:
        """The current rendering (or None) and the stamp a rendering started now must carry."""
        stamp = self._take_in_changes()
        rendering = self._entries.get(key)
        if rendering is not None and time.monotonic() - rendering.made > self.max_age_seconds:
            with self._lock:  # what changes with time alone (a thread closing after close_after_days)
                if self._entries.get(key) is rendering:
                    self._stale[key] = (self._entries.pop(key), time.monotonic())
            return None, stamp
        return rendering, stamp

    def stale(self, key: Hashable) -> Rendering | None:
        """The rendering from before the last change, while it is young enough and a new one is being built."""
        kept = self._stale.get(key)
        if kept is None or key not in self._flights or time.monotonic() - kept[1] > self.stale_seconds:
            return None
        return kept[0]

    def render_once(self, key: Hashable, stamp: int, render: Render, allow_stale: bool = True) -> Rendering:
        """The rendering for ``key``, built by one caller at a time; the others wait for it or take the stale one."""
        with self._lock:
            flight = self._flights.get(key)
            leading = flight is None or flight.stamp < stamp  # a render begun before a change we know of won't do
            if leading:
                flight = self._flights[key] = _Flight(stamp)
        assert flight is not None
        if not leading:
            stale = self.stale(key) if allow_stale else None
            if stale is not None:
                return stale
            if flight.done.wait(self._wait_seconds) and flight.rendering is not None:
                return flight.rendering
            return self._build(render)  # the leader failed or hangs: build it here, keep nothing
        try:
            rendering = flight.rendering = self._build(render)
            self._keep(key, rendering, stamp)
            return rendering
        finally:
            flight.done.set()
            with self._lock:
                if self._flights.get(key) is flight:
                    del self._flights[key]

    @staticmethod
    def _build(render: Render) -> Rendering:
        body, thread_id = render()
        return Rendering(body, weak_etag(body), thread_id)

    def _keep(self, key: Hashable, rendering: Rendering, stamp: int) -> None:
        self._take_in_changes()
        with self._lock:
            if self._changed_since(rendering.thread_id, stamp):
                return
            if len(self._entries) >= self._max_entries:
                self._entries.clear()
                self._keys_by_thread.clear()
            self._entries[key] = rendering
            self._keys_by_thread.setdefault(rendering.thread_id, set()).add(key)
            self._stale.pop(key, None)

    def _changed_since(self, thread_id: int | None, stamp: int) -> bool:
        if stamp < self._remembered_from:
            return True
        if thread_id is None:  # a page without a thread yet: any new thread may be it
            return self._seq > stamp
        return max(self._changed_at.get(thread_id, 0), self._changed_at.get(EVERY_THREAD, 0)) > stamp

    # -- changes --------------------------------------------------------------
    def invalidate(self) -> None:
        """This process wrote: take in the change log before the next answer."""
        self._written_here = True

    def _take_in_changes(self) -> int:
        version = self._data_version() if self._data_version else None
        if version == self._seen_version and not self._written_here:
            return self._seq
        with self._sync_lock:
            self._written_here = False
            self._seen_version = version
            changed = self._changes.since(self._seq)
            if changed:
                self._forget(changed)
            return self._seq

    def _forget(self, changed: list[tuple[int, int]]) -> None:
        now = time.monotonic()
        threads = {thread_id for thread_id, _ in changed}
        with self._lock:
            if len(self._changed_at) > 100_000:
                self._changed_at.clear()
                self._remembered_from = self._seq + 1
            for thread_id, seq in changed:
                self._changed_at[thread_id] = seq
                self._seq = max(self._seq, seq)
            for key in [key for key, old in self._stale.items() if now - old[1] > self.stale_seconds]:
                del self._stale[key]
            if EVERY_THREAD in threads:
                gone = list(self._entries)
                self._keys_by_thread.clear()
            else:  # and the pages of threads not created yet: any new thread may be one of them
                gone = [key for thread_id in threads | {None} for key in self._keys_by_thread.pop(thread_id, ())]
            for key in gone:
                rendering = self._entries.pop(key, None)
                if rendering is not None:
                    self._stale[key] = (rendering, now)
