"""What every importer produces: threads and comments as the other system had them, before Kiebitz ids exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from kiebitz.domain import Status


@dataclass(frozen=True)
class ForeignThread:
    key: str  # the other system's id of the page
    uri: str  # the page's path, as the widget sends it
    title: str = ""
    closed: bool = False


@dataclass(frozen=True)
class ForeignComment:
    key: str  # the other system's id of the comment
    thread_key: str
    parent_key: str | None
    author: str
    email: str
    website: str
    text: str  # Markdown, as a Kiebitz comment is written
    status: Status
    created: float
    modified: float | None = None
    likes: int = 0
    dislikes: int = 0
    staff: bool = False
    pinned: bool = False


@dataclass
class ForeignSite:
    """One file's worth: the threads by key, the comments in file order, and what the reader left out, counted."""

    origin: str  # "WordPress", "Disqus", …: named in each imported comment's reasons
    threads: dict[str, ForeignThread] = field(default_factory=dict)
    comments: list[ForeignComment] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


def uri_of(link: str) -> str:
    """A page's path (and query) from its full address: what the widget sends as the thread's uri."""
    if not link:
        return ""  # no page to put the comments on: the loader leaves them out, counted
    parts = urlsplit(link)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
