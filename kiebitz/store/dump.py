"""Export the whole database as JSON lines, and import such a file into a new database.

This is how a site moves from SQLite to PostgreSQL when it outgrows one
machine, and a backup that any later Kiebitz can read: the first line names
the schema revision, and an import first migrates the new database to that
revision, loads the rows, then upgrades to the newest schema, so an export
made by an older release loads into a newer one.

Every table travels (comments with their verdicts and reasons, votes, the
audit log, the spam model's learned steps, block rules, Akismet keys, users
with their password hashes, the secret key in ``meta``, so that IP hashes and
signed links stay valid) except the admin sessions: a file should not carry
live logins. The file holds e-mail addresses and password hashes; keep it
as private as the database.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, Integer, LargeBinary, Table, delete, func, insert, inspect, select, text, update

from kiebitz.domain import Status
from kiebitz.errors import KiebitzError
from kiebitz.store import schema
from kiebitz.store.engine import alembic_config, begin_write, insert_rows, migrate

FORMAT = "kiebitz-export"
FORMAT_VERSION = 1
# sessions end with the server; triggers keep the totals and changes; Akismet's traces are a week's watch at most
LEFT_OUT = {"admin_sessions", "thread_changes", "comment_totals", "akismet_links", "akismet_texts"}
BATCH = 1000


def exported_tables() -> list[Table]:
    """Tables in foreign-key order (parents before children), without the left-out ones."""
    return [table for table in schema.metadata.sorted_tables if table.name not in LEFT_OUT]


def export_lines(engine: Engine) -> Iterator[str]:
    """The header, then one line per row: ``{"table": ..., "row": {...}}``; rows in key order.

    All tables are read in one snapshot, so a comment posted during the export
    is in it with its votes, or not at all.
    """
    with engine.connect() as connection, connection.begin():
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN")  # the engine leaves transactions to us (engine.py)
        elif connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        revision = MigrationContext.configure(connection).get_current_revision()
        if revision is None:
            raise KiebitzError("the database has no schema yet: nothing to export")
        yield json.dumps({"format": FORMAT, "version": FORMAT_VERSION, "schema": revision, "created": time.time()})
        # A database not yet migrated to this release's schema is exported as it is: its own tables and
        # columns, under its own revision, which the import migrates from.
        present = inspect(connection)
        tables = set(present.get_table_names())
        for table in exported_tables():
            if table.name not in tables:
                continue
            stored = {column["name"] for column in present.get_columns(table.name)}
            columns = [column for column in table.columns if column.name in stored]
            binary = [column.name for column in columns if isinstance(column.type, LargeBinary)]
            query = select(*columns).order_by(*table.primary_key.columns)
            for row in connection.execute(query).mappings():
                values = dict(row)
                for name in binary:
                    values[name] = base64.b64encode(values[name]).decode("ascii")
                yield json.dumps({"table": table.name, "row": values}, ensure_ascii=False)


def import_lines(engine: Engine, lines: Iterable[str]) -> dict[str, int]:
    """Load an export into an empty database; returns the rows loaded per table.

    The database must be new, or migrated by this same release to the
    export's schema, and hold no comments, sites or other data (the secret key
    a first start writes is replaced by the exported one). Everything loads in
    one transaction: a bad line leaves the database as it was.
    """
    numbered = iter(enumerate(lines, start=1))
    header = _header(next(numbered, (1, ""))[1])
    _migrate_to(engine, header["schema"])
    tables = {table.name: table for table in exported_tables()}
    counts: dict[str, int] = {}
    with engine.connect() as connection:
        with begin_write(connection):
            _check_empty(connection)
            connection.execute(schema.meta.delete())
            pending: dict[str, list[dict[str, Any]]] = {}
            for number, line in numbered:
                if not line.strip():
                    continue
                name, row = _row(line, number, tables)
                pending.setdefault(name, []).append(row)
                counts[name] = counts.get(name, 0) + 1
                if len(pending[name]) >= BATCH:
                    _flush(connection, tables, pending)
            _flush(connection, tables, pending)
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection)
    migrate(engine)
    _recount(engine)
    return counts


def _recount(engine: Engine) -> None:
    """The counts triggers keep (migration 0009), anew: threads came with theirs, and their comments added to them."""
    threads, comments, totals = schema.threads, schema.comments, schema.comment_totals
    published = (select(func.count()).where(comments.c.thread_id == threads.c.id, comments.c.status == Status.PUBLISHED.value)
                 .scalar_subquery())
    with engine.connect() as connection, begin_write(connection):
        connection.execute(update(threads).values(published=published))
        connection.execute(delete(totals))
        connection.execute(insert(totals).from_select(["status", "count"],
                                                      select(comments.c.status, func.count()).group_by(comments.c.status)))


def _header(line: str) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except json.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise KiebitzError(f"line 1: not a Kiebitz export (its first line must name format {FORMAT!r})")
    if header.get("version") != FORMAT_VERSION:
        raise KiebitzError(f"line 1: export format version {header.get('version')!r} is not {FORMAT_VERSION}")
    if not isinstance(header.get("schema"), str):
        raise KiebitzError("line 1: the header names no schema revision")
    return header


def _migrate_to(engine: Engine, revision: str) -> None:
    """Bring a new database to the export's revision (never down: a newer database is refused)."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    try:
        script.get_revision(revision)
    except Exception:
        raise KiebitzError(f"line 1: the export's schema {revision!r} is newer than this Kiebitz; upgrade it first") from None
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current is not None and current != revision:
        if revision in {step.revision for step in script.iterate_revisions(current, "base")}:
            raise KiebitzError(f"the database is at schema {current}, past the export's {revision}: import into a new database")
    migrate(engine, revision)


