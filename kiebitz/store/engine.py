"""Opening a database: the engine, SQLite's pragmas, and migrations to head."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Table, create_engine, event, insert, text
from sqlalchemy.engine import Connection, RootTransaction
from sqlalchemy.exc import DBAPIError, DisconnectionError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration (tests/store/test_upgrade.py checks it against Alembic's head): a database there
# needs no migration, and a web worker starting on it does not import Alembic and its scripts (12 MiB each).
HEAD_REVISION = "0024"
# A pooled PostgreSQL connection idle for longer than this is pinged before use (see ping_after_idle).
PING_AFTER_IDLE_SECONDS = 1.0
# The page cache of each pooled SQLite connection (see _sqlite_pragmas).
SQLITE_CACHE_KIB = 500


def database_url(database: str) -> str:
    """A setting value ('./kiebitz.db' or 'postgresql://...') as a SQLAlchemy URL."""
    if "://" in database:
        if database.startswith("postgresql://"):
            return "postgresql+psycopg://" + database[len("postgresql://") :]
        return database
    return "sqlite:///" + database


def open_engine(database: str) -> Engine:
    url = database_url(database)
    if url.startswith("sqlite"):
        # Reads run in autocommit and writes end in an explicit commit or rollback,
        # so the pool need not roll back every connection it takes back.
        # No limit on connections: a file's are cheap, and every thread that reads
        # or writes may hold one (the public API's writer threads, the thread pool).
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               pool_reset_on_return=None, pool_size=20, max_overflow=-1)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url)
    ping_after_idle(engine)
    return engine


def reader(engine: Engine) -> Engine:
    """The engine for reads: on PostgreSQL in autocommit, so that a read sends no BEGIN and no ROLLBACK.

    Each is a round trip of its own, and psycopg opens a transaction before
    the first statement of a connection that is not in autocommit: a post's
    two blocks of reads made four of them. Under READ COMMITTED each statement
    sees its own snapshot inside a transaction too, so reads see nothing
    different. SQLite's connections are in autocommit already (``isolation_level
    = None``); writes begin their own transaction either way (``begin_write``).
    """
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine


def ping_after_idle(engine: Engine) -> None:
    """Check a pooled connection with a round trip before use, but only after it lay idle a while.

    SQLAlchemy's pool_pre_ping pings at every checkout: three extra round trips
    in a post's dozen, each of which gives up the GIL and waits for it behind a
    busy event loop. A connection used a moment ago is alive; one idle for
    longer may have been dropped by a server restart or a firewall, and is
    replaced by raising DisconnectionError, as the pool expects from a ping.
    """

    @event.listens_for(engine.pool, "checkin")
    def returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned"] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("returned")
        if returned is None or time.monotonic() - returned <= PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)  # what pool_pre_ping runs
        except Exception as error:
            raise DisconnectionError(f"a pooled connection was gone after {time.monotonic() - returned:.0f} s idle") from error


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets readers run beside the one writer. NORMAL sync: a COMMIT does not wait
    # for the disk, so the write lock is not held through an fsync; Store.sync_log
    # then fsyncs the WAL after the lock is let go, before a write is acknowledged.
    # pysqlite's own transaction handling is switched off so that begin_write
    # below decides how each transaction starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    _switch_to_wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # SQLite would copy the WAL into the database (and fsync it) inside a COMMIT now and
    # then, while this process holds the write lock; Store checkpoints after the lock instead.
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    # Each pooled connection keeps a page cache of its own, up to 2 MB by default; a worker holds twenty and
    # more. At 500 KB a worker was 28 MiB smaller after bench/scale.py's runs at a million comments; the pages
    # come back from the OS's file cache, the cold largest page took 25-28 ms against 25 (docs/benchmarks.md).
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.close()
    # SQLite's own lower() folds ASCII only, so the admin's case-blind search (lower(x) LIKE lower(y))
    # missed "Übung" for "übung"; Python's folds every letter, as PostgreSQL's lower() does.
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _switch_to_wal(cursor: sqlite3.Cursor, attempts: int = 100) -> None:
    """PRAGMA journal_mode=WAL, retried: it can fail at once with "database is locked".

    SQLite answers so, without waiting for the busy timeout, while another
    process holds the file exclusively, as it does when its last connection
    closes and folds the WAL into the database. Seen when two server workers
    started at the same moment: one of them died and was restarted.
    """
    for attempt in range(attempts):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.05)


def sqlite_file(engine: Engine) -> str | None:
    """The database file of an SQLite engine; None for PostgreSQL or an in-memory database."""
    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    return database if database and database != ":memory:" else None


# The key of the PostgreSQL advisory lock every write transaction holds ("Kieb"), and
# the channel each one notifies on commit, so other processes drop their caches (changes.py).
WRITE_LOCK_KEY = 0x4B696562
CHANGES_CHANNEL = "kiebitz_changes"


def begin_write(connection: Connection) -> RootTransaction:
    """A write transaction that holds the database's one write lock, on SQLite and PostgreSQL alike.

    On SQLite, BEGIN IMMEDIATE: a deferred transaction that reads and then writes
    fails at once with SQLITE_BUSY when another process wrote in between; an
    immediate one waits its turn instead. On PostgreSQL, a transaction-level
    advisory lock gives the same one-writer-at-a-time order across processes and
    instances, so that the store's read-then-insert steps (the secret key, a
    site, a page's thread, migrations on an empty database) cannot collide;
    readers are never held up. Its NOTIFY reaches the other processes on commit.
    Reads run in autocommit mode (``reader``), which spares a BEGIN and a
    ROLLBACK round trip on every one of them.
    The BEGIN is sent here rather than from a "begin" event listener: any
    connection event makes SQLAlchemy dispatch events on every statement.
    """
    transaction = connection.begin()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif connection.dialect.name == "postgresql":
        # one round trip: the lock, and the notification the commit will deliver
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY}), pg_notify('{CHANGES_CHANNEL}', '')")
    return transaction


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Alembic's options go through ConfigParser, which reads '%' as interpolation: a URL's
    # escapes (a socket path as host=%2Frun%2F..., a password with special characters) need '%%'.
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to the newest migration (or to ``revision``); safe to run every start."""
    if revision == "head" and revision_of(engine) == HEAD_REVISION:
        return
    from alembic import command

    config = alembic_config(engine)
    with engine.connect() as connection:
        with begin_write(connection):  # two processes starting at once migrate one after the other
            config.attributes["connection"] = connection
            command.upgrade(config, revision)


def revision_of(engine: Engine) -> str | None:
    """The database's migration as Alembic recorded it; None for a new database."""
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:  # no such table yet
        return None


def migrate_database(database: str) -> None:
    """Migrate the database the setting names, then let its connections go (``kiebitz migrate``, ``serve``)."""
    engine = open_engine(database)
    try:
        migrate(engine)
    finally:
        engine.dispose()


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]], chunk: int = 1000) -> None:
    """Many rows of one table. On PostgreSQL as multi-row statements of ``chunk`` rows: psycopg's executemany
    sends a statement per row, which fires the statement triggers (migrations 0008, 0009) once per row and,
    in one long transaction, updates a thread's row again and again."""
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    for start in range(0, len(rows), chunk):
        connection.execute(insert(table).values(rows[start:start + chunk]))
