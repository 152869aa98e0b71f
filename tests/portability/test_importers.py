"""`kiebitz import` from WordPress, Disqus, Isso and Remark42: the threads as readers saw them, served by Kiebitz."""

from __future__ import annotations

import gzip
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from kiebitz.app import build
from kiebitz.cli import main
from kiebitz.store import schema
from kiebitz.store.history import SiteHistory

pytestmark = pytest.mark.usefixtures("database_backend")

DATA = Path(__file__).parent / "data"
KIEBITZE = "/2024/04/kiebitze-kehren-zurueck/"
HOCHWASSER = "/2024/05/hochwasser/"


@pytest.fixture
def kiebitz_import(tmp_path: Path, settings):
    config = tmp_path / "site.toml"
    config.write_text(f'database = "{settings.database}"\n')

    def run(source: Path, *options: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(main, ["import", str(source), "--config", str(config), *options])

    return run


def thread(client, uri: str) -> list[dict]:
    return client.get("/api/comments", params={"uri": uri}).json()["comments"]


def test_wordpress_export(kiebitz_import, client, poster, settings) -> None:
    result = kiebitz_import(DATA / "wordpress.xml")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "imported from WordPress: 4 comments (1 deleted, 1 pending, 2 published), 2 new threads",
        "  1 WordPress entries of type 'review'",
        "  1 email values that are not valid, left empty",
        "  1 pingbacks and trackbacks",
        "  1 website values that are not valid, left empty",
        "the filter learned from 0 spam and 2 approved comments",
    ]
    [jana] = thread(client, KIEBITZE)
    assert jana["author"] == "Jana Krüger" and jana["website"] == "https://jana.example" and "email" not in jana
    assert jana["html"] == (
        '<p>Endlich wieder! Ich habe <strong>drei Paare</strong> bei Wittenberge gesehen.</p>\n<p>Mehr dazu beim '
        '<a href="https://nabu.example/kiebitz" rel="nofollow ugc noopener">NABU</a>.<br>\nZweite Zeile.</p>'
    )
    [staff_reply] = jana["replies"]
    assert staff_reply["html"] == "<p>Danke für die Beobachtung, Frau Krüger!</p>"  # the script is gone
    assert staff_reply["replies"] == []  # the reply to it waits for a moderator, as it did in WordPress
    assert thread(client, "/?p=57") == []  # deleted in WordPress

    store = build(settings).store
    assert SiteHistory(store).has_approved_comment("jana@example.org")  # known commenters stay trusted
    with store.read() as db:
        threads = {row.uri: row for row in db.execute(select(schema.threads))}
        held = db.execute(select(schema.comments).where(schema.comments.c.status == "pending")).one()
        actors = set(db.execute(select(schema.audit_log.c.actor)).scalars())
    assert threads[KIEBITZE].closed and not threads["/?p=57"].closed
    assert threads[KIEBITZE].created == 1712045700.0  # dated by its first comment, so "close after N days" counts right
    assert (held.author, held.email, held.website, held.depth, held.ip_hash) == ("Vogel & Freund", "", "", 2, "")
    assert threads[KIEBITZE].title == "Kiebitze kehren in die Elbwiesen zurück – mit Bildern"  # WordPress's entities undone
    assert "imported from WordPress (its id there: 11)" in held.reasons
    assert actors == {"import"}

    posted = poster.post(KIEBITZE)
    assert posted.status_code == 403  # comments were closed in WordPress
    assert posted.json()["error"] == {"field": "uri", "message": "this thread is closed for new comments"}

    again = kiebitz_import(DATA / "wordpress.xml")
    assert again.exit_code == 0, again.output
    assert "imported from WordPress: 0 comments (none), 0 new threads" in again.output
    assert "  4 comments already imported" in again.output
    with store.read() as db:
        assert db.execute(select(func.count()).select_from(schema.comments)).scalar() == 4


