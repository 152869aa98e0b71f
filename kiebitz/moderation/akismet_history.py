"""Each Akismet key's past checks and reports, as the history the filter asks: link floods and repeats.

A WordPress site behind the Akismet API keeps its comments itself, so the filter
had nothing to count a flood or a repeat by: a pool of addresses could each post
a link to the same host, or the same text under other names, and pass (Waline's
and Twikoo's users bring the first against Akismet). So two traces of each check
are kept, neither its text nor its address:

- its link hosts with a keyed hash of its address (``akismet_links``), for a day
  and an hour, and as much of its phone numbers (a keyed hash of each, as a
  host ``tel:…``) for the week the repeated-number rule looks back; of each
  submit-ham (the WordPress plugin sends one when a moderator clicks "Not Spam"
  or approves a held comment) the hosts and numbers as vouched for, which ends
  a flood as publishing a held comment does on our own comments. A submit-spam
  of the same comment takes the vouch back.
- a keyed hash of its words (``akismet_texts``: case, punctuation and links left
  out) and a MinHash signature of them under the server's secret
  (fingerprint.MinHash), with the signature's band keys (``akismet_text_bands``),
  for the week the repeat rule looks back. The same words are an exact repeat; a signature agreeing with this
  one's in 80 % of its positions is a near repeat, as 80 % alike texts are in our
  own section. Only a repeat by another commenter counts (another fingerprint:
  the Akismet plugin checks a held comment again when the owner asks it to).

The retention purge deletes older rows; neither table is exported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, delete, distinct, func, insert, or_, select
from sqlalchemy.engine import Connection

from kiebitz import fingerprint
from kiebitz.domain import BlockRule, CommentDraft
from kiebitz.security import Signer
from kiebitz.spam import rules
from kiebitz.spam.filter import Thresholds
from kiebitz.store import schema
from kiebitz.store.comments import Store

LINKS, TEXTS, BANDS = schema.akismet_links, schema.akismet_texts, schema.akismet_text_bands
DEFAULTS = Thresholds()
LINKS_KEPT = DEFAULTS.flood_window + DEFAULTS.flood_usual_days * 86400  # the hour and the day before it
TEXTS_KEPT = DEFAULTS.duplicate_window  # and the phone numbers'
NUMBER = "tel:"  # a host that is a phone number's keyed hash

# Built once: a check asks these, and building the expressions cost more than running them.
OF_HOST = and_(LINKS.c.key == bindparam("key"), LINKS.c.host == bindparam("host"), LINKS.c.created >= bindparam("since"))
POSTERS = select(func.count(distinct(LINKS.c.ip_hash))).where(
    and_(OF_HOST, LINKS.c.created < bindparam("until"), LINKS.c.vouched.is_(False)))
VOUCHED = select(LINKS.c.id).where(and_(OF_HOST, LINKS.c.vouched.is_(True))).limit(1)
# Other comments only: the Akismet plugin checks a held comment again when the owner asks it to.
NUMBER_POSTERS = select(func.count(distinct(LINKS.c.ip_hash))).where(
    and_(OF_HOST, LINKS.c.vouched.is_(False), LINKS.c.fingerprint != bindparam("fingerprint")))
REPEATED = select(TEXTS.c.id).where(and_(
    TEXTS.c.key == bindparam("key"), TEXTS.c.text_hash == bindparam("text_hash"),
    TEXTS.c.created >= bindparam("since"), TEXTS.c.fingerprint != bindparam("fingerprint"))).limit(1)
# As in our own section (store.history, SIMILAR_TEXTS): the checks sharing the most band keys are compared.
_BAND_MATCHES = (
    select(BANDS.c.text_id)
    .where(and_(BANDS.c.key == bindparam("key"), BANDS.c.band.in_(bindparam("bands", expanding=True)),
                BANDS.c.created >= bindparam("since")))
    .order_by(BANDS.c.created.desc())
    .limit(200)
    .subquery()
)
_MOST_SHARED = select(_BAND_MATCHES.c.text_id).group_by(_BAND_MATCHES.c.text_id).order_by(func.count().desc()).limit(5)
SIGNATURES = select(TEXTS.c.signature).where(
    and_(TEXTS.c.id.in_(_MOST_SHARED), TEXTS.c.fingerprint != bindparam("fingerprint")))
CLOSEST_TRACE = 0.99  # a signature in full agreement whose words' hash differs: alike, not the same words


@dataclass(frozen=True)
class TextTrace:
    """What a check leaves of its words: their keyed hash, their keyed signature and its band keys."""

    text_hash: str = ""
    signature: bytes = b""
    bands: tuple[str, ...] = ()
    numbers: tuple[tuple[str, str], ...] = ()  # each phone number's key (fingerprint.phone_numbers), keyed hash


class TextTracer:
    """Traces of a text under the server's secret: of its words none for a text too short to count as a repeat,
    of its phone numbers a keyed hash each."""

    def __init__(self, signer: Signer) -> None:
        self.signer = signer
        self.minhash = fingerprint.MinHash(signer.keyed_hash("akismet-minhash", "").encode())

    def trace(self, text: str) -> TextTrace:
        numbers = tuple((key, NUMBER + self.signer.keyed_hash("akismet-number", key)[:40])
                        for key in fingerprint.phone_numbers(text))
        words = fingerprint.normalise(fingerprint.without_links(text))
        if len(words) < fingerprint.SHORTEST_REPEAT:
            return TextTrace(numbers=numbers)
        signature = self.minhash.signature_of_words(words)
        return TextTrace(self.signer.keyed_hash("akismet-text", words)[:40], signature,
                         tuple(fingerprint.signature_bands(signature)), numbers)


class KeyHistory:
    """What the filter may ask of one key's past (spam.filter's ``History``): link hosts and repeats.

    Block lists and trust in approved commenters stay the site's own (WordPress checks its disallowed
    words and earlier approvals before it asks Akismet)."""

    def __init__(self, store: Store, key: str, trace: TextTrace | None = None, fingerprint: str = "") -> None:
        self.store = store
        self.key = key
        self.trace = trace or TextTrace()  # of the comment being checked, and its fingerprint
        self.fingerprint = fingerprint

    def similar_texts(self, text: str, since: float, limit: int = 5) -> list[str]:
        """``text`` itself when another commenter sent the same words since ``since``: no text is kept to
        return, and the repeat rule finds it alike in full."""
        if not self.trace.text_hash:
            return []
        with self.store.read() as db:
            found = db.execute(REPEATED, {"key": self.key, "text_hash": self.trace.text_hash, "since": since,
                                          "fingerprint": self.fingerprint}).first()
        return [text] if found is not None else []

    def traced_likeness(self, text: str, since: float) -> float:
        """How alike the most alike check by another commenter since ``since`` is, by their signatures."""
        if not self.trace.signature:
            return 0.0
        with self.store.read() as db:
            rows = db.execute(SIGNATURES, {"key": self.key, "bands": list(self.trace.bands), "since": since,
                                           "fingerprint": self.fingerprint}).all()
        alike = (fingerprint.signature_likeness(self.trace.signature, row.signature) for row in rows if row.signature)
        return min(CLOSEST_TRACE, max(alike, default=0.0))

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

    def number_posters(self, key: str, since: float) -> int:
        keyed = dict(self.trace.numbers).get(key)
        if not keyed:
            return 0
        asked = {"key": self.key, "host": keyed, "since": since, "fingerprint": self.fingerprint}
        with self.store.read() as db:
            return int(db.execute(NUMBER_POSTERS, asked).scalar() or 0)

    def moderator_published_number(self, key: str, since: float) -> bool:
        keyed = dict(self.trace.numbers).get(key)
        return keyed is not None and self.moderator_published_link(keyed, since)


def record_check(db: Connection, history: KeyHistory, draft: CommentDraft, ip_hash: str, now: float) -> None:
    """A check's traces, in the transaction that logs the check."""
    key, check = history.key, history.fingerprint
    hosts = contacts(draft, history.trace)
    if hosts and ip_hash:
        db.execute(insert(LINKS), [{"key": key, "host": host, "ip_hash": ip_hash, "vouched": False,
                                    "fingerprint": check, "created": now} for host in hosts])
    trace = history.trace
    if trace.text_hash:
        text_id = db.execute(insert(TEXTS).values(key=key, text_hash=trace.text_hash, fingerprint=check, created=now,
                                                  signature=trace.signature).returning(TEXTS.c.id)).scalar_one()
        db.execute(insert(BANDS), [{"text_id": text_id, "key": key, "band": band, "created": now}
                                   for band in trace.bands])


