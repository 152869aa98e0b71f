"""Readers' notices about comments and authors' objections: the rows behind the admin's "reported" queue.

Every notice and objection is a row of ``reports`` (migration 0011). One
reader reports a comment once: the unique key is the comment, the kind and the
reader's keyed address hash. A decision stamps every open row of its comment
and kind, so the transparency figures (how many notices, what was done, how
long it took) are counts over these rows.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from kiebitz.domain import Comment
from kiebitz.errors import Conflict
from kiebitz.store import schema
from kiebitz.store.comments import Store, inserted_id
from kiebitz.store.queues import ROWS, QueueRow, queue_row

NOTICE, OBJECTION = "notice", "objection"
PAGE_SIZE = 50


@dataclass(frozen=True)
class Reported:
    """A comment with its open notices or objection, as the reported queue shows it."""

    row: QueueRow
    reports: list[dict[str, Any]]

    @property
    def comment(self) -> Comment:
        return self.row.comment

    @property
    def objection(self) -> dict[str, Any] | None:
        return next((report for report in self.reports if report["kind"] == OBJECTION), None)

    @property
    def reasons(self) -> dict[str, int]:
        counted: dict[str, int] = {}
        for report in self.reports:
            if report["kind"] == NOTICE:
                counted[report["reason"]] = counted.get(report["reason"], 0) + 1
        return counted


class Reports:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, values: dict[str, Any]) -> int:
        """Keep a notice or an objection; Conflict if this reader (or the author) already sent one."""
        table = schema.reports
        row = {"category": "", "explanation": "", "reporter_name": "", "reporter_email": "", "good_faith": False,
               "created": time.time(), "decided": None, "decision": "", "decided_by": ""} | values
        try:
            with self.store.write() as db:
                return inserted_id(db.execute(insert(table).values(**row)))
        except IntegrityError:
            what = "objected to this decision" if values["kind"] == OBJECTION else "reported this comment"
            raise Conflict(f"you have already {what}", "comment_id") from None

    def sent_since(self, reporter: str, since: float) -> int:
        table = schema.reports
        with self.store.read() as db:
            return int(db.execute(select(func.count()).where(
                and_(table.c.reporter == reporter, table.c.created >= since))).scalar() or 0)

    def open_notices(self, comment_id: int) -> int:
        table = schema.reports
        with self.store.read() as db:
            return int(db.execute(select(func.count()).where(and_(
                table.c.comment_id == comment_id, table.c.kind == NOTICE, table.c.decided.is_(None)))).scalar() or 0)

    def open_comments(self) -> int:
        """How many comments wait in the reported queue."""
        table = schema.reports
        with self.store.read() as db:
            return int(db.execute(select(func.count(func.distinct(table.c.comment_id))).where(
                table.c.decided.is_(None))).scalar() or 0)

    def page(self, number: int = 1) -> list[Reported]:
        """Reported comments, the longest waiting first, each with its open reports."""
        table = schema.reports
        waiting = (select(table.c.comment_id, func.min(table.c.created).label("first"))
                   .where(table.c.decided.is_(None)).group_by(table.c.comment_id)
                   .order_by("first", table.c.comment_id).limit(PAGE_SIZE).offset((max(1, number) - 1) * PAGE_SIZE))
        with self.store.read() as db:
            ids = [row.comment_id for row in db.execute(waiting)]
            if not ids:
                return []
            rows = {row.id: queue_row(row) for row in db.execute(ROWS.where(schema.comments.c.id.in_(ids)))}
            reports: dict[int, list[dict[str, Any]]] = {}
            for report in db.execute(select(table).where(and_(table.c.comment_id.in_(ids), table.c.decided.is_(None)))
                                     .order_by(table.c.id)).mappings():
                reports.setdefault(report["comment_id"], []).append(dict(report))
        return [Reported(rows[comment_id], reports.get(comment_id, [])) for comment_id in ids if comment_id in rows]

    def of_comment(self, comment_id: int) -> list[dict[str, Any]]:
        table = schema.reports
        with self.store.read() as db:
            return [dict(row) for row in db.execute(
                select(table).where(table.c.comment_id == comment_id).order_by(table.c.id)).mappings()]

    def decide(self, comment_id: int, kind: str, decision: str, actor: str) -> list[dict[str, Any]]:
        """Stamp the comment's open reports of this kind with the decision; returns them as they were."""
        table = schema.reports
        where = and_(table.c.comment_id == comment_id, table.c.kind == kind, table.c.decided.is_(None))
        with self.store.write() as db:
            decided = [dict(row) for row in db.execute(select(table).where(where)).mappings()]
            db.execute(update(table).where(where).values(decided=time.time(), decision=decision, decided_by=actor))
        return decided

    def transparency(self, months: int = 12) -> list[dict[str, Any]]:
        """Per month, newest first: notices by reason, what was decided, the median hours to a decision, objections
        and their outcome (what a transparency report under DSA Art. 15 and 24 counts)."""
        table = schema.reports
        since = time.time() - months * 31 * 86400
        with self.store.read() as db:
            rows = db.execute(select(table.c.kind, table.c.reason, table.c.created, table.c.decided, table.c.decision,
                                     table.c.decided_by).where(table.c.created >= since)).all()
        by_month: dict[str, dict[str, Any]] = {}
        waits: dict[str, list[float]] = {}
        for row in rows:
            month = datetime.fromtimestamp(row.created, UTC).strftime("%Y-%m")
            entry = by_month.setdefault(month, {
                "month": month, "notices": 0, "spam": 0, "insult": 0, "illegal": 0, "other": 0, "removed": 0, "kept": 0,
                "open": 0, "objections": 0, "restored": 0, "upheld": 0, "median_hours": None})
            if row.kind == OBJECTION:
                entry["objections"] += 1
            else:
                entry["notices"] += 1
                entry[row.reason] = entry.get(row.reason, 0) + 1
            if row.decided is None:
                entry["open"] += 1
                continue
            entry[row.decision] = entry.get(row.decision, 0) + 1
            waits.setdefault(month, []).append((row.decided - row.created) / 3600)
        for month, hours in waits.items():
            by_month[month]["median_hours"] = round(statistics.median(hours), 1)
        return [by_month[month] for month in sorted(by_month, reverse=True)]
