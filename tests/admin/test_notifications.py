"""Mail through a real SMTP server (aiosmtpd) and the signed webhook through a real HTTP server."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer

from kiebitz.app import create_app
from kiebitz.domain import Status
from kiebitz.notify.webhook import Webhook, signature
from kiebitz.store.queues import SETTLE
from tests.browser.conftest import free_port
from tests.conftest import Poster, make_settings


@pytest.fixture
def mailed_app(tmp_path, inbox):
    with mailed(tmp_path, inbox) as client:
        yield client


@contextmanager
def mailed(tmp_path, inbox, **settings: object) -> Iterator[TestClient]:
    _, port = inbox
    with TestClient(create_app(make_settings(
            tmp_path, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none", notify_emails="moderation@zeitung.example",
            moderation="all", smtp_from="kiebitz@zeitung.example", **settings)), client=("203.0.113.7", 50000)) as client:
        yield client


def links_in(message) -> dict[str, str]:
    body = message.get_payload(decode=True).decode()
    return {action: path for action, path in
            re.findall(r"(Freischalten|Als Spam markieren|Löschen): http://[^/]+(/admin/mail/\S+)", body)}


def test_held_comment_mail_links_work_once(mailed_app, inbox):
    handler, _ = inbox
    comment_id = Poster(mailed_app).post(text="Bitte prüfen: ein ganz normaler Kommentar.").json()["id"]
    [message] = handler.wait()
    assert message["To"] == "moderation@zeitung.example"
    assert "ein ganz normaler Kommentar" in message.get_payload(decode=True).decode()
    links = links_in(message)
    assert set(links) == {"Freischalten", "Als Spam markieren", "Löschen"}
    confirm = mailed_app.get(links["Freischalten"])
    assert confirm.status_code == 200 and "<form method=\"post\"" in confirm.text
    assert mailed_app.app.state.kiebitz.store.get_comment(comment_id).status == Status.PENDING  # a GET changes nothing
    assert mailed_app.post(links["Freischalten"]).status_code == 200
    assert mailed_app.app.state.kiebitz.store.get_comment(comment_id).status == Status.PUBLISHED
    again = mailed_app.post(links["Freischalten"])
    assert again.status_code == 403 and "used" in again.json()["error"]["message"]
    assert mailed_app.post(links["Löschen"]).status_code == 200  # another link of the same mail still works once


PITCH = "Buy cheap viagra online, best casino bonus, payday loans approved, click here now!!!"
PITCHES = ("Win a FREE iPhone now!!! Claim your prize, call today, cheap viagra and casino bonus!!!",
           "Earn $5000 weekly working from home, no experience needed, casino bonus and free spins!!!",
           "Best payday loans approved in minutes, bad credit ok, cheap viagra and cialis online!!!")


def test_a_held_comment_the_filter_is_sure_of_says_so_in_the_subject(tmp_path, inbox):
    """Spam that gives no way to reach its sender is held, not sent to the spam queue: a mail filter can sort it."""
    handler, _ = inbox
    with mailed(tmp_path, inbox, notify_likely_spam_minutes=0) as client:  # one mail each, as it comes
        poster = Poster(client)
        poster.post(text="Bitte prüfen: ein ganz normaler Kommentar.")
        poster.post(text=PITCH)
        subjects = [message["Subject"] for message in handler.wait(2)]
    assert subjects == ["Neuer Kommentar wartet: Erika", "Wahrscheinlich Spam, wartet: Erika"]


@pytest.mark.usefixtures("database_backend")
def test_held_comments_the_filter_takes_for_spam_come_together_at_most_once_an_hour(mailed_app, inbox):
    """A wave of spam without links is held for a moderator; one mail lists it instead of one mail each."""
    handler, _ = inbox
    kiebitz = mailed_app.app.state.kiebitz
    poster = Poster(mailed_app)
    first = [poster.post(text=pitch, author=f"Spammer {n}").json()["id"] for n, pitch in enumerate(PITCHES)]
    assert all(kiebitz.store.get_comment(comment_id).status == Status.PENDING for comment_id in first)
    poster.post(text="Bitte prüfen: ein ganz normaler Kommentar.")
    handler.wait()
    time.sleep(0.3)
    assert [message["Subject"] for message in handler.messages] == ["Neuer Kommentar wartet: Erika"]
    now = time.time() + SETTLE  # the posts of the last seconds settle first
    kiebitz.moderator_mail.digest(now)
    digest = handler.wait(2)[-1]
    assert digest["Subject"] == "Wahrscheinlich Spam, wartet: 3 Kommentare"
    body = digest.get_payload(decode=True).decode()
    assert all(f"/admin/comments/{comment_id}" in body for comment_id in first) and "Spammer 2 (0." in body
    assert "/admin/?status=pending&order=score" in body
    later = poster.post(text=PITCH).json()["id"]
    kiebitz.moderator_mail.digest(now + 1800)  # within the hour: it waits
    time.sleep(0.3)
    assert len(handler.messages) == 2
    kiebitz.moderator_mail.digest(now + 3600)
    [_, _, again] = handler.wait(3)
    assert again["Subject"] == "Wahrscheinlich Spam, wartet: 1 Kommentar"
    assert f"/admin/comments/{later}" in again.get_payload(decode=True).decode()
    kiebitz.moderator_mail.digest(now + 3 * 3600)  # nothing new: no mail
    time.sleep(0.3)
    assert len(handler.messages) == 3


def test_the_digest_marks_its_comments_as_spam_in_one_click_and_leaves_those_decided_meanwhile(mailed_app, inbox):
    handler, _ = inbox
    kiebitz = mailed_app.app.state.kiebitz
    poster = Poster(mailed_app)
    pitches = [poster.post(text=pitch, author=f"Spammer {n}").json()["id"] for n, pitch in enumerate(PITCHES)]
    kiebitz.moderator_mail.digest(time.time() + SETTLE)
    body = handler.wait()[-1].get_payload(decode=True).decode()
    [link] = re.findall(r"Alle oben als Spam markieren \(.*\): http://[^/]+(/admin/mail/\S+)", body)
    kiebitz.moderation.approve(pitches[0], "redaktion")  # another moderator, before the click
    confirm = mailed_app.get(link)
    assert confirm.status_code == 200 and all(f"Spammer {n}" in confirm.text for n in range(3))
    assert "Veröffentlicht: bleibt, wie es ist" in confirm.text
    assert [kiebitz.store.get_comment(comment_id).status for comment_id in pitches] == [Status.PUBLISHED, Status.PENDING,
                                                                                       Status.PENDING]
    done = mailed_app.post(link)
    assert done.status_code == 200 and "Inzwischen entschieden und so gelassen: 1" in done.text
    assert [kiebitz.store.get_comment(comment_id).status for comment_id in pitches] == [Status.PUBLISHED, Status.SPAM,
                                                                                       Status.SPAM]
    assert mailed_app.post(link).status_code == 403  # once


def test_a_comment_edited_into_spam_comes_in_the_next_digest(mailed_app, inbox):
    handler, _ = inbox
    kiebitz = mailed_app.app.state.kiebitz
    poster = Poster(mailed_app)
    plain = poster.post(text="Bitte prüfen: ein ganz normaler Kommentar.").json()
    poster.post(text=PITCH)
    kiebitz.moderator_mail.digest(time.time() + SETTLE)
    assert len(handler.wait(2)) == 2  # the plain comment's own mail, and a digest of the pitch: both came before
    edited = mailed_app.patch(f"/api/comments/{plain['id']}", json={"text": PITCHES[0]},
                              headers={"X-Kiebitz-Edit-Token": plain["edit_token"]})
    assert edited.status_code == 200
    kiebitz.moderator_mail.digest(time.time() + SETTLE + 3600)
    assert f"/admin/comments/{plain['id']}" in handler.wait(3)[-1].get_payload(decode=True).decode()


def test_an_edit_of_a_held_comment_is_mailed_again_with_its_new_text(mailed_app, inbox):
    handler, _ = inbox
    posted = Poster(mailed_app).post(text="Erste Fassung meines Kommentars.").json()
    handler.wait(1)
    response = mailed_app.patch(f"/api/comments/{posted['id']}", json={"text": "Zweite, bessere Fassung."},
                                headers={"X-Kiebitz-Edit-Token": posted["edit_token"]})
    assert response.status_code == 200
    edited = handler.wait(2)[1]
    assert "Zweite, bessere Fassung." in edited.get_payload(decode=True).decode() and links_in(edited)


def test_expired_and_forged_links_do_nothing(mailed_app, inbox):
    handler, _ = inbox
    comment_id = Poster(mailed_app).post(text="Noch ein ganz normaler Kommentar hier.").json()["id"]
    handler.wait()
    secret = mailed_app.app.state.kiebitz.signer.secret_key.decode()
    old = URLSafeTimedSerializer(secret, salt="kiebitz.moderator-link")
    token = old.dumps({"c": comment_id, "a": "approve", "n": "x"})
    import kiebitz.notify.mail as mail

    original = mail.LINK_MAX_AGE
    mail.LINK_MAX_AGE = -1
    try:
        assert mailed_app.post(f"/admin/mail/{token}").status_code == 403
    finally:
        mail.LINK_MAX_AGE = original
    assert mailed_app.post("/admin/mail/erfunden.token.wert").status_code == 403
    for ids in ([], [comment_id, "1"], None):  # signed, but not a link this version makes
        assert mailed_app.post(f"/admin/mail/{old.dumps({'c': ids, 'a': 'approve', 'n': 'y'})}").status_code == 403
    assert mailed_app.app.state.kiebitz.store.get_comment(comment_id).status == Status.PENDING


def test_a_name_with_line_breaks_is_one_line_in_the_mail_subject(mailed_app, inbox):
    # A line break in a mail header is refused: it made the held comment's post a 500 (though stored)
    handler, _ = inbox
    response = Poster(mailed_app).post(author="Eve\r\nBcc: opfer@example.org", title="Titel\nzwei",
                                       text="Ein Name über zwei Zeilen.")
    assert response.status_code == 202 and response.json()["author"] == "Eve Bcc: opfer@example.org"
    [message] = handler.wait(1)
    assert message["Subject"].endswith("Eve Bcc: opfer@example.org") and message["Bcc"] is None


def test_a_failing_listener_does_not_fail_the_stored_post(mailed_app, caplog):
    def broken(event, comment):
        raise RuntimeError("the webhook's host is down")

    service = mailed_app.app.state.kiebitz.comments
    service.listeners.insert(0, broken)
    response = Poster(mailed_app).post(text="Trotzdem gespeichert und beantwortet.")
    assert response.status_code == 202
    assert "telling broken that comment" in caplog.text and "was created failed" in caplog.text


def test_no_mail_for_spam(mailed_app, inbox):
    handler, _ = inbox
    kiebitz = mailed_app.app.state.kiebitz
    kiebitz.store.add_block_rule("word", "kristallkissen")
    poster = Poster(mailed_app)
    spam = poster.post(text="Heilende Kristallkissen zu verkaufen, fragt mich.").json()
    assert kiebitz.store.get_comment(spam["id"]).status == Status.SPAM
    held = poster.post(text="Ein gewöhnlicher Kommentar, der auf Prüfung wartet.").json()
    messages = handler.wait()
    time.sleep(0.3)
    assert len(messages) == 1
    assert f"/admin/comments/{held['id']}" in messages[0].get_payload(decode=True).decode()


def test_webhook_is_signed(tmp_path):
    server, received = receiver([])
    settings = make_settings(tmp_path, webhook_url=f"http://127.0.0.1:{server.server_port}/hook", webhook_secret="geheim")
    try:
        with TestClient(create_app(settings), client=("203.0.113.7", 50000)) as client:
            comment_id = Poster(client).post().json()["id"]
            client.app.state.kiebitz.moderation.mark_spam(comment_id, "anna")
            deadline = time.time() + 10
            while len(received) < 2 and time.time() < deadline:
                time.sleep(0.05)
    finally:
        server.shutdown()
    events = [json.loads(hit["body"])["event"] for hit in received]
    assert events == ["created", "moderated"]
    for hit in received:
        assert hit.get("x-kiebitz-signature", "") == signature("geheim", hit["body"].encode())
        assert "erika@example.org" not in hit["body"]


def receiver(answers: list[int]) -> tuple[HTTPServer, list[dict[str, str]]]:
    """A real HTTP server that answers each POST with the next status of ``answers`` (then 204)."""
    received: list[dict[str, str]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({**{name.lower(): value for name, value in self.headers.items()}, "body": body.decode()})
            self.send_response(answers.pop(0) if answers else 204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", free_port()), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def stored_comment(tmp_path):
    """A comment as the store returns it, posted through an app that sends no webhook of its own."""
    with TestClient(create_app(make_settings(tmp_path)), client=("203.0.113.7", 50000)) as client:
        return client.app.state.kiebitz.store.get_comment(Poster(client).post().json()["id"])


def test_webhook_tries_again_while_the_receiver_is_down_and_not_when_it_refuses(tmp_path, caplog):
    server, received = receiver([503, 502, 400])
    comment = stored_comment(tmp_path)
    try:
        hook = Webhook(make_settings(tmp_path, webhook_url=f"http://127.0.0.1:{server.server_port}/hook"),
                       retry_delays=(0.05, 0.05, 0.05))
        hook("moderated", comment)  # 503, 502, then taken
        hook("moderated", comment)  # 400: refused, never again
        deadline = time.time() + 10
        while len(received) < 4 and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
    finally:
        server.shutdown()
    assert len(received) == 4
    first = {hit["x-kiebitz-delivery"] for hit in received[:3]}
    assert len(first) == 1 and received[3]["x-kiebitz-delivery"] not in first  # a retry keeps its id
    assert {hit["x-kiebitz-event"] for hit in received} == {"moderated"}
    assert abs(json.loads(received[0]["body"])["sent"] - time.time()) < 30
    assert "try 1 of 4: HTTP 503" in caplog.text and "refused (HTTP 400); not sent again" in caplog.text


def test_webhook_gives_up_after_its_tries(tmp_path, caplog):
    settings = make_settings(tmp_path, webhook_url=f"http://127.0.0.1:{free_port()}/nobody-listens")
    Webhook(settings, retry_delays=(0.01, 0.01))("created", stored_comment(tmp_path))
    deadline = time.time() + 10
    while "given up after 3 tries" not in caplog.text and time.time() < deadline:
        time.sleep(0.05)
    assert "given up after 3 tries" in caplog.text and "ConnectError" in caplog.text


def body_of(message) -> str:
    return message.get_payload(decode=True).decode()


def test_reply_notifications_double_opt_in_and_unsubscribe(tmp_path, inbox):
    handler, port = inbox
    settings = make_settings(tmp_path, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
    with TestClient(create_app(settings), client=("203.0.113.7", 50000)) as client:
        poster = Poster(client)
        assert client.get("/api/comments", params={"uri": "/artikel/eins"}).json()["notifications"] is True
        parent = poster.post(email="fragende@example.org", notify=True, text="Weiß jemand, wann die Brücke öffnet?").json()
        [confirm] = handler.wait(1)
        assert confirm["To"] == "fragende@example.org"
        link = re.search(r"http://[^/]+(/api/subscriptions/confirm/\S+)", body_of(confirm)).group(1)
        poster.post(parent=parent["id"], email="antwort@example.org", text="Vor der Bestätigung: keine Mail.")
        time.sleep(0.3)
        assert len(handler.messages) == 1  # not confirmed yet: no reply mail
        assert "<form" in client.get(link).text
        assert client.post(link).status_code == 200
        poster.post(parent=parent["id"], email="antwort@example.org", text="Am Samstag um zehn Uhr, stand im Amtsblatt.")
        messages = handler.wait(2)
        reply = messages[1]
        assert reply["To"] == "fragende@example.org" and "Amtsblatt" in body_of(reply)
        unsubscribe = "".join(reply["List-Unsubscribe"].split()).strip("<>")  # long headers are folded
        assert reply["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        path = "/" + unsubscribe.split("/", 3)[3]
        assert client.post(path).status_code == 200
        poster.post(parent=parent["id"], email="dritte@example.org", text="Nach der Abmeldung kommt nichts mehr an.")
        time.sleep(0.3)
        assert len(handler.messages) == 2
        assert client.post("/api/subscriptions/confirm/gefälscht").status_code == 403
        # a forged link's page says so, and nothing of its URL reaches the page (this was an attribute injection)
        for kind in ("confirm", "unsubscribe"):
            response = client.get(f"/api/subscriptions/{kind}/x\"><img src=x onerror=alert(1)>")
            assert response.status_code == 403 and response.json()["error"]["field"] == "token"
            assert "onerror" not in response.text
