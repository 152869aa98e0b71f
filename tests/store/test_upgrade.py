"""Upgrading and restoring as a site owner would: an export from the oldest schema into the newest Kiebitz,
and a backup taken while the server writes, served again."""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, text

from kiebitz.app import create_app
from kiebitz.store.dump import export_lines
from kiebitz.store.engine import alembic_config, migrate, open_engine
from kiebitz.store.queues import QueueFilter
from tests.api.test_serve import URI, post_through_proxy, serve
from tests.conftest import Poster, make_settings

WORDS = ("Brücke Bus Miete Radweg Schule Markt Hafen Rathaus Kita Ampel Sanierung Haushalt Wetter Konzert Museum "
         "Bibliothek Sportplatz Baustelle Stadtrat Bürgerbus").split()
COMMENT = ("INSERT INTO comments (id, thread_id, parent_id, depth, author, email, website, text, html, status, created, "
           "modified, likes, dislikes, ip_hash, ip_network, verdict, score, reasons, signals, pinned, staff) VALUES "
           "(:id, 1, :parent, :depth, :author, :email, '', :text, :html, :status, :created, NULL, 0, 0, '', '', 'ham', "
           "0.1, '[]', '{}', 0, 0)")


def test_an_export_from_the_first_schema_imports_into_the_newest(tmp_path: Path) -> None:
    old = open_engine(str(tmp_path / "old.db"))
    migrate(old, "0001")
    with old.begin() as db:
        db.execute(text("INSERT INTO sites (id, name, title, allowed_origins, created) VALUES (1, 'default', '', '', 0)"))
        db.execute(text("INSERT INTO threads (id, site_id, uri, title, closed, created) "
                        "VALUES (1, 1, '/artikel/alt', 'Alter Artikel', 0, 0)"))
        for number, (parent, author, words, status) in enumerate([
            (None, "Erika", "Die Brücke wird endlich saniert.", "published"),
            (1, "Jonas", "Das wurde auch Zeit!", "published"),
            (None, "Gast", "Noch nicht freigegeben.", "pending"),
        ], start=1):
            db.execute(text(COMMENT), {"id": number, "parent": parent, "depth": 0 if parent is None else 1,
                                       "author": author, "email": f"{author.lower()}@example.org", "text": words,
                                       "html": f"<p>{words}</p>", "status": status, "created": 1_700_000_000 + number})
    exported = tmp_path / "old-export.jsonl"
    exported.write_text("\n".join(export_lines(old)) + "\n", encoding="utf-8")
    assert json.loads(exported.read_text().splitlines()[0])["schema"] == "0001"

    settings = make_settings(tmp_path, database=str(tmp_path / "new.db"))
    loaded = subprocess.run([sys.executable, "-m", "kiebitz.cli", "import", str(exported)], capture_output=True,
                            text=True, timeout=120, env=dict(os.environ, KIEBITZ_DATABASE=settings.database))
    assert loaded.returncode == 0, loaded.stderr
    with TestClient(create_app(settings)) as client:
        thread = client.get("/api/comments", params={"uri": "/artikel/alt"}).json()
        assert [comment["author"] for comment in thread["comments"]] == ["Erika"]
        assert thread["comments"][0]["replies"][0]["author"] == "Jonas"
        assert client.get("/api/counts", params={"uri": "/artikel/alt"}).json() == {"/artikel/alt": 2}
        kiebitz = client.app.state.kiebitz  # type: ignore[attr-defined]
        rows, total = kiebitz.queues.page(QueueFilter(search="brücke saniert"))
        assert total == 0  # the match is published, not held
        assert [row.comment.id for row in kiebitz.queues.page(QueueFilter(search="freigegeben"))[0]] == [3]


