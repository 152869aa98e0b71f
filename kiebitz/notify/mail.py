"""Mail to moderators: every held comment, with signed one-click links.

A link opens a confirmation page whose button posts to the same address, so
that mail scanners that follow links do nothing; each link works once and
expires after a week. No mail is ever sent for a comment judged spam. Held
comments the filter is all but sure are spam (spam that gives no way to reach
its sender is held, not sent to the spam queue) come together in one mail at
most every ``notify_likely_spam_minutes``, so that a wave of them does not
bury the moderators' inbox; one link there marks them all as spam.
"""

from __future__ import annotations

import email.policy
import logging
import secrets
import smtplib
import ssl
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage

from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from kiebitz.config import Settings
from kiebitz.domain import Comment, Status
from kiebitz.errors import Forbidden
from kiebitz.security import load_signed
from kiebitz.store import schema
from kiebitz.store.comments import Store
from kiebitz.store.queues import Queues

log = logging.getLogger("kiebitz.mail")
# Long link headers (List-Unsubscribe) must not be folded into encoded words.
POLICY = email.policy.SMTP.clone(max_line_length=998)


def new_message() -> EmailMessage:
    return EmailMessage(policy=POLICY)
LINK_MAX_AGE = 7 * 24 * 3600
ACTIONS = ("approve", "spam", "delete")


@contextmanager
def smtp_session(settings: Settings, timeout: float = 20) -> Iterator[smtplib.SMTP]:
    """A connection to the configured SMTP server, secured and logged in as the settings say
    (for sending, and for `kiebitz doctor` to try the login)."""
    if settings.smtp_security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=timeout,
                                                context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    with client:
        if settings.smtp_security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            client.login(settings.smtp_user, settings.smtp_password)
        yield client


class Mailer:
    """Sends over SMTP as the settings say (none, starttls or ssl); off when no host is set."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiebitz-mail")

    @property
    def enabled(self) -> bool:
        return bool(self.settings.smtp_host)

    def send_later(self, message: EmailMessage) -> None:
        """Mail leaves in the background: a slow SMTP server never slows a reader's request."""
        self._pool.submit(self._send_logged, message)

    def _send_logged(self, message: EmailMessage) -> None:
        try:
            self.send(message)
        except (OSError, smtplib.SMTPException) as error:
            log.warning("mail to moderators failed: %s", error)

    def send(self, message: EmailMessage) -> None:
        message["From"] = self.settings.smtp_from
        with smtp_session(self.settings) as client:
            client.send_message(message)


@dataclass(frozen=True)
class MailLink:
    comment_ids: list[int]
    action: str
    nonce: str
    # A link for several comments (the digest's) leaves alone those a moderator has decided since the mail;
    # a link for one is for the comment its mail showed, whatever became of it.
    waiting_only: bool


class ModeratorLinks:
    """Signed, expiring, single-use links: /admin/mail/{token}, for one comment or for all a digest lists."""

    def __init__(self, store: Store, secret_key: str) -> None:
        self.store = store
        self._serializer = URLSafeTimedSerializer(secret_key, salt="kiebitz.moderator-link")

    def make(self, comment_id: int, action: str) -> str:
        return self._serializer.dumps({"c": comment_id, "a": action, "n": secrets.token_urlsafe(12)})

    def make_for_all(self, comment_ids: list[int], action: str) -> str:
        return self._serializer.dumps({"c": comment_ids, "a": action, "n": secrets.token_urlsafe(12)})

    def read(self, token: str) -> MailLink:
        data = load_signed(self._serializer, token, LINK_MAX_AGE, "this link", "token")
        if not isinstance(data, dict) or data.get("a") not in ACTIONS:
            raise Forbidden("this link is not valid", "token")
        ids = data.get("c")
        if isinstance(ids, int):
            return MailLink([ids], data["a"], str(data["n"]), waiting_only=False)
        if not isinstance(ids, list) or not ids or not all(isinstance(each, int) for each in ids):
            raise Forbidden("this link is not valid", "token")
        return MailLink(ids, data["a"], str(data["n"]), waiting_only=True)

    def use(self, nonce: str) -> None:
        """Mark a link used; a second use is refused."""
        try:
            with self.store.write() as db:
                db.execute(insert(schema.used_links).values(nonce=nonce, used=time.time()))
        except IntegrityError:
            raise Forbidden("this link was used already", "token") from None


LIKELY_SPAM = {True: "Wahrscheinlich Spam, wartet: ", False: "Likely spam, awaiting approval: "}  # by German
DIGEST_SHOWN = 30  # comments written out in one digest; the rest are counted and wait in the queue
DIGEST_EXCERPT = 300  # characters of each


