"""Copying SQLite's WAL into the database, in a thread of its own.

Connections have SQLite's automatic checkpoint switched off (store.engine): it
ran inside a COMMIT, so every writer of every process waited for its fsync.
The store asks for a passive checkpoint every so many commits instead. It
used to run it in the thread that had just committed, which for posts is the
group commit's: every post waiting for the next commit waited for the
checkpoint too, 657 ms once a retention purge had grown the WAL to 70,000
pages (bench/scale.py at a million comments). A passive checkpoint takes no
write lock, so here it runs beside the writers and delays none of them.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine

log = logging.getLogger(__name__)


class Checkpointer:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._changed = threading.Condition()
        self._due = False
        self._running = False
        self._thread: threading.Thread | None = None
        # SQLite's answer to the last checkpoint, (busy, frames in the WAL, frames copied), or the error it raised:
        # a passive checkpoint copies nothing past the oldest reader's snapshot, and says so only here.
        self.last: tuple[int, int, int] | str | None = None

    def request(self) -> None:
        """A checkpoint soon; requests made while one is due are one."""
        with self._changed:
            self._due = True
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="kiebitz-checkpoint", daemon=True)
                self._thread.start()
            self._changed.notify_all()

    def wait(self, seconds: float = 10.0) -> bool:
        """Until no checkpoint is due or running; False if that took longer than ``seconds``."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._due and not self._running, seconds)

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._due)
                self._due, self._running = False, True
            try:
                with self._engine.connect() as connection:
                    answer = connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
                    self.last = (answer[0], answer[1], answer[2])
            except Exception as error:  # housekeeping only: the next request tries again
                self.last = repr(error)
                log.exception("WAL checkpoint")
            finally:
                with self._changed:
                    self._running = False
                    self._changed.notify_all()
