"""What the moderation admin reads: queues with search and filters, counts, daily statistics."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from kiebitz import fingerprint
from kiebitz.domain import Comment, Status
from kiebitz.store import schema
from kiebitz.store.comments import BANDS_KEPT, FILTER_ACTOR, MOST_SHARED_BANDS, Store, _comment, band_parameters
from kiebitz.store.search import comments_matching, newest_matching

PAGE_SIZE = 50
# meta: up to which comment time the likely spam's digests have covered, and when the last one went out
LIKELY_SPAM_COVERED, LIKELY_SPAM_SENT = "likely_spam_covered_until", "likely_spam_mailed_at"
SETTLE = 10.0  # seconds: a post takes its time before its commit, so the last few may still come in
COUNT_LIMIT = 10_000  # a queue's total is counted up to this many ("10000+")
ALIKE_SHOWN = 10
_OTHERS = select(schema.comments.c.id, schema.comments.c.author, schema.comments.c.status, schema.comments.c.created,
                 schema.comments.c.text)
ALIKE = _OTHERS.where(schema.comments.c.id.in_(MOST_SHARED_BANDS))
SAME_NUMBER = _OTHERS.where(schema.comments.c.id.in_(
    select(schema.comment_bands.c.comment_id).where(and_(
        schema.comment_bands.c.band.in_(bindparam("keys", expanding=True)),
        schema.comment_bands.c.created >= bindparam("since"))))
).order_by(schema.comments.c.created.desc()).limit(ALIKE_SHOWN + 1)


@dataclass(frozen=True)
class QueueFilter:
    status: Status = Status.PENDING
    search: str = ""
    site: str = ""
    thread_id: int | None = None
    page: int = 1
    least_spamlike_first: bool = False  # by the filter's score: the spam queue's legitimate comments come first


@dataclass(frozen=True)
class Alike:
    """Another comment about as worded as the one a moderator reads: with a repeat, the run it belongs to."""

    id: int
    author: str
    status: Status
    created: float
    likeness: float


@dataclass(frozen=True)
class QueueRow:
    comment: Comment
    uri: str
    thread_title: str
    thread_closed: bool
    site: str


# A comment with its thread and site, as every admin list shows it.
ROWS = select(
    schema.comments, schema.threads.c.uri, schema.threads.c.title.label("thread_title"),
    schema.threads.c.closed.label("thread_closed"), schema.sites.c.name.label("site_name"),
).select_from(schema.comments.join(schema.threads).join(schema.sites))


def comments_by_status(db: Connection) -> dict[str, int]:
    """How many comments each queue holds, every status named (0 where none)."""
    totals = schema.comment_totals  # kept by triggers: a few rows, not a walk over every comment
    found = {status: int(count) for status, count in db.execute(select(totals.c.status, totals.c["count"]))}
    return {status.value: found.get(status.value, 0) for status in Status}


def queue_row(row: Any) -> QueueRow:
    return QueueRow(_comment(row), row.uri, row.thread_title, bool(row.thread_closed), row.site_name)


class Queues:
    def __init__(self, store: Store) -> None:
        self.store = store

    def counts(self) -> dict[str, int]:
        with self.store.read() as db:
            return comments_by_status(db)

    def page(self, chosen: QueueFilter) -> tuple[list[QueueRow], int]:
        comments, threads, sites = schema.comments, schema.threads, schema.sites
        skipped = (max(1, chosen.page) - 1) * PAGE_SIZE
        searched = self._searched_page(chosen, skipped)
        if searched is not None:
            return searched
        conditions = [comments.c.status == chosen.status.value]
        if chosen.search:
            conditions.append(self._searched(chosen.search, chosen.status))
        if chosen.site:
            conditions.append(sites.c.name == chosen.site)
        if chosen.thread_id is not None:
            conditions.append(comments.c.thread_id == chosen.thread_id)
        if chosen.least_spamlike_first:
            order: tuple[Any, ...] = (comments.c.score.asc(), comments.c.id.desc())  # ix_comments_status_score
        elif chosen.search:
            order = (comments.c.id.desc(),)
        else:
            order = (comments.c.created.desc(), comments.c.id.desc())
        query = ROWS.where(and_(*conditions)).order_by(*order).limit(PAGE_SIZE).offset(skipped)
        # counted up to COUNT_LIMIT: the total of a search for a common word would cost more than the page
        counted = select(comments.c.id).select_from(comments.join(threads).join(sites)).where(and_(*conditions))
        total_query = select(func.count()).select_from(counted.limit(COUNT_LIMIT).subquery())
        with self.store.read() as db:
            rows = [queue_row(row) for row in db.execute(query)]
            total = int(db.execute(total_query).scalar() or 0)
        return rows, total

    def _searched_page(self, chosen: QueueFilter, skipped: int) -> tuple[list[QueueRow], int] | None:
        """A search of one whole queue: the index gives the queue's matches newest first, so the page and the
        count (up to COUNT_LIMIT) come from one pass (store/search.py); at a million comments on PostgreSQL
        46 ms became 26 ms. None where this does not apply: other filters or order, a page's address typed."""
        if (not chosen.search or "/" in chosen.search or chosen.site or chosen.thread_id is not None
                or chosen.least_spamlike_first):
            return None
        with self.store.read() as db:
            newest = newest_matching(db, chosen.search, chosen.status.value, COUNT_LIMIT)
            if newest is None:
                return None
            shown = newest[skipped:skipped + PAGE_SIZE]
            found = db.execute(ROWS.where(schema.comments.c.id.in_(shown)).order_by(schema.comments.c.id.desc()))
            return [queue_row(row) for row in found], len(newest)

    def _searched(self, typed: str, status: Status) -> ColumnElement[bool]:
        """Comments with the typed words (store/search.py); a text with a "/" names a page instead, by its
        address or title as typed ("%" and "_" no wildcards). Both at once, as one OR, made SQLite test every
        comment of the queue: at a million comments 1.3 s for a word nobody wrote."""
        comments, threads = schema.comments, schema.threads
        matching = None if "/" in typed else comments_matching(typed, self.store.engine.dialect, status.value)
        if matching is not None:
            return matching
        pages = select(threads.c.id).where(or_(threads.c.uri.icontains(typed, autoescape=True),
                                                threads.c.title.icontains(typed, autoescape=True)))
        return comments.c.thread_id.in_(pages)

    def row(self, comment_id: int) -> QueueRow | None:
        found = self.rows([comment_id])
        return found[0] if found else None

    def rows(self, comment_ids: list[int]) -> list[QueueRow]:
        """Those of the comments that exist, in the order asked."""
        with self.store.read() as db:
            found = {row.id: queue_row(row) for row in db.execute(ROWS.where(schema.comments.c.id.in_(comment_ids)))}
        return [found[comment_id] for comment_id in comment_ids if comment_id in found]

    def alike(self, comment: Comment) -> list[Alike]:
        """The comments of the week around it at least 80 % alike (the repeat rule's measure), most alike first.

        A repeat held for a moderator asks whether it is canned words from many readers or a spam run under
        many names; the others show which, and the bulk actions take them all. Found through the band keys, as
        the repeat rule finds them, so only those of the week whose keys are kept."""
        asked = band_parameters(comment.text) | {"since": comment.created - BANDS_KEPT, "limit": ALIKE_SHOWN + 1}
        with self.store.read() as db:
            rows = db.execute(ALIKE, asked).all()
        found = [Alike(row.id, row.author, Status(row.status), row.created, fingerprint.keyed_similarity(comment.text, row.text))
                 for row in rows if row.id != comment.id]
        return sorted((alike for alike in found if alike.likeness >= 0.8), key=lambda alike: -alike.likeness)

    def same_number(self, comment: Comment) -> list[Alike]:
        """The comments of the week around it that give one of its phone numbers, newest first: a spam run keeps
        its number under other words (spam.filter, ``repeated_number``), and the bulk actions take them all."""
        keys = list(fingerprint.phone_numbers(comment.text))
        if not keys:
            return []
        with self.store.read() as db:
            rows = db.execute(SAME_NUMBER, {"keys": keys, "since": comment.created - BANDS_KEPT}).all()
        return [Alike(row.id, row.author, Status(row.status), row.created, fingerprint.keyed_similarity(comment.text, row.text))
                for row in rows if row.id != comment.id][:ALIKE_SHOWN]

    def likely_spam_to_mail(self, threshold: float, every: float, now: float, shown: int) -> tuple[list[Comment], int]:
        """The held comments at ``threshold`` or more that came (or were edited) since the last digest, and how
        many they are (the first ``shown`` of them, oldest first), unless a digest went out less than ``every``
        seconds ago. The comments are claimed in the same write, and writes take turns across processes
        (store.transactions), so that of the processes asking, one mails them. The first digest starts from
        the first time this is asked: what came before was mailed one by one."""
        until = now - SETTLE
        with self.store.write() as db:
            covered, sent = (_meta(db, key) for key in (LIKELY_SPAM_COVERED, LIKELY_SPAM_SENT))
            if covered is None:
                _set_meta(db, LIKELY_SPAM_COVERED, until)
                return [], 0
            if sent is not None and now - sent < every:
                return [], 0
            comments = schema.comments
            arrived = func.coalesce(comments.c.modified, comments.c.created)  # an author's edit is judged anew
            waiting = and_(comments.c.status == Status.PENDING.value, comments.c.score >= threshold,
                           arrived > covered, arrived <= until)
            count = db.execute(select(func.count()).select_from(comments).where(waiting)).scalar_one()
            if not count:
                return [], 0
            rows = db.execute(select(comments).where(waiting).order_by(arrived).limit(shown)).all()
            _set_meta(db, LIKELY_SPAM_COVERED, until)
            _set_meta(db, LIKELY_SPAM_SENT, now)
            return [_comment(row) for row in rows], count

    def sites(self) -> list[str]:
        with self.store.read() as db:
            return [row.name for row in db.execute(select(schema.sites.c.name).order_by(schema.sites.c.name))]

    def daily_statistics(self, days: int = 30) -> list[dict[str, Any]]:
        """Per day: what the filter decided, and how moderators corrected it (its real accuracy here)."""
        since = time.time() - days * 86400
        log = schema.audit_log
        day = func.strftime("%Y-%m-%d", log.c.at, "unixepoch") if self.store.engine.dialect.name == "sqlite" \
            else func.to_char(func.to_timestamp(log.c.at), "YYYY-MM-DD")
        decided = select(day.label("day"), log.c.to_status, func.count()).where(
            and_(log.c.actor == FILTER_ACTOR, log.c.at >= since)).group_by("day", log.c.to_status)
        corrected = select(day.label("day"), log.c.from_status, log.c.to_status, func.count()).where(
            and_(log.c.actor != FILTER_ACTOR, log.c.at >= since, log.c.from_status.is_not(None))
        ).group_by("day", log.c.from_status, log.c.to_status)
        table: dict[str, dict[str, Any]] = {}

        def entry(name: str) -> dict[str, Any]:
            return table.setdefault(name, {"day": name, "published": 0, "pending": 0, "spam": 0, "discarded": 0,
                                           "false_positives": 0, "missed_spam": 0})

        with self.store.read() as db:
            for name, status, count in db.execute(decided):
                if status in ("published", "pending", "spam"):
                    entry(name)[status] += int(count)
            for name, old, new, count in db.execute(corrected):
                if old == "spam" and new == "published":
                    entry(name)["false_positives"] += int(count)
                elif old in ("published", "pending") and new == "spam":
                    entry(name)["missed_spam"] += int(count)
            for row in db.execute(select(schema.daily_counts).where(schema.daily_counts.c.name == "discarded")):
                if row.day >= datetime.fromtimestamp(since, UTC).strftime("%Y-%m-%d"):
                    entry(row.day)["discarded"] += int(row._mapping["count"])  # row.count is the tuple method
        return [table[name] for name in sorted(table, reverse=True)]


def _meta(db: Connection, key: str) -> float | None:
    value = db.execute(select(schema.meta.c.value).where(schema.meta.c.key == key)).scalar()
    return None if value is None else float(value)


def _set_meta(db: Connection, key: str, value: float) -> None:
    if not db.execute(update(schema.meta).where(schema.meta.c.key == key).values(value=repr(value))).rowcount:
        db.execute(insert(schema.meta).values(key=key, value=repr(value)))
