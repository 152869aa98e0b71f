"""The retention purge: old spam deleted, old addresses forgotten, band keys the repeat rule no longer reads.

Every worker runs it hourly (app.keep_retention). Each works in small write
transactions with a pause after each, so that posts are written in between:
the first purge of a large site has most of its rows due at once.
"""

from __future__ import annotations

import time

from sqlalchemy import String, and_, cast, delete, func, literal, literal_column, select, update

from kiebitz.domain import Status
from kiebitz.store import schema
from kiebitz.store.comments import BANDS_KEPT, Store

PURGE_BATCH = 2000  # rows one retention transaction changes (purge)
PURGE_PAUSE = 0.05  # seconds between two of them, so that waiting posts take the write lock (it is not fair)
# comments whose band keys one purge transaction drops: their rows sit all over the band index, and 2,000
# comments' (12,000 rows) held the write lock for 0.3 s at a million comments
BANDS_PURGE_BATCH = 500


def purge(store: Store, spam_older_than: float, ip_older_than: float) -> tuple[int, int]:
    """Retention: drop old spam, and forget IP data of old comments.

    The rows are found by a read, then changed ``PURGE_BATCH`` at a time, each batch its own transaction,
    with a pause after each: posts are written between them. In one transaction, and in batches without
    the pause (the purging thread took the lock again at once), the first purge of a large site (a million
    comments whose addresses were all due) kept posts waiting until they timed out.
    """
    comments = schema.comments
    with store.read() as db:
        spam = [row.id for row in db.execute(select(comments.c.id).where(
            and_(comments.c.status == Status.SPAM.value, comments.c.created < spam_older_than)))]
        # '' as a literal, not a parameter: so the database can see that the partial index
        # ix_comments_created_with_ip (migration 0017) holds every row this asks for
        due = [row.id for row in db.execute(select(comments.c.id).where(
            and_(comments.c.created < ip_older_than, comments.c.ip_hash != literal_column("''"))))]
    purged = 0
    for start in range(0, len(spam), PURGE_BATCH):
        with store.write() as db:  # still spam: a moderator may have approved one since the read
            ids = [row.id for row in db.execute(select(comments.c.id).where(and_(
                comments.c.id.in_(spam[start:start + PURGE_BATCH]), comments.c.status == Status.SPAM.value)))]
            purged += len(ids)
            db.execute(delete(schema.votes).where(schema.votes.c.comment_id.in_(ids)))
            db.execute(delete(schema.comment_bands).where(schema.comment_bands.c.comment_id.in_(ids)))
            db.execute(delete(schema.audit_log).where(schema.audit_log.c.comment_id.in_(ids)))
            db.execute(delete(schema.reports).where(schema.reports.c.comment_id.in_(ids)))
            db.execute(update(comments).where(comments.c.parent_id.in_(ids)).values(parent_id=None))
            db.execute(delete(comments).where(comments.c.id.in_(ids)))
        time.sleep(PURGE_PAUSE)
    forgotten = 0
    for start in range(0, len(due), PURGE_BATCH):
        with store.write() as db:
            forgotten += int(db.execute(update(comments).where(and_(
                comments.c.id.in_(due[start:start + PURGE_BATCH]), comments.c.ip_hash != "")).values(
                ip_hash="", ip_network="")).rowcount or 0)
        time.sleep(PURGE_PAUSE)
    reports = schema.reports  # a reader's keyed address hash, kept to count one report per reader
    with store.write() as db:
        db.execute(update(reports).where(and_(reports.c.created < ip_older_than, reports.c.reporter.like("h:%")))
                   .values(reporter=literal("forgotten:") + cast(reports.c.id, String)))
    return purged, forgotten


def forget_old_bands(store: Store, now: float) -> int:
    """Drop the band keys of comments older than ``BANDS_KEPT``, which the repeat rule no longer reads.

    Comment ids grow with time, so the rows go by ranges of ``comment_id`` (ix_comment_bands_comment) up to
    the week's first comment (the earliest by ix_comments_created: a min(id) over the week read a million
    comment site's 230,000 entries), ``BANDS_PURGE_BATCH`` comments at a time with a pause after each, as in
    ``purge``: the first purge of a large site drops six rows of nearly every comment.
    """
    comments, bands = schema.comments, schema.comment_bands
    with store.read() as db:
        lowest = db.execute(select(func.min(bands.c.comment_id))).scalar()
        first_kept = db.execute(select(comments.c.id).where(comments.c.created >= now - BANDS_KEPT)
                                .order_by(comments.c.created).limit(1)).scalar()
        if first_kept is None:  # no comment this week
            first_kept = (db.execute(select(func.max(comments.c.id))).scalar() or 0) + 1
    dropped = 0
    for start in range(lowest or first_kept, first_kept, BANDS_PURGE_BATCH):
        with store.write() as db:
            span = and_(bands.c.comment_id >= start, bands.c.comment_id < min(start + BANDS_PURGE_BATCH, first_kept))
            dropped += int(db.execute(delete(bands).where(span)).rowcount or 0)
        time.sleep(PURGE_PAUSE)
    return dropped
