"""The store on a real SQLite file: migrations, WAL, audit log, retention (the last three on PostgreSQL too)."""

from __future__ import annotations

import threading
import time
import warnings
from pathlib import Path

import pytest
from sqlalchemy import event, inspect, text
from sqlalchemy.exc import SAWarning

import kiebitz.store.comments as comments_module
from kiebitz.app import build
from kiebitz.config import Settings
from kiebitz.domain import Status
from kiebitz.fingerprint import BANDS
from kiebitz.moderation.comments import Client
from kiebitz.spam.filter import Thresholds
from kiebitz.store import retention
from kiebitz.store.comments import (
    CHECKPOINT_EVERY,
    FIND_THREAD,
    POSTS_FROM_IP,
    SAID_BEFORE,
    SAID_BEFORE_NEWEST,
    Store,
)
from kiebitz.store.engine import SQLITE_CACHE_KIB, migrate, open_engine
from kiebitz.store.history import APPROVED_BY_EMAIL, SIMILAR_TEXTS
from kiebitz.store.queues import SETTLE, Queues
from tests.conftest import database_for
from tests.store.schema_check import schema_differences


def fresh_store(tmp_path: Path) -> Store:
    engine = open_engine(database_for(tmp_path, "store.db"))
    migrate(engine)
    return Store(engine)


def add_comment(store: Store, text_: str = "Hallo Welt", created: float | None = None, status: Status = Status.PUBLISHED) -> int:
    site = store.site_id("default")
    with store.write() as db:
        thread = store.ensure_thread(db, site, "/a", "A")
        return store.insert_comment(db, {
            "thread_id": thread.id, "parent_id": None, "depth": 0, "author": "A", "email": "a@example.org",
            "website": "", "text": text_, "html": f"<p>{text_}</p>", "status": status.value,
            "created": created or time.time(), "modified": None, "ip_hash": "h", "ip_network": "203.0.113.0/24",
            "verdict": "ham", "score": 0.1,
        })


def test_migrations_match_the_schema_and_use_wal(tmp_path: Path):
    store = fresh_store(tmp_path)
    migrate(store.engine)  # a second run is a no-op
    with store.engine.connect() as connection:
        assert schema_differences(connection) == []
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        # a worker pools twenty connections and more, each with a page cache of its own: 500 KB, not SQLite's 2 MB
        assert connection.execute(text("PRAGMA cache_size")).scalar() == -SQLITE_CACHE_KIB == -500


@pytest.mark.usefixtures("database_backend")
def test_status_changes_are_audited(tmp_path: Path):
    store = fresh_store(tmp_path)
    comment_id = add_comment(store)
    assert store.set_status(comment_id, Status.SPAM, actor="mod", note="werbung") == Status.PUBLISHED
    trail = store.audit_trail(comment_id)
    assert [(row["from_status"], row["to_status"], row["actor"]) for row in trail] == [
        (None, "published", "filter"), ("published", "spam", "mod"),
    ]


@pytest.mark.usefixtures("database_backend")
def test_retention_purges_old_spam_and_forgets_old_ips(tmp_path: Path):
    store = fresh_store(tmp_path)
    old = time.time() - 40 * 86400
    spam_id = add_comment(store, "alt und spam", created=old, status=Status.SPAM)
    ham_id = add_comment(store, "alt und gut", created=old)
    purged, forgotten = retention.purge(store, spam_older_than=time.time() - 14 * 86400, ip_older_than=time.time() - 30 * 86400)
    assert (purged, forgotten) == (1, 1)
    assert store.get_comment(spam_id) is None
    assert store.get_comment(ham_id).ip_hash == ""


