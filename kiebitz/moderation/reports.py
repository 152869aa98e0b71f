"""Readers report comments; moderators decide; authors and reporters are told (EU Digital Services Act).

A notice names a reason (spam, insult or harassment, illegal content, other).
For illegal content it carries what Art. 16(2) asks: why the content is
illegal, the reporter's name and e-mail (not for child sexual abuse material,
which 16(2)(c) exempts) and a statement of good faith; the exact location is
the comment itself. One notice per reader and comment, at most
``REPORTS_PER_HOUR`` from one reader, no account needed.

Enough open notices (the ``report_hold_threshold`` setting) hide a published
comment until a moderator decides. Removing it mails the author a statement
of reasons with an objection link (notify/statements.py); the decision, either
way, is mailed to the reporters who gave an address. An objection lands in
the same queue; restoring or upholding is mailed back. Every step is a line in
the comment's audit log.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from kiebitz.config import Settings
from kiebitz.domain import Comment, Status
from kiebitz.errors import InvalidInput, NotFound, TooManyRequests
from kiebitz.moderation import validation
from kiebitz.moderation.comments import Client
from kiebitz.moderation.decisions import Moderation
from kiebitz.notify.statements import GROUNDS, Removal, Statements
from kiebitz.security import Signer
from kiebitz.spam.wording import worded
from kiebitz.store.reports import NOTICE, OBJECTION, Reports

REASONS = ("spam", "insult", "illegal", "other")
# The kinds of illegal content a notice may name; "child_sexual_abuse" needs no name or e-mail (Art. 16(2)(c)).
CATEGORIES = ("hate_speech", "defamation", "threat", "child_sexual_abuse", "terrorism", "privacy", "copyright",
              "other_illegal")
ANONYMOUS_CATEGORIES = ("child_sexual_abuse",)
REPORTS_PER_HOUR = 10
EXPLANATION_MAX = 4000
EXPLANATION_MIN = 10  # for illegal content and "other": a reason the moderators can act on
HELD_BY_REPORTS = "reader reports"  # the audit log's actor when notices hide a comment


class ReaderReports:
    def __init__(self, settings: Settings, reports: Reports, moderation: Moderation, signer: Signer,
                 statements: Statements, tell_moderators: Callable[[Comment, str, bool], None] = lambda *_: None) -> None:
        self.settings = settings
        self.reports = reports
        self.moderation = moderation
        self.store = moderation.store
        self.signer = signer
        self.statements = statements
        self.tell_moderators = tell_moderators  # (comment, reason, hidden): a notice of illegal content, or a hiding

    # -- readers ------------------------------------------------------------------------
    def report(self, comment_id: int, payload: Any, client: Client) -> dict[str, Any]:
        """Keep a reader's notice; hide the comment when enough are open. Returns {id, held}."""
        if not isinstance(payload, dict):
            raise InvalidInput("the body must be a JSON object", None)
        comment = self.store.get_comment(comment_id)
        if comment is None or comment.status != Status.PUBLISHED:
            raise NotFound(f"comment {comment_id} is not published", "comment_id")
        values = notice_values(payload)
        reporter = "h:" + self.signer.keyed_hash("report", client.ip or "unknown")[:40]
        if self.reports.sent_since(reporter, time.time() - 3600) >= REPORTS_PER_HOUR:
            raise TooManyRequests(f"at most {REPORTS_PER_HOUR} reports an hour", "comment_id")
        report_id = self.reports.add(values | {"comment_id": comment_id, "kind": NOTICE, "reporter": reporter})
        self.store.audit(comment_id, "reader", f"reported: {values['reason']}")
        threshold = int(self.settings.report_hold_threshold)
        held = bool(threshold) and self.reports.open_notices(comment_id) >= threshold
        if held:
            self.store.set_status(comment_id, Status.PENDING, actor=HELD_BY_REPORTS,
                                  note=f"hidden after {threshold} reports until a moderator decides")
            self.moderation.cache.invalidate()
        self.statements.receipt(values["reporter_email"], values["reason"], self._location(comment))
        if held or values["reason"] == "illegal":
            self.tell_moderators(comment, values["reason"], held)
        return {"id": report_id, "held": held}

    def objection_comment(self, token: str) -> Comment:
        """The removed comment an objection link names."""
        comment = self.store.get_comment(self.statements.objection_of(token))
        if comment is None:
            raise NotFound("this comment no longer exists", "token")
        return comment

    def object(self, token: str, explanation: Any) -> None:
        """The author asks for the removal to be reviewed: into the reported queue."""
        comment = self.objection_comment(token)
        text = validation.string_field({"explanation": explanation}, "explanation", EXPLANATION_MAX)
        if len(text) < EXPLANATION_MIN:
            raise InvalidInput(f"explanation is too short: say in at least {EXPLANATION_MIN} characters why", "explanation")
        if comment.status == Status.PUBLISHED:
            raise InvalidInput("this comment is published again: there is nothing to object to", "token")
        self.reports.add({"comment_id": comment.id, "kind": OBJECTION, "reason": "objection", "explanation": text,
                          "reporter": "author", "reporter_email": comment.email})
        self.store.audit(comment.id, "author", "objected to the removal")

    # -- moderators ----------------------------------------------------------------------
    def remove(self, comment_id: int, actor: str, ground: str = "terms", explanation: str = "",
               status: Status = Status.DELETED) -> Comment:
        """Remove a comment (deleted, or spam); the author gets a statement of reasons, the reporters the decision."""
        if ground not in GROUNDS:
            raise InvalidInput(f"ground must be one of {', '.join(GROUNDS)}", "ground")
        explanation = validation.string_field({"explanation": explanation}, "explanation", EXPLANATION_MAX)
        before = self._existing(comment_id)
        notices = self.reports.decide(comment_id, NOTICE, "removed", actor)
        note = f"removed ({ground})" + (f": {explanation}" if explanation else "")
        after = self.moderation.decide(comment_id, status, actor, note)
        location = self._location(after)
        if before.status != status and before.status != Status.SPAM and before.email:
            removal = Removal(ground if status == Status.DELETED else "spam", explanation, len(notices),
                              self._held_by(comment_id, before),
                              filter_reasons=_reasons_of(before, self.settings.language))
            self.statements.statement(before, location, removal)
            if removal.ground != "spam":
                self.store.audit(comment_id, actor, "statement of reasons mailed to the author")
        self._tell_reporters(notices, True, location, explanation)
        return after

    def keep(self, comment_id: int, actor: str, explanation: str = "") -> Comment:
        """The notices change nothing: a comment they hid is published again; the reporters are told."""
        explanation = validation.string_field({"explanation": explanation}, "explanation", EXPLANATION_MAX)
        comment = self._existing(comment_id)
        notices = self.reports.decide(comment_id, NOTICE, "kept", actor)
        if comment.status == Status.PENDING and self._held_by(comment_id, comment) == "reports":
            comment = self.moderation.decide(comment_id, Status.PUBLISHED, actor, "kept after reader reports")
        else:
            self.store.audit(comment_id, actor, "reports answered: kept")
        self._tell_reporters(notices, False, self._location(comment), explanation)
        return comment

    def decide_objection(self, comment_id: int, restore: bool, actor: str, explanation: str = "") -> Comment:
        explanation = validation.string_field({"explanation": explanation}, "explanation", EXPLANATION_MAX)
        comment = self._existing(comment_id)
        if not self.reports.decide(comment_id, OBJECTION, "restored" if restore else "upheld", actor):
            raise NotFound(f"comment {comment_id} has no open objection", "comment_id")
        if restore:
            comment = self.moderation.decide(comment_id, Status.PUBLISHED, actor, "restored after the author's objection")
        else:
            self.store.audit(comment_id, actor, "objection answered: removal upheld")
        self.statements.objection_decided(comment, restore, self._location(comment), explanation)
        return comment

    # -- helpers --------------------------------------------------------------------------
    def _tell_reporters(self, notices: list[dict[str, Any]], removed: bool, location: str, explanation: str) -> None:
        for notice in notices:
            self.statements.decision(notice["reporter_email"], removed, location, explanation)

    def _held_by(self, comment_id: int, comment: Comment) -> str:
        """Who hid the comment before a person decided: the filter (when posted), reader reports, or nobody."""
        if comment.status != Status.PENDING:
            return ""
        for entry in reversed(self.store.audit_trail(comment_id)):
            if entry["to_status"] == Status.PENDING.value and entry["from_status"] != Status.PENDING.value:
                return {HELD_BY_REPORTS: "reports", "filter": "filter"}.get(entry["actor"], "")
        return ""

    def _location(self, comment: Comment) -> str:
        thread = self.store.thread_by_id(comment.thread_id)
        return self.statements.location(thread.uri if thread else "", comment.id)

    def _existing(self, comment_id: int) -> Comment:
        comment = self.store.get_comment(comment_id)
        if comment is None:
            raise NotFound(f"comment {comment_id} does not exist", "id")
        return comment


