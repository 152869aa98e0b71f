"""Migrations against the metadata, as Alembic compares them, and the one index it cannot read back."""

from __future__ import annotations

import warnings
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import exc, inspect

from kiebitz.store.schema import metadata

EXPRESSION_INDEX = "ix_comments_thread_top"  # on (dislikes - likes): SQLAlchemy does not reflect expressions


def schema_differences(connection: Any) -> list[Any]:
    """What the migrated database lacks or has beyond the metadata; the expression index checked by name."""
    def not_the_expression_index(item: Any, name: str | None, kind: str, reflected: bool, compare_to: Any) -> bool:
        return not (kind == "index" and name == EXPRESSION_INDEX)

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index", exc.SAWarning)
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index", UserWarning)
        context = MigrationContext.configure(connection, opts={"include_object": not_the_expression_index})
        differences = list(compare_metadata(context, metadata))
        indexes = {index["name"] for index in inspect(connection).get_indexes("comments")}
    if EXPRESSION_INDEX not in indexes and connection.dialect.name == "postgresql":
        differences.append(("missing index", EXPRESSION_INDEX))
    if connection.dialect.name == "sqlite":
        found = connection.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?",
                                           (EXPRESSION_INDEX,)).first()
        if found is None:
            differences.append(("missing index", EXPRESSION_INDEX))
    return differences
