"""A reader's double post looked for on a busy site: ``Store.said_before`` with many readers' "Danke!" in the week.

    .venv/bin/python bench/said_before.py [--comments 1000,10000,50000] [--backends sqlite,postgresql]
        [--write docs/benchmarks.md]

Every post asks whether its address posted the same words in the thread within the week: the posting
path's 409 for a double post, found through the text's first band key. A short canned text ("Danke!") has
the same band keys however many readers post it, so a site is filled with that many of them from other
addresses within the hour, on SQLite and on PostgreSQL (Debian's server as the tests start it, its
statistics gathered as autovacuum would have), and the question for a new address is timed (median and
99th percentile of 200, in-process, after a first one).
"""

from __future__ import annotations

import time

import numpy as np
from report import busy_site_rows, hour_of_comments  # bench/ is on the path when a script here runs

from kiebitz.app import build
from kiebitz.config import Settings

TEXT = "Danke!"
HEADER = ['| database | readers\' "Danke!" in the week | the double-post look-up: p50 / p99 (ms) |', "|---|---:|---:|"]


def measure(database: str, comments: int) -> str:
    """The table's cell for a thread with ``comments`` readers' "Danke!" at ``database``."""
    kiebitz = build(Settings({"database": database}))
    thread_id = hour_of_comments(kiebitz, "/artikel/danke", comments, lambda n: (TEXT, f"l{n}@example.org"))
    store = kiebitz.store
    store.said_before(thread_id, "neu@example.org", TEXT)
    times = []
    for _ in range(200):
        started = time.perf_counter()
        store.said_before(thread_id, "neu@example.org", TEXT)
        times.append(1000 * (time.perf_counter() - started))
    store.engine.dispose()
    return f"{np.percentile(times, 50):.2f} / {np.percentile(times, 99):.2f}"


def main() -> None:
    busy_site_rows(__doc__.split("\n")[0], HEADER, "said-before", measure)


if __name__ == "__main__":
    main()