def test_a_backup_taken_while_the_server_writes_is_whole_and_serves_again(tmp_path: Path) -> None:
    server, base = serve(tmp_path)
    acknowledged: list[int] = []
    stop = threading.Event()

    def post() -> None:
        number = 0
        while not stop.is_set():
            number += 1
            try:
                words = " ".join(random.sample(WORDS, 6))  # no near repeats: each one is published
                acknowledged.append(post_through_proxy(base, f"198.51.{number % 200}.{number % 250 + 1}",
                                                       f"Leserbrief {number}: {words}."))
            except OSError:
                return

    writer = threading.Thread(target=post)
    writer.start()
    try:
        time.sleep(1.0)
        before_backup = list(acknowledged)  # committed before the copy began: all of them must be in it
        backup = subprocess.run([sys.executable, "-m", "kiebitz.cli", "backup", str(tmp_path / "copy.db")],
                                capture_output=True, text=True, timeout=120,
                                env=dict(os.environ, KIEBITZ_DATABASE=str(tmp_path / "kiebitz.db")))
        time.sleep(0.5)
    finally:
        stop.set()
        writer.join(10)
        server.terminate()
        server.wait(15)
    assert backup.returncode == 0, backup.stderr
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        kept = {row[0] for row in copy.execute("SELECT id FROM comments")}
        published = copy.execute("SELECT count(*) FROM comments WHERE status = 'published'").fetchone()[0]
    assert before_backup and set(before_backup) <= kept <= set(acknowledged)

    (tmp_path / "restored").mkdir()
    shutil.copy(tmp_path / "copy.db", tmp_path / "restored" / "kiebitz.db")  # restoring is putting the copy in place
    restored, restored_base = serve(tmp_path / "restored")
    try:
        counts = json.loads(urllib.request.urlopen(f"{restored_base}/api/counts?uri={URI}").read())
        assert counts == {URI: published} and published > 0
        assert post_through_proxy(restored_base, "203.0.113.9", "Nach der Wiederherstellung geschrieben.") > max(kept)
    finally:
        restored.terminate()
        restored.wait(15)


def test_a_database_at_the_newest_migration_is_opened_without_alembic(tmp_path: Path) -> None:
    """A web worker starting on an up-to-date database does not load Alembic and its scripts (12 MiB each); the
    newest migration it compares with is Alembic's own head."""
    from alembic.script import ScriptDirectory

    from kiebitz.store.engine import HEAD_REVISION, alembic_config, revision_of

    engine = open_engine(str(tmp_path / "kiebitz.db"))
    assert revision_of(engine) is None
    migrate(engine, "0014")
    assert revision_of(engine) == "0014"
    migrate(engine)
    assert revision_of(engine) == HEAD_REVISION == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    engine.dispose()
    worker = ("import sys; from kiebitz.app import build; from kiebitz.config import Settings; "
              f"build(Settings({{'database': {str(tmp_path / 'kiebitz.db')!r}}})); "
              "print(sorted(name for name in sys.modules if name.startswith('alembic')))")
    loaded = subprocess.run([sys.executable, "-c", worker], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


RECENT = "Die Sanierung der Brücke am Hafen dauert länger als der Stadtrat im Frühjahr versprochen hat."
OLD = "Der Bürgerbus fährt jetzt auch sonntags zum Sportplatz, das hat lange gedauert."


def downgrade(engine: Engine, db: Connection, revision: str) -> None:
    """The database back to ``revision`` through each later migration's downgrade, in ``db``'s transaction."""
    from alembic import command

    config = alembic_config(engine)
    config.attributes["connection"] = db
    command.downgrade(config, revision)


def test_the_last_weeks_band_keys_are_made_anew_when_their_permutations_change(tmp_path: Path) -> None:
    """Migration 0020: keys from the old permutations would never meet a new comment's; the week the repeat
    rule compares with gets the keys ``band_keys`` gives now, and older comments keep theirs."""
    from kiebitz.fingerprint import band_keys

    settings = make_settings(tmp_path)
    with TestClient(create_app(settings), client=("203.0.113.7", 50000)) as client:
        poster = Poster(client)
        assert [poster.post(text=text).status_code for text in (RECENT, OLD)] == [201, 201]
    engine = open_engine(settings.database)
    with engine.begin() as db:
        downgrade(engine, db, "0019")
        db.execute(text("UPDATE comment_bands SET band = 'old:' || band"))
        db.execute(text("UPDATE comments SET created = created - 8 * 86400 WHERE text = :old"), {"old": OLD})
    migrate(engine)
    with engine.connect() as db:
        kept = db.execute(text("SELECT c.text, b.band FROM comment_bands b JOIN comments c ON c.id = b.comment_id")).all()
    engine.dispose()
    assert sorted(band for words, band in kept if words == RECENT) == sorted(band_keys(RECENT))
    assert all(band.startswith("old:") for words, band in kept if words == OLD)



def test_the_last_weeks_band_keys_are_taken_of_the_words_without_links(tmp_path: Path) -> None:
    """Migration 0022: a linked comment of the week stored keys of its whole text, which the same words under
    another link would not meet; it gets those of its words."""
    from kiebitz.fingerprint import BANDED, band_keys, signature_bands

    linked = RECENT + " https://stadt.example/rat/sitzung?id=4711"
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings), client=("203.0.113.7", 50000)) as client:
        assert Poster(client).post(text=linked).status_code == 201
    engine = open_engine(settings.database)
    with engine.begin() as db:
        downgrade(engine, db, "0021")
        db.execute(text("DELETE FROM comment_bands"))
        db.execute(text("INSERT INTO comment_bands (band, comment_id, created) SELECT :band, id, created FROM comments"),
                   [{"band": band} for band in signature_bands(BANDED.signature(linked))])
    migrate(engine)
    with engine.connect() as db:
        kept = sorted(db.execute(text("SELECT band FROM comment_bands WHERE band NOT LIKE 'url:%'")).scalars())
    engine.dispose()
    assert kept == sorted(band_keys(linked)) == sorted(band_keys(RECENT + " https://anderswo.example/"))


