"""How long `kiebitz export` and `kiebitz import` take for a site of N comments, on SQLite.

    .venv/bin/python bench/export_import.py [--comments 20000] [--write docs/benchmarks.md]

The comments are written straight into the tables (200 threads, 280 characters
each); what is timed is the export of the whole database to JSON lines and the
import of those lines into a new SQLite file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from report import publish, site_size_arguments, timed  # bench/ is on the path when a script here runs
from sqlalchemy import Engine, insert

from kiebitz.store import schema
from kiebitz.store.dump import export_lines, import_lines
from kiebitz.store.engine import migrate, open_engine

TEXT = "Ein Kommentar zum Artikel, wie sie auf einer Nachrichtenseite stehen. " * 4


def filled(database: str, comments: int) -> Engine:
    engine = open_engine(database)
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(insert(schema.sites).values(id=1, name="default", created=0.0))
        connection.execute(insert(schema.threads), [
            {"id": n, "site_id": 1, "uri": f"/artikel/{n}", "created": 0.0} for n in range(1, 201)])
        connection.execute(insert(schema.comments), [
            {"id": n, "thread_id": 1 + n % 200, "author": f"Leser {n}", "email": f"leser{n}@example.org", "text": TEXT,
             "html": f"<p>{TEXT}</p>", "status": "published", "created": float(n)} for n in range(1, comments + 1)])
    return engine


def main() -> None:
    args = site_size_arguments(__doc__)
    with tempfile.TemporaryDirectory() as directory:
        engine = filled(str(Path(directory) / "site.db"), args.comments)
        lines, exported = timed(lambda: list(export_lines(engine)))
        _, imported = timed(lambda: import_lines(open_engine(str(Path(directory) / "copy.db")), lines))
    size = sum(len(line.encode()) + 1 for line in lines) / 1e6
    publish([
        "| comments | export (s) | import into a new SQLite file (s) | export size (MB, uncompressed) |",
        "|---:|---:|---:|---:|",
        f"| {args.comments:,} | {exported:.2f} | {imported:.2f} | {size:.1f} |",
    ], args.write, "export-import")


if __name__ == "__main__":
    main()
