"""A large site's comments, generated: threads whose sizes fall off like a popular site's.

    .venv/bin/python bench/scale_data.py DATABASE_URL [--comments 1000000] [--threads 10000]

Thread i (from 1) gets a share proportional to i^-0.8: at a million comments in
10,000 threads the largest holds about 36,000 and the smallest about 22. Four
in ten comments start a conversation, the others answer a recent comment of
the same thread (at most max_depth deep); 2 % wait for moderation, 1 % are
spam, 0.5 % deleted. Rows go straight into the tables (the triggers of
migration 0008 run as they would for any write); the spam filter is not asked.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterator
from typing import Any

from sqlalchemy import insert, text

from kiebitz.app import build
from kiebitz.config import Settings
from kiebitz.store import schema
from kiebitz.store.engine import begin_write, insert_rows

WORDS = ("Bahn Brücke Rat Schule Markt Wetter Kino Park Hafen Bus Miete Radweg Bibliothek Fest Sport Kita Ampel "
         "Baustelle Konzert Museum Stadt Gemeinde Bürger Haushalt Verkehr Sanierung Sitzung Antrag Wohnung").split()
STATUSES = ["published"] * 965 + ["pending"] * 20 + ["spam"] * 10 + ["deleted"] * 5
BATCH = 20_000


def thread_sizes(comments: int, threads: int, exponent: float = 0.8) -> list[int]:
    weights = [rank ** -exponent for rank in range(1, threads + 1)]
    scale = comments / sum(weights)
    sizes = [max(1, int(weight * scale)) for weight in weights]
    sizes[0] += comments - sum(sizes)
    return sizes


def uri_of(rank: int) -> str:
    return f"/artikel/{rank}"


def rows(site_id: int, thread_ids: list[int], sizes: list[int], first_id: int, seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    now = time.time()
    next_id = first_id
    for thread_id, size in zip(thread_ids, sizes, strict=True):
        recent: list[tuple[int, int]] = []  # (id, depth) of the thread's last comments, answered most often
        start = now - 86_400 * 30 + rng.random() * 86_400 * 29
        for n in range(size):
            parent, depth = None, 0
            if recent and rng.random() > 0.4:
                parent, parent_depth = rng.choice(recent[-50:])
                depth = parent_depth + 1
                if depth > 5:
                    parent, depth = None, 0
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40)))
            status = rng.choice(STATUSES)
            yield {
                "id": next_id, "thread_id": thread_id, "parent_id": parent, "depth": depth,
                "author": f"Leser {rng.randint(1, 50_000)}", "email": f"leser{rng.randint(1, 50_000)}@example.org",
                "website": "", "text": f"{n}: {words}", "html": f"<p>{n}: {words}</p>", "status": status,
                "created": start + n * 20.0, "modified": None, "likes": rng.choice((0, 0, 0, 1, 2, 5)),
                "dislikes": rng.choice((0, 0, 0, 1)), "ip_hash": f"{rng.getrandbits(64):016x}", "ip_network": "",
                "verdict": "ham", "score": 0.02, "reasons": "[]", "signals": "{}", "pinned": False, "staff": False,
            }
            if status in ("published", "deleted"):
                recent.append((next_id, depth))
            next_id += 1


def generate(url: str, comments: int, threads: int, seed: int = 7) -> dict[str, Any]:
    """Fill a new database; returns the thread sizes and uris the benchmark reads."""
    kiebitz = build(Settings({"database": url}))
    store = kiebitz.store
    sizes = thread_sizes(comments, threads)
    site_id = store.site_id("default")
    started = time.time()
    with store.engine.connect() as connection:
        with begin_write(connection):
            connection.execute(insert(schema.threads), [
                {"site_id": site_id, "uri": uri_of(rank), "title": f"Artikel {rank}", "closed": False, "created": time.time()}
                for rank in range(1, threads + 1)])
        by_uri = dict(connection.execute(text("SELECT uri, id FROM threads")).all())
        connection.rollback()  # ends the read SQLAlchemy began
        thread_ids = [by_uri[uri_of(rank)] for rank in range(1, threads + 1)]
        batch: list[dict[str, Any]] = []
        for row in [*rows(site_id, thread_ids, sizes, 1, seed), None]:
            if row is not None:
                batch.append(row)
            if len(batch) >= BATCH or (row is None and batch):
                with begin_write(connection):  # a transaction per batch, and the WAL copied back after each
                    insert_rows(connection, schema.comments, batch)
                if connection.dialect.name == "sqlite":
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                    connection.rollback()
                batch = []
        if connection.dialect.name == "postgresql":
            with begin_write(connection):
                connection.execute(text("SELECT setval('comments_id_seq', (SELECT max(id) FROM comments))"))
    if store.engine.dialect.name == "postgresql":
        # What autovacuum has long done on a site that gathered a million comments over years: without it the
        # planner sees the full-text indexes as they were when the table was empty (index statistics are kept
        # by VACUUM).
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    kiebitz.store.engine.dispose()
    return {"sizes": sizes, "seconds": time.time() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database")
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=10_000)
    args = parser.parse_args()
    made = generate(args.database, args.comments, args.threads)
    print(f"{args.comments:,} comments in {args.threads:,} threads (largest {made['sizes'][0]:,}) in {made['seconds']:.0f} s")


if __name__ == "__main__":
    main()
