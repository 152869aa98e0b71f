"""What happens to comments: posting, moderator decisions, validation, site settings, users, personal data."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

log = logging.getLogger("kiebitz")

Listener = Callable[[str, Any], None]  # (event, comment): moderator mail, reply notifications, webhooks


def tell(listeners: Iterable[Listener], event: str, comment: Any) -> None:
    """Tell each listener about a change that is already stored.

    The change stands whatever a listener does: one that fails is logged, the
    others are still told, and the commenter or moderator gets the answer
    (a failed mail once made a stored comment look like a failed post, a 500).
    """
    for listener in listeners:
        try:
            listener(event, comment)
        except Exception:
            name = getattr(listener, "__name__", type(listener).__name__)  # a function's name, or an object's class
            log.exception("telling %s that comment %s was %s failed", name, comment.id, event)
