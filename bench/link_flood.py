"""What the link flood asks of a busy site: a post's questions about its link hosts, by the hour's comments.

    .venv/bin/python bench/link_flood.py [--comments 1000,10000,50000] [--backends sqlite,postgresql]
        [--write docs/benchmarks.md]

Every post that links off the site asks how many addresses linked to each of its
hosts within the hour, and on a burst how many did in the day before
(spam/filter.py, ``link_flood``). On a site taking 25 comments a second the hour
holds 90,000 comments. A site is filled with that many comments in the last
hour, a third of them with a link to one of 2,000 hosts, on SQLite and on a
PostgreSQL server from Debian's binaries (tests/postgres.py, fsync on), and the
three questions of one post are timed for hosts that are in the hour and ones
that are not (median and 99th percentile of 300 posts, in-process, after a first
round that reads the pages into the database's cache; PostgreSQL's statistics
gathered first, as autovacuum would have on a site).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import numpy as np
from report import busy_site_rows, hour_of_comments  # bench/ is on the path when a script here runs

from kiebitz.app import build
from kiebitz.config import Settings

HOSTS = 2000
WORDS = ("Bahn Brücke Rat Schule Markt Wetter Kino Park Hafen Bus Miete Radweg Bibliothek Fest Sport Kita "
         "Ampel Baustelle Konzert Museum Stadt Bericht Artikel danke gut schlecht endlich wieder").split()
HEADER = ["| database | comments in the hour | a linked host: p50 / p99 (ms) | a host not linked: p50 / p99 (ms) |",
          "|---|---:|---:|---:|"]


def text_of(draw: random.Random) -> Callable[[int], tuple[str, str]]:
    """The n-th comment's text (a third of them link to one of ``HOSTS`` hosts) and its e-mail address (none)."""
    def text(n: int) -> tuple[str, str]:
        words = " ".join(draw.choice(WORDS) for _ in range(25)) + f" {n}"
        return (words + f" https://host{draw.randrange(HOSTS)}.example/seite/{n}" if n % 3 == 0 else words), ""
    return text


def questions(history, host: str, now: float) -> float:  # type: ignore[no-untyped-def]
    """Milliseconds for one post's three questions about ``host``."""
    started = time.perf_counter()
    history.link_posters(host, now - 3600)
    history.link_posters(host, now - 3600 - 86_400, now - 3600)
    history.moderator_published_link(host, now - 3600 - 86_400)
    return 1000 * (time.perf_counter() - started)


def measure(database: str, comments: int) -> str:
    """The table's two cells for a site of ``comments`` in the hour at ``database``."""
    kiebitz = build(Settings({"database": database}))
    hour_of_comments(kiebitz, "/artikel/flut", comments, text_of(random.Random(1)))
    now = time.time()
    history, draw = kiebitz.comments.history, random.Random(2)
    for _ in range(20):
        questions(history, f"host{draw.randrange(HOSTS)}.example", now)
    linked = [questions(history, f"host{draw.randrange(HOSTS)}.example", now) for _ in range(300)]
    other = [questions(history, f"other{n}.example", now) for n in range(300)]
    kiebitz.store.engine.dispose()
    return (f"{np.percentile(linked, 50):.2f} / {np.percentile(linked, 99):.2f} | "
            f"{np.percentile(other, 50):.2f} / {np.percentile(other, 99):.2f}")


def main() -> None:
    busy_site_rows(__doc__.split("\n")[0], HEADER, "link-flood", measure)


if __name__ == "__main__":
    main()
