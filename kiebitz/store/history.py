"""What the spam filter asks of a site's past comments (spam.filter's ``History``), in SQLAlchemy Core.

Repeats, link floods, phone numbers given again, commenters a moderator approved before: every
question reads a bounded span of comments through an index (tests/store/test_query_plans.py).
An Akismet key's checks answer the same questions from their traces instead
(moderation/akismet_history.py, ``KeyHistory``).
"""

from __future__ import annotations

import math

from sqlalchemy import and_, bindparam, distinct, func, select

from kiebitz import fingerprint
from kiebitz.domain import BlockRule, Status
from kiebitz.store import schema
from kiebitz.store.comments import FILTER_ACTOR, MOST_SHARED_BANDS, Store, band_parameters

SIMILAR_TEXTS = select(schema.comments.c.text).where(schema.comments.c.id.in_(MOST_SHARED_BANDS))


# The link flood's and the repeated phone number's questions (filter.py, ``link_flood`` and ``repeated_number``),
# built once. A link's host and a phone number each have a key among a comment's band keys (fingerprint.comment_keys),
# so each question reads one range of ix_comment_bands_band_created: the comments that linked to the host or gave the
# number, however many others the hour brought. Links were found by LIKE over every comment of the span before: a
# post's three questions took 50 ms at 50,000 comments in the hour, 0.4 ms now (bench/link_flood.py).
_WITH_KEY = schema.comment_bands.join(schema.comments, schema.comments.c.id == schema.comment_bands.c.comment_id)
POSTERS = select(func.count(distinct(schema.comments.c.ip_hash))).select_from(_WITH_KEY).where(and_(
    schema.comment_bands.c.band == bindparam("key"), schema.comment_bands.c.created >= bindparam("since"),
    schema.comment_bands.c.created <= bindparam("until"), schema.comments.c.ip_hash != ""))
PUBLISHED = select(schema.audit_log.c.id).select_from(
    _WITH_KEY.join(schema.audit_log, schema.audit_log.c.comment_id == schema.comments.c.id)
).where(and_(
    schema.comment_bands.c.band == bindparam("key"), schema.audit_log.c.at >= bindparam("since"),
    schema.audit_log.c.to_status == Status.PUBLISHED.value, schema.audit_log.c.actor != FILTER_ACTOR,
    schema.audit_log.c.from_status.in_([Status.PENDING.value, Status.SPAM.value]),
    schema.comments.c.status == Status.PUBLISHED.value,  # not since taken back
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
        """How many addresses posted a comment linking to ``host`` from ``since`` (until ``until``): the last
        hour's, and the day before it when the hour already brought many (filter.py, ``link_flood``)."""
        return self._posters(fingerprint.host_key(host), since, until)

    def moderator_published_link(self, host: str, since: float) -> bool:
        """Whether a moderator published, since ``since``, a held comment that links to ``host``."""
        return self._published(fingerprint.host_key(host), since)

    def number_posters(self, key: str, since: float) -> int:
        """How many addresses gave the phone number of ``key`` (fingerprint.phone_numbers) since ``since``."""
        return self._posters(key, since)

    def moderator_published_number(self, key: str, since: float) -> bool:
        """Whether a moderator published, since ``since``, a held comment that gives the phone number of ``key``."""
        return self._published(key, since)

    def _posters(self, key: str, since: float, until: float | None = None) -> int:
        span = {"key": key, "since": since, "until": math.inf if until is None else until}
        with self.store.read() as db:
            return int(db.execute(POSTERS, span).scalar() or 0)

    def _published(self, key: str, since: float) -> bool:
        with self.store.read() as db:
            return db.execute(PUBLISHED, {"key": key, "since": since}).first() is not None

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
