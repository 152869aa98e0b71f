"""What the benchmarks share: their tables put into docs/benchmarks.md between two markers, timing, arguments."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

Result = TypeVar("Result")


def write_section(path: Path, name: str, table: str) -> None:
    """Replace what stands between ``<!-- name:start -->`` and ``<!-- name:end -->`` (appended if missing)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    path.write_text(f"{head}{start}\n{table}\n{end}{tail}", encoding="utf-8")


def publish(lines: list[str], path: Path | None, name: str) -> None:
    """Print a benchmark's table, and put it into ``path`` (docs/benchmarks.md) when given."""
    table = "\n".join(lines)
    print(table)
    if path:
        write_section(path, name, table)


def site_size_arguments(description: str | None) -> argparse.Namespace:
    """``--comments N`` (a site's size) and ``--write FILE``, as the export and import benchmarks take them."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--write", type=Path, help="put the table into this Markdown file")
    return parser.parse_args()


def timed(work: Callable[[], Result]) -> tuple[Result, float]:
    """What ``work`` returns, and the seconds it took."""
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def busy_site_rows(description: str | None, header: list[str], name: str, measure: Callable[[str, int], str]) -> None:
    """What the busy-site benchmarks (link_flood, said_before) share: ``--comments`` (sizes), ``--backends``
    (SQLite, and a PostgreSQL server from Debian's binaries as the tests start it, fsync on) and ``--write``; a row
    per database and size, whose cells after those two ``measure(database, comments)`` gives."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--comments", default="1000,10000,50000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    lines, server = list(header), None
    if "postgresql" in args.backends:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for tests/postgres.py
        from tests.postgres import PostgresServer

        server = PostgresServer(durable=True).start()
    try:
        for backend in args.backends.split(","):
            for comments in [int(count) for count in args.comments.split(",")]:
                with tempfile.TemporaryDirectory() as directory:
                    database = server.new_database() if backend == "postgresql" and server else f"{directory}/kiebitz.db"
                    lines.append(f"| {backend} | {comments:,} | {measure(database, comments)} |")
                    print(lines[-1], flush=True)
    finally:
        if server is not None:
            server.stop()
    publish(lines, args.write, name)


def hour_of_comments(kiebitz: Any, uri: str, comments: int, text_of: Callable[[int], tuple[str, str]]) -> int:
    """A thread at ``uri`` with ``comments`` published comments spread over the last hour, each from an address of
    its own; ``text_of(n)`` gives the n-th one's text and e-mail address. Stored as posting stores them (band keys
    and all), a thousand to a transaction; on PostgreSQL the statistics autovacuum would have gathered by then.
    Returns the thread's id."""
    store, now = kiebitz.store, time.time()
    site_id = store.site_id("default")  # before the write: it takes the write lock itself
    with store.write() as db:
        thread = store.ensure_thread(db, site_id, uri, uri.rsplit("/", 1)[-1])
    for start in range(0, comments, 1000):
        rows = []
        for n in range(start, min(comments, start + 1000)):
            text, email = text_of(n)
            rows.append({"thread_id": thread.id, "parent_id": None, "depth": 0, "author": "Leser", "email": email,
                         "website": "", "text": text, "html": f"<p>{text}</p>", "status": "published",
                         "created": now - 3600 * (1 - n / comments), "modified": None, "ip_hash": f"ip{n}",
                         "ip_network": "", "verdict": "ham", "score": 0.1})
        with store.write() as db:
            store.insert_comments(db, rows)
    if store.engine.dialect.name == "postgresql":
        with store.engine.begin() as db:
            db.exec_driver_sql("ANALYZE")
    return int(thread.id)
