"""The widget's JSON API over HTTP against the ASGI app, on a real SQLite file and on PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kiebitz.app import create_app
from tests.conftest import Poster, make_settings

pytestmark = pytest.mark.usefixtures("database_backend")

URI = "/artikel/eins"


def test_empty_thread_has_a_form_token(client):
    thread = client.get("/api/comments", params={"uri": URI}).json()
    assert thread["total"] == 0 and thread["comments"] == [] and thread["form_token"]


def test_post_returns_comment_edit_token_and_cookie(client, poster):
    response = poster.post(title="Artikel eins", website="example.org")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "published"
    assert body["edit_token"]
    assert body["website"] == "https://example.org"
    assert f"kiebitz-{body['id']}" in response.cookies
    assert set(body) >= {"id", "parent", "author", "website", "html", "created", "modified", "likes", "dislikes", "avatar"}


def test_thread_nests_replies_and_counts(client, poster):
    first = poster.post().json()
    reply = poster.post(parent=first["id"], text="Eine Antwort darauf.").json()
    poster.post(parent=reply["id"], text="Und eine Antwort auf die Antwort.")
    thread = client.get("/api/comments", params={"uri": URI}).json()
    assert thread["total"] == 3
    assert thread["comments"][0]["replies"][0]["replies"][0]["html"].startswith("<p>Und eine")
    counts = client.post("/api/counts", json=[URI, "/nirgends"]).json()
    assert counts == {URI: 3, "/nirgends": 0}


def test_the_same_words_again_from_the_same_address_are_refused_naming_the_text(client, poster):
    """As WordPress does ("Duplicate comment detected"); elsewhere, by someone else or once deleted they are welcome."""
    words = "Ich habe das schon einmal geschrieben, war mir aber nicht sicher, ob es angekommen ist."
    first = poster.post(text=words)
    again = poster.post(text=words, email="Erika@Example.org")
    assert again.status_code == 409
    assert again.json() == {"error": {"field": "text", "message": "you have already posted this comment here"}}
    assert poster.post(uri="/artikel/zwei", text=words).status_code == 201
    assert poster.post(text=words + " Nachtrag: doch.").status_code == 201
    token = first.json()["edit_token"]
    assert client.delete(f"/api/comments/{first.json()['id']}", headers={"X-Kiebitz-Edit-Token": token}).status_code == 200
    assert poster.post(text=words).status_code in (201, 202)  # the deleted first is no reason to refuse


def test_sort_orders(client, poster, settings):
    ids = [poster.post(text=f"Kommentar Nummer {n}").json()["id"] for n in range(3)]
    with TestClient(create_app(settings), client=("198.51.100.9", 40000)) as reader:
        assert reader.post(f"/api/comments/{ids[1]}/vote", json={"value": 1}).status_code == 200
    newest = client.get("/api/comments", params={"uri": URI, "sort": "newest"}).json()
    top = client.get("/api/comments", params={"uri": URI, "sort": "top"}).json()
    assert [c["id"] for c in newest["comments"]] == ids[::-1]
    assert top["comments"][0]["id"] == ids[1]
    assert client.get("/api/comments", params={"uri": URI, "sort": "best"}).status_code == 400


def test_paging_of_top_level_comments(client, poster):
    ids = [poster.post(text=f"Kommentar Nummer {n}").json()["id"] for n in range(5)]
    page = client.get("/api/comments", params={"uri": URI, "limit": 2, "offset": 2}).json()
    assert [c["id"] for c in page["comments"]] == ids[2:4]
    assert page["top_level"] == 5


def test_edit_and_delete_with_token(client, poster):
    body = poster.post().json()
    headers = {"X-Kiebitz-Edit-Token": body["edit_token"]}
    edited = client.patch(f"/api/comments/{body['id']}", json={"text": "Korrigierter **Text**"}, headers=headers)
    assert edited.status_code == 200 and "<strong>Text</strong>" in edited.json()["html"]
    assert edited.json()["modified"] is not None
    assert client.delete(f"/api/comments/{body['id']}", headers=headers).status_code == 200
    assert client.get("/api/comments", params={"uri": URI}).json()["total"] == 0


def test_an_edit_is_judged_again_and_only_ever_moves_away_from_readers(client, poster):
    kiebitz = client.app.state.kiebitz
    body = poster.post(text="Schöner Artikel, danke für die Recherche!").json()
    assert body["status"] == "published"
    headers = {"X-Kiebitz-Edit-Token": body["edit_token"]}

    def edit(text):  # type: ignore[no-untyped-def]
        response = client.patch(f"/api/comments/{body['id']}", json={"text": text}, headers=headers)
        assert response.status_code == 200, response.text
        return kiebitz.store.get_comment(body["id"])

    typo = edit("Schöner Artikel, danke für die Recherche!!")  # nearly its old self: no repeat of a recent comment
    assert typo.status.value == "published"
    links = edit("Mehr unter https://a.example https://b.example https://c.example")  # the links a new post would hold
    assert links.status.value == "pending" and "too_many_links" in {reason["code"] for reason in links.reasons}
    # its own publication earned it no trust; another approved comment of its author's does
    poster.post(text="Ein früherer Kommentar, freigeschaltet.", email="stamm@example.org")
    regular = poster.post(text="Noch ein Kommentar, ganz ohne Links.", email="stamm@example.org").json()
    response = client.patch(f"/api/comments/{regular['id']}", json={"text": "Mit https://a.example https://b.example "
                            "https://c.example"}, headers={"X-Kiebitz-Edit-Token": regular["edit_token"]})
    assert response.json().get("status") is None  # published, like a post of a trusted commenter
    kiebitz.store.add_block_rule("word", "rabattcode")
    blocked = edit("Jetzt mit Rabattcode bestellen")
    assert blocked.status.value == "spam" and blocked.verdict == "spam"
    assert edit("Harmlos wie am Anfang, ehrlich.").status.value == "spam"  # a harmless edit does not bring it back
    assert [line["note"] for line in kiebitz.store.audit_trail(body["id"])][-2:] == [
        "the author's edit was judged unsure", "the author's edit was judged spam"]


def test_an_edited_comment_is_found_by_its_new_words(client, poster):
    """A spam run may post something harmless and edit the pitch in: the copies that follow repeat the edit."""
    body = poster.post(text="Schöner Artikel, danke für die gründliche Recherche!").json()
    pitch = "Ich verdiene jetzt 500 Euro am Tag von zu Hause aus, ganz ohne Vorkenntnisse, schreib mir einfach."
    response = client.patch(f"/api/comments/{body['id']}", json={"text": pitch},
                            headers={"X-Kiebitz-Edit-Token": body["edit_token"]})
    assert response.status_code == 200, response.text
    copy = poster.post(text=pitch, author="Bert", email="bert@example.org").json()
    reasons = client.app.state.kiebitz.store.get_comment(copy["id"]).reasons
    assert "duplicate" in {reason["code"] for reason in reasons}
    again = poster.post(text="Schöner Artikel, danke für die gründliche Recherche!", email="clara@example.org").json()
    assert "duplicate" not in {reason["code"] for reason in client.app.state.kiebitz.store.get_comment(again["id"]).reasons}


def test_edit_without_token_or_with_anothers_token_is_403(client, poster):
    first = poster.post().json()
    second = poster.post(text="Noch ein Kommentar hier.").json()
    client.cookies.clear()
    assert client.patch(f"/api/comments/{first['id']}", json={"text": "gekapert"}).status_code == 403
    wrong = {"X-Kiebitz-Edit-Token": second["edit_token"]}
    response = client.delete(f"/api/comments/{first['id']}", headers=wrong)
    assert response.status_code == 403 and response.json()["error"]["field"] == "edit_token"


def test_the_edit_cookie_counts_only_from_kiebitz_itself_or_a_listed_site(tmp_path: Path):
    settings = make_settings(tmp_path, allowed_origins=["*", "https://zeitung.example"])
    with TestClient(create_app(settings)) as client:
        body = Poster(client).post().json()  # the answer sets the edit cookie
        path = f"/api/comments/{body['id']}"
        foreign = client.patch(path, json={"text": "Fremde Seite"}, headers={"Origin": "https://angreifer.example"})
        assert foreign.status_code == 403 and foreign.json()["error"]["field"] == "edit_token"
        for origin in ("https://zeitung.example", "http://testserver"):
            assert client.patch(path, json={"text": f"Von {origin}"}, headers={"Origin": origin}).status_code == 200
        # another site that knows the token may use it: only the cookie is sent without being known
        headers = {"Origin": "https://angreifer.example", "X-Kiebitz-Edit-Token": body["edit_token"]}
        assert client.patch(path, json={"text": "Mit dem Token"}, headers=headers).status_code == 200


def test_edit_after_the_window_is_403(tmp_path: Path):
    with TestClient(create_app(make_settings(tmp_path, edit_window=1))) as client:
        body = Poster(client).post().json()
        time.sleep(2.1)
        response = client.patch(
            f"/api/comments/{body['id']}", json={"text": "zu spät"}, headers={"X-Kiebitz-Edit-Token": body["edit_token"]}
        )
        assert response.status_code == 403
        assert "window" in response.json()["error"]["message"]


def test_deleted_comment_with_replies_stays_as_placeholder(client, poster):
    parent = poster.post().json()
    poster.post(parent=parent["id"], text="Antwort bleibt stehen.")
    client.delete(f"/api/comments/{parent['id']}", headers={"X-Kiebitz-Edit-Token": parent["edit_token"]})
    thread = client.get("/api/comments", params={"uri": URI}).json()
    placeholder = thread["comments"][0]
    assert placeholder["deleted"] is True and placeholder["html"] == "" and placeholder["author"] == ""
    assert placeholder["replies"][0]["html"] == "<p>Antwort bleibt stehen.</p>"


def test_one_vote_per_voter(client, poster, settings):
    body = poster.post().json()
    with TestClient(create_app(settings), client=("198.51.100.9", 40000)) as other:
        assert other.post(f"/api/comments/{body['id']}/vote", json={"value": 1}).json() == {"likes": 1, "dislikes": 0}
        again = other.post(f"/api/comments/{body['id']}/vote", json={"value": -1})
        assert again.status_code == 409 and again.json()["error"]["field"] == "value"
    own = client.post(f"/api/comments/{body['id']}/vote", json={"value": 1})
    assert own.status_code == 403


def test_preview_renders_markdown(client):
    response = client.post("/api/preview", json={"text": "*kursiv* und https://example.org"})
    assert response.json()["html"] == (
        '<p><em>kursiv</em> und <a href="https://example.org" rel="nofollow ugc noopener">https://example.org</a></p>'
    )


def test_cache_is_dropped_on_write(client, poster):
    poster.post()
    assert client.get("/api/comments", params={"uri": URI}).json()["total"] == 1
    poster.post(text="Der zweite Kommentar.")
    assert client.get("/api/comments", params={"uri": URI}).json()["total"] == 2


def test_healthz_and_openapi(client):
    assert client.get("/healthz").json()["status"] == "ok"
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/comments", "/api/counts", "/api/preview", "/api/comments/{comment_id}/vote"} <= set(paths)


def test_cors_allows_configured_origin(tmp_path: Path):
    settings = make_settings(tmp_path, allowed_origins="https://zeitung.example")
    with TestClient(create_app(settings)) as client:
        allowed = client.get("/api/comments", params={"uri": URI}, headers={"Origin": "https://zeitung.example"})
        other = client.get("/api/comments", params={"uri": URI}, headers={"Origin": "https://evil.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://zeitung.example"
    assert "access-control-allow-origin" not in other.headers


def test_held_comment_is_shown_only_to_its_author(tmp_path: Path):
    with TestClient(create_app(make_settings(tmp_path, moderation="all"))) as client:
        held = Poster(client).post()
        assert held.status_code == 202 and held.json()["status"] == "pending"
        mine = client.get("/api/comments", params={"uri": URI}).json()  # carries the edit cookie
        assert mine["comments"][0]["status"] == "pending" and mine["comments"][0]["editable"] is True
        assert mine["total"] == 0
        client.cookies.clear()
        assert client.get("/api/comments", params={"uri": URI}).json()["comments"] == []


def test_a_site_is_named_by_letters_digits_and_dots(client, poster):
    for name in ("\x00", "zwei worte", "x" * 101, "-anfang", "ä"):
        for response in (client.get("/api/comments", params={"uri": URI, "site": name}),
                         client.post("/api/counts", params={"site": name}, json=[URI]),
                         poster.client.post("/api/comments", params={"uri": URI, "site": name}, json={"text": "Hallo Welt"})):
            assert response.status_code == 400 and response.json()["error"]["field"] == "site", (name, response.text)
    assert client.get("/feeds/%00/comments.atom").json()["error"]["field"] == "site"  # was XML with a NUL in it
    assert client.get("/feeds/zeitung.example/comments.atom").status_code == 200


def test_reading_an_unknown_site_creates_nothing(client):
    from sqlalchemy import func, select

    from kiebitz.store import schema

    client.get("/api/comments", params={"uri": URI, "site": "erfunden"})
    client.post("/api/counts", params={"site": "auch-erfunden"}, json=[URI])
    client.get("/feeds/noch-eine/comments.atom")
    with client.app.state.kiebitz.store.read() as db:
        names = db.execute(select(schema.sites.c.name)).scalars().all()
        assert "erfunden" not in names and db.execute(select(func.count()).select_from(schema.sites)).scalar() <= 1
