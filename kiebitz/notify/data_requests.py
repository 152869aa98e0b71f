"""A commenter's own request for their data or its erasure, proven by a link mailed to the address.

Anyone can type an address, so nothing happens until its owner follows the
link (signed, valid for a day) and presses the button on the page it opens
(mail scanners follow links, they do not press buttons). The answer to the
request is the same whether or not comments are stored under the address, and
a link is mailed only when some are, so the form tells nobody who commented
here and cannot be used to send mail to strangers. One request per address
per ten minutes and per IP per minute.
"""

from __future__ import annotations

import time
from typing import Any

from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import and_, delete, insert, select

from kiebitz.config import Settings
from kiebitz.errors import Forbidden, InvalidInput, NotFound, TooManyRequests
from kiebitz.moderation import validation
from kiebitz.moderation.personal_data import PersonalData
from kiebitz.notify.mail import Mailer, new_message
from kiebitz.security import Signer, load_signed
from kiebitz.store import schema
from kiebitz.store.comments import Store

LINK_MAX_AGE = 24 * 3600
ACTIONS = ("export", "erase")
ADDRESS_PAUSE, IP_PAUSE = 600.0, 60.0
THROTTLE = "data-request:"  # prefix of its rows in used_links
TEXTS: dict[str, dict[str, Any]] = {
    "de": {
        "subject": {"export": "Deine Kommentardaten", "erase": "Löschung deiner Kommentardaten"},
        "body": {
            "export": "Jemand, hoffentlich du, hat eine Kopie aller Kommentare angefordert, die unter dieser "
                      "E-Mail-Adresse gespeichert sind. Hier kannst du sie herunterladen (24 Stunden lang):\n{link}\n",
            "erase": "Jemand, hoffentlich du, hat die Löschung aller Kommentare beantragt, die unter dieser "
                     "E-Mail-Adresse gespeichert sind. Hier bestätigst du das (24 Stunden lang):\n{link}\n",
        },
        "ignore": "\nWarst du das nicht, ignoriere diese E-Mail: Ohne Bestätigung geschieht nichts.\n",
    },
    "en": {
        "subject": {"export": "Your comment data", "erase": "Erasing your comment data"},
        "body": {
            "export": "Someone, hopefully you, asked for a copy of every comment stored under this e-mail "
                      "address. Download it here (for 24 hours):\n{link}\n",
            "erase": "Someone, hopefully you, asked to erase every comment stored under this e-mail address. "
                     "Confirm it here (for 24 hours):\n{link}\n",
        },
        "ignore": "\nIf that was not you, ignore this e-mail: nothing happens without confirmation.\n",
    },
}


class DataRequests:
    def __init__(self, settings: Settings, store: Store, mailer: Mailer, signer: Signer) -> None:
        self.settings = settings
        self.store = store
        self.mailer = mailer
        self.signer = signer
        self.personal_data = PersonalData(store)
        self._links = URLSafeTimedSerializer(signer.secret_key.decode("utf-8"), salt="kiebitz.personal-data")

    @property
    def enabled(self) -> bool:
        return self.mailer.enabled

    def request(self, email: str, action: str, ip: str) -> None:
        """Mail a link to ``email`` if comments are stored under it; the caller learns nothing either way."""
        if not self.enabled:
            raise NotFound("this site sends no e-mail: ask its operator for your data", "email")
        if action not in ACTIONS:
            raise InvalidInput(f"action must be one of {', '.join(ACTIONS)}", "action")
        address = validation.email({"email": email}, required=True)
        self._throttle(address, ip)
        if not self.personal_data.count(address):
            return
        texts = TEXTS.get(self.settings.language, TEXTS["en"])
        link = self.settings.public_url.rstrip("/") + f"/privacy/confirm/{self._links.dumps({'e': address, 'a': action})}"
        message = new_message()
        message["To"] = address
        message["Subject"] = texts["subject"][action]
        message.set_content(texts["body"][action].format(link=link) + texts["ignore"])
        self.mailer.send_later(message)

    def read(self, token: str) -> tuple[str, str]:
        """The address and action a link was made for; refused when forged or older than a day."""
        data = load_signed(self._links, token, LINK_MAX_AGE, "this link", "token")
        if not isinstance(data, dict) or data.get("a") not in ACTIONS or not isinstance(data.get("e"), str):
            raise Forbidden("this link is not valid", "token")
        return data["e"], data["a"]

    def _throttle(self, address: str, ip: str) -> None:
        """Refuse a repeat within the pauses; the rows are keyed hashes, dropped once their pause is over."""
        now = time.time()
        keys = {THROTTLE + self.signer.keyed_hash("data-request", address)[:40]: ADDRESS_PAUSE}
        if ip:
            keys[THROTTLE + self.signer.ip_hash(ip)] = IP_PAUSE
        links = schema.used_links
        with self.store.write() as db:
            db.execute(delete(links).where(and_(links.c.nonce.startswith(THROTTLE), links.c.used < now - ADDRESS_PAUSE)))
            recent = dict(db.execute(select(links.c.nonce, links.c.used).where(links.c.nonce.in_(keys))).all())
            if any(now - recent[key] < pause for key, pause in keys.items() if key in recent):
                raise TooManyRequests("a request was made a moment ago; please wait a few minutes", "email")
            db.execute(delete(links).where(links.c.nonce.in_(keys)))
            db.execute(insert(links), [{"nonce": key, "used": now} for key in keys])
