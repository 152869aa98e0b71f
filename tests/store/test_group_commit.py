"""Group commit on a real SQLite file: concurrent posts share a transaction and an fsync."""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from kiebitz.app import build
from kiebitz.config import Settings
from kiebitz.errors import TooManyRequests
from kiebitz.moderation.comments import Client, InFlight
from kiebitz.store import schema
from kiebitz.store.group_commit import GroupCommit
from tests.store.test_store import fresh_store

POSTS = 6


def gated_group_commit(tmp_path: Path, fail_on: str | None = None) -> tuple[GroupCommit[str, str], threading.Event, list[int]]:
    """Writes each item as a row of the meta table; the first transaction waits at the gate, as if for the lock.

    Also returns what ran after the commits: 1 for each fsync, 2 for each round of housekeeping.
    """
    store = fresh_store(tmp_path)
    gate, syncs, first = threading.Event(), [], [True]

    @contextmanager
    def begin() -> Any:
        if first[0]:
            first[0] = False
            gate.wait(10)
        with store.write(finish=False) as db:
            yield db

    def write(db: Any, items: list[str]) -> list[str]:
        for item in items:
            if item == fail_on:
                raise ValueError(f"cannot write {item}")
            db.execute(schema.meta.insert().values(key=item, value="written"))
        return [item.upper() for item in items]

    return GroupCommit(begin, write, sync=lambda: syncs.append(1), after=lambda: syncs.append(2)), gate, syncs


def run_all(group: GroupCommit[str, str], gate: threading.Event) -> dict[str, Any]:
    outcomes: dict[str, Any] = {}

    def post(item: str) -> None:
        try:
            outcomes[item] = group.run(item)
        except Exception as error:  # noqa: BLE001 - the outcome under test
            outcomes[item] = error

    threads = [threading.Thread(target=post, args=(f"item{n}",)) for n in range(POSTS)]
    threads[0].start()
    time.sleep(0.05)  # the first one now waits at the gate, holding the writer's place
    for thread in threads[1:]:
        thread.start()
    deadline = time.monotonic() + 5
    while len(group._waiting) < POSTS and time.monotonic() < deadline:  # noqa: SLF001
        time.sleep(0.01)
    gate.set()
    for thread in threads:
        thread.join(10)
    return outcomes


def test_posts_arriving_while_the_lock_is_awaited_share_its_transaction_and_its_fsync(tmp_path: Path):
    group, gate, syncs = gated_group_commit(tmp_path)
    outcomes = run_all(group, gate)
    assert outcomes == {f"item{n}": f"ITEM{n}" for n in range(POSTS)}
    assert group.batches == 1
    assert sorted(syncs) == [1, 2]  # one fsync and one round of housekeeping (a checkpoint now and then)


def test_one_bad_post_in_a_batch_fails_alone(tmp_path: Path):
    group, gate, _ = gated_group_commit(tmp_path, fail_on="item3")
    outcomes = run_all(group, gate)
    assert isinstance(outcomes.pop("item3"), ValueError)
    assert outcomes == {f"item{n}": f"ITEM{n}" for n in range(POSTS) if n != 3}


def test_a_write_is_on_disk_before_it_returns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Commits skip SQLite's fsync (the write lock is not held through it); Store fsyncs the WAL after."""
    store = fresh_store(tmp_path)
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    with store.write() as db:
        db.execute(schema.meta.insert().values(key="k", value="v"))
        assert synced == []
    assert synced == [str(tmp_path / "store.db-wal")]
    with store.read() as db:
        assert db.execute(select(schema.meta.c.value).where(schema.meta.c.key == "k")).scalar() == "v"


def test_a_second_post_from_an_address_under_way_is_seen():
    """The flood check cannot see a post in the store before it is written; InFlight tells it."""
    in_flight = InFlight()
    with in_flight.posting("a") as first, in_flight.posting("a") as second, in_flight.posting("b") as other:
        assert (first, second, other) == (False, True, False)
    with in_flight.posting("a") as again:
        assert again is False


def test_a_post_while_another_from_the_same_address_is_under_way_is_a_flood(tmp_path: Path):
    kiebitz = build(Settings({"database": str(tmp_path / "kiebitz.db"), "min_submit_seconds": 0, "flood_seconds": 15}))
    payload = {"author": "Ada", "email": "ada@example.org", "text": "Ein ganz normaler Kommentar.",
               "form_token": kiebitz.signer.form_token("default", "/a")}
    client = Client("203.0.113.9", "test", "", "")
    with kiebitz.comments._in_flight.posting(kiebitz.signer.ip_hash(client.ip)):  # noqa: SLF001
        with pytest.raises(TooManyRequests):
            kiebitz.comments.post("default", "/a", payload, client)
    assert kiebitz.comments.post("default", "/a", payload, client).comment.id


def test_shared_writes_from_many_threads_all_land(tmp_path: Path):
    """Store.write_shared: any small write (an Akismet check's log row) through a group commit."""
    store = fresh_store(tmp_path)

    def log(n: int) -> str:
        return store.write_shared(lambda db: db.execute(schema.meta.insert().values(key=f"k{n}", value="v")) and f"k{n}")

    threads = [threading.Thread(target=log, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert log(99) == "k99"
    with store.read() as db:
        assert db.execute(select(func.count()).select_from(schema.meta).where(schema.meta.c.key.like("k%"))).scalar() == 21


def test_a_write_whose_caller_went_away_is_stored_and_the_next_ones_are_answered(tmp_path: Path):
    """A reader closing the page cancels the awaited future; the syncer must not trip over it."""
    group, gate, _ = gated_group_commit(tmp_path)
    first = group.submit("gone")
    assert first.cancel()
    gate.set()
    assert group.submit("next").result(timeout=10) == "NEXT"
    assert group.submit("and another").result(timeout=10) == "AND ANOTHER"
