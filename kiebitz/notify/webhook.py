"""Webhook: a signed JSON POST on new comments, authors' edits and moderation decisions.

The body carries no e-mail and no IP; ``X-Kiebitz-Signature`` is
``sha256=`` and the HMAC-SHA256 of the body with the webhook secret. The body
holds the event's time (``sent``), so a receiver can refuse an old one replayed.

A receiver that is down or overloaded (no answer, 408, 429, 5xx) gets the same
delivery again after RETRY_DELAYS, with the same ``X-Kiebitz-Delivery`` id so
that it can tell a retry from a new event; any other answer is final (a 4xx
means the receiver refuses it, and asking again changes nothing). Deliveries
wait in this process's memory, in order: a restart drops those not yet sent.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import queue
import threading
import time
import uuid

import orjson

from kiebitz.config import Settings
from kiebitz.domain import Comment, Status

log = logging.getLogger("kiebitz.webhook")
RETRY_DELAYS = (1.0, 5.0, 30.0)  # seconds before the second, third and fourth try
TRANSIENT = frozenset({408, 425, 429, 500, 502, 503, 504})


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class Webhook:
    def __init__(self, settings: Settings, retry_delays: tuple[float, ...] = RETRY_DELAYS) -> None:
        self.settings = settings
        self.retry_delays = retry_delays
        # One daemon thread sends in order. Not a ThreadPoolExecutor: its exit hook waits for every
        # queued delivery, so a receiver that is down would hold up the server's shutdown by minutes.
        self._queue: queue.SimpleQueue[tuple[str, bytes]] = queue.SimpleQueue()
        self._sender: threading.Thread | None = None
        self._start = threading.Lock()

    def __call__(self, event: str, comment: Comment) -> None:
        if not self.settings.webhook_url or (event == "created" and comment.status == Status.SPAM):
            return
        body = orjson.dumps({
            "event": event, "id": comment.id, "thread_id": comment.thread_id, "parent": comment.parent,
            "status": comment.status.value, "author": comment.author, "text": comment.text, "html": comment.html,
            "verdict": comment.verdict, "score": comment.score, "created": comment.created, "sent": time.time(),
        })
        self._queue.put((event, body))
        with self._start:
            if self._sender is None:
                self._sender = threading.Thread(target=self._send_forever, name="kiebitz-webhook", daemon=True)
                self._sender.start()

    def _send_forever(self) -> None:
        while True:
            self._deliver(*self._queue.get())

    def _deliver(self, event: str, body: bytes) -> None:
        """POST until the receiver takes it, refuses it, or the retries run out; each outcome but success is logged."""
        import httpx  # here: a site without a webhook does not load it into every worker (5 MiB)

        headers = {"Content-Type": "application/json", "User-Agent": "Kiebitz webhook", "X-Kiebitz-Event": event,
                   "X-Kiebitz-Delivery": str(uuid.uuid4())}
        if self.settings.webhook_secret:
            headers["X-Kiebitz-Signature"] = signature(self.settings.webhook_secret, body)
        for attempt, delay in enumerate((0.0, *self.retry_delays), start=1):
            time.sleep(delay)
            try:
                status = httpx.post(self.settings.webhook_url, content=body, headers=headers, timeout=10).status_code
            except httpx.HTTPError as error:
                problem = f"{type(error).__name__}: {error}"
            else:
                if status < 300:
                    return
                problem = f"HTTP {status}"
                if status not in TRANSIENT:
                    log.warning("webhook %s refused (%s); not sent again", headers["X-Kiebitz-Delivery"], problem)
                    return
            log.warning("webhook %s, try %d of %d: %s", headers["X-Kiebitz-Delivery"], attempt,
                        len(self.retry_delays) + 1, problem)
        log.error("webhook %s (%s) given up after %d tries", headers["X-Kiebitz-Delivery"], event, len(self.retry_delays) + 1)
