"""`kiebitz export` and `kiebitz import`: every row survives the trip, SQLite to PostgreSQL included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kiebitz.app import build, create_app
from kiebitz.cli import main
from kiebitz.errors import KiebitzError
from kiebitz.store import schema
from kiebitz.store.dump import export_lines, import_lines
from kiebitz.store.engine import open_engine
from tests.conftest import Poster, make_settings

URI = "/artikel/eins"


def filled_site(tmp_path: Path) -> tuple[str, list[int]]:
    """A SQLite site with comments, a reply, a vote, a moderator, a spam decision and an Akismet key."""
    settings = make_settings(tmp_path, database=str(tmp_path / "old.db"))
    with TestClient(create_app(settings), client=("203.0.113.7", 50000)) as client:
        poster = Poster(client)
        ids = [poster.post(URI).json()["id"] for _ in range(3)]
        ids.append(poster.post(URI, parent=ids[0], text="Eine Antwort mit **Markdown**.").json()["id"])
    with TestClient(create_app(settings), client=("198.51.100.9", 40000)) as reader:
        assert reader.post(f"/api/comments/{ids[1]}/vote", json={"value": 1}).status_code == 200
    kiebitz = build(settings)
    kiebitz.users.add("mod", "moderator", "ein langes Passwort")
    kiebitz.moderation.mark_spam(ids[2], "mod")
    kiebitz.akismet.add_key("https://blog.example")
    return settings.database, ids


def without_timestamp(lines: list[str]) -> list[str]:
    header = json.loads(lines[0])
    del header["created"]
    return [json.dumps(header), *lines[1:]]


def test_export_import_round_trip_to_postgres(tmp_path: Path, postgres_server) -> None:
    database, ids = filled_site(tmp_path)
    exported = list(export_lines(open_engine(database)))
    tables = {json.loads(line)["table"] for line in exported[1:]}
    assert {"comments", "votes", "users", "spam_examples", "audit_log", "akismet_keys", "meta"} <= tables
    assert "admin_sessions" not in tables

    target = postgres_server.new_database(migrated=False)
    counts = import_lines(open_engine(target), exported)
    assert counts["comments"] == 4 and counts["votes"] == 1
    assert without_timestamp(list(export_lines(open_engine(target)))) == without_timestamp(exported)

    # The moved site serves the same thread, and new comments get new ids (PostgreSQL's sequences moved on).
    settings = make_settings(tmp_path, database=target)
    with TestClient(create_app(settings), client=("203.0.113.7", 50000)) as client:
        thread = client.get("/api/comments", params={"uri": URI}).json()
        assert [comment["id"] for comment in thread["comments"]] == ids[:2]
        assert thread["comments"][0]["replies"][0]["html"] == "<p>Eine Antwort mit <strong>Markdown</strong>.</p>"
        posted = Poster(client).post(URI, author="Jonas", text="Nach dem Umzug: läuft alles?")
        assert posted.status_code == 201
        assert posted.json()["id"] == max(ids) + 1
    assert build(settings).users.login("mod", "ein langes Passwort")[1].user.name == "mod"


def test_cli_round_trip_through_gzip(tmp_path: Path) -> None:
    database, _ = filled_site(tmp_path)
    runner = CliRunner()
    old_config, new_config = tmp_path / "old.toml", tmp_path / "new.toml"
    old_config.write_text(f'database = "{database}"\n')
    new_config.write_text(f'database = "{tmp_path / "new.db"}"\n')
    assert runner.invoke(main, ["export", "--out", str(tmp_path / "site.jsonl.gz"), "--config", str(old_config)]).exit_code == 0
    assert (tmp_path / "site.jsonl.gz").stat().st_mode & 0o777 == 0o600  # addresses and the IP-hash key: owner only
    result = runner.invoke(main, ["import", str(tmp_path / "site.jsonl.gz"), "--config", str(new_config)])
    assert result.exit_code == 0, result.output
    assert "comments 4" in result.output
    with open_engine(str(tmp_path / "new.db")).connect() as connection:
        assert connection.execute(select(func.count()).select_from(schema.comments)).scalar() == 4


def test_import_refuses_a_database_with_data_and_bad_lines(tmp_path: Path) -> None:
    database, _ = filled_site(tmp_path)
    exported = list(export_lines(open_engine(database)))
    with pytest.raises(KiebitzError, match="already holds data"):
        import_lines(open_engine(database), exported)

    target = str(tmp_path / "new.db")
    broken = [*exported[:5], '{"table": "comments", "row": {"id": 99, "colour": "red"}}', *exported[5:]]
    with pytest.raises(KiebitzError, match="line 6: table comments has no column 'colour'"):
        import_lines(open_engine(target), broken)
    with pytest.raises(KiebitzError, match="line 1: not a Kiebitz export"):
        import_lines(open_engine(target), exported[1:])
    with pytest.raises(KiebitzError, match="line 1: the header names no schema revision"):
        import_lines(open_engine(target), ['{"format": "kiebitz-export", "version": 1}'])
    # nothing of the failed import stayed: the same file loads cleanly afterwards
    assert import_lines(open_engine(target), exported)["comments"] == 4


def test_backup_copies_a_live_sqlite_database(tmp_path: Path) -> None:
    database, _ = filled_site(tmp_path)
    config = tmp_path / "site.toml"
    config.write_text(f'database = "{database}"\n')
    engine = open_engine(database)
    with engine.connect() as reader:  # a server's open connection does not stop the copy
        reader.execute(select(func.count()).select_from(schema.comments)).scalar()
        result = CliRunner().invoke(main, ["backup", str(tmp_path / "copy.db"), "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "copy.db").stat().st_mode & 0o777 == 0o600
    assert list(export_lines(open_engine(str(tmp_path / "copy.db"))))[1:] == list(export_lines(engine))[1:]
    again = CliRunner().invoke(main, ["backup", str(tmp_path / "copy.db"), "--config", str(config)])
    assert isinstance(again.exception, KiebitzError) and "exists already" in again.exception.message  # `kiebitz` prints it
