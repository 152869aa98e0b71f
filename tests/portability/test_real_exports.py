"""The importers on export files written by the real systems (the shared corpora's import-samples).

The files are not copied into the repository; the tests skip where they are
not beside it (``../shared/data/import-samples``, or ``KIEBITZ_SHARED_DATA``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kiebitz.app import create_app
from kiebitz.portability.formats import detect, read
from kiebitz.portability.loader import load
from kiebitz.store import schema
from kiebitz.store.comments import Store
from kiebitz.store.engine import migrate, open_engine
from tests.conftest import make_settings

SAMPLES = Path(os.environ.get("KIEBITZ_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
SAMPLES = SAMPLES / "import-samples"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"no import samples at {SAMPLES}")


def imported(tmp_path: Path, name: str) -> tuple[Store, list[str]]:
    """A new database in tmp_path with the sample imported: the store and the summary the CLI prints."""
    engine = open_engine(str(tmp_path / f"{name}.db"))
    migrate(engine)
    store = Store(engine)
    path = str(SAMPLES / name)
    return store, load(store, read(path, detect(path)), "default").lines()


def test_wordpress_theme_unit_test_data(tmp_path: Path) -> None:
    """WordPress's own test export (written by WordPress.com, whose namespace is https)."""
    store, summary = imported(tmp_path, "themeunittestdata.wordpress.xml")
    assert summary == ["imported from WordPress: 29 comments (3 pending, 26 published), 7 new threads",
                       "  4 pingbacks and trackbacks"]
    with TestClient(create_app(make_settings(tmp_path, database=str(tmp_path / "themeunittestdata.wordpress.xml.db")))) as client:
        thread = client.get("/api/comments", params={"uri": "/2012/01/03/template-comments/"}).json()
    depth, comment = 1, next(c for c in thread["comments"] if c["html"] == "<p>Comment Depth 01</p>")
    while comment["replies"]:
        depth, comment = depth + 1, comment["replies"][0]
    assert depth == 10 and comment["html"].startswith("<p>Comment Depth 10</p>")  # deeper than Kiebitz lets one reply
    rich = next(c for c in thread["comments"] if c["html"].startswith("<p><strong>Headings</strong>"))
    assert "<blockquote>" in rich["html"] and "<table" not in rich["html"]
    assert "Employee Salary" in rich["html"] and "<p></p>" not in rich["html"]  # cells kept apart, no empty paragraphs


def test_isso_test_exports(tmp_path: Path) -> None:
    """The WordPress and Disqus files Isso tests its own importer with."""
    store, summary = imported(tmp_path, "wordpress-sample-isso.xml")
    assert summary == ["imported from WordPress: 8 comments (8 published), 2 new threads"]
    store, summary = imported(tmp_path, "disqus-sample.xml")
    assert summary == ["imported from Disqus: 5 comments (1 deleted, 4 published), 2 new threads",
                       "  1 comments on a page missing from the file or with an unusable address"]
    with store.read() as db:
        rows = db.execute(select(schema.comments.c.id, schema.comments.c.parent_id, schema.comments.c.status)).all()
    deleted = next(row.id for row in rows if row.status == "deleted")
    assert any(row.parent_id == deleted for row in rows)  # the reply to a deleted post keeps its place under it
