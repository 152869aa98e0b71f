"""Live threads: new published comments pushed to every open page of their thread (Server-Sent Events).

Each process keeps the streams its readers opened, grouped by thread, and one
task that watches the change log the thread cache already reads (migration
0008's ``thread_changes``, woken by SQLite's ``data_version`` or PostgreSQL's
notifications: store/changes.py). So a comment posted through any worker or
instance reaches every worker's streams, and the database is asked once per
change per process, never once per reader: when a watched thread changed, its
comments published since the last look (new ones by id, approved ones by the
audit log) are read once and handed to each of its streams.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, bindparam, func, select

from kiebitz.domain import Comment, Status
from kiebitz.store import schema
from kiebitz.store.changes import DataVersion
from kiebitz.store.comments import Store, _comment
from kiebitz.store.thread_pages import ThreadChanges

log = logging.getLogger("kiebitz.live")
POLL_SECONDS = 0.2  # how often the change counter is read while streams are open
QUEUE_SIZE = 100  # events a slow reader may fall behind before its stream is closed (it reconnects)
comments = schema.comments
LOOK_BACK = 30.0  # seconds: longer than any comment takes from being judged to being committed
LOOK_BACK_AUDIT = 100  # audit lines: more than any number of decisions committing out of order
# by ix_comments_thread_created: the thread's newest comments, however long the thread
NEW_IN_THREAD = select(comments).where(and_(
    comments.c.thread_id == bindparam("thread_id"), comments.c.created >= bindparam("since"),
    comments.c.status == Status.PUBLISHED.value)).order_by(comments.c.created).limit(500)
NEWEST_AUDIT = select(func.coalesce(func.max(schema.audit_log.c.id), 0))
PUBLISHED_SINCE = select(schema.audit_log.c.id, schema.audit_log.c.comment_id).where(and_(
    schema.audit_log.c.id > bindparam("after"), schema.audit_log.c.to_status == Status.PUBLISHED.value))
PUBLISHED_COUNT = select(schema.threads.c.published).where(schema.threads.c.id == bindparam("thread_id"))


@dataclass(eq=False)
class Stream:
    """One reader's open page: what the process hands it, and whose address it counts against."""

    ip: str
    queue: asyncio.Queue[dict[str, Any]] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    closed: bool = False


@dataclass
class Topic:
    site: str
    uri: str
    thread_id: int | None = None
    streams: set[Stream] = field(default_factory=set)
    sent: dict[int, float] = field(default_factory=dict)  # comment id → its time, for what was sent already


class LiveThreads:
    def __init__(self, store: Store, changes: ThreadChanges, data_version: DataVersion | None,
                 public: Callable[[Comment], dict[str, Any]]) -> None:
        self.store = store
        self._changes = changes
        self._data_version = data_version
        self._public = public
        self._topics: dict[tuple[str, str], Topic] = {}
        self._by_ip: dict[str, int] = {}
        self._task: asyncio.Task[None] | None = None
        self._seq = 0
        self._looked = 0.0
        self._last_audit = 0
        self._approvals_seen: set[int] = set()  # audit lines (publications) already taken in
        self._seen_version: int | None = None

    @property
    def streams(self) -> int:
        return sum(self._by_ip.values())

    def open_from(self, ip: str) -> int:
        return self._by_ip.get(ip, 0)

    async def subscribe(self, site: str, uri: str, ip: str) -> Stream:
        if self._task is None or self._task.done():
            await asyncio.to_thread(self._start_marks)
            self._task = asyncio.create_task(self._watch())
        stream = Stream(ip)
        topic = self._topics.setdefault((site, uri), Topic(site, uri))
        topic.streams.add(stream)
        self._by_ip[ip] = self._by_ip.get(ip, 0) + 1
        return stream

    def unsubscribe(self, site: str, uri: str, stream: Stream) -> None:
        topic = self._topics.get((site, uri))
        if topic is None or stream not in topic.streams:
            return
        topic.streams.discard(stream)
        if not topic.streams:
            del self._topics[(site, uri)]
        self._by_ip[stream.ip] -= 1
        if not self._by_ip[stream.ip]:
            del self._by_ip[stream.ip]

    def _start_marks(self) -> None:
        """Where watching starts: only what is published after a stream opens is news to it."""
        self._seq = self._changes.newest()
        with self.store.read() as db:
            self._last_audit = int(db.execute(NEWEST_AUDIT).scalar_one())
        self._looked = time.time()

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            if not self._topics:
                continue
            version = self._data_version() if self._data_version else None
            if version is not None and version == self._seen_version:
                continue
            self._seen_version = version
            try:
                news = await asyncio.to_thread(self._collect, list(self._topics.values()))
            except Exception:  # noqa: BLE001 - a failed look is tried again at the next change
                log.exception("reading new comments for live threads failed")
                self._seen_version = None
                continue
            for topic, event in news:
                for stream in list(topic.streams):
                    try:
                        stream.queue.put_nowait(event)
                    except asyncio.QueueFull:
                        stream.closed = True  # too far behind: its page reconnects and starts afresh

    def _collect(self, topics: list[Topic]) -> list[tuple[Topic, dict[str, Any]]]:
        """The comments published in watched threads since the last look, one event per thread.

        New comments are found by time, not by id: PostgreSQL hands out ids before commit, so a comment may
        become visible after one with a higher id. Each look reaches ``LOOK_BACK`` seconds before the last
        and leaves out what a stream of the thread was already sent.
        """
        changed = self._changes.since(self._seq)
        if not changed:
            return []
        self._seq = max(seq for _, seq in changed)
        threads = {thread_id for thread_id, _ in changed}
        now, since = time.time(), self._looked - LOOK_BACK
        with self.store.read() as db:
            for topic in topics:
                if topic.thread_id is None:
                    found = db.execute(select(schema.threads.c.id).where(and_(
                        schema.threads.c.site_id == self.store.existing_site_id(topic.site),
                        schema.threads.c.uri == topic.uri))).scalar()
                    topic.thread_id = int(found) if found is not None else None
            approvals = [(row.id, row.comment_id) for row in db.execute(
                PUBLISHED_SINCE, {"after": self._last_audit - LOOK_BACK_AUDIT}) if row.id not in self._approvals_seen]
            approved = [_comment(row) for row in db.execute(select(comments).where(
                comments.c.id.in_([comment_id for _, comment_id in approvals])))] if approvals else []
            newest_audit = int(db.execute(NEWEST_AUDIT).scalar_one())
            self._approvals_seen = {line for line in self._approvals_seen if line > newest_audit - LOOK_BACK_AUDIT}
            self._approvals_seen.update(line for line, _ in approvals)
            news = []
            for topic in topics:
                if topic.thread_id is None or topic.thread_id not in threads:
                    continue
                found = [_comment(row) for row in db.execute(NEW_IN_THREAD, {"thread_id": topic.thread_id, "since": since})]
                found += [comment for comment in approved
                          if comment.thread_id == topic.thread_id and comment.status == Status.PUBLISHED]
                fresh = {comment.id: comment for comment in found if comment.id not in topic.sent}
                for comment_id in [key for key, created in topic.sent.items() if created < since]:
                    del topic.sent[comment_id]  # older than any look reaches back
                topic.sent.update((comment.id, max(comment.created, since)) for comment in fresh.values())
                total = db.execute(PUBLISHED_COUNT, {"thread_id": topic.thread_id}).scalar()
                news.append((topic, {"comments": [self._public(comment) for comment in sorted(
                    fresh.values(), key=lambda comment: (comment.created, comment.id))], "total": int(total or 0)}))
        self._looked, self._last_audit = now, newest_audit
        return news
