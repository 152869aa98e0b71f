"""How long `kiebitz import` takes for a WordPress export of N comments, into a new SQLite file.

    .venv/bin/python bench/import_wordpress.py [--comments 20000] [--write docs/benchmarks.md]

The export is written here in WordPress's WXR format: 500 posts, comments of
about 280 characters with a link and some emphasis, every fourth a reply.
Timed: reading the XML (detect + parse + HTML to Markdown) and loading
(rendering, thread structure, one transaction).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from report import publish, site_size_arguments, timed  # bench/ is on the path when a script here runs

from kiebitz.portability.formats import detect, read
from kiebitz.portability.loader import load
from kiebitz.store.comments import Store
from kiebitz.store.engine import migrate, open_engine

POSTS = 500
TEXT = ("Ein Kommentar zum Artikel, wie sie auf einer Nachrichtenseite stehen, mit <em>Betonung</em>.\n\n"
        "Mehr dazu beim <a href=\"https://nabu.example/kiebitz\">NABU</a>; " + "und noch ein Satz dazu. " * 6)


def wxr(comments: int) -> str:
    items = []
    per_post = max(1, comments // POSTS)
    for post in range(POSTS):
        entries = []
        for n in range(post * per_post, (post + 1) * per_post):
            parent = n - 1 if n % 4 == 3 else 0
            entries.append(
                f"<wp:comment><wp:comment_id>{n + 1}</wp:comment_id><wp:comment_author>Leser {n}</wp:comment_author>"
                f"<wp:comment_author_email>leser{n}@example.org</wp:comment_author_email><wp:comment_author_url/>"
                f"<wp:comment_date_gmt>2024-04-02 08:{n % 60:02d}:00</wp:comment_date_gmt>"
                f"<wp:comment_content><![CDATA[{TEXT} ({n})]]></wp:comment_content>"
                f"<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>"
                f"<wp:comment_parent>{parent + 1 if parent else 0}</wp:comment_parent></wp:comment>"
            )
        items.append(f"<item><title>Artikel {post}</title><link>https://example.org/artikel/{post}/</link>"
                     f"<wp:post_id>{post}</wp:post_id>{''.join(entries)}</item>")
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/">'
            f"<channel><title>Bench</title>{''.join(items)}</channel></rss>")


def main() -> None:
    args = site_size_arguments(__doc__)
    with tempfile.TemporaryDirectory() as directory:
        export = Path(directory) / "wordpress.xml"
        export.write_text(wxr(args.comments), encoding="utf-8")
        engine = open_engine(str(Path(directory) / "site.db"))
        migrate(engine)
        site, was_read = timed(lambda: read(str(export), detect(str(export))))
        report, loaded = timed(lambda: load(Store(engine), site, "default"))
        size = export.stat().st_size / 1e6
    count = sum(report.comments.values())
    publish([
        "| comments | WXR size (MB) | read: parse, HTML to Markdown (s) | load into a new SQLite file (s) | per comment (ms) |",
        "|---:|---:|---:|---:|---:|",
        f"| {count:,} | {size:.1f} | {was_read:.2f} | {loaded:.2f} | {(was_read + loaded) / count * 1000:.3f} |",
    ], args.write, "import-wordpress")


if __name__ == "__main__":
    main()
