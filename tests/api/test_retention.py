"""Retention as the privacy page promises it: at start (and hourly) old spam is deleted and old IP data forgotten."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from kiebitz.app import create_app
from kiebitz.store import schema
from tests.conftest import Poster, make_settings

pytestmark = pytest.mark.usefixtures("database_backend")
DAY = 86400


def test_old_spam_is_deleted_and_old_ip_data_forgotten_when_the_server_starts(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings), client=("203.0.113.7", 50000)) as client:
        poster = Poster(client)
        ids = [poster.post().json()["id"] for _ in range(4)]
        store = client.app.state.kiebitz.store  # type: ignore[attr-defined]
        now = time.time()
        with store.write() as db:
            comments = schema.comments
            db.execute(update(comments).where(comments.c.id == ids[0]).values(status="spam", created=now - 15 * DAY))
            db.execute(update(comments).where(comments.c.id == ids[1]).values(status="spam", created=now - 13 * DAY))
            db.execute(update(comments).where(comments.c.id == ids[2]).values(created=now - 31 * DAY))
    with TestClient(create_app(settings)) as client:  # a restart: the purge runs at start
        store = client.app.state.kiebitz.store  # type: ignore[attr-defined]
        deadline = time.time() + 10
        while (store.get_comment(ids[0]) is not None or store.get_comment(ids[2]).ip_hash) and time.time() < deadline:
            time.sleep(0.05)
        assert store.get_comment(ids[0]) is None  # spam older than spam_retention_days (14)
        assert store.get_comment(ids[1]) is not None  # younger spam stays for a moderator to look at
        old, recent = store.get_comment(ids[2]), store.get_comment(ids[3])
        assert (old.ip_hash, old.ip_network) == ("", "") and old.text  # the comment stays, its IP data goes
        assert recent.ip_hash and recent.ip_network
