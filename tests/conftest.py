"""Shared fixtures: a real SQLite file in a temp dir (or a real PostgreSQL database) and the app over HTTP.

A test module marked ``pytestmark = pytest.mark.usefixtures("database_backend")``
runs each of its tests twice: on a SQLite file and on a database of a real
PostgreSQL server (tests/postgres.py), since every query must run on both.
"""

from __future__ import annotations

import email
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from kiebitz.app import create_app
from kiebitz.config import Settings
from tests.postgres import PostgresServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]

# The database make_settings hands out instead of a SQLite file while a test runs on PostgreSQL.
_postgres_database: str | None = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_for(tmp_path: Path, name: str = "kiebitz.db") -> str:
    """The `database` setting for a test: a SQLite file in its temp dir, or its PostgreSQL database."""
    return _postgres_database or str(tmp_path / name)


def make_settings(tmp_path: Path, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "database": database_for(tmp_path),
        "min_submit_seconds": 0,
        "flood_seconds": 0,
        "rate_limit_per_hour": 10_000,
    }
    values.update(changes)
    return Settings(values)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_backend(request: pytest.FixtureRequest) -> Iterator[str]:
    global _postgres_database
    if request.param == "postgresql":
        _postgres_database = request.getfixturevalue("postgres_server").new_database()
    try:
        yield request.param
    finally:
        _postgres_database = None


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), client=("203.0.113.7", 50000)) as test_client:
        yield test_client


class Poster:
    """Posts comments the way the widget does: fetch a form token, then post."""

    TEXTS = [
        "Ein ganz normaler Kommentar zum Artikel.",
        "Danke für den Bericht, sehr informativ!",
        "Ich sehe das etwas anders als der Autor.",
        "Gibt es dazu eine Quelle? Würde mich interessieren.",
        "Spannendes Thema, bitte mehr davon.",
        "Das erinnert mich an unseren Stadtrat letztes Jahr.",
    ]

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.posted = 0

    def token(self, uri: str) -> str:
        return self.client.get("/api/comments", params={"uri": uri}).json()["form_token"]

    def post(self, uri: str = "/artikel/eins", **fields: Any) -> Any:
        text = f"{self.TEXTS[self.posted % len(self.TEXTS)]} ({self.posted // len(self.TEXTS) + 1})"
        self.posted += 1
        body = {"author": "Erika", "email": "erika@example.org", "text": text}
        body.update(fields)
        body.setdefault("form_token", self.token(uri))
        return self.client.post("/api/comments", params={"uri": uri}, json=body)


@pytest.fixture
def poster(client: TestClient) -> Poster:
    return Poster(client)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def wait(self, count: int = 1, seconds: float = 10) -> list[email.message.Message]:
        deadline = time.time() + seconds
        while len(self.messages) < count and time.time() < deadline:
            time.sleep(0.05)
        return self.messages


@pytest.fixture
def inbox():
    """A real SMTP server (aiosmtpd) on a free port: (its inbox, the port)."""
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
