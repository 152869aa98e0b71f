"""Group commit: the writes of concurrent posts share one transaction and one fsync.

A comment is acknowledged only once it is on disk. Posts that reach the store
while another thread of the process is writing wait; the next writer takes the
write lock and then every post waiting by then, writes them in one transaction,
lets go of the lock and makes them durable with one fsync, while the next batch
is already being written. Under no load a batch holds one post and nothing
waits; under load the cost of a commit and of its fsync is shared. PostgreSQL
and MySQL do the same with their own logs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Generic, TypeVar

from sqlalchemy.engine import Connection

Item = TypeVar("Item")
Result = TypeVar("Result")


class _Job(Generic[Item, Result]):
    def __init__(self, item: Item) -> None:
        self.item = item
        self.taken = False  # into a batch: its writer will finish it
        self.written = False  # ran in a transaction that committed, or failed with ``error``
        self.done = False  # and its outcome is final: on disk, or failed
        self.result: Any = None
        self.error: BaseException | None = None

    def settle(self, result: Any = None, error: BaseException | None = None) -> None:
        self.result, self.error, self.written = result, error, True

    def outcome(self) -> Result:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[no-any-return]


class GroupCommit(Generic[Item, Result]):
    """Write an item in a transaction it may share with other threads' items."""

    def __init__(
        self,
        begin: Callable[[], AbstractContextManager[Connection]],
        write: Callable[[Connection, list[Item]], list[Result]],
        sync: Callable[[], None],
        after: Callable[[], None] = lambda: None,
    ) -> None:
        self._begin = begin  # a write transaction that commits without waiting for the disk
        self._write = write  # writes a batch of items with as few statements as it can
        self._sync = sync  # waits until everything committed so far is on disk
        self._after = after  # housekeeping after a commit (a WAL checkpoint now and then), once the batch is answered
        self._condition = threading.Condition()
        self._waiting: list[_Job[Item, Result]] = []
        self._writing = False
        self.batches = 0  # transactions run, for tests and benchmarks

    def run(self, item: Item) -> Result:
        """Write ``item`` and return what the writer gave for it, once it is on disk."""
        job: _Job[Item, Result] = _Job(item)
        with self._condition:
            self._waiting.append(job)
            while not job.done and (self._writing or job.taken):
                self._condition.wait()
            if job.done:
                return job.outcome()
            self._writing = True
        batch: list[_Job[Item, Result]] = []
        try:
            batch = self._write_waiting()
        finally:
            with self._condition:
                self._writing = False  # the next batch may be written while this one syncs
                self._condition.notify_all()
            self._sync_and_finish(batch)
        if batch:
            self._after()
        return job.outcome()

    def _write_waiting(self) -> list[_Job[Item, Result]]:
        """Take the write lock, then every job waiting by now, and write them in one transaction.

        The batch is taken only once the lock is held: posts that arrive while
        another process writes join it, so the busier the store, the more
        posts share a commit.
        """
        batch: list[_Job[Item, Result]] = []
        try:
            with self._begin() as connection:
                batch = self._take_waiting()
                self.batches += 1
                results = self._write(connection, [job.item for job in batch])
        except Exception as error:
            if not batch:  # no transaction began: what waits would meet the same error
                batch = self._take_waiting()
                for job in batch:
                    job.settle(error=error)
            else:
                self._write_alone(batch, error)
            return batch
        for job, result in zip(batch, results, strict=True):
            job.settle(result)
        return batch

    def _take_waiting(self) -> list[_Job[Item, Result]]:
        with self._condition:
            batch, self._waiting = self._waiting, []
            for job in batch:
                job.taken = True
        return batch

    def _write_alone(self, batch: list[_Job[Item, Result]], error: Exception) -> None:
        """The batch failed and was rolled back: each job again in its own transaction, so only a bad one fails."""
        if len(batch) == 1:
            batch[0].settle(error=error)
            return
        for job in batch:
            try:
                with self._begin() as connection:
                    [result] = self._write(connection, [job.item])
            except Exception as own_error:
                job.settle(error=own_error)
            else:
                job.settle(result)

    def _sync_and_finish(self, batch: list[_Job[Item, Result]]) -> None:
        """Wait for the disk, then hand each job its outcome."""
        try:
            if any(job.written and job.error is None for job in batch):
                self._sync()
        except BaseException as error:
            for job in batch:
                job.settle(error=job.error or error)
            raise
        finally:
            with self._condition:
                for job in batch:
                    if not job.written:  # writing broke off with something other than an Exception
                        job.settle(error=RuntimeError("the group commit broke off"))
                    job.done = True
                self._condition.notify_all()
