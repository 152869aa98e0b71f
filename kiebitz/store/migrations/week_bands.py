"""The last week's comment keys made anew, for a migration that changes what ``comment_keys`` gives.

Keys stored before such a change would not meet those of new comments, so the
comments the repeat rule still compares with, the last week's, get theirs anew;
older ones are no longer asked. ``comment_keys`` is imported, not copied: the keys
must be those the running code asks for.
"""

import time

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kiebitz.fingerprint import comment_keys

WEEK = 7 * 86_400  # spam.filter's duplicate_window
PAGE = 1000
comments = sa.table("comments", sa.column("id", sa.Integer), sa.column("text", sa.Text), sa.column("created", sa.Float))
bands = sa.table("comment_bands", sa.column("band", sa.String), sa.column("comment_id", sa.Integer),
                 sa.column("created", sa.Float))


def make_week_bands_anew(db: Connection) -> None:
    since, last = time.time() - WEEK, 0
    while True:  # a page at a time: a busy site's week is more text than a worker should hold
        page = db.execute(sa.select(comments.c.id, comments.c.text, comments.c.created)
                          .where(comments.c.created >= since, comments.c.id > last)
                          .order_by(comments.c.id).limit(PAGE)).all()
        if not page:
            return
        db.execute(sa.delete(bands).where(bands.c.comment_id.in_([row.id for row in page])))
        keys = [{"band": band, "comment_id": row.id, "created": row.created}
                for row in page if row.text for band in comment_keys(row.text)]
        if keys:
            db.execute(sa.insert(bands), keys)
        last = page[-1].id
