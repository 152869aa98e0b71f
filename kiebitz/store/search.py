"""The admin's search: each typed word found as the start of a word in a comment's text, author or e-mail.

Served by a full-text index (migration 0010): FTS5 on SQLite, a GIN index on a
tsvector on PostgreSQL; a LIKE over every comment took seconds at a million.
"Brü sanier" finds "Die Brücke wird saniert"; "erika@exa" finds the address
erika@example.org (its words erika, example, org). Accents count on neither
side in SQLite ("Brucke" finds "Brücke"); PostgreSQL's 'simple' dictionary
keeps them.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, Dialect, Select, and_, literal_column, select, text

from kiebitz.store import schema

WORD = re.compile(r"[^\W_]+")  # what both indexes count as a word: letters and digits
MAX_WORDS = 10
# As in migration 0010's index, word for word. Punctuation becomes space first: PostgreSQL's parser would
# read erika@example.org as one token, which "example" could not find.
POSTGRESQL_WORDS = ("to_tsvector('simple', regexp_replace(coalesce(text, '') || ' ' || coalesce(author, '') || ' ' || "
                    "coalesce(email, ''), '[[:space:][:punct:]]+', ' ', 'g'))")


def words_of(typed: str) -> list[str]:
    return WORD.findall(typed.casefold())[:MAX_WORDS]


def comments_matching(typed: str, dialect: Dialect) -> ColumnElement[bool] | None:
    """A condition on comments for the typed words; None when they hold no word (only punctuation)."""
    words = words_of(typed)
    if not words:
        return None
    if dialect.name == "postgresql":
        query = " & ".join(f"{word}:*" for word in words)
        condition = text(f"{POSTGRESQL_WORDS} @@ to_tsquery('simple', :search_words)").bindparams(search_words=query)
        return and_(condition)
    match = " ".join(f'"{word}"*' for word in words)
    found: Select[Any] = (select(literal_column("rowid")).select_from(text("comments_search"))
                          .where(text("comments_search MATCH :search_match").bindparams(search_match=match)))
    return schema.comments.c.id.in_(found)
