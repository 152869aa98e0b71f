"""The link flood for Akismet keys: each key's checks and reports as the history the filter asks.

A WordPress site behind the Akismet API keeps its comments itself, so the filter
had nothing to count a flood by: a pool of addresses could each post a link to
the same host and pass, the complaint Waline's and Twikoo's users bring against
Akismet. Of each check the hosts it links to are kept with a keyed hash of its
address, and of each submit-ham (the WordPress plugin sends one when a moderator
clicks "Not Spam") the hosts as vouched for, which ends the flood as publishing
a held comment does on our own comments. A submit-spam of the same comment takes
the vouch back. Rows older than ``LINKS_KEPT`` are deleted by the retention purge:
no text, no address, and the hashes for a day and an hour only.
"""

from __future__ import annotations

import math

from sqlalchemy import and_, bindparam, delete, distinct, func, insert, select
from sqlalchemy.engine import Connection

from kiebitz.domain import BlockRule, CommentDraft
from kiebitz.spam import rules
from kiebitz.spam.filter import Thresholds
from kiebitz.store import schema
from kiebitz.store.comments import Store

LINKS = schema.akismet_links
DEFAULTS = Thresholds()
LINKS_KEPT = DEFAULTS.flood_window + DEFAULTS.flood_usual_days * 86400  # the hour and the day before it

# Built once: a check with a link asks these, and building the expressions cost more than running them.
OF_HOST = and_(LINKS.c.key == bindparam("key"), LINKS.c.host == bindparam("host"), LINKS.c.created >= bindparam("since"))
POSTERS = select(func.count(distinct(LINKS.c.ip_hash))).where(
    and_(OF_HOST, LINKS.c.created < bindparam("until"), LINKS.c.vouched.is_(False)))
VOUCHED = select(LINKS.c.id).where(and_(OF_HOST, LINKS.c.vouched.is_(True))).limit(1)


class KeyHistory:
    """What the filter may ask of one key's past (spam.filter's ``History``): only link hosts.

    Repeats, block lists and trust in approved commenters stay the site's own (WordPress checks
    duplicates, its disallowed words and earlier approvals before it asks Akismet)."""

    def __init__(self, store: Store, key: str) -> None:
        self.store = store
        self.key = key

    def similar_texts(self, text: str, since: float, limit: int = 5) -> list[str]:
        return []

    def has_approved_comment(self, email: str, other_than: int | None = None) -> bool:
        return False

    def block_rules(self) -> list[BlockRule]:
        return []

    def link_posters(self, host: str, since: float, until: float | None = None) -> int:
        span = {"key": self.key, "host": host, "since": since, "until": math.inf if until is None else until}
        with self.store.read() as db:
            return int(db.execute(POSTERS, span).scalar() or 0)

    def moderator_published_link(self, host: str, since: float) -> bool:
        with self.store.read() as db:
            return db.execute(VOUCHED, {"key": self.key, "host": host, "since": since}).first() is not None


def hosts_of(draft: CommentDraft) -> list[str]:
    """The hosts the link flood counts, as the column holds them (no real host name is longer)."""
    return [host[:253] for host in rules.flood_hosts(draft)]


def record_check(db: Connection, key: str, draft: CommentDraft, ip_hash: str, fingerprint: str, now: float) -> None:
    """A check's link hosts, in the transaction that logs the check."""
    hosts = hosts_of(draft)
    if hosts and ip_hash:
        db.execute(insert(LINKS), [{"key": key, "host": host, "ip_hash": ip_hash, "vouched": False,
                                    "fingerprint": fingerprint, "created": now} for host in hosts])


def record_report(db: Connection, key: str, draft: CommentDraft, is_spam: bool, fingerprint: str, now: float) -> None:
    """A submit-ham vouches for the comment's hosts; a submit-spam of it takes that back (found by its hosts
    first, through ix_akismet_links_host, then by its fingerprint)."""
    hosts = hosts_of(draft)
    if not hosts:
        return
    if is_spam:
        db.execute(delete(LINKS).where(and_(LINKS.c.key == key, LINKS.c.host.in_(hosts), LINKS.c.vouched.is_(True),
                                            LINKS.c.fingerprint == fingerprint)))
    else:
        db.execute(insert(LINKS), [{"key": key, "host": host, "ip_hash": "", "vouched": True,
                                    "fingerprint": fingerprint, "created": now} for host in hosts])


def forget_links(store: Store, before: float) -> int:
    """The retention purge's part: rows older than ``before`` (ix_akismet_links_created)."""
    with store.write() as db:
        return int(db.execute(delete(LINKS).where(LINKS.c.created < before)).rowcount or 0)
