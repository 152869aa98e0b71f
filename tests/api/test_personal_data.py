"""A commenter gets or erases their own data: the privacy page's form, a mailed link (real SMTP), a button."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from kiebitz.app import create_app
from kiebitz.notify import data_requests
from tests.conftest import Poster, make_settings

pytestmark = pytest.mark.usefixtures("database_backend")

URI = "/artikel/eins"


@pytest.fixture
def site(tmp_path, inbox):
    _, port = inbox
    settings = make_settings(tmp_path, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none",
                             smtp_from="kiebitz@zeitung.example", language="de")
    with TestClient(create_app(settings), client=("203.0.113.7", 50000)) as client:
        yield client


def link_in(message) -> str:
    body = message.get_payload(decode=True).decode()
    return re.search(r"http://[^/\s]+(/privacy/confirm/\S+)", body).group(1)


def test_copy_then_erasure_by_mailed_link(site, inbox, monkeypatch) -> None:
    handler, _ = inbox
    monkeypatch.setattr(data_requests, "IP_PAUSE", 0.0)
    poster = Poster(site)
    first = poster.post(URI, text="Mein Kommentar, den ich später zurückziehe.").json()
    poster.post(URI, parent=first["id"], author="Jonas", email="jonas@example.org", text="Jonas antwortet darauf.")
    privacy = site.get("/privacy", params={"lang": "de"}).text
    assert 'action="/privacy/request"' in privacy and 'value="erase"' in privacy

    sent = site.post("/privacy/request", data={"email": "Erika@Example.org", "action": "export"})
    assert sent.status_code == 200 and "ein Link dorthin unterwegs" in sent.text
    [message] = handler.wait(1)
    assert message["To"] == "erika@example.org" and message["Subject"] == "Deine Kommentardaten"
    link = link_in(message)
    page = site.get(link)
    assert page.status_code == 200 and "erika@example.org" in page.text and f'action="{link}"' in page.text
    download = site.post(link)
    assert download.headers["content-disposition"] == 'attachment; filename="kommentare.json"'
    assert [c["text"] for c in download.json()["comments"]] == ["Mein Kommentar, den ich später zurückziehe."]

    again = site.post("/privacy/request", data={"email": "erika@example.org", "action": "erase"})
    assert again.status_code == 429 and again.json()["error"]["field"] == "email"  # one request per address per 10 min
    monkeypatch.setattr(data_requests, "ADDRESS_PAUSE", 0.0)
    assert site.post("/privacy/request", data={"email": "erika@example.org", "action": "erase"}).status_code == 200
    erase = link_in(handler.wait(2)[1])
    assert "1 Kommentar unter erika@example.org endgültig löschen?" in site.get(erase).text
    assert site.get("/api/comments", params={"uri": URI}).json()["comments"][0]["author"] == "Erika"  # a GET erases nothing
    done = site.post(erase)
    assert done.status_code == 200 and "Gelöscht: 1 Kommentar und 0 Benachrichtigungen." in done.text
    thread = site.get("/api/comments", params={"uri": URI}).json()["comments"]
    assert "Erika" not in json.dumps(thread) and thread[0]["replies"][0]["author"] == "Jonas"


def test_requests_tell_nothing_and_refuse_bad_input(site, inbox, monkeypatch) -> None:
    handler, _ = inbox
    monkeypatch.setattr(data_requests, "IP_PAUSE", 0.0)
    unknown = site.post("/privacy/request", data={"email": "niemand@example.org", "action": "erase"})
    assert unknown.status_code == 200 and "ein Link dorthin unterwegs" in unknown.text  # the same answer…
    assert handler.wait(1, seconds=1) == []  # …but no mail to an address without comments
    bad_action = site.post("/privacy/request", data={"email": "a@example.org", "action": "steal"})
    assert bad_action.status_code == 400 and bad_action.json()["error"]["field"] == "action"
    bad_email = site.post("/privacy/request", data={"email": "kein-mail", "action": "export"})
    assert bad_email.status_code == 400 and bad_email.json()["error"] == {
        "field": "email", "message": "email is not a valid e-mail address"}
    forged = site.post("/privacy/confirm/eyJlIjoiYUBleGFtcGxlLm9yZyIsImEiOiJlcmFzZSJ9.abc.def")
    assert forged.status_code == 403 and forged.json()["error"]["field"] == "token"


def test_without_mail_the_page_points_to_the_operator(client) -> None:
    assert "/privacy/request" not in client.get("/privacy", params={"lang": "de"}).text
    refused = client.post("/privacy/request", data={"email": "erika@example.org", "action": "export"})
    assert refused.status_code == 404 and refused.json()["error"]["field"] == "email"
