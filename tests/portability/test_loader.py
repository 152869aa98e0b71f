"""The loader on its own: replies written after their parents, whatever order or holes the file has."""

from __future__ import annotations

from sqlalchemy import select

from kiebitz.domain import Status
from kiebitz.portability.loader import load
from kiebitz.portability.records import ForeignComment, ForeignSite, ForeignThread
from kiebitz.store import schema
from kiebitz.store.comments import Store
from kiebitz.store.engine import migrate, open_engine


def comment(key: str, parent: str | None, created: float) -> ForeignComment:
    return ForeignComment(key=key, thread_key="t", parent_key=parent, author=f"Autor {key}", email="", website="",
                          text=f"Kommentar {key}", status=Status.PUBLISHED, created=created)


def test_parents_first_and_broken_chains_kept_at_the_top(tmp_path) -> None:
    engine = open_engine(str(tmp_path / "kiebitz.db"))
    migrate(engine)
    store = Store(engine)
    site_id = store.site_id("default")
    with store.write() as db:  # a thread open here already: closed in the other system, it stays open
        store.ensure_thread(db, site_id, "/seite", "Seite")
    site = ForeignSite("Test", threads={"t": ForeignThread("t", "/seite", closed=True)})
    site.comments = [
        comment("reply-before-parent", "root", 10.0),  # clocks of other systems are not always right
        comment("root", None, 20.0),
        comment("deep", "reply-before-parent", 30.0),
        comment("orphan", "gone", 40.0),
        comment("loop-a", "loop-b", 50.0),
        comment("loop-b", "loop-a", 60.0),
    ]
    report = load(store, site, "default")
    assert report.comments == {"published": 6}
    assert report.left_out == {"replies whose parent is missing, kept as top-level comments": 1,
                               "replies in a loop of parents, kept as top-level comments": 1}
    with store.read() as db:
        rows = {row.author.removeprefix("Autor "): row for row in db.execute(select(schema.comments))}
        assert not db.execute(select(schema.threads.c.closed)).scalar()
    assert report.threads == 0
    assert rows["reply-before-parent"].parent_id == rows["root"].id and rows["deep"].depth == 2
    assert rows["orphan"].parent_id is None and rows["orphan"].depth == 0
    assert {rows["loop-a"].depth, rows["loop-b"].depth} == {0, 1}
