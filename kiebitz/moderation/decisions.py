"""Moderator decisions: each changes a status, is audited, and teaches the filter at once."""

from __future__ import annotations

from typing import Any

from kiebitz.domain import Comment, CommentDraft, Status
from kiebitz.errors import NotFound
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

    def decide(self, comment_id: int, status: Status, actor: str, note: str = "") -> Comment:
        """Set a comment's status; spam and published are lessons for the filter."""
        comment = self.store.get_comment(comment_id)
        if comment is None:
            raise NotFound(f"comment {comment_id} does not exist", "id")
        self.store.set_status(comment_id, status, actor=actor, note=note)
        if status in (Status.SPAM, Status.PUBLISHED) and comment.status != status:
            lesson = draft_of(comment, self.store.comment_signals(comment_id))
            self.model.learn(lesson, is_spam=status == Status.SPAM, source="moderator", ref=f"comment:{comment_id}")
        self.cache.invalidate()
        updated = self.store.get_comment(comment_id)
        assert updated is not None
        return updated

    def approve(self, comment_id: int, actor: str) -> Comment:
        return self.decide(comment_id, Status.PUBLISHED, actor, "approved")

    def mark_spam(self, comment_id: int, actor: str) -> Comment:
        return self.decide(comment_id, Status.SPAM, actor, "marked as spam")

    def mark_ham(self, comment_id: int, actor: str) -> Comment:
        return self.decide(comment_id, Status.PUBLISHED, actor, "marked as not spam")

    def delete(self, comment_id: int, actor: str) -> Comment:
        return self.decide(comment_id, Status.DELETED, actor, "deleted")
