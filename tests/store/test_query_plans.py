"""The admin's queues and statistics, the counts, /metrics, the link flood rule (for our comments and for
Akismet's checks) and the retention purge read with indexes.

At a million comments a plan that walks the comments table takes seconds; the
bench (bench/scale.py) measures these at that size, and this test holds every
statement they run to a plan that searches an index, on a small SQLite site.
The comments and the audit log (a row for every comment judged) grow with the
site; the totals, sites and spam examples are small or counted per day.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event

from kiebitz.app import build
from kiebitz.config import Settings
from kiebitz.domain import Status
from kiebitz.moderation.akismet_history import KeyHistory
from kiebitz.store import retention
from kiebitz.store.history import SiteHistory
from kiebitz.store.queues import QueueFilter
from kiebitz.store.totals import read_totals
from tests.conftest import database_for
from tests.store.test_store import add_comment

# Tables that grow with the site's traffic: a plan may search them, never walk them.
GROWING = ("SCAN comments", "SCAN audit_log", "SCAN akismet_links", "SCAN akismet_texts", "SCAN akismet_text_bands",
           "SCAN comment_bands")


def statements_of(engine: Any, work: Callable[[], object]) -> list[tuple[str, Any]]:
    """The SELECTs ``work`` sends, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def note(_connection: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", note)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return seen


def test_the_admin_counts_metrics_and_purge_search_indexes_instead_of_walking_the_comments(tmp_path: Path) -> None:
    kiebitz = build(Settings({"database": database_for(tmp_path)}))
    store = kiebitz.store
    now = time.time()
    for n in range(60):
        add_comment(store, f"Kommentar {n} zur Sanierung der Brücke", created=now - n * 86_400,
                    status=(Status.PUBLISHED, Status.PENDING, Status.SPAM)[n % 3])
    trace = kiebitz.akismet.tracer.trace("Ein Kommentar, lang genug für eine Wiederholung")
    history = KeyHistory(store, kiebitz.akismet.add_key("https://zeitung.example"), trace, "f" * 40)
    uris = ["/a"] + [f"/fehlt/{n}" for n in range(20)]
    work: dict[str, Callable[[], object]] = {
        "pending queue": lambda: kiebitz.queues.page(QueueFilter()),
        "spam queue": lambda: kiebitz.queues.page(QueueFilter(status=Status.SPAM)),
        "spam queue least spam-like first": lambda: kiebitz.queues.page(
            QueueFilter(status=Status.SPAM, least_spamlike_first=True)),
        "queue counts": kiebitz.queues.counts,
        "comments worded alike": lambda: kiebitz.queues.alike(store.get_comment(1)),
        "daily statistics": kiebitz.queues.daily_statistics,
        "counts": lambda: kiebitz.comments.counts("default", uris),
        "metrics": lambda: read_totals(store),
        "retention purge": lambda: retention.purge(store, now - 30 * 86_400, now - 7 * 86_400),
        "band keys purge": lambda: retention.forget_old_bands(store, now + 30 * 86_400),
        "link flood": lambda: (SiteHistory(store).link_posters("pool.example", now - 3600),
                               SiteHistory(store).link_posters("pool.example", now - 90_000, now - 3600),
                               SiteHistory(store).moderator_published_link("pool.example", now - 90_000)),
        "Akismet link flood": lambda: (history.link_posters("pool.example", now - 3600),
                                       history.link_posters("pool.example", now - 90_000, now - 3600),
                                       history.moderator_published_link("pool.example", now - 90_000)),
        "the same words again": lambda: store.said_before(1, "a@example.org", "Kommentar 3 zur Sanierung der Brücke"),
        "Akismet repeats": lambda: history.similar_texts("Kommentar", now - 7 * 86_400),
        "Akismet near repeats": lambda: history.traced_likeness("Kommentar", now - 7 * 86_400),
    }
    with store.engine.connect() as connection:
        for name, run in work.items():
            statements = statements_of(store.engine, run)
            assert statements, name
            for statement, parameters in statements:
                plan = [row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
                walks = [step for step in plan if step.startswith(GROWING)]
                assert walks == [], (name, statement, plan)
                if name.endswith("least spam-like first") and "LIMIT" in statement:  # the page, not its count
                    # in the index's order, only ties sorted ("RIGHT PART OF ORDER BY"): no sort of the whole queue
                    assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
