"""The e-mail address and the IP appear in no public response, feed or log line."""

from __future__ import annotations

import logging

import pytest

pytestmark = pytest.mark.usefixtures("database_backend")

EMAIL = "geheim.adresse@example.org"
IP = "203.0.113.7"


def test_email_and_ip_never_public(client, poster, caplog):
    caplog.set_level(logging.DEBUG)
    first = poster.post(email=EMAIL, title="Artikel")
    assert first.status_code == 201
    reply = poster.post(email=EMAIL, parent=first.json()["id"])
    edit = client.patch(
        f"/api/comments/{first.json()['id']}", json={"text": "geändert"},
        headers={"X-Kiebitz-Edit-Token": first.json()["edit_token"]},
    )
    responses = [
        first, reply, edit,
        client.get("/api/comments", params={"uri": "/artikel/eins"}),
        client.get("/api/comments", params={"uri": "/artikel/eins", "sort": "top"}),
        client.get("/feeds/default/comments.atom"),
        client.get("/feeds/default/thread.atom", params={"uri": "/artikel/eins"}),
        client.post("/api/counts", json=["/artikel/eins"]),
    ]
    for response in responses:
        assert response.status_code < 400
        assert EMAIL not in response.text and "geheim" not in response.text
        assert IP not in response.text
    assert EMAIL not in caplog.text and IP not in caplog.text


def test_ip_stored_only_as_keyed_hash_and_network(client, poster):
    comment_id = poster.post().json()["id"]
    comment = client.app.state.kiebitz.store.get_comment(comment_id)
    assert comment.ip_network == "203.0.113.0/24"
    assert IP not in comment.ip_hash and len(comment.ip_hash) == 32


def test_ipv6_network_is_a_48():
    from kiebitz.security import ip_network

    assert ip_network("2001:db8:abcd:12::1") == "2001:db8:abcd::/48"
    assert ip_network("kein ip") == ""