def notice_values(payload: dict[str, Any]) -> dict[str, Any]:
    """A notice's fields, checked: each failure names its field and the rule."""
    reason = payload.get("reason")
    if reason not in REASONS:
        raise InvalidInput(f"reason must be one of {', '.join(REASONS)}", "reason")
    explanation = validation.string_field(payload, "explanation", EXPLANATION_MAX)
    name = validation.string_field(payload, "name", validation.AUTHOR_MAX)
    email = validation.email(payload, required=False)
    category, good_faith = payload.get("category") or "", payload.get("good_faith") is True
    if reason in ("illegal", "other") and len(explanation) < EXPLANATION_MIN:
        raise InvalidInput(f"explanation is required: say in at least {EXPLANATION_MIN} characters why", "explanation")
    if reason == "illegal":
        if category not in CATEGORIES:
            raise InvalidInput(f"category must be one of {', '.join(CATEGORIES)}", "category")
        if category not in ANONYMOUS_CATEGORIES:
            if not name:
                raise InvalidInput("name is required for a notice of illegal content (DSA Art. 16(2)(c))", "name")
            if not email:
                raise InvalidInput("email is required for a notice of illegal content (DSA Art. 16(2)(c))", "email")
        if not good_faith:
            raise InvalidInput("good_faith must be true: confirm that the notice is accurate and complete "
                               "(DSA Art. 16(2)(d))", "good_faith")
    return {"reason": reason, "category": category if reason == "illegal" else "", "explanation": explanation, "reporter_name": name,
            "reporter_email": email, "good_faith": good_faith}


def _reasons_of(comment: Comment, language: str) -> str:
    """The filter's first two reasons, in the statement's language."""
    messages = [str(reason.get("message", "")) for reason in (comment.reasons or [])[:2]]
    return "; ".join(worded(message, language) for message in messages)