@pytest.mark.usefixtures("database_backend")
def test_retention_works_in_small_transactions(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(retention, "PURGE_BATCH", 2)
    monkeypatch.setattr(retention, "PURGE_PAUSE", 0)
    store = fresh_store(tmp_path)
    old = time.time() - 40 * 86400
    spam = [add_comment(store, f"alter Spam Nummer {n}", created=old, status=Status.SPAM) for n in range(5)]
    ham = [add_comment(store, f"alter guter Kommentar {n}", created=old) for n in range(5)]
    commits = []
    real_write = store.write
    monkeypatch.setattr(store, "write", lambda *args, **kwargs: commits.append(1) or real_write(*args, **kwargs))
    purged, forgotten = retention.purge(store, spam_older_than=time.time() - 14 * 86400, ip_older_than=time.time() - 30 * 86400)
    # two rows a transaction: the spam, the addresses of all ten (read before the spam went), then the reports
    assert (purged, forgotten) == (5, 5) and len(commits) == 3 + 5 + 1
    assert all(store.get_comment(comment_id) is None for comment_id in spam)
    assert all(store.get_comment(comment_id).ip_hash == "" for comment_id in ham)


@pytest.mark.usefixtures("database_backend")
def test_band_keys_are_kept_for_the_week_the_repeat_rule_reads(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(retention, "BANDS_PURGE_BATCH", 2)
    monkeypatch.setattr(retention, "PURGE_PAUSE", 0)
    store = fresh_store(tmp_path)
    weeks_ago = time.time() - 15 * 86_400
    add_comment(store, "Ein Kommentar aus der alten WordPress-Seite", created=weeks_ago)  # as an import brings it
    aging = [add_comment(store, f"Ein Kommentar von letzter Woche, Nummer {n}") for n in range(5)]
    fresh = add_comment(store, "Ein Kommentar von heute")
    bands = comments_module.schema.comment_bands
    with store.write() as db:
        db.execute(text("UPDATE comments SET created = :then WHERE id < :fresh"), {"then": weeks_ago, "fresh": fresh})

    def holders() -> list[int]:
        with store.read() as db:
            return sorted({row.comment_id for row in db.execute(bands.select())})

    assert holders() == [*aging, fresh]  # an imported comment older than a week gets none
    assert retention.forget_old_bands(store, time.time()) == 5 * BANDS
    assert holders() == [fresh]
    assert retention.forget_old_bands(store, time.time()) == 0
    assert comments_module.BANDS_KEPT == Thresholds().duplicate_window  # the repeat rule's week


@pytest.mark.usefixtures("database_backend")
def test_every_reference_to_a_comment_is_indexed(tmp_path: Path):
    """Deleting a comment makes the database look up each row that refers to it; without an index leading
    with that column it reads the whole table per deleted comment (the retention purge at a million comments
    once held the write lock for a minute so, on comments.parent_id)."""
    store = fresh_store(tmp_path)
    inspector = inspect(store.engine)
    unindexed = []
    for table in inspector.get_table_names():
        with warnings.catch_warnings():  # the expression index on (dislikes - likes) is not reflected
            warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
            leading = {index["column_names"][0] for index in inspector.get_indexes(table) if index["column_names"]}
            leading |= {constraint["column_names"][0] for constraint in inspector.get_unique_constraints(table)}
        leading |= set(inspector.get_pk_constraint(table)["constrained_columns"][:1])
        for key in inspector.get_foreign_keys(table):
            if key["referred_table"] == "comments" and key["constrained_columns"][0] not in leading:
                unindexed.append(f"{table}.{key['constrained_columns'][0]}")
    assert unindexed == []


@pytest.mark.usefixtures("database_backend")
def test_secret_key_is_kept(tmp_path: Path):
    store = fresh_store(tmp_path)
    assert store.set_meta_once("secret_key", "eins") == "eins"
    assert store.set_meta_once("secret_key", "zwei") == "eins"


def test_the_checks_of_every_post_are_index_lookups(tmp_path: Path):
    """Each post asks these; a plan that walks a table would grow with the site (it once did, for the e-mail)."""
    store = fresh_store(tmp_path)
    for n in range(20):
        add_comment(store, f"Kommentar Nummer {n} über den Markt")
    checks = {
        APPROVED_BY_EMAIL: {"email": "neu@example.org", "other_than": 0},
        POSTS_FROM_IP: {"ip_hash": "h", "since": 0.0, "limit": 5},
        SIMILAR_TEXTS: {f"band{band}": "0:0" for band in range(BANDS)} | {"since": 0.0, "limit": 5},
        FIND_THREAD: {"site_id": 1, "uri": "/a"},
        SAID_BEFORE: {"band": "0:0", "email": "a@example.org", "thread_id": 1, "text": "Kommentar Nummer 3 über den Markt"},
    }
    with store.engine.connect() as connection:
        for statement, values in checks.items():
            compiled = statement.compile(connection)
            parameters = compiled.construct_params(values)
            ordered = [parameters[name] for name in compiled.positiontup or []]
            plan = [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", tuple(ordered))]
            walks = [step for step in plan if step.startswith("SCAN") and "anon" not in step]
            assert walks == [], (str(compiled), plan)
            assert not any("(status=?)" in step for step in plan), plan


def test_the_same_words_again_are_found_by_their_band_not_by_the_address(tmp_path: Path):
    """A newsroom's account has thousands of comments; SQLite's statistics (ANALYZE) know only the average address,
    and by it the planner went through all of that account's comments on each post."""
    store = fresh_store(tmp_path)
    for n in range(60):
        add_comment(store, f"Kommentar Nummer {n} über den Markt")
    with store.write() as db:
        db.execute(text("UPDATE comments SET email = 'leser' || id || '@example.org' WHERE id > 20"))
        db.execute(text("ANALYZE"))
    assert store.said_before(1, "A@example.org", "Kommentar Nummer 3 über den Markt")
    assert not store.said_before(1, "a@example.org", "Kommentar Nummer 30 über den Markt")
    with store.engine.connect() as connection:
        compiled = SAID_BEFORE.compile(connection)
        values = {"band": "0:0", "email": "a@example.org", "thread_id": 1, "text": "x"}
        parameters = compiled.construct_params(values)
        plan = [row[3] for row in connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled}", tuple(parameters[name] for name in compiled.positiontup or []))]
    assert plan[0].startswith("SEARCH comments USING INTEGER PRIMARY KEY"), plan  # by id, never by the address
    assert any("comment_bands USING INDEX ix_comment_bands_band_created" in step for step in plan), plan


def test_a_double_post_is_looked_for_among_the_newest_comments_with_its_words_only(tmp_path: Path):
    """Every reader's "Danke!" of the week shares its band keys: the look-up reads the newest hundred, not all."""
    store = fresh_store(tmp_path)
    add_comment(store, "Danke!")  # a@example.org's
    thread = store.get_comment(1).thread_id
    others = [{"thread_id": thread, "parent_id": None, "depth": 0, "author": "L", "email": f"l{n}@example.org",
               "website": "", "text": "Danke!", "html": "<p>Danke!</p>", "status": "published",
               "created": time.time() + n, "modified": None, "ip_hash": f"ip{n}", "ip_network": "", "verdict": "ham",
               "score": 0.1} for n in range(1, SAID_BEFORE_NEWEST)]
    with store.write() as db:
        store.insert_comments(db, others)
    assert store.said_before(thread, "a@example.org", "Danke!")  # the hundredth newest
    with store.write() as db:
        store.insert_comments(db, [others[-1] | {"email": "noch@example.org", "created": time.time() + 1000}])
    assert not store.said_before(thread, "a@example.org", "Danke!")  # the repeat rule judges it instead


def test_the_wal_is_copied_into_the_database_after_a_number_of_commits(tmp_path: Path):
    """SQLite's own checkpoint is off (it ran inside COMMIT, under the write lock); Store runs it after."""
    store = fresh_store(tmp_path)
    database = tmp_path / "store.db"
    before = database.stat().st_size
    add_comment(store, "der erste " + "lang " * 400)
    assert database.stat().st_size == before  # in the WAL only
    for n in range(CHECKPOINT_EVERY):
        add_comment(store, f"Kommentar {n} " + "lang " * 400)
    assert store.checkpointer.wait()  # it runs in a thread of its own, beside the writers
    # 200 KB: SQLite alone would wait for 4 MB. Once, in a whole run of the suite, the file stayed at its first
    # page: SQLite's answer says why, should it happen again.
    assert database.stat().st_size > before + 100 * 2000, store.checkpointer.last


def test_a_post_takes_one_connection_for_its_reads_and_one_for_its_write(tmp_path: Path):
    """Taking a connection from the pool cost nearly as much as each of a post's small queries."""
    kiebitz = build(Settings({"database": str(tmp_path / "kiebitz.db"), "min_submit_seconds": 0, "flood_seconds": 0}))
    token = kiebitz.signer.form_token("default", "/a")

    def post(text_: str) -> None:
        payload = {"author": "Ada", "email": "ada@example.org", "text": text_, "form_token": token}
        kiebitz.comments.post("default", "/a", payload, Client("203.0.113.9", "test", "", ""))

    post("Der erste Kommentar legt Seite und Thread an.")
    checkouts: list[object] = []
    event.listen(kiebitz.store.engine, "checkout", lambda *args: checkouts.append(args))
    post("Ein zweiter Kommentar im selben Thread.")
    assert len(checkouts) == 2


@pytest.mark.usefixtures("database_backend")
def test_of_two_processes_asking_for_the_likely_spam_digest_one_claims_it(tmp_path: Path):
    store = fresh_store(tmp_path)
    queues = Queues(store)
    start = time.time()
    assert queues.likely_spam_to_mail(0.9, 3600, start, 30) == ([], 0)  # the first ask marks where digests begin
    held = [add_comment(store, f"Spam ohne Link Nummer {n}", created=start + 1 + n, status=Status.PENDING)
            for n in range(3)]
    with store.write() as db:
        db.execute(text("UPDATE comments SET score = 0.97"))
    asking, claimed = threading.Barrier(2), []

    def ask() -> None:
        asking.wait()
        claimed.append(queues.likely_spam_to_mail(0.9, 3600, start + 10 + SETTLE, 30))

    askers = [threading.Thread(target=ask) for _ in range(2)]
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join()
    assert sorted(count for _, count in claimed) == [0, 3]
    assert [comment.id for comments, _ in claimed for comment in comments] == held
