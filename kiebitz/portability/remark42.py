"""Remark42's backup (one JSON object of users and posts, then one comment per line; often gzipped).

A Remark42 comment keeps its Markdown source in ``orig`` and the rendered
HTML in ``text``; the source is taken where there is one. Remark42 asks for no
e-mail with a comment, so imported ones have none; its IP hashes are keyed
with another secret and are left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from kiebitz.domain import Status
from kiebitz.errors import InvalidInput
from kiebitz.portability.content import markdown_from_html
from kiebitz.portability.records import ForeignComment, ForeignSite, ForeignThread, uri_of


def read(lines: Iterable[str]) -> ForeignSite:
    site = ForeignSite("Remark42")
    closed: set[str] = set()
    for number, line in _numbered(lines):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if number == 1:
                closed = _read_only_pages(record)
            else:
                site.comments.append(_comment(record, site, closed))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise InvalidInput(f"line {number} of the Remark42 backup is not a comment Kiebitz can read: {error!r}",
                               "file") from None
    return site


def _numbered(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """The lines with their numbers; bytes that are no UTF-8 (the lines are decoded as they are read) named by line."""
    number = 0
    try:
        for number, line in enumerate(lines, start=1):
            yield number, line
    except UnicodeDecodeError as error:
        # the text is decoded a few kilobytes ahead, so the line is where reading stopped, not the bad byte's
        raise InvalidInput(f"the Remark42 backup is not UTF-8 text (read up to line {number}): {error.reason}",
                           "file") from None


def _read_only_pages(meta: dict[str, Any]) -> set[str]:
    if not isinstance(meta, dict) or "version" not in meta:
        raise ValueError("the first line is not a Remark42 backup's header (version, users, posts)")
    return {post["url"] for post in meta.get("posts") or [] if post.get("read_only")}


def _comment(record: dict[str, Any], site: ForeignSite, closed: set[str]) -> ForeignComment:
    url = record["locator"]["url"]
    if url not in site.threads:
        site.threads[url] = ForeignThread(url, uri_of(url), record.get("title") or "", url in closed)
    votes = (record.get("votes") or {}).values()
    user = record.get("user") or {}
    edit = record.get("edit") or {}
    return ForeignComment(
        key=record["id"], thread_key=url, parent_key=record.get("pid") or None,
        author=user.get("name") or "", email="", website="",
        text=(record.get("orig") or "").strip() or markdown_from_html(record.get("text") or ""),
        status=Status.DELETED if record.get("delete") else Status.PUBLISHED,
        created=_seconds(record["time"]), modified=_seconds(edit["time"]) if edit.get("time") else None,
        likes=sum(1 for vote in votes if vote), dislikes=sum(1 for vote in votes if not vote),
        staff=bool(user.get("admin")), pinned=bool(record.get("pin")),
    )


def _seconds(value: str) -> float:
    """Go's RFC 3339 times, nanoseconds and "Z" included (Python 3.11 reads both, to the microsecond)."""
    return datetime.fromisoformat(value).timestamp()
