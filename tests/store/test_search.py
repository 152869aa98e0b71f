"""The admin's search index (migration 0010) follows every write, an erasure and an import, on both databases."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select, update

from kiebitz.domain import Status
from kiebitz.store import queues as queues_module
from kiebitz.store import schema
from kiebitz.store.comments import Store
from kiebitz.store.dump import export_lines, import_lines
from kiebitz.store.engine import migrate, open_engine
from kiebitz.store.queues import QueueFilter, Queues
from tests.conftest import database_for
from tests.store.test_store import add_comment, fresh_store
from tests.store.test_thread_pages import messy_thread


def found(store: Store, typed: str) -> set[int]:
    ids: set[int] = set()
    for status in Status:
        rows, _ = Queues(store).page(QueueFilter(status=status, search=typed))
        ids |= {row.comment.id for row in rows}
    return ids


@pytest.mark.usefixtures("database_backend")
def test_the_search_index_follows_edits_erasure_deletion_and_an_import(tmp_path: Path) -> None:
    store = fresh_store(tmp_path)
    messy_thread(store, 7, size=40)
    assert len(found(store, "Nummer 1")) == 11  # "1" as a word start: 1 and 10 to 19
    with store.write() as db:
        db.execute(update(schema.comments).where(schema.comments.c.id == 3).values(
            text="Die Brücke über die Lahn wird saniert", author="Erika Muster", email="erika@example.org"))
        db.execute(update(schema.comments).where(schema.comments.c.id == 4).values(text="Wohnung am Hafen"))
    assert found(store, "brü sanier") == {3} and found(store, "erika@exam") == {3} and found(store, "muster") == {3}
    assert found(store, "Nummer 2") == found(store, "Nummer 2")  # stable
    assert 3 not in found(store, "Nummer")  # the old text is gone from the index
    with store.write() as db:  # an erasure overwrites the author's data
        db.execute(update(schema.comments).where(schema.comments.c.id == 3).values(author="", email="", text=""))
        db.execute(schema.comment_bands.delete().where(schema.comment_bands.c.comment_id == 4))
        db.execute(schema.audit_log.delete().where(schema.audit_log.c.comment_id == 4))
        db.execute(update(schema.comments).where(schema.comments.c.parent_id == 4).values(parent_id=None))
        db.execute(schema.comments.delete().where(schema.comments.c.id == 4))
    assert found(store, "erika") == set() and found(store, "Brücke") == set() and found(store, "Hafen") == set()

    copy = Store(open_engine(str(tmp_path / "copy.db")))
    import_lines(copy.engine, list(export_lines(store.engine)))
    assert found(copy, "Nummer 1") == found(store, "Nummer 1") and found(copy, "Nummer 2")


@pytest.mark.usefixtures("database_backend")
def test_a_search_keeps_to_its_queue_and_follows_moderation(tmp_path: Path, monkeypatch) -> None:
    """SQLite's index holds each comment's status (migration 0014): a decision moves the comment between the
    queues' searches, the word "spam" is not the spam queue, and pages and counts come out of one pass."""
    monkeypatch.setattr(queues_module, "PAGE_SIZE", 4)
    store = fresh_store(tmp_path)
    messy_thread(store, 9, size=30)
    queues = Queues(store)
    with store.write() as db:
        db.execute(update(schema.comments).where(schema.comments.c.id <= 10).values(text="Spam am Hafen", status="spam"))
    spam = QueueFilter(status=Status.SPAM, search="hafen")
    assert [row.comment.id for row in queues.page(spam)[0]] == [10, 9, 8, 7]  # newest first
    assert [row.comment.id for row in queues.page(replace(spam, page=3))[0]] == [2, 1]
    assert queues.page(spam)[1] == 10
    assert queues.page(QueueFilter(status=Status.PUBLISHED, search="spam"))[1] == 0
    store.set_status(3, Status.PUBLISHED, actor="mod")
    assert queues.page(spam)[1] == 9
    assert [row.comment.id for row in queues.page(QueueFilter(status=Status.PUBLISHED, search="spam hafen"))[0]] == [3]