def keys_migrated_anew(tmp_path: Path, comment: str, revision: str, kind: str) -> tuple[list[str], list[str]]:
    """A comment posted, the database taken back to ``revision`` with its keys of ``kind`` ("tel:") gone, then
    migrated again: the keys left at ``revision``, and the keys after."""
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings), client=("203.0.113.7", 50000)) as client:
        assert Poster(client).post(text=comment).status_code in (201, 202)
    engine = open_engine(settings.database)
    with engine.begin() as db:
        downgrade(engine, db, revision)
        db.execute(text("DELETE FROM comment_bands WHERE band LIKE :kind"), {"kind": kind + "%"})
        left = sorted(db.execute(text("SELECT band FROM comment_bands")).scalars())
    migrate(engine)
    with engine.connect() as db:
        kept = sorted(db.execute(text("SELECT band FROM comment_bands")).scalars())
    engine.dispose()
    return left, kept


def test_the_last_weeks_comments_get_their_phone_numbers_keys(tmp_path: Path) -> None:
    """Migration 0023: a comment of the week with a phone number is found by it, as a new one is."""
    from kiebitz.fingerprint import band_keys, comment_keys, phone_numbers

    hotline = "Der Mieterverein hat uns sehr geholfen: 0176-12345678"
    left, kept = keys_migrated_anew(tmp_path, hotline, "0022", "tel:")
    assert left == sorted(band_keys(hotline))
    assert kept == sorted(comment_keys(hotline)) and set(phone_numbers(hotline)) < set(kept)


def test_the_last_weeks_comments_get_the_keys_of_the_hosts_they_link_to(tmp_path: Path) -> None:
    """Migration 0024: a comment of the week with a link is found by its host, as a new one is, so a link flood
    under way when a site upgrades is counted from its first comments on."""
    from kiebitz.fingerprint import comment_keys, host_key

    linked = "Die Bilder vom Brand zeigt https://www.regionalzeitung.example/brand-lagerhalle"
    left, kept = keys_migrated_anew(tmp_path, linked, "0023", "url:")
    assert host_key("regionalzeitung.example") not in left
    assert kept == sorted(comment_keys(linked)) and host_key("regionalzeitung.example") in kept
