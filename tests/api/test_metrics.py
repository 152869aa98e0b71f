"""GET /metrics: the database's totals in Prometheus's format, read back with Prometheus's own parser."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from kiebitz.app import create_app
from tests.conftest import make_settings

pytestmark = pytest.mark.usefixtures("database_backend")


def scraped(client: TestClient, **headers: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


def test_queues_threads_and_lessons_are_counted(client, poster):
    kiebitz = client.app.state.kiebitz
    published = poster.post(text="Ein ganz gewöhnlicher Kommentar zum Artikel.").json()
    held = poster.post(uri="/artikel/zwei", email="neu@example.org", text="Drei Links: https://a.example https://b.example https://c.example").json()
    assert held["status"] == "pending"
    kiebitz.moderation.mark_spam(published["id"], "anna")

    figures = scraped(client)
    assert figures[("kiebitz_comments", (("status", "pending"),))] == 1
    assert figures[("kiebitz_comments", (("status", "spam"),))] == 1
    assert figures[("kiebitz_comments", (("status", "published"),))] == 0
    assert figures[("kiebitz_threads", ())] == 2
    assert figures[("kiebitz_filter_lessons", (("source", "moderator"),))] == 1
    assert 0 <= figures[("kiebitz_pending_oldest_seconds", ())] < 60
    assert figures[("kiebitz_discarded_comments_total", ())] == 0
    assert figures[("kiebitz_akismet_total", (("kind", "api_calls"),))] == 0
    assert ("kiebitz_info", (("version", kiebitz_version()),)) in figures

    kiebitz.moderation.mark_ham(published["id"], "anna")  # the spam lesson is taken back, the ham one counts
    figures = scraped(client)
    assert figures[("kiebitz_filter_lessons", (("source", "moderator"),))] == 1
    assert figures[("kiebitz_comments", (("status", "published"),))] == 1


def test_the_oldest_held_comment_is_timed(client, poster):
    assert scraped(client)[("kiebitz_pending_oldest_seconds", ())] == 0
    held = poster.post(text="Drei Links: https://a.example https://b.example https://c.example").json()
    store = client.app.state.kiebitz.store
    with store.write() as db:  # as if it had waited an hour
        from sqlalchemy import update

        from kiebitz.store import schema
        db.execute(update(schema.comments).where(schema.comments.c.id == held["id"]).values(created=time.time() - 3600))
    assert 3590 < scraped(client)[("kiebitz_pending_oldest_seconds", ())] < 3700


def test_a_token_guards_the_metrics_when_set(tmp_path):
    with TestClient(create_app(make_settings(tmp_path, metrics_token="geheim-123"))) as client:
        refused = client.get("/metrics")
        assert refused.status_code == 401 and refused.json()["error"]["field"] == "authorization"
        assert client.get("/metrics", headers={"Authorization": "Bearer falsch"}).status_code == 401
        assert ("kiebitz_threads", ()) in scraped(client, Authorization="Bearer geheim-123")


def kiebitz_version() -> str:
    from kiebitz import __version__

    return __version__
