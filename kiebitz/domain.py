"""The words Kiebitz is built from: comments, threads, statuses and verdicts.

No I/O and no imports from the rest of the package, so every layer can use it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Status(str, enum.Enum):
    """Where a comment stands; stored by name, never as a magic integer."""

    PUBLISHED = "published"
    PENDING = "pending"
    SPAM = "spam"
    DELETED = "deleted"


class Label(str, enum.Enum):
    """The spam filter's four outcomes, in rising order of suspicion."""

    HAM = "ham"
    UNSURE = "unsure"
    SPAM = "spam"
    DISCARD = "discard"

    @property
    def status(self) -> Status | None:
        """The status a new comment with this label gets; None means not stored."""
        return {
            Label.HAM: Status.PUBLISHED,
            Label.UNSURE: Status.PENDING,
            Label.SPAM: Status.SPAM,
            Label.DISCARD: None,
        }[self]


@dataclass(frozen=True)
class Reason:
    """One piece of evidence behind a verdict, e.g. ('honeypot', 'hidden field filled', 1.0)."""

    code: str
    message: str
    weight: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "weight": round(self.weight, 4)}


@dataclass(frozen=True)
class Verdict:
    """What the spam filter says of a comment, and why."""

    label: Label
    probability: float
    reasons: tuple[Reason, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "verdict": self.label.value,
            "probability": round(self.probability, 6),
            "reasons": [reason.as_dict() for reason in self.reasons],
        }


@dataclass(frozen=True)
class BlockRule:
    """One block list entry: kind is word, regex, email, domain, ip or author_url."""

    kind: str
    value: str
    action: str = "spam"  # or "pending" for suspect words



BLOCK_KINDS = ("word", "regex", "email", "domain", "ip", "author_url")


@dataclass
class CommentDraft:
    """A comment as submitted, before it is stored; also what the spam filter reads."""

    text: str
    author: str = ""
    email: str = ""
    website: str = ""
    uri: str = ""
    parent: int | None = None
    ip: str = ""
    user_agent: str = ""
    referrer: str = ""
    language: str = ""
    seconds_to_submit: float | None = None
    honeypot: str = ""
    comment_type: str = "comment"
    extra: dict[str, str] = field(default_factory=dict)
    # Hosts of the site the comment is posted on, as its operator named them (the site's or the instance's
    # origins, Kiebitz's public address, an Akismet client's blog): readers linking to the site's own pages
    # are no link spam. Never taken from what the poster sends (Origin, Referer, the page address).
    own_hosts: frozenset[str] = frozenset()
    # The spam filter's sentence vector of the text, when the web layer encoded it already (batched with
    # other posts: spam/encoder.py); None to let the model encode it if it needs to.
    sentence_vector: Any = field(default=None, compare=False, repr=False)
    # The n-gram model's weighed features of the draft once it computed them (SpamModel.vector_of), with the
    # IDF and language they were weighed with; only the model reads it.
    features: Any = field(default=None, init=False, compare=False, repr=False)  # not copied by replace()


@dataclass
class Comment:
    """A stored comment as the store returns it."""

    id: int
    thread_id: int
    parent: int | None
    author: str
    email: str
    website: str
    text: str
    html: str
    status: Status
    created: float
    modified: float | None
    likes: int = 0
    dislikes: int = 0
    ip_hash: str = ""
    ip_network: str = ""
    verdict: str = ""
    score: float = 0.0
    reasons: list[dict[str, object]] = field(default_factory=list)
    pinned: bool = False
    staff: bool = False
    depth: int = 0