class ModeratorMail:
    def __init__(self, settings: Settings, mailer: Mailer, links: ModeratorLinks, queues: Queues) -> None:
        self.settings = settings
        self.mailer = mailer
        self.links = links
        self.queues = queues

    def __call__(self, event: str, comment: Comment) -> None:
        if event in ("created", "edited") and comment.status == Status.PENDING:
            self.held(comment)

    @property
    def mailing(self) -> bool:
        return self.mailer.enabled and bool(self.settings.notify_emails)

    def likely_spam(self, comment: Comment) -> bool:
        return comment.score >= self.settings.spam_threshold

    def held(self, comment: Comment) -> None:
        if not self.mailing or (self.likely_spam(comment) and self.settings.notify_likely_spam_minutes > 0):
            return  # left to the digest
        base = self.settings.public_url.rstrip("/")
        german = self.settings.language == "de"
        lines = [
            ("Ein Kommentar wartet auf Freischaltung:" if german else "A comment is waiting for approval:"),
            "",
            f"{comment.author or 'Anonym'} <{comment.email}>",
            "",
            comment.text,
            "",
            (f"Filter: {comment.verdict}, Wahrscheinlichkeit {comment.score:.2f}" if german
             else f"Filter: {comment.verdict}, probability {comment.score:.2f}"),
            "",
        ]
        labels = {"approve": ("Freischalten", "Approve"), "spam": ("Als Spam markieren", "Mark as spam"),
                  "delete": ("Löschen", "Delete")}
        for action in ACTIONS:
            lines.append(f"{labels[action][0 if german else 1]}: {base}/admin/mail/{self.links.make(comment.id, action)}")
        lines += ["", f"{base}/admin/comments/{comment.id}"]
        message = new_message()
        message["To"] = ", ".join(self.settings.notify_emails)
        author = " ".join((comment.author or "").split())  # one line, whatever an import or an older version stored
        # What the filter is sure of but held (no way to reach its sender, unfamiliar words) says so up front,
        # so that a moderator's mail program can sort it apart from the comments that wait for a person's eye.
        if self.likely_spam(comment):
            subject = LIKELY_SPAM[german]
        else:
            subject = "Neuer Kommentar wartet: " if german else "Comment awaiting approval: "
        message["Subject"] = subject + author
        message.set_content("\n".join(lines))
        self.mailer.send_later(message)

    def digest(self, now: float) -> None:
        """One mail with the held comments the filter is all but sure are spam, once
        ``notify_likely_spam_minutes`` have passed since the last (every worker asks each minute; one sends)."""
        minutes = self.settings.notify_likely_spam_minutes
        if not self.mailing or minutes <= 0:
            return
        comments, count = self.queues.likely_spam_to_mail(self.settings.spam_threshold, minutes * 60, now, DIGEST_SHOWN)
        if not comments:
            return
        base = self.settings.public_url.rstrip("/")
        german = self.settings.language == "de"
        lines = [("Diese Kommentare hält der Filter für Spam; sie warten auf Freischaltung:" if german
                  else "The filter takes these comments for spam; they are awaiting approval:"), ""]
        for comment in comments:
            excerpt = " ".join(comment.text.split())
            if len(excerpt) > DIGEST_EXCERPT:
                excerpt = excerpt[:DIGEST_EXCERPT] + "…"
            lines += [f"{comment.author or 'Anonym'} ({comment.score:.2f}): {excerpt}",
                      f"{base}/admin/comments/{comment.id}", ""]
        if count > len(comments):
            lines += [f"… und {count - len(comments)} weitere." if german else f"… and {count - len(comments)} more.", ""]
        # One click for the wave, as each held comment's own mail has one for it; the rest wait in the queue.
        token = self.links.make_for_all([comment.id for comment in comments], "spam")
        lines += [("Alle oben als Spam markieren (was inzwischen entschieden wurde, bleibt): " if german
                   else "Mark all above as spam (any decided meanwhile stay as they are): ") + f"{base}/admin/mail/{token}",
                  ("Die Warteschlange: " if german else "The queue: ") + f"{base}/admin/?status=pending&order=score"]
        message = new_message()
        message["To"] = ", ".join(self.settings.notify_emails)
        noun = ("Kommentar" if count == 1 else "Kommentare") if german else ("comment" if count == 1 else "comments")
        message["Subject"] = f"{LIKELY_SPAM[german]}{count} {noun}"
        message.set_content("\n".join(lines))
        self.mailer.send_later(message)

    def reported(self, comment: Comment, reason: str, hidden: bool) -> None:
        """A notice of illegal content, or reports that hid a comment: the moderators should look soon."""
        if not self.mailing:
            return
        german = self.settings.language == "de"
        if hidden:
            said = "Meldungen haben einen Kommentar ausgeblendet:" if german else "Reports have hidden a comment:"
        else:
            said = "Ein Kommentar wurde als rechtswidrig gemeldet:" if german else "A comment was reported as illegal:"
        message = new_message()
        message["To"] = ", ".join(self.settings.notify_emails)
        message["Subject"] = ("Gemeldeter Kommentar: " if german else "Reported comment: ") + reason
        base = self.settings.public_url.rstrip("/")
        message.set_content(f"{said}\n\n{comment.text}\n\n{base}/admin/reports")
        self.mailer.send_later(message)
