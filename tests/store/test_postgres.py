"""What only PostgreSQL can show: its migrated schema, and posts from many threads sharing commits.

The public API, the admin, the Akismet API and the learning filter run on
PostgreSQL as well: their test modules use the ``database_backend`` fixture.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable

from sqlalchemy import create_engine, func, select, text

from kiebitz.app import build
from kiebitz.config import Settings
from kiebitz.errors import KiebitzError
from kiebitz.moderation.comments import Client
from kiebitz.store import schema
from kiebitz.store.engine import alembic_config, migrate, open_engine
from tests.postgres import PostgresServer
from tests.store.schema_check import schema_differences


def run_together(work: Callable[[int], object], count: int) -> list[object]:
    """Run ``work(n)`` in ``count`` threads released at the same moment; their results or errors."""
    start = threading.Barrier(count)
    results: list[object] = [None] * count

    def one(number: int) -> None:
        start.wait()
        try:
            results[number] = work(number)
        except Exception as error:
            results[number] = error

    threads = [threading.Thread(target=one, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_database_url_with_escapes_reaches_alembic_unchanged():
    engine = create_engine("postgresql+psycopg://kiebitz:p%40ss%25word@/kiebitz?host=%2Frun%2Fpostgresql")
    assert alembic_config(engine).get_main_option("sqlalchemy.url") == engine.url.render_as_string(hide_password=False)


def test_migrations_match_the_schema_on_postgresql(postgres_server: PostgresServer):
    engine = open_engine(postgres_server.new_database())
    migrate(engine)  # the template is migrated already: a no-op
    with engine.connect() as connection:
        assert connection.dialect.name == "postgresql"
        assert schema_differences(connection) == []
    engine.dispose()


def test_posts_from_many_threads_share_commits_on_postgresql(postgres_server: PostgresServer):
    kiebitz = build(Settings({"database": postgres_server.new_database(), "min_submit_seconds": 0,
                              "flood_seconds": 0, "rate_limit_per_hour": 10_000}))
    token = kiebitz.signer.form_token("default", "/artikel/pg")
    posted: list[int] = []
    refused: list[KiebitzError] = []  # a near repeat may be refused as spam: an answer, not a failure
    failures: list[BaseException] = []

    def post(reader: int) -> None:
        for number in range(10):
            payload = {"author": f"Leser {reader}", "email": f"leser{reader}@example.org", "form_token": token,
                       "text": f"Beitrag {number} von Leser {reader}: Brücke, Markt und Hafen im Blick."}
            try:
                posted.append(kiebitz.comments.post("default", "/artikel/pg", payload,
                                                    Client(f"198.51.100.{reader}", "test", "", "")).comment.id)
            except KiebitzError as error:
                (failures if error.status >= 500 else refused).append(error)
            except Exception as error:
                failures.append(error)

    run_together(post, 6)
    assert failures == []
    assert len(set(posted)) == len(posted) == 60 - len(refused) >= 50
    assert kiebitz.store.group_commit.batches < len(posted)  # waiting posts went in together
    with kiebitz.store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(schema.comments)).scalar() == len(posted)


MIGRATE_AT = """
import sys, time
from kiebitz.store.engine import migrate, open_engine
engine = open_engine(sys.argv[1])
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
migrate(engine)
"""


def test_instances_starting_at_once_migrate_one_after_the_other(postgres_server: PostgresServer):
    """Every worker and every instance migrates when it starts; on an empty database they must not collide."""
    url = postgres_server.new_database(migrated=False)
    # Each process loads everything first, then all of them migrate at the same moment.
    at_once = time.time() + 8
    starting = [subprocess.Popen([sys.executable, "-c", MIGRATE_AT, url, str(at_once)],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(4)]
    outputs = [process.communicate(timeout=60)[0].decode() for process in starting]
    assert [process.returncode for process in starting] == [0] * 4, outputs
    engine = open_engine(url)
    with engine.connect() as connection:
        assert schema_differences(connection) == []
    engine.dispose()


def test_instances_creating_the_same_rows_at_once_agree(postgres_server: PostgresServer):
    """Select-then-insert (the secret key, a site, a page's thread) holds across instances, as on SQLite."""
    url = postgres_server.new_database()
    instances = [build(Settings({"database": url, "min_submit_seconds": 0, "flood_seconds": 0})) for _ in range(4)]
    keys = run_together(lambda number: instances[number].store.set_meta_once("probe", f"value {number}"), 4)
    assert len(set(keys)) == 1 and isinstance(keys[0], str)
    sites = run_together(lambda number: instances[number].store.site_id("zweite-seite"), 4)
    assert len(set(sites)) == 1 and isinstance(sites[0], int)

    def post(number: int) -> int:
        kiebitz = instances[number]
        payload = {"author": f"Leser {number}", "email": f"leser{number}@example.org",
                   "text": f"Der erste Kommentar Nummer {number} zu einem neuen Artikel.",
                   "form_token": kiebitz.signer.form_token("default", "/artikel/neu")}
        return kiebitz.comments.post("default", "/artikel/neu", payload, Client(f"198.51.100.{number}", "t", "", "")).comment.thread_id

    threads = run_together(post, 4)
    assert len(set(threads)) == 1 and isinstance(threads[0], int), threads


def test_a_comment_posted_on_one_instance_shows_on_the_others(postgres_server: PostgresServer):
    """Each instance keeps rendered threads; a write anywhere must drop them everywhere, promptly."""
    url = postgres_server.new_database()
    first, second = (build(Settings({"database": url, "min_submit_seconds": 0, "flood_seconds": 0})) for _ in range(2))
    assert b'"total":0' in second.comments.thread_json("default", "/artikel/zwei")  # now in the second's cache
    payload = {"author": "Anna", "email": "anna@example.org", "text": "Geschrieben auf der ersten Instanz.",
               "form_token": first.signer.form_token("default", "/artikel/zwei")}
    first.comments.post("default", "/artikel/zwei", payload, Client("198.51.100.7", "t", "", ""))
    deadline = time.monotonic() + 5
    while b'"total":1' not in second.comments.thread_json("default", "/artikel/zwei"):
        assert time.monotonic() < deadline, "the second instance still serves the thread without the new comment"
        time.sleep(0.02)


def test_the_change_listener_comes_back_after_losing_its_connection(postgres_server: PostgresServer):
    url = postgres_server.new_database()
    first, second = (build(Settings({"database": url, "min_submit_seconds": 0, "flood_seconds": 0})) for _ in range(2))
    with first.store.engine.connect() as connection:  # what a server restart does to every session
        connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'"))
    for number in range(3):
        assert f'"total":{number}'.encode() in second.comments.thread_json("default", "/artikel/drei")
        payload = {"author": "Anna", "email": "anna@example.org", "text": f"Kommentar {number} nach dem Neustart.",
                   "form_token": first.signer.form_token("default", "/artikel/drei")}
        first.comments.post("default", "/artikel/drei", payload, Client(f"198.51.100.{number}", "t", "", ""))
        time.sleep(0.8)  # the listener reconnects within about a second
    deadline = time.monotonic() + 5
    while b'"total":3' not in second.comments.thread_json("default", "/artikel/drei"):
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_a_pooled_connection_is_pinged_only_after_idling_and_replaced_when_gone(postgres_server: PostgresServer,
                                                                             monkeypatch):
    """No round trip at every checkout (pool_pre_ping's), but a connection a server restart ended is not used."""
    import kiebitz.store.engine

    engine = open_engine(postgres_server.new_database())
    pings = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda connection: pings.append(1) or real_ping(connection))
    with engine.connect() as connection:
        first = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    with engine.connect() as connection:  # just given back: used without a ping
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar() == first
    assert pings == []

    with open_engine(postgres_server.url("postgres")).connect() as other:  # what a server restart does to it
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    monkeypatch.setattr(kiebitz.store.engine, "PING_AFTER_IDLE_SECONDS", 0.0)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar() != first
    assert pings == [1]


def test_reads_open_no_transaction_and_writes_do(postgres_server: PostgresServer):
    """A read sends no BEGIN and no ROLLBACK (two round trips each time); a write is one transaction."""
    from psycopg.pq import TransactionStatus

    from kiebitz.store.comments import Store

    store = Store(open_engine(postgres_server.new_database()))
    with store.read() as db:
        db.execute(text("SELECT 1"))
        assert db.connection.dbapi_connection.info.transaction_status == TransactionStatus.IDLE
    with store.write() as db:
        db.execute(text("SELECT 1"))
        assert db.connection.dbapi_connection.info.transaction_status == TransactionStatus.INTRANS
    with store.one_connection(), store.read() as db:
        db.execute(text("SELECT 1"))
        assert db.connection.dbapi_connection.info.transaction_status == TransactionStatus.IDLE