def _check_empty(connection: Any) -> None:
    present = set(inspect(connection).get_table_names())  # at an older export's revision, fewer than today
    for table in exported_tables():
        if table.name == "meta" or table.name not in present:
            continue
        rows = connection.execute(select(func.count()).select_from(table)).scalar()
        if rows:
            raise KiebitzError(f"the database already holds data (table {table.name}: {rows} rows); import into a new database")


def _row(line: str, number: int, tables: dict[str, Table]) -> tuple[str, dict[str, Any]]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        raise KiebitzError(f"line {number}: not JSON ({error.msg})") from None
    name = item.get("table") if isinstance(item, dict) else None
    if name not in tables or not isinstance(item.get("row"), dict):
        raise KiebitzError(f"line {number}: expected {{\"table\": one of Kiebitz's tables, \"row\": {{...}}}}")
    table, row = tables[name], item["row"]
    unknown = set(row) - set(table.columns.keys())
    if unknown:
        raise KiebitzError(f"line {number}: table {name} has no column {sorted(unknown)[0]!r}")
    for column in table.columns:
        if isinstance(column.type, LargeBinary) and isinstance(row.get(column.name), str):
            row[column.name] = base64.b64decode(row[column.name])
    return name, row


def _flush(connection: Any, tables: dict[str, Table], pending: dict[str, list[dict[str, Any]]]) -> None:
    """Insert the waiting rows, parents' tables first, so foreign keys always find their row."""
    for table in exported_tables():
        rows = pending.pop(table.name, None)
        if rows:
            try:
                insert_rows(connection, tables[table.name], rows)
            except Exception as error:  # constraint or type errors name the table; the transaction rolls back
                raise KiebitzError(f"table {table.name}: a row could not be stored ({type(error).__name__}: "
                                   f"{str(error).splitlines()[0]})") from None


def _reset_sequences(connection: Any) -> None:
    """PostgreSQL's id sequences know nothing of ids inserted explicitly; move each past the highest."""
    for table in exported_tables():
        columns = list(table.primary_key.columns)
        if len(columns) == 1 and isinstance(columns[0].type, Integer):
            column = columns[0]  # pg_get_serial_sequence is NULL for a key without one, and setval(NULL) a no-op
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
            ))


def backup_sqlite(source: str, target: str) -> int:
    """A consistent copy of a live SQLite file, through SQLite's online backup; returns its page count.

    Copying the file with cp while the server writes can tear a page or miss
    the WAL; the backup API copies a snapshot, a few pages at a time, so
    writers are not held up for long.
    """
    try:  # made here, for its owner only: the copy holds what the database holds
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise KiebitzError(f"{target} exists already: back up to a new file") from None
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy, pages=1024)
        return int(copy.execute("PRAGMA page_count").fetchone()[0])
