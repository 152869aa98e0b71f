"""Webhook: a signed JSON POST on new comments and on moderation decisions.

The body carries no e-mail and no IP; ``X-Kiebitz-Signature`` is
``sha256=`` and the HMAC-SHA256 of the body with the webhook secret.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from concurrent.futures import ThreadPoolExecutor

import httpx
import orjson

from kiebitz.config import Settings
from kiebitz.domain import Comment, Status

log = logging.getLogger("kiebitz.webhook")


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class Webhook:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiebitz-webhook")

    def __call__(self, event: str, comment: Comment) -> None:
        if not self.settings.webhook_url or (event == "created" and comment.status == Status.SPAM):
            return
        body = orjson.dumps({
            "event": event, "id": comment.id, "thread_id": comment.thread_id, "parent": comment.parent,
            "status": comment.status.value, "author": comment.author, "text": comment.text, "html": comment.html,
            "verdict": comment.verdict, "score": comment.score, "created": comment.created,
        })
        self._pool.submit(self._post, body)

    def _post(self, body: bytes) -> None:
        headers = {"Content-Type": "application/json", "User-Agent": "Kiebitz webhook"}
        if self.settings.webhook_secret:
            headers["X-Kiebitz-Signature"] = signature(self.settings.webhook_secret, body)
        try:
            httpx.post(self.settings.webhook_url, content=body, headers=headers, timeout=10)
        except httpx.HTTPError as error:
            log.warning("webhook failed: %s", error)