def contacts(draft: CommentDraft, trace: TextTrace) -> list[str]:
    """The hosts a check's traces are kept under: its link hosts and its phone numbers' keyed hashes."""
    return rules.flood_hosts(draft) + [keyed for _, keyed in trace.numbers]


def record_report(db: Connection, key: str, draft: CommentDraft, trace: TextTrace, is_spam: bool, fingerprint: str,
                  now: float) -> None:
    """A submit-ham vouches for the comment's hosts and phone numbers; a submit-spam of it takes that back (found
    by its hosts first, through ix_akismet_links_host, then by its fingerprint)."""
    hosts = contacts(draft, trace)
    if not hosts:
        return
    if is_spam:
        db.execute(delete(LINKS).where(and_(LINKS.c.key == key, LINKS.c.host.in_(hosts), LINKS.c.vouched.is_(True),
                                            LINKS.c.fingerprint == fingerprint)))
    else:
        db.execute(insert(LINKS), [{"key": key, "host": host, "ip_hash": "", "vouched": True,
                                    "fingerprint": fingerprint, "created": now} for host in hosts])


def forget(store: Store, now: float) -> int:
    """The retention purge's part: what neither rule reads any more (ix_akismet_*_created)."""
    with store.write() as db:
        links = db.execute(delete(LINKS).where(and_(LINKS.c.created < now - LINKS_KEPT, or_(
            LINKS.c.created < now - TEXTS_KEPT, LINKS.c.host.not_like(NUMBER + "%"))))).rowcount or 0
        db.execute(delete(BANDS).where(BANDS.c.created < now - TEXTS_KEPT))  # a check's bands share its time
        texts = db.execute(delete(TEXTS).where(TEXTS.c.created < now - TEXTS_KEPT)).rowcount or 0
    return int(links) + int(texts)