def test_disqus_export(kiebitz_import, client, settings) -> None:
    tried = kiebitz_import(DATA / "disqus.xml", "--site", "elbe", "--dry-run")
    assert tried.exit_code == 0, tried.output
    assert tried.output.splitlines()[0] == "imported from Disqus: 3 comments (2 published, 1 spam), 1 new thread"
    assert tried.output.splitlines()[-1] == "(a dry run: nothing was written)"
    with build(settings).store.read() as db:
        assert db.execute(select(func.count()).select_from(schema.comments)).scalar() == 0
        assert db.execute(select(schema.sites.c.name)).scalars().all() in ([], ["default"])  # no site "elbe"

    result = kiebitz_import(DATA / "disqus.xml", "--site", "elbe")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "imported from Disqus: 3 comments (2 published, 1 spam), 1 new thread",
        "  1 comments on deleted threads",
        "the filter learned from 1 spam and 2 approved comments",
    ]
    [jana] = client.get("/api/comments", params={"uri": KIEBITZE, "site": "elbe"}).json()["comments"]
    assert '<a href="https://nabu.example" title="nabu.example" rel="nofollow ugc noopener">Wittenberge</a>' in jana["html"]
    assert "disq.us" not in jana["html"]  # Disqus's link redirector is undone
    assert [reply["author"] for reply in jana["replies"]] == ["Tom"]
    with build(settings).store.read() as db:
        spam = db.execute(select(schema.comments).where(schema.comments.c.status == "spam")).one()
    assert spam.author == "Watches" and spam.text == "Cheap watches at [spam.example](http://spam.example)"


def test_isso_database(tmp_path: Path, kiebitz_import, client) -> None:
    isso = tmp_path / "comments.db"
    with sqlite3.connect(isso) as db:  # Isso's own tables, as isso/db/*.py creates them
        db.executescript("""
            CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
            CREATE TABLE comments (
                tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
                created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR,
                text VARCHAR, author VARCHAR, email VARCHAR, website VARCHAR,
                likes INTEGER DEFAULT 0, dislikes INTEGER DEFAULT 0, voters BLOB NOT NULL,
                notification INTEGER NOT NULL DEFAULT 0);
            INSERT INTO threads VALUES (1, '/2024/05/hochwasser/', 'Hochwasser an der Mulde');
            INSERT INTO comments VALUES (1, 1, NULL, 1714557600.5, NULL, 1, '192.0.2.0',
                'Bei uns in *Grimma* steht der Keller unter Wasser.', 'Tom', 'tom@example.net', NULL, 3, 1, x'00', 1);
            INSERT INTO comments VALUES (1, 2, 1, 1714558600.0, 1714558700.0, 1, '198.51.100.0',
                'Alles Gute!\nDie Feuerwehr ist unterwegs.', 'Redaktion', NULL, 'elbe-kurier.example', 0, 0, x'00', 0);
            INSERT INTO comments VALUES (1, 3, NULL, 1714559600.0, NULL, 2, '203.0.113.0',
                'Noch nicht freigegeben.', NULL, NULL, NULL, 0, 0, x'00', 0);
            INSERT INTO comments VALUES (1, 4, NULL, 1714559700.0, NULL, 4, '203.0.113.0', '', NULL, NULL, NULL, 0, 0, x'00', 0);
        """)
    result = kiebitz_import(isso)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["imported from Isso: 4 comments (1 deleted, 1 pending, 2 published), 1 new thread",
                                        "the filter learned from 0 spam and 2 approved comments"]
    [tom] = thread(client, HOCHWASSER)
    assert tom["html"] == "<p>Bei uns in <em>Grimma</em> steht der Keller unter Wasser.</p>"
    assert (tom["likes"], tom["dislikes"]) == (3, 1)
    [reply] = tom["replies"]
    assert reply["html"] == "<p>Alles Gute!<br>\nDie Feuerwehr ist unterwegs.</p>"
    assert reply["website"] == "https://elbe-kurier.example"


