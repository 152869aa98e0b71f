"""One page of a thread read with bounded queries, and which threads changed since a given moment.

A hot article gathers tens of thousands of comments; loading all of them to
answer the widget's first 20 cost 1.9 s at 34,317. A page is read as: the
pinned top-level comments, the page's other top-level comments from an index
in the page's order (LIMIT/OFFSET), then the replies below those through
``parent_id``, and two counts from indexes. Its cost follows the page, not the
thread (except for the replies of a single top-level comment, which all come
with it, as the widget shows them).

Top-level means without a parent, or below a comment readers cannot see (held
or spam), as the tree has always shown such replies. A deleted comment stays
as a placeholder while a reply to it is still shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, exists, false, func, literal_column, or_, select, true
from sqlalchemy.orm import aliased

from kiebitz.domain import Comment, Status
from kiebitz.store import schema
from kiebitz.store.comments import Store, _comment

PUBLIC = (Status.PUBLISHED.value, Status.DELETED.value)
HIDDEN = tuple(status.value for status in Status if status.value not in PUBLIC)
comments = schema.comments
reply = aliased(comments, name="reply")

_hidden_in_thread = select(comments.c.id).where(
    and_(comments.c.thread_id == bindparam("thread_id"), comments.c.status.in_(HIDDEN))
).scalar_subquery()
TOP_LEVEL = and_(
    comments.c.thread_id == bindparam("thread_id"),
    comments.c.status.in_(PUBLIC),
    or_(comments.c.parent_id.is_(None), comments.c.parent_id.in_(_hidden_in_thread)),
    or_(comments.c.status == Status.PUBLISHED.value,
        exists().where(and_(reply.c.thread_id == comments.c.thread_id, reply.c.parent_id == comments.c.id,
                            reply.c.status.in_(PUBLIC)))),
)
ORDER = {
    "oldest": (comments.c.created, comments.c.id),
    "newest": (comments.c.created.desc(), comments.c.id.desc()),
    "top": (literal_column("(dislikes - likes)"), comments.c.created, comments.c.id),  # ix_comments_thread_top
}
PUBLISHED_IN_THREAD = select(schema.threads.c.published).where(schema.threads.c.id == bindparam("thread_id"))
# The thread's pinned comments from their partial index (migration 0012), asked alone, then read by id and put in
# order by SORT_KEYS: with the page's conditions or its order beside them, SQLite walked the whole thread in the
# order's index instead (14-15 ms at 41,902 comments).
PINNED_IN_THREAD = select(comments.c.id).where(and_(comments.c.thread_id == bindparam("thread_id"), comments.c.pinned == true()))
# ORDER as Python sort keys, for what is ordered after reading (the pinned comments, build_tree's top level)
SORT_KEYS: dict[str, Callable[[Comment], tuple[float, ...]]] = {
    "oldest": lambda comment: (comment.created, comment.id),
    "newest": lambda comment: (-comment.created, -comment.id),
    "top": lambda comment: (comment.dislikes - comment.likes, comment.created, comment.id),
}
# TOP_LEVEL counted in three parts, each an index range of ix_comments_thread_parent (thread, parent, status):
# published below no parent, published below a hidden one, and deleted placeholders that still have replies.
# Counted as one condition, PostgreSQL tested every comment of the thread: 36-48 ms at 41,902, against 6 ms.
_IN_THREAD = comments.c.thread_id == bindparam("thread_id")
_BELOW_HIDDEN = comments.c.parent_id.in_(_hidden_in_thread)


def _counted(*conditions: Any) -> Any:
    return select(func.count()).select_from(comments).where(and_(_IN_THREAD, *conditions)).scalar_subquery()


TOP_LEVEL_IN_THREAD = select(
    _counted(comments.c.parent_id.is_(None), comments.c.status == Status.PUBLISHED.value)
    + _counted(_BELOW_HIDDEN, comments.c.status == Status.PUBLISHED.value)
    + _counted(or_(comments.c.parent_id.is_(None), _BELOW_HIDDEN), comments.c.status == Status.DELETED.value,
               exists().where(and_(reply.c.thread_id == comments.c.thread_id, reply.c.parent_id == comments.c.id,
                                   reply.c.status.in_(PUBLIC))))
)


@dataclass(frozen=True)
class ThreadPage:
    comments: list[Comment]  # the page's top-level comments in order (pinned first), then every reply below them
    total: int  # published comments in the whole thread
    top_level: int  # top-level comments in the whole thread, the widget's measure of "more"


def thread_page(store: Store, thread_id: int, sort: str, limit: int | None, offset: int) -> ThreadPage:
    order = ORDER[sort]
    with store.read() as db:
        pinned_ids = list(db.execute(PINNED_IN_THREAD, {"thread_id": thread_id}).scalars())
        pinned = sorted((_comment(row) for row in db.execute(
            select(comments).where(and_(TOP_LEVEL, comments.c.id.in_(pinned_ids))), {"thread_id": thread_id})),
            key=SORT_KEYS[sort]) if pinned_ids else []
        page = pinned[offset:] if limit is None else pinned[offset:offset + limit]
        wanted = None if limit is None else limit - len(page)
        first = max(offset - len(pinned), 0)
        if wanted != 0:
            query = select(comments).where(and_(TOP_LEVEL, comments.c.pinned == false())).order_by(*order).offset(first)
            page += [_comment(row) for row in db.execute(query if wanted is None else query.limit(wanted),
                                                         {"thread_id": thread_id})]
        replies = _replies_below(db, thread_id, [comment.id for comment in page])
        total = db.execute(PUBLISHED_IN_THREAD, {"thread_id": thread_id}).scalar_one()
        top_level = db.execute(TOP_LEVEL_IN_THREAD, {"thread_id": thread_id}).scalar_one()
    return ThreadPage(page + replies, int(total), int(top_level))


def _replies_below(db: Any, thread_id: int, parents: list[int]) -> list[Comment]:
    """Every shown reply below these comments, at any depth, oldest first."""
    if not parents:
        return []
    below = (select(comments.c.id)
             .where(and_(comments.c.thread_id == thread_id, comments.c.parent_id.in_(parents), comments.c.status.in_(PUBLIC)))
             .cte("below", recursive=True))
    below = below.union_all(select(reply.c.id).where(and_(
        reply.c.thread_id == thread_id, reply.c.parent_id == below.c.id, reply.c.status.in_(PUBLIC))))
    query = select(comments).where(comments.c.id.in_(select(below.c.id))).order_by(comments.c.created, comments.c.id)
    return [_comment(row) for row in db.execute(query)]


class ThreadChanges:
    """The change log the triggers of migration 0008 keep: one row per thread, stamped with a rising number."""

    NEWEST = select(func.coalesce(func.max(schema.thread_changes.c.seq), 0))
    SINCE = select(schema.thread_changes.c.thread_id, schema.thread_changes.c.seq).where(
        schema.thread_changes.c.seq > bindparam("seq"))

    def __init__(self, store: Store) -> None:
        self.store = store

    def newest(self) -> int:
        with self.store.read() as db:
            return int(db.execute(self.NEWEST).scalar_one())

    def since(self, seq: int) -> list[tuple[int, int]]:
        """(thread id, sequence number) of every thread changed after ``seq``; thread 0 means all of them."""
        with self.store.read() as db:
            return [(int(thread_id), int(number)) for thread_id, number in db.execute(self.SINCE, {"seq": seq})]
