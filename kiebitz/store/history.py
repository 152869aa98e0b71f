"""What the spam filter asks of a site's past comments (spam.filter's ``History``), in SQLAlchemy Core.

Repeats, link floods, phone numbers given again, commenters a moderator approved before: every
question reads a bounded span of comments through an index (tests/store/test_query_plans.py).
An Akismet key's checks answer the same questions from their traces instead
(moderation/akismet_history.py, ``KeyHistory``).
"""

from __future__ import annotations

import math

from sqlalchemy import and_, bindparam, distinct, func, select

from kiebitz.domain import BlockRule, Status
from kiebitz.store import schema
from kiebitz.store.comments import FILTER_ACTOR, MOST_SHARED_BANDS, Store, band_parameters

SIMILAR_TEXTS = select(schema.comments.c.text).where(schema.comments.c.id.in_(MOST_SHARED_BANDS))


def like_pattern(fragment: str) -> str:
    """A LIKE pattern (escape character "\\") for texts that contain ``fragment`` as it is."""
    return "%" + fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# The link flood's questions, built once: every post with a link asks the first (filter.py, ``link_flood``).
_NAMING = schema.comments.c.text.like(bindparam("pattern"), escape="\\")
LINK_POSTERS = select(func.count(distinct(schema.comments.c.ip_hash))).where(and_(
    schema.comments.c.created >= bindparam("since"), schema.comments.c.created <= bindparam("until"),
    schema.comments.c.ip_hash != "", _NAMING))
PUBLISHED_LINK = select(schema.audit_log.c.id).join_from(
    schema.audit_log, schema.comments, schema.audit_log.c.comment_id == schema.comments.c.id
).where(and_(
    schema.audit_log.c.at >= bindparam("since"), schema.audit_log.c.to_status == Status.PUBLISHED.value,
    schema.audit_log.c.actor != FILTER_ACTOR,
    schema.audit_log.c.from_status.in_([Status.PENDING.value, Status.SPAM.value]),
    schema.comments.c.status == Status.PUBLISHED.value,  # not since taken back
    _NAMING,
)).limit(1)

# The repeated phone number's questions (filter.py, ``repeated_number``): a number's key is a band of its own.
_WITH_NUMBER = schema.comment_bands.join(schema.comments, schema.comments.c.id == schema.comment_bands.c.comment_id)
NUMBER_POSTERS = select(func.count(distinct(schema.comments.c.ip_hash))).select_from(_WITH_NUMBER).where(and_(
    schema.comment_bands.c.band == bindparam("key"), schema.comment_bands.c.created >= bindparam("since"),
    schema.comments.c.ip_hash != ""))
PUBLISHED_NUMBER = select(schema.audit_log.c.id).select_from(
    _WITH_NUMBER.join(schema.audit_log, schema.audit_log.c.comment_id == schema.comments.c.id)
).where(and_(
    schema.comment_bands.c.band == bindparam("key"), schema.audit_log.c.at >= bindparam("since"),
    schema.audit_log.c.to_status == Status.PUBLISHED.value, schema.audit_log.c.actor != FILTER_ACTOR,
    schema.audit_log.c.from_status.in_([Status.PENDING.value, Status.SPAM.value]),
    schema.comments.c.status == Status.PUBLISHED.value,
)).limit(1)


APPROVED_BY_EMAIL = select(schema.comments.c.id).where(
    and_(schema.comments.c.email == bindparam("email"), schema.comments.c.status == Status.PUBLISHED.value,
         schema.comments.c.id != bindparam("other_than"))
).limit(1)


class SiteHistory:
    """The widget's comments as the filter's history: the site's own repeats, floods, numbers and trust."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def similar_texts(self, text: str, since: float, limit: int = 5) -> list[str]:
        """Recent comments sharing the most MinHash bands with ``text``: the candidates for a near repeat."""
        with self.store.read() as db:
            rows = db.execute(SIMILAR_TEXTS, band_parameters(text) | {"since": since, "limit": limit})
            return [row.text for row in rows]

    def traced_likeness(self, text: str, since: float) -> float:
        """Nothing: the texts are kept, and similar_texts returns them (spam.filter's ``History``)."""
        return 0.0

    def link_posters(self, host: str, since: float, until: float | None = None) -> int:
        """How many addresses posted a comment naming ``host`` from ``since`` (until ``until``).

        Only comments with a link ask, and only that span's comments (ix_comments_created) are read: the
        last hour's, and the day before it when the hour already brought many (filter.py, ``link_flood``)."""
        span = {"since": since, "until": math.inf if until is None else until, "pattern": like_pattern(host)}
        with self.store.read() as db:
            return int(db.execute(LINK_POSTERS, span).scalar() or 0)

    def moderator_published_link(self, host: str, since: float) -> bool:
        """Whether a moderator published, since ``since``, a held comment that names ``host``.

        Read from the audit log (ix_audit_at) rather than the comments: a moderator's decision is the
        evidence, and only the span's decisions are joined to their comments."""
        with self.store.read() as db:
            return db.execute(PUBLISHED_LINK, {"since": since, "pattern": like_pattern(host)}).first() is not None

    def number_posters(self, key: str, since: float) -> int:
        """How many addresses gave the phone number of ``key`` (fingerprint.phone_numbers) since ``since``,
        found through its band row (ix_comment_bands_band_created)."""
        with self.store.read() as db:
            return int(db.execute(NUMBER_POSTERS, {"key": key, "since": since}).scalar() or 0)

    def moderator_published_number(self, key: str, since: float) -> bool:
        """Whether a moderator published, since ``since``, a held comment that gives the phone number of ``key``."""
        with self.store.read() as db:
            return db.execute(PUBLISHED_NUMBER, {"key": key, "since": since}).first() is not None

    def has_approved_comment(self, email: str, other_than: int | None = None) -> bool:
        """Addresses are stored in lower case (validation.email), so the index answers this."""
        if not email:
            return False
        with self.store.read() as db:
            found = db.execute(APPROVED_BY_EMAIL, {"email": email.lower(), "other_than": other_than or 0})
            return found.first() is not None

    def block_rules(self) -> list[BlockRule]:
        """The site's block list, as the store keeps it (read again every second)."""
        return self.store.block_rules()
