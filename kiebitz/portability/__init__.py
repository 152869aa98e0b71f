"""Comments from other systems: WordPress (WXR), Disqus (XML), Isso (SQLite), Remark42 (backup).

Each reader turns its format into the neutral records of ``records.py``;
``loader.py`` writes those into a Kiebitz database. Kiebitz's own lossless
export and import live in ``store/dump.py``.
"""

from collections.abc import Callable

FOREIGN_FORMATS = ("wordpress", "disqus", "isso", "remark42")  # what `kiebitz import --from` names besides "kiebitz"

# Told how far an import has come: (phase, done, total), "reading" in bytes of the file,
# "loading" in comments. A large site's export takes a minute or two (docs/benchmarks.md).
Progress = Callable[[str, int, int], None]


def no_progress(phase: str, done: int, total: int) -> None:
    """The ``Progress`` of an import nobody watches (the admin's upload, tests)."""
