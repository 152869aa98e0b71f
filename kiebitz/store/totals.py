"""What an operator's monitoring reads: queue sizes, the filter's work, Akismet use, as totals.

Every figure comes from the database, not from a process's memory, so that
each worker (and each instance over one PostgreSQL) answers the same, and a
restart loses nothing. Each query runs on an index or a small table, so a
scrape every few seconds costs little even on a large site.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import func, select

from kiebitz.domain import Status
from kiebitz.store import schema
from kiebitz.store.comments import Store
from kiebitz.store.queues import comments_by_status


@dataclass(frozen=True)
class Totals:
    comments: dict[str, int]  # by status, every status present
    threads: int
    sites: int
    discarded: int  # blatant spam the filter dropped, never stored
    oldest_pending_seconds: float  # how long the oldest held comment has waited; 0 with none
    lessons: dict[str, int]  # online steps the filter holds, by who taught them (moderator, akismet, import)
    akismet: dict[str, int] = field(default_factory=dict)  # api_calls, spam, ham, missed_spam, false_positives


def read_totals(store: Store) -> Totals:
    comments, examples, usage = schema.comments, schema.spam_examples, schema.akismet_usage
    with store.read() as db:
        by_status = comments_by_status(db)
        oldest = db.execute(select(func.min(comments.c.created)).where(comments.c.status == Status.PENDING.value)).scalar()
        threads = db.execute(select(func.count()).select_from(schema.threads)).scalar()
        sites = db.execute(select(func.count()).select_from(schema.sites)).scalar()
        discarded = db.execute(select(func.sum(schema.daily_counts.c["count"]))
                               .where(schema.daily_counts.c.name == "discarded")).scalar()
        # a lesson taken back stays in the log (renamed "undone:…") beside its opposite: neither counts
        in_force = (examples.c.weight > 0) & ~examples.c.ref.startswith("undone:")
        lessons: dict[str, int] = dict(db.execute(
            select(examples.c.source, func.count()).where(in_force).group_by(examples.c.source)).all())
        akismet = db.execute(select(*(func.coalesce(func.sum(usage.c[name]), 0).label(name)
                                      for name in schema.AKISMET_USAGE_COUNTERS))).one()
    return Totals(
        comments=by_status,
        threads=int(threads or 0), sites=int(sites or 0), discarded=int(discarded or 0),
        oldest_pending_seconds=max(0.0, time.time() - oldest) if oldest is not None else 0.0,
        lessons={str(source): int(count) for source, count in lessons.items()},
        akismet={name: int(value) for name, value in akismet._mapping.items()},
    )
