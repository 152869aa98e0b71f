"""Migrations against the metadata, as Alembic compares them, and the one index it cannot read back."""

from __future__ import annotations

import warnings
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import exc, inspect

from kiebitz.store.schema import metadata

EXPRESSION_INDEX = "ix_comments_thread_top"  # on (dislikes - likes): SQLAlchemy does not reflect expressions
SEARCH = "comments_search"  # migration 0010: an FTS5 table (and its shadow tables) on SQLite, an index on PostgreSQL
SQLITE_HELD_SEARCH = "comments_search_held"  # migration 0016
POSTGRESQL_SEARCH = ("ix_" + SEARCH, "ix_comments_search_held")  # migrations 0010 and 0015


def schema_differences(connection: Any) -> list[Any]:
    """What the migrated database lacks or has beyond the metadata; the expression index checked by name."""
    def not_the_expression_index(item: Any, name: str | None, kind: str, reflected: bool, compare_to: Any) -> bool:
        if kind == "table" and name and name.startswith(SEARCH):
            return False
        return not (kind == "index" and name in (EXPRESSION_INDEX, *POSTGRESQL_SEARCH))

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index", exc.SAWarning)
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index", UserWarning)
        context = MigrationContext.configure(connection, opts={"include_object": not_the_expression_index})
        differences = list(compare_metadata(context, metadata))
        indexes = {index["name"] for index in inspect(connection).get_indexes("comments")}
    if EXPRESSION_INDEX not in indexes and connection.dialect.name == "postgresql":
        differences.append(("missing index", EXPRESSION_INDEX))
    if connection.dialect.name == "postgresql":
        differences += [("missing index", name) for name in POSTGRESQL_SEARCH if name not in indexes]
    if connection.dialect.name == "sqlite":
        for kind, name in (("index", EXPRESSION_INDEX), ("table", SEARCH), ("table", SQLITE_HELD_SEARCH)):
            found = connection.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?",
                                               (kind, name)).first()
            if found is None:
                differences.append((f"missing {kind}", name))
    return differences
