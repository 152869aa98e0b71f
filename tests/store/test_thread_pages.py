"""A page of a thread read with bounded queries is the same page as cut from the whole thread."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from sqlalchemy import and_, select, update

from kiebitz.moderation.comments import build_tree
from kiebitz.store import schema
from kiebitz.store.comments import Store, _comment
from kiebitz.store.dump import export_lines, import_lines
from kiebitz.store.engine import open_engine
from kiebitz.store.thread_pages import (
    ORDER,
    PINNED_IN_THREAD,
    PUBLIC,
    PUBLISHED_IN_THREAD,
    TOP_LEVEL,
    TOP_LEVEL_IN_THREAD,
    thread_page,
)
from tests.store.test_store import fresh_store


def shape(tree: list[dict]) -> list[tuple]:  # type: ignore[type-arg]
    return [(node["id"], node.get("deleted", False), shape(node["replies"])) for node in tree]


def messy_thread(store: Store, seed: int, size: int = 160) -> int:
    """Replies at every depth, pinned, deleted, held and spam comments, replies below held ones, votes, equal times."""
    rng = random.Random(seed)
    site = store.site_id("default")
    now = time.time()
    with store.write() as db:
        thread = store.ensure_thread(db, site, f"/seite/{seed}", "Seite")
        store.ensure_thread(db, site, "/nebenan", "Nebenan")  # another thread's comments must not show
        ids: list[int] = []
        for n in range(size):
            parent = rng.choice(ids) if ids and rng.random() < 0.6 else None
            status = rng.choice(["published"] * 12 + ["deleted", "deleted", "pending", "spam"])
            ids.append(store.insert_comment(db, {
                "thread_id": thread.id, "parent_id": parent, "depth": 0, "author": "A", "email": "", "website": "",
                "text": f"Nummer {n}", "html": f"<p>Nummer {n}</p>", "status": status,
                "created": now + rng.choice((n, n, n - 1)), "modified": None, "verdict": "ham", "score": 0.1,
            }))
        for comment_id in rng.sample(ids, 30):
            db.execute(update(schema.comments).where(schema.comments.c.id == comment_id)
                       .values(likes=rng.randint(0, 4), dislikes=rng.randint(0, 2), pinned=rng.random() < 0.2))
    return int(thread.id)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_page_in_every_order_matches_the_whole_thread(tmp_path: Path, seed: int) -> None:
    store = fresh_store(tmp_path)
    thread_id = messy_thread(store, seed)
    with store.read() as db:
        every = [_comment(row) for row in db.execute(select(schema.comments).where(and_(
            schema.comments.c.thread_id == thread_id, schema.comments.c.status.in_(PUBLIC)))
            .order_by(schema.comments.c.created, schema.comments.c.id))]

    def avatar(comment):  # type: ignore[no-untyped-def]
        return ""

    for sort in ORDER:
        whole = build_tree(every, sort, avatar)
        assert thread_page(store, thread_id, sort, None, 0).top_level == len(whole)
        for limit, offset in [(None, 0), (20, 0), (7, 3), (1, 0), (20, 40), (5, len(whole) - 2), (20, len(whole) + 5)]:
            page = thread_page(store, thread_id, sort, limit, offset)
            expected = whole[offset:offset + limit] if limit else whole[offset:]
            assert shape(build_tree(page.comments, sort, avatar)) == shape(expected), (sort, limit, offset)
            assert page.total == sum(comment.status.value == "published" for comment in every)


def test_a_page_of_a_large_thread_is_read_from_indexes(tmp_path: Path) -> None:
    """No query of a page walks the comments table; only the order of replies is sorted, and they are few. The
    pinned comments come from their own index, not from a walk of the thread."""
    store = fresh_store(tmp_path)
    thread_id = messy_thread(store, 4, size=400)
    queries = [select(schema.comments).where(TOP_LEVEL).order_by(*order).limit(20) for order in ORDER.values()]
    with store.engine.connect() as connection:
        for statement in [*queries, TOP_LEVEL_IN_THREAD, PUBLISHED_IN_THREAD]:
            sql = str(statement.params(thread_id=thread_id).compile(connection, compile_kwargs={"literal_binds": True}))
            plan = [row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
            assert not [step for step in plan if step.startswith("SCAN") and step != "SCAN CONSTANT ROW"], (sql, plan)
            assert not [step for step in plan if "TEMP B-TREE" in step], (sql, plan)
        sql = str(PINNED_IN_THREAD.params(thread_id=thread_id).compile(connection, compile_kwargs={"literal_binds": True}))
        plan = [row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
        assert plan == ["SEARCH comments USING INDEX ix_comments_thread_pinned (thread_id=?)"], plan
        by_id = select(schema.comments).where(and_(TOP_LEVEL, schema.comments.c.id.in_([1, 2, 3])))  # then the few pinned
        sql = str(by_id.params(thread_id=thread_id).compile(connection, compile_kwargs={"literal_binds": True}))
        plan = [row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
        assert "rowid=?" in plan[0], plan


def counted(store: Store) -> tuple[dict[int, int], dict[str, int], dict[int, int], dict[str, int]]:
    """The counts the triggers keep, and the same counted from the comments."""
    with store.read() as db:
        kept_threads = dict(db.execute(select(schema.threads.c.id, schema.threads.c.published)).all())
        kept_totals = {status: count for status, count in db.execute(select(schema.comment_totals)).all() if count}
        rows = db.execute(select(schema.comments.c.thread_id, schema.comments.c.status)).all()
    threads = {thread_id: 0 for thread_id in kept_threads}
    totals: dict[str, int] = {}
    for thread_id, status in rows:
        threads[thread_id] += status == "published"
        totals[status] = totals.get(status, 0) + 1
    return kept_threads, kept_totals, threads, totals


@pytest.mark.usefixtures("database_backend")
def test_the_counts_kept_by_triggers_follow_every_change_and_an_import(tmp_path: Path) -> None:
    store = fresh_store(tmp_path)
    first, second = messy_thread(store, 5, size=60), messy_thread(store, 6, size=40)
    with store.write() as db:
        db.execute(update(schema.comments).where(schema.comments.c.id % 3 == 0).values(status="spam"))
        db.execute(update(schema.comments).where(schema.comments.c.id % 7 == 0).values(status="published", thread_id=second))
        db.execute(update(schema.comments).values(likes=schema.comments.c.likes + 1))  # no status change: no count moves
        db.execute(schema.audit_log.delete().where(schema.audit_log.c.comment_id % 5 == 0))
        db.execute(schema.comment_bands.delete().where(schema.comment_bands.c.comment_id % 5 == 0))
        db.execute(schema.comments.delete().where(and_(schema.comments.c.id % 5 == 0, ~schema.comments.c.id.in_(
            select(schema.comments.c.parent_id).where(schema.comments.c.parent_id.is_not(None)).scalar_subquery()))))
    kept_threads, kept_totals, threads, totals = counted(store)
    assert (kept_threads, kept_totals) == (threads, totals) and threads[first] > 0

    target = Store(open_engine(str(tmp_path / "copy.db")))  # a new SQLite file, whichever backend wrote the export
    import_lines(target.engine, list(export_lines(store.engine)))
    assert counted(target)[:2] == (threads, totals)


def test_the_admin_search_expression_is_the_indexed_one() -> None:
    """PostgreSQL uses the index only for the very expression it indexes (store/search.py, migration 0010)."""
    import importlib

    from kiebitz.store import search

    migration = importlib.import_module("kiebitz.store.migrations.versions.0010_comment_search")
    assert migration.POSTGRESQL_WORDS == search.POSTGRESQL_WORDS
