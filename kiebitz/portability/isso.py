"""Isso's database (its one SQLite file), read as it stands: Isso writes comments in Markdown, as Kiebitz does.

Isso nests replies one level deep only (a reply to a reply points at the
top-level comment), so that is how they arrive. Its reply notifications were
given without a confirmed address, so they are not carried over as
subscriptions; its IP addresses are already cut short and are left out.
"""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path
from typing import Any

from kiebitz.domain import Status
from kiebitz.errors import InvalidInput
from kiebitz.portability.records import ForeignComment, ForeignSite, ForeignThread

MODES = {1: Status.PUBLISHED, 2: Status.PENDING, 4: Status.DELETED}
VOTES_MAX = 2**31  # more votes than that is no count a comment has had


def read(path: str) -> ForeignSite:
    try:
        database = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        with database:
            threads = database.execute("SELECT id, uri, title FROM threads").fetchall()
            comments = database.execute(
                "SELECT id, tid, parent, created, modified, mode, text, author, email, website, likes, dislikes"
                " FROM comments ORDER BY id"
            ).fetchall()
        database.close()
    except sqlite3.DatabaseError as error:
        raise InvalidInput(f"not an Isso database: {error}", "file") from None
    site = ForeignSite("Isso")
    for key, uri, title in threads:
        site.threads[str(key)] = ForeignThread(str(key), str(uri or ""), str(title or ""))
    for row in comments:
        try:
            site.comments.append(_comment(row))
        except (TypeError, ValueError) as error:  # SQLite keeps whatever a column was given
            raise InvalidInput(f"comment {row[0]} of the Isso database is not one Kiebitz can read: {error}", "file") from None
    return site


def _comment(row: tuple[Any, ...]) -> ForeignComment:
    key, thread, parent, created, modified, mode, text, author, email, website, likes, dislikes = row
    likes, dislikes = int(likes or 0), int(dislikes or 0)
    if not (0 <= likes < VOTES_MAX and 0 <= dislikes < VOTES_MAX and math.isfinite(float(created))):
        raise ValueError(f"likes {likes}, dislikes {dislikes}, created {created}")
    return ForeignComment(
        key=str(key), thread_key=str(thread), parent_key=str(parent) if parent else None,
        author=str(author or ""), email=str(email or ""), website=str(website or ""), text=str(text or "").strip(),
        status=MODES.get(mode, Status.PENDING), created=float(created),
        modified=float(modified) if modified else None, likes=likes, dislikes=dislikes,
    )
