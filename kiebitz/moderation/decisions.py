"""Moderator decisions: each changes a status, is audited, and teaches the filter at once."""

from __future__ import annotations

import time
from typing import Any

from kiebitz import markup
from kiebitz.domain import Comment, CommentDraft, Label, Status
from kiebitz.errors import InvalidInput, NotFound
from kiebitz.moderation import Listener, tell, validation
from kiebitz.moderation.cache import ThreadCache
from kiebitz.spam.store import LearningModel
from kiebitz.store.comments import Store


def draft_of(comment: Comment, signals: dict[str, Any]) -> CommentDraft:
    """Rebuild what the filter saw when the comment was posted."""
    return CommentDraft(
        text=comment.text, author=comment.author, email=comment.email, website=comment.website,
        uri=str(signals.get("uri", "")), user_agent=str(signals.get("user_agent", "")),
        referrer=str(signals.get("referrer", "")), language=str(signals.get("language", "")),
        seconds_to_submit=signals.get("seconds_to_submit"),
    )


class Moderation:
    def __init__(self, store: Store, model: LearningModel, cache: ThreadCache) -> None:
        self.store = store
        self.model = model
        self.cache = cache
        self.listeners: list[Listener] = []  # told ("moderated", comment) after each decision: mail, webhooks

    def decide(self, comment_id: int, status: Status, actor: str, note: str = "") -> Comment:
        """Set a comment's status; spam and published are lessons for the filter."""
        comment = self.store.get_comment(comment_id)
        if comment is None:
            raise NotFound(f"comment {comment_id} does not exist", "id")
        self.store.set_status(comment_id, status, actor=actor, note=note)
        if status in (Status.SPAM, Status.PUBLISHED) and comment.status != status:
            lesson = draft_of(comment, self.store.comment_signals(comment_id))
            # Only the filter's own held queue moves the site's prior: there moderators decide both ways. A comment
            # held for readers' reports, or found in the spam queue, is a one-sided sample (SpamModel.learn).
            held = comment.status == Status.PENDING and comment.verdict == Label.UNSURE.value
            self.model.learn(lesson, is_spam=status == Status.SPAM, source="moderator", ref=f"comment:{comment_id}",
                             held=held)
        self.cache.invalidate()
        updated = self.store.get_comment(comment_id)
        assert updated is not None
        tell(self.listeners, "moderated", updated)
        return updated

    def approve(self, comment_id: int, actor: str) -> Comment:
        return self.decide(comment_id, Status.PUBLISHED, actor, "approved")

    def mark_spam(self, comment_id: int, actor: str) -> Comment:
        return self.decide(comment_id, Status.SPAM, actor, "marked as spam")

    def mark_ham(self, comment_id: int, actor: str) -> Comment:
        return self.decide(comment_id, Status.PUBLISHED, actor, "marked as not spam")

    def delete(self, comment_id: int, actor: str) -> Comment:
        return self.decide(comment_id, Status.DELETED, actor, "deleted")

    def edit(self, comment_id: int, text: str, actor: str) -> Comment:
        text = validation.text({"text": text})
        self._existing(comment_id)
        self.store.edit_comment(comment_id, text, markup.render(text))
        self.store.audit(comment_id, actor, "edited")
        self.cache.invalidate()
        return self._existing(comment_id)

    def reply(self, comment_id: int, text: str, actor: str) -> int:
        """A staff reply: published at once and shown with the moderator badge."""
        text = validation.text({"text": text})
        parent = self._existing(comment_id)
        with self.store.write() as db:
            reply_id = self.store.insert_comment(db, {
                "thread_id": parent.thread_id, "parent_id": parent.id, "depth": parent.depth + 1, "author": actor,
                "email": "", "website": "", "text": text, "html": markup.render(text), "status": Status.PUBLISHED.value,
                "created": time.time(), "modified": None, "verdict": "ham", "score": 0.0, "staff": True,
                "reasons": [{"code": "staff", "message": "written by a moderator", "weight": 0}],
            })
        self.cache.invalidate()
        return reply_id

    def pin(self, comment_id: int, pinned: bool, actor: str) -> None:
        self._existing(comment_id)
        self.store.set_pinned(comment_id, pinned)
        self.store.audit(comment_id, actor, "pinned" if pinned else "unpinned")
        self.cache.invalidate()

    def close_thread(self, comment_id: int, closed: bool, actor: str) -> None:
        comment = self._existing(comment_id)
        self.store.set_thread_closed(comment.thread_id, closed)
        self.store.audit(comment_id, actor, "thread closed" if closed else "thread opened")
        self.cache.invalidate()

    def block_author(self, comment_id: int, kind: str, actor: str) -> str:
        """Block what a comment came with: its e-mail, the e-mail's domain, its IP network or its website."""
        comment = self._existing(comment_id)
        value = {
            "email": comment.email,
            "domain": comment.email.rpartition("@")[2],
            "ip": comment.ip_network,
            "author_url": comment.website,
        }.get(kind, "")
        if not value:
            raise InvalidInput(f"this comment has no {kind} to block", "kind")
        self.store.add_block_rule(kind, value)
        self.store.audit(comment_id, actor, f"blocked {kind} {value}")
        return value

    def _existing(self, comment_id: int) -> Comment:
        comment = self.store.get_comment(comment_id)
        if comment is None:
            raise NotFound(f"comment {comment_id} does not exist", "id")
        return comment
