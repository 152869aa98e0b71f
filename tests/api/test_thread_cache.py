"""Rendered threads: a write drops only its own thread's, in every process; one rendering per change; HTTP caching."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kiebitz.app import create_app
from kiebitz.moderation.comments import CommentService
from tests.conftest import Poster, make_settings

pytestmark = pytest.mark.usefixtures("database_backend")

HOT, QUIET = "/artikel/heiss", "/artikel/ruhig"


def service_of(client: TestClient) -> CommentService:
    return client.app.state.kiebitz.comments  # type: ignore[attr-defined,no-any-return]


def cached(client: TestClient, uri: str) -> object:
    rendering, _ = service_of(client).cache.lookup(("default", uri, "oldest", 20, 0))
    return rendering


def until(condition: Callable[[], bool], seconds: float, failure: str) -> None:
    """Wait for what another process's write brings about: it arrives within ``seconds``, not at once."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, failure
        time.sleep(0.005)


def test_a_post_in_another_process_drops_only_its_own_threads_rendering(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings)) as reader, TestClient(create_app(settings), client=("198.51.100.4", 1)) as writer:
        poster = Poster(writer)
        poster.post(HOT), poster.post(QUIET)
        for uri in (HOT, QUIET):
            assert reader.get("/api/comments", params={"uri": uri, "limit": 20}).json()["total"] == 1
        quiet_before = cached(reader, QUIET)
        assert quiet_before is not None and cached(reader, HOT) is not None

        poster.post(HOT)  # the other process writes to one thread; the reader hears of it within a second
        until(lambda: reader.get("/api/comments", params={"uri": HOT, "limit": 20}).json()["total"] == 2, 1,
              "the reader kept the hot thread's old rendering")
        assert cached(reader, QUIET) is quiet_before  # the other thread's rendering was kept

        writer.app.state.kiebitz.site_settings.change({"require_email": "on"})  # type: ignore[attr-defined]
        # a settings change renders every thread anew, once the reader hears of it (on PostgreSQL a notification
        # from the writer, delivered within milliseconds; under load a little later)
        until(lambda: not reader.get("/api/comments", params={"uri": QUIET, "limit": 20}).json()["require_name"], 5,
              "the reader kept the rendering made under the old settings")


def test_concurrent_misses_of_one_page_render_it_once(client: TestClient, poster: Poster) -> None:
    poster.post(HOT)
    service = service_of(client)
    time.sleep(0.5)
    service.cache.lookup(("default", HOT, "oldest", 20, 0))
    renders = 0
    render = service._render

    def slow_render(site, uri, sort, limit, offset):  # type: ignore[no-untyped-def]
        nonlocal renders
        if limit == 20:  # the page the readers ask for (posting asks for the whole thread's form token)
            renders += 1
            time.sleep(0.3)
        return render(site, uri, sort, limit, offset)

    service._render = slow_render  # type: ignore[method-assign]
    bodies: list[bytes] = []
    readers = [threading.Thread(target=lambda: bodies.append(service.thread_rendering("default", HOT, limit=20).body))
               for _ in range(8)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert renders == 1 and len(set(bodies)) == 1

    poster.post(HOT, text="Ein neuer Kommentar, der die Seite ändert.")
    time.sleep(0.5)  # what the post writes after its answer (PostgreSQL's notification among it) has arrived
    service.cache.lookup(("default", HOT, "oldest", 20, 0))
    answers: list[tuple[float, bytes]] = []

    def read() -> None:
        started = time.monotonic()
        body = service.thread_rendering("default", HOT, limit=20).body
        answers.append((time.monotonic() - started, body))

    readers = [threading.Thread(target=read) for _ in range(8)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert renders == 2  # once more for the change, however many asked
    new = [seconds for seconds, body in answers if body != bodies[0]]
    previous = [seconds for seconds, body in answers if body == bodies[0]]
    assert len(new) == 1 and new[0] >= 0.3  # the one that rendered
    assert len(previous) == 7 and max(previous) < 0.25  # the others took the page from before the change meanwhile


def test_threads_and_counts_answer_304_when_unchanged_and_a_readers_own_view_is_private(client: TestClient,
                                                                                       poster: Poster) -> None:
    posted = poster.post(HOT)
    client.cookies.clear()  # the poster's edit cookie would make it the poster's own view
    first = client.get("/api/comments", params={"uri": HOT, "limit": 20})
    assert first.headers["cache-control"] == "public, max-age=0, s-maxage=2" and "Cookie" in first.headers["vary"]
    again = client.get("/api/comments", params={"uri": HOT, "limit": 20}, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.headers["etag"] == first.headers["etag"]

    client.cookies.set(f"kiebitz-{posted.json()['id']}", posted.json()["edit_token"])
    own = client.get("/api/comments", params={"uri": HOT})
    client.cookies.clear()
    assert own.headers["cache-control"] == "private, no-store" and "etag" not in own.headers

    counts = client.get("/api/counts", params=[("uri", HOT), ("uri", QUIET)])
    assert counts.json() == {HOT: 1, QUIET: 0} and counts.headers["cache-control"] == "public, max-age=0, s-maxage=2"
    assert client.get("/api/counts", params={"uri": HOT}, headers={"If-None-Match": counts.headers["etag"]}).status_code == 200
    same = client.get("/api/counts", params=[("uri", HOT), ("uri", QUIET)], headers={"If-None-Match": counts.headers["etag"]})
    assert same.status_code == 304
    poster.post(HOT)
    changed = client.get("/api/comments", params={"uri": HOT, "limit": 20}, headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200 and changed.json()["total"] == 2
    missing = client.get("/api/counts")
    assert missing.status_code == 400 and missing.json()["error"]["field"] == "uri"


def test_a_rendering_lives_at_most_its_maximum_age(client: TestClient, poster: Poster) -> None:
    """What changes with time alone, such as a thread closing after close_after_days, shows without a write."""
    poster.post(HOT)
    client.get("/api/comments", params={"uri": HOT, "limit": 20})
    assert cached(client, HOT) is not None
    service_of(client).cache.max_age_seconds = 0
    assert cached(client, HOT) is None
