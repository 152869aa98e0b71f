"""Reply notifications for commenters: double opt-in, and an unsubscribe link in every mail.

A commenter who ticks "notify me" gets one mail asking to confirm; only then
do replies to that comment arrive. Every such mail carries an unsubscribe link
and the List-Unsubscribe headers (RFC 2369, one-click as RFC 8058).
"""

from __future__ import annotations

import time

from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import and_, delete, insert, select, update

from kiebitz.config import Settings
from kiebitz.domain import Comment, Status
from kiebitz.errors import Forbidden
from kiebitz.notify.mail import Mailer, new_message
from kiebitz.security import load_signed
from kiebitz.store import schema
from kiebitz.store.comments import Store, inserted_id

CONFIRM_MAX_AGE = 7 * 24 * 3600
TEXTS = {
    "de": {
        "confirm_subject": "Bitte bestätige: Benachrichtigung über Antworten",
        "confirm_body": "Du möchtest per E-Mail erfahren, wenn jemand auf deinen Kommentar antwortet.\n"
                        "Bestätige das hier (sonst passiert nichts):\n{link}\n",
        "reply_subject": "Neue Antwort auf deinen Kommentar",
        "reply_body": "{author} hat auf deinen Kommentar geantwortet:\n\n{text}\n\nZum Artikel: {page}\n\n"
                      "Keine weiteren Benachrichtigungen: {unsubscribe}\n",
    },
    "en": {
        "confirm_subject": "Please confirm: notifications of replies",
        "confirm_body": "You asked to be told by e-mail when someone replies to your comment.\n"
                        "Confirm it here (otherwise nothing happens):\n{link}\n",
        "reply_subject": "New reply to your comment",
        "reply_body": "{author} replied to your comment:\n\n{text}\n\nTo the article: {page}\n\n"
                      "No more notifications: {unsubscribe}\n",
    },
}


class Replies:
    def __init__(self, settings: Settings, store: Store, mailer: Mailer, secret_key: str) -> None:
        self.settings = settings
        self.store = store
        self.mailer = mailer
        self._confirm = URLSafeTimedSerializer(secret_key, salt="kiebitz.subscribe")
        self._unsubscribe = URLSafeTimedSerializer(secret_key, salt="kiebitz.unsubscribe")

    @property
    def texts(self) -> dict[str, str]:
        return TEXTS.get(self.settings.language, TEXTS["en"])

    def url(self, path: str) -> str:
        return self.settings.public_url.rstrip("/") + path

    # -- opting in ---------------------------------------------------------------
    def subscribe(self, comment: Comment) -> None:
        """Store an unconfirmed subscription and ask the commenter to confirm it."""
        if not self.mailer.enabled or not comment.email:
            return
        with self.store.write() as db:
            subscription_id = inserted_id(db.execute(insert(schema.subscriptions).values(
                comment_id=comment.id, email=comment.email, confirmed=False, created=time.time()
            )))
        link = self.url(f"/api/subscriptions/confirm/{self._confirm.dumps(subscription_id)}")
        message = new_message()
        message["To"] = comment.email
        message["Subject"] = self.texts["confirm_subject"]
        message.set_content(self.texts["confirm_body"].format(link=link))
        self.mailer.send_later(message)

    def confirmation_of(self, token: str) -> int:
        """The subscription a confirmation link names; Forbidden when the link is forged or has expired."""
        return int(load_signed(self._confirm, token, CONFIRM_MAX_AGE, "this confirmation link", "token"))

    def unsubscription_of(self, token: str) -> int:
        """The subscription an unsubscribe link names; Forbidden when the link is forged."""
        return int(load_signed(self._unsubscribe, token, None, "this unsubscribe link", "token"))

    def confirm(self, token: str) -> None:
        subscription_id = self.confirmation_of(token)
        with self.store.write() as db:
            changed = db.execute(update(schema.subscriptions).where(schema.subscriptions.c.id == subscription_id)
                                 .values(confirmed=True)).rowcount
        if not changed:
            raise Forbidden("this subscription no longer exists", "token")

    def unsubscribe(self, token: str) -> None:
        subscription_id = self.unsubscription_of(token)
        with self.store.write() as db:
            db.execute(delete(schema.subscriptions).where(schema.subscriptions.c.id == subscription_id))

    # -- telling subscribers ---------------------------------------------------------
    def __call__(self, event: str, comment: Comment) -> None:
        if comment.status == Status.PUBLISHED and comment.parent and event in ("created", "moderated"):
            self.notify(comment)

    def notify(self, reply: Comment) -> None:
        if not self.mailer.enabled:
            return
        query = select(schema.subscriptions, schema.threads.c.uri).select_from(
            schema.subscriptions.join(schema.comments).join(schema.threads)
        ).where(and_(schema.subscriptions.c.comment_id == reply.parent, schema.subscriptions.c.confirmed.is_(True)))
        with self.store.read() as db:
            rows = db.execute(query).all()
        for row in rows:
            if row.email == reply.email:
                continue  # nobody is told of their own reply
            unsubscribe = self.url(f"/api/subscriptions/unsubscribe/{self._unsubscribe.dumps(row.id)}")
            page = self.url(row.uri) if row.uri.startswith("/") else row.uri
            message = new_message()
            message["To"] = row.email
            message["Subject"] = self.texts["reply_subject"]
            message["List-Unsubscribe"] = f"<{unsubscribe}>"
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
            message.set_content(self.texts["reply_body"].format(
                author=reply.author or "Anonym", text=reply.text, page=f"{page}#kiebitz-comment-{reply.id}",
                unsubscribe=unsubscribe))
            self.mailer.send_later(message)
