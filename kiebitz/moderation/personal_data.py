"""A commenter's data, found by e-mail address: export it, or erase it (GDPR articles 15, 17, 20).

The admin runs these from the CLI (`kiebitz gdpr export|erase EMAIL`) when a
commenter asks. Erasing keeps each comment's place in its thread (replies by
others stay where they were, under "deleted"), but empties everything that
was theirs: text, name, e-mail, website, IP hash and network, the request
signals, their reply subscriptions, and their name and address on the reports
they sent. The audit log records the erasure
without repeating any of it.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from kiebitz.domain import Status
from kiebitz.moderation import validation
from kiebitz.store import schema
from kiebitz.store.comments import Store

ERASED = {"text": "", "html": "", "author": "", "email": "", "website": "", "ip_hash": "", "ip_network": "",
          "signals": "{}", "reasons": "[]", "status": Status.DELETED.value}


class PersonalData:
    def __init__(self, store: Store) -> None:
        self.store = store

    def export(self, email: str) -> dict[str, Any]:
        """Everything stored under this address, as a JSON-ready document."""
        address = _address(email)
        comments, threads = schema.comments, schema.threads
        with self.store.read() as db:
            rows = db.execute(
                select(comments.c.id, threads.c.uri, comments.c.parent_id, comments.c.author, comments.c.website,
                       comments.c.text, comments.c.status, comments.c.created, comments.c.modified)
                .join(threads, threads.c.id == comments.c.thread_id)
                .where(comments.c.email == address).order_by(comments.c.id)
            ).mappings().all()
            subscriptions = db.execute(
                select(schema.subscriptions.c.comment_id, schema.subscriptions.c.confirmed, schema.subscriptions.c.created)
                .where(schema.subscriptions.c.email == address).order_by(schema.subscriptions.c.id)
            ).mappings().all()
            reports = schema.reports
            sent = db.execute(
                select(reports.c.comment_id, reports.c.kind, reports.c.reason, reports.c.explanation,
                       reports.c.reporter_name, reports.c.created, reports.c.decision)
                .where(reports.c.reporter_email == address).order_by(reports.c.id)
            ).mappings().all()
        return {
            "email": address,
            "exported": time.time(),
            "comments": [dict(row) for row in rows],
            "reply_subscriptions": [dict(row) for row in subscriptions],
            "reports": [dict(row) for row in sent],
            "not_stored": "IP addresses are kept only as keyed hashes and a truncated network, and forgotten "
                          "after the retention period; votes are kept under a keyed hash of the voter.",
        }

    def count(self, email: str) -> int:
        """How many comments are stored under this address (what a data request asks first)."""
        with self.store.read() as db:
            return int(db.execute(
                select(func.count()).select_from(schema.comments).where(schema.comments.c.email == _address(email))
            ).scalar() or 0)

    def erase(self, email: str, actor: str) -> tuple[int, int]:
        """Empty every comment under this address and drop its subscriptions; returns (comments, subscriptions)."""
        address = _address(email)
        comments = schema.comments
        with self.store.write() as db:
            rows = db.execute(select(comments.c.id, comments.c.status).where(comments.c.email == address)).all()
            ids = [row.id for row in rows]
            if ids:
                db.execute(update(comments).where(comments.c.id.in_(ids)).values(**ERASED, modified=time.time()))
                db.execute(delete(schema.comment_bands).where(schema.comment_bands.c.comment_id.in_(ids)))
                db.execute(insert(schema.audit_log), [
                    {"comment_id": row.id, "actor": actor, "at": time.time(), "from_status": row.status,
                     "to_status": Status.DELETED.value, "note": "personal data erased at the commenter's request"}
                    for row in rows
                ])
            dropped = db.execute(delete(schema.subscriptions).where(schema.subscriptions.c.email == address))
            # a report stays counted for the transparency figures, without who sent it
            db.execute(update(schema.reports).where(schema.reports.c.reporter_email == address)
                       .values(reporter_name="", reporter_email=""))
        return len(ids), int(dropped.rowcount or 0)


def _address(email: str) -> str:
    """The address as validation.email stores every one (lower case), so the e-mail index answers the lookups."""
    return validation.email({"email": email}, required=True)
