"""Akismet's use cases on our own filter: keys, checks, lessons, usage statistics.

Of a check, only what statistics and learning need is kept: a keyed
fingerprint of the comment (to pair a later submit-spam/ham with the check),
the verdict, the key, the site and the month. No text, e-mail or IP. For the
link flood and repeats, its link hosts with a keyed hash of its address, and a
keyed hash and a keyed MinHash signature of its words, are kept for a day and an
hour and for a week (akismet_history).

What a key reports teaches only that key's own checks (spam.store), at most
``KEY_LESSONS_PER_HOUR`` an hour: a plugin with a bug or a leaked key sending
hundreds of reports of everyday comments cannot turn the filter against
another site's readers. Reports over the limit are counted (``reports_over_limit``
in the statistics and /metrics) and logged, not learned.
"""

from __future__ import annotations

import logging
import secrets
import string
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.engine import Connection

from kiebitz.domain import CommentDraft, Label, Verdict
from kiebitz.errors import InvalidInput
from kiebitz.moderation import akismet_history, validation
from kiebitz.moderation.akismet_history import KeyHistory, TextTracer
from kiebitz.security import Signer
from kiebitz.spam import rules
from kiebitz.spam.filter import FloodMemory, SpamFilter, decide
from kiebitz.spam.store import KEY_BATCH, LearningModel
from kiebitz.spam.tokenizer import hostname
from kiebitz.spam.wording import worded
from kiebitz.store import schema
from kiebitz.store.comments import Store

# Akismet's keys are 12 hexadecimal characters, and the WordPress plugin keeps only [a-f0-9] of a typed
# key (Akismet_Admin::enter_api_key): a key with other letters could not be entered there. Keys made
# before, of any lowercase letters and digits, stay valid.
KEY_ALPHABET = string.digits + "abcdef"
KEY_LENGTH = 12  # the WordPress plugin refuses keys of any other length
SITE_URL_MAX = 1000  # the blog addresses keys and statistics are kept under (schema: String(1000))
GUARANTEED_SPAM_AUTHOR = "akismet-guaranteed-spam"
GUARANTEED_SPAM_EMAIL = "akismet-guaranteed-spam@example.com"
COUNTERS = schema.AKISMET_USAGE_COUNTERS
# A busy site's moderators mark a few dozen comments an hour; a plugin that reports more is broken or abused.
KEY_LESSONS_PER_HOUR = 120
WHY_REASONS = 3  # the strongest reasons sent with a held or spam answer (X-Kiebitz-Why)
log = logging.getLogger("kiebitz.akismet")


@dataclass(frozen=True)
class CheckResult:
    is_spam: bool
    discard: bool
    guid: str
    verdict: Verdict | None
    hold: bool = False  # "false", but the widget would hold it for a moderator (X-Kiebitz-Hold)
    likely_spam: bool = False  # held, though at the spam threshold (X-Kiebitz-Likely-Spam): no mail each, as for spam


def why(verdict: Verdict, language: str = "") -> str:
    """The verdict's strongest evidence for spam, as a moderator reads it beside a held comment: in German for a
    blog whose ``blog_lang`` is German."""
    strongest = sorted((reason for reason in verdict.reasons if reason.weight > 0), key=lambda reason: -reason.weight)
    return "; ".join(worded(reason.message, language) for reason in strongest[:WHY_REASONS])


def month_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m")


def is_truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def draft_from(fields: Mapping[str, str]) -> CommentDraft:
    """An Akismet request's fields as the comment the filter reads."""
    honeypot_name = fields.get("honeypot_field_name", "")
    return CommentDraft(
        text=fields.get("comment_content", ""), author=fields.get("comment_author", ""),
        email=fields.get("comment_author_email", ""), website=fields.get("comment_author_url", ""),
        uri=fields.get("permalink", ""), ip=fields.get("user_ip", ""), user_agent=fields.get("user_agent", ""),
        referrer=fields.get("referrer", ""), language=fields.get("blog_lang", ""),
        honeypot=fields.get(honeypot_name, "") if honeypot_name else "",
        comment_type=fields.get("comment_type", "comment") or "comment",
        own_hosts=frozenset({hostname(fields.get("blog", "")).removeprefix("www.")} - {""}),  # the key holder's
    )