def test_remark42_backup(tmp_path: Path, kiebitz_import, client, settings) -> None:
    backup = tmp_path / "backup-elbe-20240601.gz"
    shutil.copy(DATA / "remark42.gz", backup)
    result = kiebitz_import(backup)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["imported from Remark42: 3 comments (1 deleted, 2 published), 1 new thread",
                                        "the filter learned from 0 spam and 2 approved comments"]
    [tom] = thread(client, HOCHWASSER)
    assert tom["html"] == "<p>Bei uns in <em>Grimma</em> steht der Keller unter Wasser.</p>"
    assert (tom["likes"], tom["dislikes"]) == (2, 1)
    [reply] = tom["replies"]
    assert reply["author"] == "Redaktion" and reply["pinned"] and reply["staff"]
    with build(settings).store.read() as db:
        closed = db.execute(select(schema.threads.c.closed).where(schema.threads.c.uri == HOCHWASSER)).scalar()
        created = db.execute(select(schema.comments.c.created).where(schema.comments.c.author == "Tom")).scalar()
    assert closed  # read-only in Remark42
    assert created == pytest.approx(1714557600.123456)  # Go's nanoseconds read to the microsecond


def test_bad_files_are_refused_and_nothing_is_stored(tmp_path: Path, kiebitz_import, settings) -> None:
    broken = tmp_path / "export.xml"
    broken.write_text((DATA / "wordpress.xml").read_text(encoding="utf-8")[:3000], encoding="utf-8")
    result = kiebitz_import(broken)
    assert result.exit_code == 1
    assert re.fullmatch(r"the WordPress export is not well-formed XML: [a-z ]+: line \d+, column \d+", str(result.exception))

    unknown = tmp_path / "comments.csv"
    unknown.write_text("id,text\n1,Hallo\n", encoding="utf-8")
    result = kiebitz_import(unknown)
    assert "cannot tell which system this file comes from; name it with --from" in str(result.exception)

    export = tmp_path / "site.jsonl"
    export.write_text('{"format": "kiebitz-export", "version": 1}\n', encoding="utf-8")
    result = kiebitz_import(export, "--site", "elbe")
    assert result.exit_code == 2 and "--site and --dry-run are for comments from other systems" in result.output
    named_badly = kiebitz_import(DATA / "wordpress.xml", "--site", "elbe kurier")
    assert "site must be a name" in named_badly.exception.message  # `kiebitz` prints it

    not_isso = tmp_path / "notes.txt"
    not_isso.write_text("Hallo", encoding="utf-8")
    assert "not an Isso database" in str(kiebitz_import(not_isso, "--from", "isso").exception)

    backup = tmp_path / "remark.json"
    text = gzip.decompress((DATA / "remark42.gz").read_bytes()).decode("utf-8").splitlines()
    backup.write_text("\n".join(text[:2] + ['{"id": "c9", "text": "no locator"}']) + "\n", encoding="utf-8")
    assert "line 3 of the Remark42 backup is not a comment Kiebitz can read" in str(kiebitz_import(backup).exception)
    # found by fuzzing: these were exceptions no summary names (a 500 in the admin's upload)
    backup.write_bytes(("\n".join(text[:2]) + "\n").encode("utf-8") + b'{"text": "\xff\xfe"}\n')
    assert "the Remark42 backup is not UTF-8 text" in str(kiebitz_import(backup).exception)
    odd_isso = tmp_path / "odd.db"
    with sqlite3.connect(odd_isso) as db:  # SQLite keeps any value in any column
        db.executescript("""CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR, title VARCHAR);
                            CREATE TABLE comments (tid, id INTEGER PRIMARY KEY, parent, created, modified, mode, text,
                                                   author, email, website, likes, dislikes);
                            INSERT INTO threads VALUES (1, '/a/', 'A');
                            INSERT INTO comments VALUES (1, 7, NULL, 'gestern', NULL, 1, 'Hallo', 'Tom', NULL, NULL, 0, 0);""")
    assert "comment 7 of the Isso database is not one Kiebitz can read" in str(kiebitz_import(odd_isso, "--from", "isso").exception)
    with build(settings).store.read() as db:
        assert db.execute(select(func.count()).select_from(schema.comments)).scalar() == 0
