"""The comment store: every query Kiebitz makes, in SQLAlchemy Core.

Queries stay within what SQLite and PostgreSQL both run. Writes go through one
lock per process so SQLite never sees two writers from the same server.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, and_, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from kiebitz.domain import BlockRule, Comment, Status, Verdict
from kiebitz.fingerprint import BANDS, band_keys, comment_keys
from kiebitz.store import schema
from kiebitz.store.checkpoints import Checkpointer
from kiebitz.store.engine import reader, sqlite_file
from kiebitz.store.group_commit import GroupCommit
from kiebitz.store.transactions import ProcessLock, WriteTransaction

NewThread = tuple[int, str, str]  # site id, uri, title
Item = TypeVar("Item")
Result = TypeVar("Result")
CHECKPOINT_EVERY = 100  # commits of one process; about 7 MB of WAL at a post's 18 pages
# spam.filter's duplicate_window: the repeat rule reads no older band keys, so none are kept longer (six rows a
# comment, kept for good, were 45 MB per 100,000 comments; store.retention drops them)
BANDS_KEPT = 7 * 86_400
BLOCK_RULES_MAX_AGE = 1.0  # seconds until a block rule added by another process holds here too

# The statements every post runs, built once: building them per call cost more than running them.
FIND_THREAD = select(schema.threads).where(
    and_(schema.threads.c.site_id == bindparam("site_id"), schema.threads.c.uri == bindparam("uri"))
)
# Both request checks look at a bounded number of rows, however many match: the
# newest posts from one IP (enough to tell the rate limit is reached) and the
# newest band matches (the text of each fetched only for those).
_RECENT_FROM_IP = (
    select(schema.comments.c.created)
    .where(and_(schema.comments.c.ip_hash == bindparam("ip_hash"), schema.comments.c.created >= bindparam("since")))
    .order_by(schema.comments.c.created.desc())
    .limit(bindparam("limit"))
    .subquery()
)
POSTS_FROM_IP = select(func.count(), func.max(_RECENT_FROM_IP.c.created))
_BAND_MATCHES = (
    select(schema.comment_bands.c.comment_id)
    .where(and_(
        # one parameter per band, not an expanding list, which SQLAlchemy renders anew on every call
        schema.comment_bands.c.band.in_([bindparam(f"band{band}") for band in range(BANDS)]),
        schema.comment_bands.c.created >= bindparam("since"),
    ))
    .order_by(schema.comment_bands.c.created.desc())
    .limit(200)
    .subquery()
)
# A near repeat shares most of its bands with the text, a chance match one: the
# comments sharing the most bands are compared first, and only a few of them.
# An old repeat behind more than 200 newer band matches goes unseen; unrelated
# comments rarely share a band (fingerprint.py), so only a wave of near repeats
# fills that window, and those are found themselves.
MOST_SHARED_BANDS = (
    select(_BAND_MATCHES.c.comment_id)
    .group_by(_BAND_MATCHES.c.comment_id)
    .order_by(func.count().desc())
    .limit(bindparam("limit"))
)


def band_rows(comment_id: int, text: str, created: float) -> list[dict[str, Any]]:
    """The comment_bands rows of a comment (its band keys and phone numbers' keys): none without text, or older
    than the week the repeat rules read."""
    if not text or created < time.time() - BANDS_KEPT:
        return []
    return [{"band": band, "comment_id": comment_id, "created": created} for band in comment_keys(text)]


def band_parameters(text: str) -> dict[str, str]:
    """The text's band keys as MOST_SHARED_BANDS takes them."""
    return {f"band{band}": key for band, key in enumerate(band_keys(text))}


INSERT_COMMENTS = insert(schema.comments).returning(schema.comments.c.id, sort_by_parameter_order=True)
INSERT_BAND = insert(schema.comment_bands)
INSERT_AUDIT = insert(schema.audit_log)
FILTER_ACTOR = "filter"  # the audit log's actor for what posting decided


# A reader's comment in a thread by its words, found through one of its band keys (ix_comment_bands_band_created).
# SQLite's planner, which knows only the average address, went by ix_comments_email_status, and a newsroom's
# account with 25,000 comments took 6.5 ms a post; "|| ''" and "+ 0" keep it to the band on both databases.
# Only the band's newest SAID_BEFORE_NEWEST comments are read: every "Danke!" of the week shares its keys, and with
# 10,000 of them the look-up took 4 ms, with 50,000 23 ms (bench/said_before.py).
SAID_BEFORE_NEWEST = 100
_NEWEST_WITH_BAND = (
    select(schema.comment_bands.c.comment_id)
    .where(schema.comment_bands.c.band == bindparam("band"))
    .order_by(schema.comment_bands.c.created.desc())
    .limit(SAID_BEFORE_NEWEST)
    .subquery()
)
SAID_BEFORE = (
    select(schema.comments.c.id)
    .where(and_(schema.comments.c.id.in_(select(_NEWEST_WITH_BAND.c.comment_id)),
                schema.comments.c.email.concat("") == bindparam("email"),
                schema.comments.c.thread_id + 0 == bindparam("thread_id"),
                schema.comments.c.text == bindparam("text"), schema.comments.c.status != Status.DELETED.value))
    .limit(1)
)


def _comment(row: Row[Any]) -> Comment:
    return Comment(
        id=row.id,
        thread_id=row.thread_id,
        parent=row.parent_id,
        author=row.author,
        email=row.email,
        website=row.website,
        text=row.text,
        html=row.html,
        status=Status(row.status),
        created=row.created,
        modified=row.modified,
        likes=row.likes,
        dislikes=row.dislikes,
        ip_hash=row.ip_hash,
        ip_network=row.ip_network,
        verdict=row.verdict,
        score=row.score,
        reasons=json.loads(row.reasons or "[]"),
        pinned=bool(row.pinned),
        staff=bool(row.staff),
        depth=row.depth,
    )


class Store:
    """All reads and writes of sites, threads, comments, votes and the audit log."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._reader = reader(engine)
        self._write_lock = threading.Lock()
        database = sqlite_file(engine)
        self._process_lock = ProcessLock(database)
        self._block_rules: tuple[list[BlockRule] | None, float] = (None, 0.0)
        self._site_ids: dict[str, int] = {}
        self._commits = itertools.count(1)
        self._shared = threading.local()
        self._wal = database + "-wal" if database else None
        self.checkpointer = Checkpointer(engine)
        self.group_commit = self._group_commit(self._write_comments)  # new comments: three statements a batch
        self._shared_commit: GroupCommit[Callable[[Connection], Any], Any] = self._group_commit(_run_each)

    def _group_commit(self, write: Callable[[Connection, list[Item]], list[Result]]) -> GroupCommit[Item, Result]:
        return GroupCommit(lambda: self.write(finish=False), write, sync=self.sync_log, after=self.after_commit)

    # -- plumbing -------------------------------------------------------------
    def write(self, finish: bool = True) -> WriteTransaction:
        """A transaction that holds the process's write lock: ``with store.write() as db:``.

        When the block ends, the commit is on disk (``sync_log``) and the WAL
        checkpointed if due (``after_commit``); ``finish=False`` leaves both to a
        caller that does them once for many commits (group_commit).
        """
        return WriteTransaction(self.engine, self._write_lock, self._process_lock, self._finish if finish else None)

    def _finish(self) -> None:
        self.sync_log()
        self.after_commit()

    def write_shared(self, work: Callable[[Connection], Result]) -> Result:
        """``work(db)`` in a write transaction it may share with other threads' work; on disk when it returns.

        For small writes that many threads make at once (an Akismet check's
        log row): one commit and one fsync serve all of them (group_commit).
        """
        return self._shared_commit.run(work)  # type: ignore[no-any-return]

    def sync_log(self) -> None:
        """Wait until every commit so far is on disk: fsync SQLite's WAL, holding no lock.

        Connections commit with synchronous=NORMAL, which writes the WAL but does
        not wait for the disk (store.engine), so that no process holds the write
        lock through an fsync; this fsync covers every commit made before it,
        from any process. Opened anew each time: SQLite deletes the WAL when the
        last connection closes, after copying it into the database and syncing
        that. PostgreSQL's COMMIT is durable by itself.
        """
        if self._wal is None:
            return
        try:
            descriptor = os.open(self._wal, os.O_RDONLY)
        except FileNotFoundError:
            return
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def read(self) -> AbstractContextManager[Connection]:
        """A connection for reading, ``with store.read() as db:``; the shared one inside ``one_connection``."""
        shared = getattr(self._shared, "connection", None)
        return nullcontext(shared) if shared is not None else self._reader.connect()

    @contextmanager
    def one_connection(self) -> Iterator[None]:
        """The reads of this thread inside the block share one connection.

        Posting asks the store five questions; taking a connection from the
        pool and giving it back cost nearly as much as each small query.
        """
        if getattr(self._shared, "connection", None) is not None:
            yield
            return
        with self._reader.connect() as connection:
            self._shared.connection = connection
            try:
                yield
            finally:
                self._shared.connection = None

    def after_commit(self) -> None:
        """Every CHECKPOINT_EVERY commits, ask for the WAL to be copied into the database (store/checkpoints.py),
        beside the next writers; SQLite still checkpoints when the last connection closes."""
        if self._wal is not None and next(self._commits) % CHECKPOINT_EVERY == 0:
            self.checkpointer.request()

    # -- meta -----------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self.read() as db:
            return db.execute(select(schema.meta.c.value).where(schema.meta.c.key == key)).scalar()

    def set_meta_once(self, key: str, value: str) -> str:
        """Store ``value`` under ``key`` unless one is there; return the kept value."""
        with self.write() as db:
            existing = db.execute(select(schema.meta.c.value).where(schema.meta.c.key == key)).scalar()
            if existing is not None:
                return str(existing)
            db.execute(insert(schema.meta).values(key=key, value=value))
            return value

    # -- sites and threads ----------------------------------------------------
    def site_id(self, name: str) -> int:
        """The id of the named site, created on first use; sites are never deleted, so ids are cached."""
        found = self.existing_site_id(name)
        if found:
            return found
        with self.write() as db:
            found = self.ensure_site(db, name)
        self._site_ids[name] = found
        return found

    def ensure_site(self, db: Connection, name: str) -> int:
        """The named site's id inside a write transaction, created if it is new (and gone if that rolls back)."""
        return int(db.execute(select(schema.sites.c.id).where(schema.sites.c.name == name)).scalar() or inserted_id(
            db.execute(insert(schema.sites).values(name=name, title=name, allowed_origins="", created=time.time()))
        ))

    def existing_site_id(self, name: str) -> int:
        """The named site's id for reading; an unknown site reads as id 0, which matches nothing.

        Only posting creates a site, so that a GET with an invented ?site= writes nothing.
        """
        cached = self._site_ids.get(name)
        if cached is not None:
            return cached
        with self.read() as db:
            found = db.execute(select(schema.sites.c.id).where(schema.sites.c.name == name)).scalar()
        if found is None:
            return 0
        self._site_ids[name] = int(found)
        return int(found)

    def find_thread(self, site_id: int, uri: str) -> Row[Any] | None:
        with self.read() as db:
            return db.execute(FIND_THREAD, {"site_id": site_id, "uri": uri}).first()

    def thread_by_id(self, thread_id: int) -> Row[Any] | None:
        with self.read() as db:
            return db.execute(select(schema.threads).where(schema.threads.c.id == thread_id)).first()

    def ensure_thread(self, db: Connection, site_id: int, uri: str, title: str, created: float | None = None) -> Row[Any]:
        """The thread for ``uri`` inside a write transaction, created on first comment (or as of ``created``)."""
        query = select(schema.threads).where(and_(schema.threads.c.site_id == site_id, schema.threads.c.uri == uri))
        row = db.execute(query).first()
        if row is None:
            db.execute(insert(schema.threads).values(
                site_id=site_id, uri=uri, title=title, closed=False, created=time.time() if created is None else created
            ))
            row = db.execute(query).first()
        elif title and not row.title:
            db.execute(update(schema.threads).where(schema.threads.c.id == row.id).values(title=title))
            row = db.execute(query).first()
        assert row is not None
        return row

    def set_thread_closed(self, thread_id: int, closed: bool) -> None:
        with self.write() as db:
            db.execute(update(schema.threads).where(schema.threads.c.id == thread_id).values(closed=closed))

    # -- comments -------------------------------------------------------------
    def insert_comment(self, db: Connection, values: dict[str, Any]) -> int:
        return self.insert_comments(db, [values])[0]

    def insert_comments(
        self, db: Connection, rows: list[dict[str, Any]], actor: str = FILTER_ACTOR, note: str | None = None
    ) -> list[int]:
        """Comments with their band keys and audit lines: three statements however many comments.

        Each audit line names ``actor`` and ``note``, by default the filter and the comment's verdict.
        """
        rows = [
            values | {
                "reasons": json.dumps(values.get("reasons", [])), "signals": json.dumps(values.get("signals", {})),
                "ip_hash": values.get("ip_hash", ""), "ip_network": values.get("ip_network", ""),
            }
            for values in rows
        ]
        ids = [int(row_id) for row_id in db.execute(INSERT_COMMENTS, rows).scalars()]
        bands = [band for comment_id, values in zip(ids, rows, strict=True)
                 for band in band_rows(comment_id, values["text"], values["created"])]
        if bands:  # none for a deleted comment without text, or for an import's older than a week
            db.execute(INSERT_BAND, bands)
        db.execute(INSERT_AUDIT, [
            {"comment_id": comment_id, "actor": actor, "at": values["created"], "from_status": None,
             "to_status": values["status"], "note": values.get("verdict", "") if note is None else note}
            for comment_id, values in zip(ids, rows, strict=True)
        ])
        return ids

    def write_comment(self, values: dict[str, Any], new_thread: NewThread | None) -> tuple[int, int]:
        """Store a new comment and wait until it is on disk: (id, thread id). See ``submit_comment``."""
        return self.submit_comment(values, new_thread).result()

    def submit_comment(self, values: dict[str, Any], new_thread: NewThread | None) -> Future[tuple[int, int]]:
        """Store a new comment in a transaction shared with concurrent posts (group_commit).

        The future gives (id, thread id) once the comment is on disk.
        ``new_thread`` names the thread to create first if ``values`` has no thread_id.
        """
        return self.group_commit.submit((values, new_thread))

    def _write_comments(self, db: Connection, items: list[tuple[dict[str, Any], NewThread | None]]) -> list[tuple[int, int]]:
        rows = []
        for values, new_thread in items:
            if new_thread is not None:
                values = values | {"thread_id": self.ensure_thread(db, *new_thread).id}
            rows.append(values)
        ids = self.insert_comments(db, rows)
        return [(comment_id, values["thread_id"]) for comment_id, values in zip(ids, rows, strict=True)]

    def get_comment(self, comment_id: int) -> Comment | None:
        with self.read() as db:
            row = db.execute(select(schema.comments).where(schema.comments.c.id == comment_id)).first()
        return _comment(row) if row else None

    def site_of_comment(self, comment_id: int) -> str | None:
        """The name of the site a comment belongs to; None if there is no such comment."""
        query = (select(schema.sites.c.name).select_from(schema.comments.join(schema.threads).join(schema.sites))
                 .where(schema.comments.c.id == comment_id))
        with self.read() as db:
            return db.execute(query).scalar()

    def comment_signals(self, comment_id: int) -> dict[str, Any]:
        with self.read() as db:
            raw = db.execute(select(schema.comments.c.signals).where(schema.comments.c.id == comment_id)).scalar()
        return json.loads(raw or "{}")

    def comments_by_ids(self, ids: Iterable[int]) -> list[Comment]:
        ids = list(ids)
        if not ids:
            return []
        with self.read() as db:
            return [_comment(row) for row in db.execute(select(schema.comments).where(schema.comments.c.id.in_(ids)))]

    def edit_comment(self, comment_id: int, text: str, html: str, verdict: Verdict | None = None) -> None:
        """New text (and, for an author's edit, the filter's verdict on it)."""
        values: dict[str, Any] = {"text": text, "html": html, "modified": time.time()}
        if verdict is not None:
            values |= {"verdict": verdict.label.value, "score": verdict.probability,
                       "reasons": json.dumps([reason.as_dict() for reason in verdict.reasons])}
        with self.write() as db:
            db.execute(update(schema.comments).where(schema.comments.c.id == comment_id).values(**values))
            self._key_anew(db, comment_id, text)

    @staticmethod
    def _key_anew(db: Connection, comment_id: int, text: str) -> None:
        """An edited comment is found by its new words: the repeat rule compares later comments with those,
        and ``said_before`` looks for them."""
        created = db.execute(select(schema.comments.c.created).where(schema.comments.c.id == comment_id)).scalar()
        db.execute(delete(schema.comment_bands).where(schema.comment_bands.c.comment_id == comment_id))
        if created is not None and (bands := band_rows(comment_id, text, created)):
            db.execute(INSERT_BAND, bands)

    def set_status(self, comment_id: int, status: Status, actor: str, note: str = "") -> Status | None:
        """Change a comment's status and write the audit line; returns the old status."""
        with self.write() as db:
            row = db.execute(select(schema.comments.c.status).where(schema.comments.c.id == comment_id)).first()
            if row is None:
                return None
            old = Status(row.status)
            if old != status:
                db.execute(update(schema.comments).where(schema.comments.c.id == comment_id).values(status=status.value))
                db.execute(
                    insert(schema.audit_log).values(
                        comment_id=comment_id, actor=actor, at=time.time(), from_status=old.value, to_status=status.value, note=note
                    )
                )
            return old

    def audit(self, comment_id: int, actor: str, note: str) -> None:
        """An audit line for a change that is not a status change (edit, pin, block)."""
        comment = self.get_comment(comment_id)
        status = comment.status.value if comment else ""
        with self.write() as db:
            db.execute(insert(schema.audit_log).values(
                comment_id=comment_id, actor=actor, at=time.time(), from_status=status, to_status=status, note=note))

    def set_pinned(self, comment_id: int, pinned: bool) -> None:
        with self.write() as db:
            db.execute(update(schema.comments).where(schema.comments.c.id == comment_id).values(pinned=pinned))

    def audit_trail(self, comment_id: int) -> list[dict[str, Any]]:
        query = select(schema.audit_log).where(schema.audit_log.c.comment_id == comment_id).order_by(schema.audit_log.c.id)
        with self.read() as db:
            return [dict(row._mapping) for row in db.execute(query)]

    def counts(self, site_id: int, uris: Sequence[str]) -> dict[str, int]:
        found = {uri: 0 for uri in uris}
        if not uris:
            return found
        query = select(schema.threads.c.uri, schema.threads.c.published).where(  # kept by triggers (migration 0009)
            and_(schema.threads.c.site_id == site_id, schema.threads.c.uri.in_(list(uris))))
        with self.read() as db:
            for uri, count in db.execute(query):
                found[uri] = int(count)
        return found

    def vote(self, comment_id: int, voter: str, value: int) -> tuple[int, int] | None:
        """Record one vote per voter; None when this voter already voted."""
        column = schema.comments.c.likes if value > 0 else schema.comments.c.dislikes
        with self.write() as db:
            try:
                with db.begin_nested():
                    db.execute(insert(schema.votes).values(comment_id=comment_id, voter=voter, value=value))
            except IntegrityError:
                return None
            db.execute(update(schema.comments).where(schema.comments.c.id == comment_id).values({column: column + 1}))
            row = db.execute(
                select(schema.comments.c.likes, schema.comments.c.dislikes).where(schema.comments.c.id == comment_id)
            ).one()
            return int(row.likes), int(row.dislikes)

    def recent_comments(self, site_id: int, thread_id: int | None = None, limit: int = 50) -> list[tuple[Comment, str, str]]:
        """Newest published comments of a site (or one thread) with their thread's uri and title."""
        query = (
            select(schema.comments, schema.threads.c.uri, schema.threads.c.title.label("thread_title"))
            .select_from(schema.comments.join(schema.threads))
            .where(and_(schema.threads.c.site_id == site_id, schema.comments.c.status == Status.PUBLISHED.value))
            .order_by(schema.comments.c.created.desc(), schema.comments.c.id.desc())
            .limit(limit)
        )
        if thread_id is not None:
            query = query.where(schema.comments.c.thread_id == thread_id)
        with self.read() as db:
            return [(_comment(row), row.uri, row.thread_title) for row in db.execute(query)]

    # -- what the spam filter's request checks ask ------------------------------
    def posts_from_ip_since(self, ip_hash: str, since: float, at_most: int) -> tuple[int, float]:
        """How many comments this IP posted since then (counting stops at ``at_most``) and when it
        last posted (0 if never)."""
        with self.read() as db:
            count, newest = db.execute(POSTS_FROM_IP, {"ip_hash": ip_hash, "since": since, "limit": at_most}).one()
        return int(count or 0), float(newest or 0.0)

    def said_before(self, thread_id: int, email: str, text: str) -> bool:
        """Whether this address posted these very words in the thread within the week (and did not delete them),
        among the newest ``SAID_BEFORE_NEWEST`` comments that share the text's first band key.

        Within the week whose band keys are kept, and among the newest: a reader unsure whether a comment went
        through posts it again within minutes, and the repeat rule reads no older comment either. A reader whose
        "Danke!" came a hundred other readers' ago is not refused, and the repeat rule judges the second one."""
        parameters = {"band": band_keys(text)[0], "email": email.lower(), "thread_id": thread_id, "text": text}
        with self.read() as db:
            return db.execute(SAID_BEFORE, parameters).first() is not None

    def count_today(self, name: str, amount: int = 1) -> None:
        """A daily counter for what leaves no row behind, such as discarded spam."""
        table = schema.daily_counts
        day = datetime.now(UTC).strftime("%Y-%m-%d")
        where = and_(table.c.day == day, table.c.name == name)

        def count(db: Connection) -> None:
            if db.execute(select(table.c.count).where(where)).first() is None:
                db.execute(insert(table).values(day=day, name=name, count=0))
            db.execute(update(table).where(where).values(count=table.c.count + amount))

        self.write_shared(count)  # a wave of discarded spam: one commit for many

    # -- block and suspect lists (read on every check, so cached) ------------------
    def block_rules(self) -> list[BlockRule]:
        """The block list, read again at least every BLOCK_RULES_MAX_AGE seconds: other processes change it too."""
        cached, read_at = self._block_rules
        if cached is None or time.monotonic() - read_at >= BLOCK_RULES_MAX_AGE:
            read_at = time.monotonic()
            with self.read() as db:
                rows = db.execute(select(schema.block_rules).order_by(schema.block_rules.c.id)).all()
            cached = [BlockRule(row.kind, row.value, row.action) for row in rows]
            self._block_rules = (cached, read_at)
        return cached

    def block_rule_rows(self) -> list[dict[str, Any]]:
        with self.read() as db:
            return [dict(row._mapping) for row in db.execute(select(schema.block_rules).order_by(schema.block_rules.c.id))]

    def add_block_rule(self, kind: str, value: str, action: str = "spam") -> None:
        with self.write() as db:
            try:
                with db.begin_nested():
                    db.execute(insert(schema.block_rules).values(kind=kind, value=value, action=action, created=time.time()))
            except IntegrityError:
                pass
        self._block_rules = (None, 0.0)

    def remove_block_rule(self, rule_id: int) -> None:
        with self.write() as db:
            db.execute(delete(schema.block_rules).where(schema.block_rules.c.id == rule_id))
        self._block_rules = (None, 0.0)


def _run_each(db: Connection, works: list[Callable[[Connection], Any]]) -> list[Any]:
    return [work(db) for work in works]


def inserted_id(result: Any) -> int:
    """The primary key of the row an INSERT made."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
