"""The admin's search: each typed word found as the start of a word in a comment's text, author or e-mail.

Served by a full-text index (migration 0010): FTS5 on SQLite, a GIN index on a
tsvector on PostgreSQL; a LIKE over every comment took seconds at a million.
"Brü sanier" finds "Die Brücke wird saniert"; "erika@exa" finds the address
erika@example.org (its words erika, example, org). Accents count on neither
side in SQLite ("Brucke" finds "Brücke"); PostgreSQL's 'simple' dictionary
keeps them. SQLite's index also holds each comment's status (migration 0014),
so the words are intersected with one queue inside the index. Both have a
second index over the held queues' comments alone (PostgreSQL migration 0015,
SQLite 0016), which answers a search of the pending or spam queue without
reading the published comments' words. A search lists the newest first by
arrival (id).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, Dialect, Select, and_, literal_column, select, text
from sqlalchemy.engine import Connection

from kiebitz.store import schema

WORD = re.compile(r"[^\W_]+")  # what both indexes count as a word: letters and digits
MAX_WORDS = 10
# As in migration 0010's index, word for word. Punctuation becomes space first: PostgreSQL's parser would
# read erika@example.org as one token, which "example" could not find.
POSTGRESQL_WORDS = ("to_tsvector('simple', regexp_replace(coalesce(text, '') || ' ' || coalesce(author, '') || ' ' || "
                    "coalesce(email, ''), '[[:space:][:punct:]]+', ' ', 'g'))")
HELD_QUEUES = ("pending", "spam")  # the held indexes cover these (migrations 0015 and 0016)


def words_of(typed: str) -> list[str]:
    return WORD.findall(typed.casefold())[:MAX_WORDS]


def sqlite_match(words: list[str], status: str | None) -> str:
    """FTS5's query: each word as the start of a word in the text, author or e-mail; and the queue, if named
    (the status column is not searched for the words: "spam" would find the whole spam queue)."""
    query = "{text author email} : (" + " AND ".join(f'"{word}"*' for word in words) + ")"
    return f'{query} AND status : "{status}"' if status else query


def sqlite_matches(words: list[str], status: str | None) -> Select[Any]:
    """Ids of the comments with the words (in the queue, if named), as FTS5 gives them."""
    index = "comments_search_held" if status in HELD_QUEUES else "comments_search"
    return (select(literal_column("rowid").label("id")).select_from(text(index))
            .where(text(f"{index} MATCH :search_match").bindparams(search_match=sqlite_match(words, status))))


def newest_matching(db: Connection, typed: str, status: str, limit: int) -> list[int] | None:
    """Ids of the queue's comments with the typed words, newest first, at most ``limit``; None when no word
    was typed. One pass of the index gives a page and the count."""
    words = words_of(typed)
    if not words:
        return None
    if db.dialect.name == "postgresql":
        comments = schema.comments
        matching = postgresql_matches(words, status)
        newest = select(comments.c.id).where(comments.c.status == status, matching).order_by(comments.c.id.desc())
    else:
        newest = sqlite_matches(words, status).order_by(text("rowid DESC"))
    return [row.id for row in db.execute(newest.limit(limit))]


def comments_matching(typed: str, dialect: Dialect, status: str | None = None) -> ColumnElement[bool] | None:
    """A condition on comments for the typed words; None when they hold no word (only punctuation)."""
    words = words_of(typed)
    if not words:
        return None
    if dialect.name == "postgresql":
        return postgresql_matches(words, status)
    return schema.comments.c.id.in_(sqlite_matches(words, status))


def postgresql_matches(words: list[str], status: str | None) -> ColumnElement[bool]:
    query = " & ".join(f"{word}:*" for word in words)
    condition = f"{POSTGRESQL_WORDS} @@ to_tsquery('simple', :search_words)"
    if status in HELD_QUEUES:
        # The queue as a constant, not a parameter: only then can PostgreSQL prove that the held comments'
        # index covers the query, also in a prepared statement's generic plan.
        condition += f" AND status = '{status}'"
    return and_(text(condition).bindparams(search_words=query))