class AkismetService:
    def __init__(
        self, store: Store, signer: Signer, spam_filter: SpamFilter, model: LearningModel, refresh_settings: Callable[..., None]
    ) -> None:
        self.store = store
        self.signer = signer
        self.tracer = TextTracer(signer)  # what a check keeps of its words, for repeats
        self.spam_filter = spam_filter
        self.model = model
        self.refresh_settings = refresh_settings  # as CommentService's
        self._warned: dict[str, float] = {}  # when a key's reports over the limit were last logged
        self._flood_memory: dict[str, FloodMemory] = {}  # per key: its checks are a site of their own

    # -- keys -------------------------------------------------------------------
    def add_key(self, site_url: str) -> str:
        site_url = validation.plain(site_url).strip()
        if not site_url or len(site_url) > SITE_URL_MAX:
            raise InvalidInput(f"site must be the blog's address, at most {SITE_URL_MAX} characters", "site")
        key = "".join(secrets.choice(KEY_ALPHABET) for _ in range(KEY_LENGTH))
        with self.store.write() as db:
            db.execute(insert(schema.akismet_keys).values(key=key, site_url=site_url, created=time.time(), revoked=False))
        return key

    def keys(self) -> list[dict[str, object]]:
        with self.store.read() as db:
            rows = db.execute(select(schema.akismet_keys).order_by(schema.akismet_keys.c.created)).all()
        return [dict(row._mapping) for row in rows]

    def revoke(self, key: str) -> bool:
        with self.store.write() as db:
            result = db.execute(update(schema.akismet_keys).where(schema.akismet_keys.c.key == key).values(revoked=True))
            return bool(result.rowcount)

    def is_valid(self, key: str) -> bool:
        if len(key) != KEY_LENGTH:
            return False
        with self.store.read() as db:
            row = db.execute(select(schema.akismet_keys.c.revoked).where(schema.akismet_keys.c.key == key)).first()
        return row is not None and not row.revoked

    # -- checks and lessons -----------------------------------------------------
    def fingerprint(self, fields: Mapping[str, str]) -> str:
        """What pairs a submit-spam/ham with its earlier check: a keyed hash of the comment, less backslashes.

        WordPress sends comment-check the slashed data of the form (``gibt\\'s``, ``O\\'Brien``) and
        submit-spam the unslashed text it stored (``gibt's``): without its backslashes the two agree.
        """
        parts = [fields.get(name, "").replace("\\", "") for name in
                 ("comment_content", "comment_author", "comment_author_email", "user_ip")]
        return self.signer.keyed_hash("akismet", "\x1f".join(parts))[:40]

    def check(self, key: str, fields: Mapping[str, str]) -> CheckResult:
        draft = draft_from(fields)
        fingerprint = self.fingerprint(fields)
        history = KeyHistory(self.store, key, self.tracer.trace(draft.text), fingerprint)
        verdict: Verdict | None = None
        hold = False
        if draft.author == GUARANTEED_SPAM_AUTHOR or draft.email == GUARANTEED_SPAM_EMAIL:
            is_spam, discard = True, False
        elif fields.get("user_role", "").strip().lower() == "administrator":
            is_spam, discard = False, False
        else:
            self.refresh_settings()  # the link limit may have changed in another process's admin
            verdict = self.judge_for_key(key, draft, history, can_hold=is_truthy(fields.get("kiebitz_can_hold")))
            acting = self.spam_filter.acting_label(verdict)  # shadow mode: ham, whatever the verdict
            is_spam = acting in (Label.SPAM, Label.DISCARD)
            discard = acting == Label.DISCARD
            hold = acting == Label.UNSURE
        guid, blog, now = str(uuid.uuid4()), fields.get("blog", ""), time.time()
        # "held": answered "false" to a client that holds on X-Kiebitz-Hold. A report on it is a decision on a
        # held comment, which moves the key's prior (SpamModel.learn), and a submit-spam on it no missed spam.
        result = "true" if is_spam else "held" if hold and is_truthy(fields.get("kiebitz_can_hold")) else "false"
        row = {"guid": guid, "key": key, "month": month_now(), "site_url": blog, "fingerprint": fingerprint,
               "result": result, "created": now}
        ip_hash = self.signer.ip_hash(draft.ip)
        traced = not is_truthy(fields.get("is_test"))  # a test leaves nothing that floods or repeats count

        def log(db: Connection) -> None:
            db.execute(insert(schema.akismet_checks).values(**row))
            if traced:
                akismet_history.record_check(db, history, draft, ip_hash, now)
            self._count(db, key, blog, api_calls=1, spam=int(is_spam), ham=int(not is_spam))

        self.store.write_shared(log)  # checks come many at a time: they share commits and fsyncs
        likely_spam = hold and verdict is not None and verdict.probability >= self.spam_filter.thresholds.spam
        return CheckResult(is_spam, discard, guid, verdict, hold, likely_spam)

    def judge_for_key(
        self, key: str, draft: CommentDraft, history: KeyHistory | None = None, can_hold: bool = False
    ) -> Verdict:
        """The filter with this key's own lessons, which may send a comment to spam but never make it discarded:
        a discard stands only where the shared model, without them, would discard it too.

        The key's own checks are the history of the link flood and of repeats (akismet_history). Akismet's
        answer has no "hold", and a client that does not say it can hold (``kiebitz_can_hold``, as our
        WordPress plugin does) publishes a "false": a flood, a repeat (of words or of a phone number) or the
        model's spam that gives no way to reach its sender, which our widget would hold, goes to its spam folder
        instead, where a moderator finds it, and whose "Not Spam" (a submit-ham) vouches for a flood's host or a
        phone number."""
        thresholds = self.spam_filter.thresholds
        memory = self._flood_memory.setdefault(key, FloodMemory())
        history = history or KeyHistory(self.store, key)
        verdict = SpamFilter(self.model.for_key(key), thresholds, memory=memory).judge(draft, history)
        codes = {reason.code for reason in verdict.reasons}
        crowd = bool(codes & {rules.LINK_FLOOD, rules.DUPLICATE, rules.REPEATED_NUMBER})
        unreachable = rules.NO_CONTACT in codes and verdict.probability >= thresholds.spam  # the model's spam, held
        if verdict.label == Label.UNSURE and (crowd or unreachable) and not can_hold:
            return replace(verdict, label=Label.SPAM)
        if verdict.label == Label.DISCARD:
            shared_probability = self.model.score(draft)[0]
            if decide(shared_probability, list(verdict.reasons), thresholds, trusted=False) != Label.DISCARD:
                return replace(verdict, label=Label.SPAM)
        return verdict

    def forget_old_traces(self, now: float) -> int:
        """The retention purge's part: link hosts and text hashes the filter no longer reads."""
        return akismet_history.forget(self.store, now)

    def submit(self, key: str, fields: Mapping[str, str], is_spam: bool) -> None:
        """submit-spam / submit-ham: teach the filter at once (unless is_test) and count corrections."""
        fingerprint = self.fingerprint(fields)
        blog = fields.get("blog", "")
        with self.store.read() as db:
            earlier = db.execute(
                select(schema.akismet_checks.c.result)
                .where(and_(schema.akismet_checks.c.key == key, schema.akismet_checks.c.fingerprint == fingerprint))
                .order_by(schema.akismet_checks.c.created.desc()).limit(1)
            ).scalar()
        batch = KEY_BATCH + key
        learn = not is_truthy(fields.get("is_test"))
        over_limit = learn and self.model.lessons_since(batch, time.time() - 3600) >= KEY_LESSONS_PER_HOUR
        draft = draft_from(fields)
        trace = self.tracer.trace(draft.text)
        with self.store.write() as db:
            self._count(
                db, key, blog, api_calls=1, reports_over_limit=int(over_limit),
                missed_spam=int(is_spam and earlier == "false"), false_positives=int(not is_spam and earlier == "true"),
            )
            if learn and not over_limit:
                akismet_history.record_report(db, key, draft, trace, is_spam, fingerprint, time.time())
        if over_limit:
            self._warn_over_limit(key, blog)
        elif learn:
            self.model.learn(draft, is_spam=is_spam, source="akismet", ref=f"akismet:{key}:{fingerprint}",
                             batch=batch, held=earlier == "held")

    def _warn_over_limit(self, key: str, blog: str) -> None:
        if time.monotonic() - self._warned.get(key, -3600.0) < 3600:
            return  # once an hour per key and process, not once per report
        self._warned[key] = time.monotonic()
        log.warning("Akismet key %s… sent more than %d reports in an hour: counted, not learned (blog %s)",
                    key[:4], KEY_LESSONS_PER_HOUR, blog[:100])

    def _count(self, db, key: str, site_url: str, **increments: int) -> None:  # type: ignore[no-untyped-def]
        table = schema.akismet_usage
        month = month_now()
        where = and_(table.c.key == key, table.c.month == month, table.c.site_url == site_url)
        if db.execute(select(table.c.key).where(where)).first() is None:
            db.execute(insert(table).values(key=key, month=month, site_url=site_url, **{name: 0 for name in COUNTERS}))
        db.execute(update(table).where(where).values({name: table.c[name] + value for name, value in increments.items()}))

    # -- statistics ---------------------------------------------------------------
    def usage(self, key: str) -> dict[str, object]:
        with self.store.read() as db:
            calls = db.execute(
                select(func.coalesce(func.sum(schema.akismet_usage.c.api_calls), 0))
                .where(and_(schema.akismet_usage.c.key == key, schema.akismet_usage.c.month == month_now()))
            ).scalar()
        return {"limit": "none", "usage": int(calls or 0), "percentage": "0.00", "throttled": False}

    def subscription(self, key: str) -> dict[str, object]:
        """/1.1/get-subscription as the WordPress plugin reads it: an active account that never bills."""
        return {"account_id": 0, "account_name": "Kiebitz (self-hosted)", "account_type": "self-hosted",
                "status": "active", "next_billing_date": None, "limit_reached": False,
                "user_email": "", "user_login": "", "api_key": key}

    def stats(self, key: str, blog: str, since: str) -> dict[str, object]:
        """/1.1/get-stats: this key's verdicts and reported mistakes for ``blog``, all months or the last six."""
        table = schema.akismet_usage
        query = select(*(func.coalesce(func.sum(table.c[name]), 0).label(name)
                         for name in ("spam", "ham", "missed_spam", "false_positives")))
        query = query.where(table.c.key == key, table.c.site_url == blog)
        if since == "6-months":
            today = datetime.now(UTC)
            first = today.year * 12 + today.month - 1 - 5  # this month and the five before it
            query = query.where(table.c.month >= f"{first // 12:04d}-{first % 12 + 1:02d}")
        with self.store.read() as db:
            totals = {name: int(value) for name, value in db.execute(query).one()._mapping.items()}
        checked = totals["spam"] + totals["ham"]
        mistakes = totals["missed_spam"] + totals["false_positives"]
        accuracy = round(100.0 * (checked - mistakes) / checked, 3) if checked else 100.0
        # time_saved: the plugin's estimate of a moderator's minute per blocked spam, as Akismet reports it
        return {**totals, "accuracy": max(0.0, accuracy), "time_saved": totals["spam"] * 60, "breakdown": {}}

    def sites(self, key: str, month: str, url_filter: str, order: str) -> list[dict[str, object]]:
        table = schema.akismet_usage
        query = select(table).where(and_(table.c.key == key, table.c.month == month))
        if url_filter:
            query = query.where(table.c.site_url.contains(url_filter, autoescape=True))
        with self.store.read() as db:
            rows = [dict(row._mapping) for row in db.execute(query)]
        column = order if order in COUNTERS else "api_calls"
        rows.sort(key=lambda row: (-int(row[column]), str(row["site_url"])))
        revoked = not self.is_valid(key)
        return [{
            "site": row["site_url"], "api_calls": str(row["api_calls"]), "spam": str(row["spam"]),
            "ham": str(row["ham"]), "missed_spam": str(row["missed_spam"]),
            "false_positives": str(row["false_positives"]), "is_revoked": revoked,
        } for row in rows]
