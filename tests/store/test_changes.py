"""How a process hears that another one wrote (store/changes.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiebitz.store.changes import SqliteDataVersion


def test_sqlite_is_asked_for_its_data_version_at_most_once_in_a_short_while(tmp_path: Path) -> None:
    """Every read asks whether another process wrote, and SQLite's answer costs two system calls: within
    ``FRESH_SECONDS`` of the last asking the answer kept is given, afterwards SQLite is asked again."""
    path = tmp_path / "versions.db"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE t (x)")
    version = SqliteDataVersion(str(path))
    version.FRESH_SECONDS = 3600.0
    before = version()
    other.execute("INSERT INTO t VALUES (1)")
    assert version() == before
    version.FRESH_SECONDS = 0.0
    assert version() != before
