"""GET /api/live over a real uvicorn server: events of new comments, written by another instance of the app on
the same database (as another worker or machine would), the per-address limit, the origin rule; on both databases."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.browser.conftest import LiveServer
from tests.conftest import Poster

pytestmark = pytest.mark.usefixtures("database_backend")
ARTICLE = "/artikel/live"


class Listener:
    """Reads one event stream over a plain socket on a thread of its own, keeping each event as (name, data).

    A socket rather than httpx, whose client does not hang up a stream another thread is reading.
    """

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.events: list[tuple[str, dict[str, object]]] = []
        self.status: int | None = None
        self.body = b""
        parts = httpx.URL(url)
        self._socket = socket.create_connection((parts.host, parts.port), timeout=30)
        lines = [f"GET {parts.raw_path.decode()} HTTP/1.1", f"Host: {parts.host}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        self._socket.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            reader = self._socket.makefile("rb")
            self.status = int(reader.readline().split()[1])
            while reader.readline() not in (b"\r\n", b""):
                pass  # the headers
            if self.status != 200:
                self.body = reader.read1(10_000)
                return
            name = ""
            for raw in reader:
                line = raw.decode().strip()
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    self.events.append((name, json.loads(line[6:])))
        except (OSError, ValueError):
            pass

    def wait(self, name: str, count: int = 1, seconds: float = 10) -> list[dict[str, object]]:
        deadline = time.time() + seconds
        while time.time() < deadline:
            found = [data for event, data in self.events if event == name]
            if len(found) >= count or (self.status is not None and self.status != 200):
                return found
            time.sleep(0.02)
        return [data for event, data in self.events if event == name]

    def close(self) -> None:
        """Hang up, as a reader closing the page does (a shutdown: the reading thread's file keeps the socket open)."""
        self._socket.shutdown(socket.SHUT_RDWR)
        self._socket.close()


@pytest.fixture
def server(tmp_path) -> Iterator[LiveServer]:
    with LiveServer(tmp_path, live_streams_per_ip=2) as live:
        yield live


def test_a_comment_written_by_another_instance_reaches_the_stream_within_a_second(server, tmp_path):
    from fastapi.testclient import TestClient

    from kiebitz.app import create_app

    listener = Listener(f"{server.url}/api/live?uri={ARTICLE}")
    assert listener.wait("ready") and listener.status == 200
    other = create_app(server.app.state.kiebitz.settings.replace())  # another worker on the same database
    with TestClient(other, client=("203.0.113.9", 50000)) as client:
        started = time.monotonic()
        posted = Poster(client).post(uri=ARTICLE, text="Ein Kommentar aus dem anderen Prozess.").json()
        [news] = listener.wait("comments")
        took = time.monotonic() - started
    assert [comment["id"] for comment in news["comments"]] == [posted["id"]] and news["total"] == 1
    assert "email" not in news["comments"][0] and news["comments"][0]["html"].startswith("<p>Ein Kommentar")
    assert took < 1.5, took  # a test, not a benchmark: bench/live_threads.py measures 2,000 streams
    listener.close()


def test_streams_are_limited_per_address_and_counted_down_when_closed(server):
    live = server.app.state.kiebitz.live
    first, second = Listener(f"{server.url}/api/live?uri={ARTICLE}"), Listener(f"{server.url}/api/live?uri=/b")
    assert first.wait("ready") and second.wait("ready")
    third = Listener(f"{server.url}/api/live?uri={ARTICLE}")
    third.wait("ready", seconds=3)
    assert third.status == 429 and json.loads(third.body)["error"]["field"] == "uri"
    assert live.streams == 2
    first.close()
    second.close()
    deadline = time.time() + 10
    while live.streams and time.time() < deadline:
        time.sleep(0.05)
    assert live.streams == 0


def test_a_site_that_names_its_origins_streams_only_to_its_pages(server):
    kiebitz = server.app.state.kiebitz
    kiebitz.store.site_id("zeitung")
    kiebitz.site_origins.change("zeitung", "https://zeitung.example")
    foreign = Listener(f"{server.url}/api/live?uri={ARTICLE}&site=zeitung", {"Origin": "https://evil.example"})
    foreign.wait("ready", seconds=3)
    assert foreign.status == 403 and json.loads(foreign.body)["error"]["field"] == "origin"
    own = Listener(f"{server.url}/api/live?uri={ARTICLE}&site=zeitung", {"Origin": "https://zeitung.example"})
    assert own.wait("ready") and own.status == 200
    own.close()


def test_bad_input_and_turned_off(server):
    bad = httpx.get(f"{server.url}/api/live")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "uri"
    server.app.state.kiebitz.settings.update({"live_streams_per_ip": 0})
    off = httpx.get(f"{server.url}/api/live?uri={ARTICLE}")
    assert off.status_code == 404 and "live_streams_per_ip" in off.json()["error"]["message"]