@pytest.mark.usefixtures("database_backend")
def test_a_search_reads_the_index_not_every_comment(tmp_path: Path) -> None:
    from kiebitz.store.search import comments_matching

    store = fresh_store(tmp_path)
    messy_thread(store, 8, size=40)
    condition = comments_matching("brücke hafen", store.engine.dialect)
    assert condition is not None
    statement = select(schema.comments.c.id).where(condition)
    with store.engine.connect() as connection:
        sql = str(statement.compile(connection, compile_kwargs={"literal_binds": True}))
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET enable_seqscan = off")  # forty rows: a scan would be cheaper
            plan = " ".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + sql))
            assert "ix_comments_search " in plan, plan
            # A held queue's search can read the held comments' index (migration 0015). On forty rows other
            # indexes are cheaper; with them dropped (and rolled back), the plan shows that this one covers it.
            held = comments_matching("brücke hafen", store.engine.dialect, "pending")
            assert held is not None
            others = connection.exec_driver_sql(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'comments' AND indexname LIKE 'ix_%%' "
                "AND indexname <> 'ix_comments_search_held'").scalars().all()
            for name in others:
                connection.exec_driver_sql(f"DROP INDEX {name}")
            statement = select(schema.comments.c.id).where(held)
            sql = str(statement.compile(connection, compile_kwargs={"literal_binds": True}))
            plan = " ".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + sql))
            assert "ix_comments_search_held" in plan, plan
            connection.rollback()
        else:
            plan = " ".join(row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            assert "SCAN comments_search VIRTUAL TABLE INDEX" in plan and "SCAN comments " not in plan, plan
            held = comments_matching("brücke hafen", store.engine.dialect, "pending")  # migration 0016's index
            assert held is not None
            sql = str(select(schema.comments.c.id).where(held).compile(connection, compile_kwargs={"literal_binds": True}))
            plan = " ".join(row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            assert "SCAN comments_search_held VIRTUAL TABLE INDEX" in plan and "SCAN comments " not in plan, plan


@pytest.mark.usefixtures("database_backend")
def test_a_held_queues_search_finds_what_its_words_say_after_moves_edits_and_deletions(tmp_path: Path, monkeypatch) -> None:
    """The pending and spam queues are searched in an index of the held comments alone (migrations 0015 and
    0016), which triggers keep as comments are stored, moved between queues, edited and deleted. Each search
    finds exactly the queue's comments whose words start with the typed ones."""
    monkeypatch.setattr(queues_module, "PAGE_SIZE", 100)
    store = fresh_store(tmp_path)
    messy_thread(store, 5, size=60)
    texts = ["Spam am Hafen", "Die Brücke am Hafen wird saniert", "Hafenkräne und Brückenbau", "Nichts davon"]
    with store.write() as db:
        for comment_id in range(1, 41):
            db.execute(update(schema.comments).where(schema.comments.c.id == comment_id).values(
                text=texts[comment_id % 4], status=("pending", "spam", "published")[comment_id % 3]))
    store.set_status(4, Status.PUBLISHED, actor="mod")  # leaves the held index
    store.set_status(9, Status.SPAM, actor="mod")  # enters it
    store.set_status(10, Status.PENDING, actor="mod")  # moves within it
    store.edit_comment(13, "Neuer Text über Kräne", "<p>Neuer Text über Kräne</p>")
    with store.write() as db:
        for comment_id in (2, 14):
            db.execute(schema.comment_bands.delete().where(schema.comment_bands.c.comment_id == comment_id))
            db.execute(schema.audit_log.delete().where(schema.audit_log.c.comment_id == comment_id))
            db.execute(update(schema.comments).where(schema.comments.c.parent_id == comment_id).values(parent_id=None))
            db.execute(schema.comments.delete().where(schema.comments.c.id == comment_id))
    with store.read() as db:
        stored = db.execute(select(schema.comments.c.id, schema.comments.c.status, schema.comments.c.text,
                                   schema.comments.c.author, schema.comments.c.email)).all()
    queues = Queues(store)
    for status in (Status.PENDING, Status.SPAM):
        for typed in ("hafen", "brü sanier", "kräne", "spam", "neuer", "nummer 5"):
            words = typed.split()
            expected = {row.id for row in stored if row.status == status.value and all(
                any(word.startswith(typed_word) for word in re.findall(r"[^\W_]+", f"{row.text} {row.author} {row.email}".casefold()))
                for typed_word in words)}
            rows, count = queues.page(QueueFilter(status=status, search=typed))
            assert {row.comment.id for row in rows} == expected and count == len(expected), (status, typed)
    assert {row.comment.id for row in queues.page(QueueFilter(status=Status.SPAM, search="hafen"))[0]}


@pytest.mark.usefixtures("database_backend")
def test_an_upgrade_indexes_the_comments_already_held(tmp_path: Path) -> None:
    """Migration 0016 fills SQLite's index of the held comments from those a site already has."""
    engine = open_engine(database_for(tmp_path, "upgraded.db"))
    migrate(engine, "0015")
    store = Store(engine)
    for number, status in enumerate(("pending", "spam", "published"), start=1):
        add_comment(store, f"Die Brücke, Fall {number}", status=Status(status))
    migrate(engine)
    queues = Queues(store)
    for status in (Status.PENDING, Status.SPAM):
        rows, _ = queues.page(QueueFilter(status=status, search="brü"))
        assert [row.comment.text for row in rows] == [f"Die Brücke, Fall {1 if status is Status.PENDING else 2}"]
