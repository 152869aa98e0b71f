"""Readers' reports under the DSA: the notice's rules, hiding, the moderators' decision and the mails it sends
(real SMTP server, aiosmtpd), the author's objection, the transparency figures; on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kiebitz.app import create_app
from kiebitz.domain import Status
from kiebitz.moderation.comments import Client
from kiebitz.moderation.personal_data import PersonalData
from tests.admin.conftest import PASSWORD, Admin
from tests.conftest import Poster, make_settings

pytestmark = pytest.mark.usefixtures("database_backend")
VARIED = ["Der Bahnhof wird also erst 2031 fertig?", "Meine Großmutter hat dazu ganz andere Erinnerungen.",
          "Wie viele Wohnungen entstehen dort genau?", "Das Foto zeigt die alte Brücke, nicht die neue.",
          "Schade, dass der Stadtrat nicht gefragt wurde.", "Im Nachbarort lief das viel besser.",
          "Gibt es die Studie auch zum Nachlesen?", "Herzlichen Glückwunsch an die Mannschaft!",
          "Der Winterdienst war heute wieder pünktlich.", "Warum schließt die Bibliothek so früh?"]
ILLEGAL = {"reason": "illegal", "category": "threat", "explanation": "Der Kommentar droht einer Person mit Gewalt.",
           "name": "Rita Leser", "email": "rita@example.org", "good_faith": True}


@pytest.fixture
def app(tmp_path, inbox):
    _, port = inbox
    settings = make_settings(tmp_path, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none",
                             smtp_from="kiebitz@zeitung.example", public_url="http://kommentare.zeitung.example")
    with TestClient(create_app(settings), client=("203.0.113.7", 50000)) as client:
        client.app.state.kiebitz.users.add("anna", "admin", PASSWORD)
        yield client


def published(app: TestClient, text: str = "Ein Kommentar, den jemand melden wird.") -> int:
    response = Poster(app).post(text=text, email="autor@example.org")
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def report(app: TestClient, comment_id: int, **body: object):
    return app.post(f"/api/comments/{comment_id}/reports", json=body)


def mails_to(handler, address: str) -> list[str]:
    return [message.get_payload(decode=True).decode() for message in handler.messages if message["To"] == address]


@pytest.mark.parametrize(("body", "field", "rule"), [
    ({}, "reason", "one of spam, insult, illegal, other"),
    ({"reason": "other"}, "explanation", "at least 10 characters"),
    (ILLEGAL | {"category": "rumour"}, "category", "one of hate_speech"),
    (ILLEGAL | {"name": ""}, "name", "Art. 16(2)(c)"),
    (ILLEGAL | {"email": ""}, "email", "Art. 16(2)(c)"),
    (ILLEGAL | {"email": "rita(at)example"}, "email", "not a valid"),
    (ILLEGAL | {"good_faith": False}, "good_faith", "Art. 16(2)(d)"),
    ({"reason": "spam", "explanation": "x" * 4001}, "explanation", "at most 4000"),
])
def test_a_notice_breaking_a_rule_is_refused_naming_field_and_rule(app, body, field, rule):
    response = report(app, published(app), **body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["field"] == field and rule in response.json()["error"]["message"]


def test_child_sexual_abuse_material_may_be_reported_without_name_or_email(app):
    body = ILLEGAL | {"category": "child_sexual_abuse", "name": "", "email": ""}
    assert report(app, published(app), **body).status_code == 201


def test_one_report_per_reader_and_comment_and_a_limit_per_hour(app):
    first = published(app)
    assert report(app, first, reason="spam").json() == {"id": 1, "held": False}
    again = report(app, first, reason="insult")
    assert again.status_code == 409 and again.json()["error"]["field"] == "comment_id"
    for text in VARIED[:9]:
        assert report(app, published(app, text), reason="spam").status_code == 201
    limited = report(app, published(app, VARIED[9]), reason="spam")
    assert limited.status_code == 429 and "10 reports an hour" in limited.json()["error"]["message"]


def test_only_a_published_comment_can_be_reported(app):
    assert report(app, 999, reason="spam").status_code == 404
    comment_id = published(app)
    app.app.state.kiebitz.moderation.decide(comment_id, Status.PENDING, "anna")
    assert report(app, comment_id, reason="spam").status_code == 404


def test_reports_hide_a_comment_a_removal_sends_statement_and_decisions_and_the_author_may_object(app, inbox):
    handler, _ = inbox
    kiebitz = app.app.state.kiebitz
    comment_id = published(app)
    assert report(app, comment_id, **ILLEGAL).json()["held"] is False
    for number, ip in enumerate(("198.51.100.1", "198.51.100.2")):
        answer = kiebitz.reports.report(comment_id, {"reason": "insult", "email": f"leser{number}@example.org"}, Client(ip=ip))
    assert answer["held"] is True  # the third open notice (report_hold_threshold = 3) hides it
    assert kiebitz.store.get_comment(comment_id).status == Status.PENDING
    assert app.get("/api/comments", params={"uri": "/artikel/eins"}).json()["total"] == 0
    handler.wait(3)
    [receipt] = mails_to(handler, "rita@example.org")
    assert "Danke für deine Meldung" in receipt and f"/artikel/eins#kiebitz-comment-{comment_id}" in receipt

    admin = Admin(app, "anna")
    queue = app.get("/admin/reports")
    assert f'data-id="{comment_id}"' in queue.text and "Der Kommentar droht einer Person mit Gewalt." in queue.text
    assert "Gemeldet (1)" in queue.text
    removed = admin.post(f"/admin/reports/{comment_id}", action="remove", ground="illegal",
                         explanation="Bedrohung nach § 241 StGB.")
    assert removed.status_code == 303
    assert kiebitz.store.get_comment(comment_id).status == Status.DELETED
    handler.wait(7)  # three receipts, the statement, three decisions
    [statement] = mails_to(handler, "autor@example.org")
    assert "rechtswidriger Inhalt" in statement and "Bedrohung nach § 241 StGB." in statement
    assert "Meldungen von Leserinnen und Lesern (3)" in statement and "automatisch ausgeblendet" in statement
    assert "Art. 21 DSA" in statement
    assert "wurde entfernt" in mails_to(handler, "rita@example.org")[1]
    assert len(mails_to(handler, "leser0@example.org")) == 2  # receipt and decision
    assert "Gemeldet (0)" in app.get("/admin/reports").text

    objection_path = re.search(r"http://kommentare\.zeitung\.example(/objection/\S+)", statement).group(1)
    page = app.get(objection_path)
    assert page.status_code == 200 and "Ein Kommentar, den jemand melden wird." in page.text
    assert kiebitz.store.get_comment(comment_id).status == Status.DELETED  # opening the link changes nothing
    short = app.post(objection_path, data={"explanation": "falsch"})
    assert short.status_code == 400 and short.json()["error"]["field"] == "explanation"
    assert app.post(objection_path, data={"explanation": "Das war keine Drohung, sondern ein Zitat."}).status_code == 200
    assert app.post(objection_path, data={"explanation": "Noch einmal: das war ein Zitat."}).status_code == 409
    assert "Das war keine Drohung, sondern ein Zitat." in app.get("/admin/reports").text
    admin.post(f"/admin/reports/{comment_id}", action="restore", explanation="Es war ein Zitat.")
    assert kiebitz.store.get_comment(comment_id).status == Status.PUBLISHED
    handler.wait(8)
    assert "wieder veröffentlicht" in mails_to(handler, "autor@example.org")[1]
    notes = [entry["note"] for entry in kiebitz.store.audit_trail(comment_id)]
    assert "statement of reasons mailed to the author" in notes and "objected to the removal" in notes

    stats = app.get("/admin/stats").text
    row = re.search(r"<tr><td>\d{4}-\d\d</td>(.*?)</tr>", stats.split("Transparenzbericht")[1], re.S).group(1)
    cells = re.findall(r"<td>([^<]*)</td>", row)
    assert cells[:8] == ["3", "0", "2", "1", "0", "3", "0", "0"]  # notices by reason, removed 3, kept 0, open 0
    assert cells[9:] == ["1", "1", "0"]  # one objection, restored


def test_kept_comment_is_shown_again_and_the_reporters_are_told(app, inbox):
    handler, _ = inbox
    kiebitz = app.app.state.kiebitz
    kiebitz.settings.update({"report_hold_threshold": 1})
    comment_id = published(app)
    assert report(app, comment_id, reason="other", explanation="Das ist doch unmöglich formuliert.",
                  email="kritik@example.org").json()["held"] is True
    Admin(app, "anna").post(f"/admin/reports/{comment_id}", action="keep")
    assert kiebitz.store.get_comment(comment_id).status == Status.PUBLISHED
    handler.wait(2)
    assert "bleibt stehen" in mails_to(handler, "kritik@example.org")[1]
    assert not mails_to(handler, "autor@example.org")  # nothing removed: no statement


def test_a_removal_as_spam_sends_no_statement_and_a_plain_deletion_does(app, inbox):
    handler, _ = inbox
    admin = Admin(app, "anna")
    spam, rude = published(app), published(app, "Ein zweiter Kommentar für die Moderation.")
    admin.post(f"/admin/comments/{spam}/spam")
    admin.post(f"/admin/comments/{rude}/delete")
    handler.wait(1)
    [statement] = mails_to(handler, "autor@example.org")
    assert "Verstoß gegen die Kommentarregeln" in statement and "ohne Meldung" in statement
    assert "keine; eine Person aus der Moderation hat entschieden." in statement


def test_a_statement_in_german_gives_the_filters_reasons_in_german(app, inbox):
    handler, _ = inbox
    posted = Poster(app).post(text="Quellen: https://eins.example/a https://zwei.example/b https://drei.example/c",
                              email="autor@example.org")
    assert posted.status_code == 202  # held for a moderator
    held = int(posted.json()["id"])
    Admin(app, "anna").post(f"/admin/comments/{held}/delete")
    handler.wait(1)
    [statement] = mails_to(handler, "autor@example.org")
    assert "beim Absenden zurückgehalten (3 Links, mehr als die erlaubten 2" in statement
    assert "more than the limit" not in statement


def test_erasing_a_readers_data_keeps_the_report_without_name_or_address(app):
    comment_id = published(app)
    report(app, comment_id, **ILLEGAL)
    personal = PersonalData(app.app.state.kiebitz.store)
    assert personal.export("rita@example.org")["reports"][0]["reason"] == "illegal"
    personal.erase("rita@example.org", "admin")
    [kept] = app.app.state.kiebitz.reports.reports.of_comment(comment_id)
    assert kept["reporter_email"] == "" and kept["reporter_name"] == "" and kept["reason"] == "illegal"


def test_moderators_are_mailed_a_notice_of_illegal_content_and_a_hiding(app, inbox):
    handler, _ = inbox
    kiebitz = app.app.state.kiebitz
    kiebitz.settings.update({"notify_emails": ["moderation@zeitung.example"], "report_hold_threshold": 2})
    comment_id = published(app)
    report(app, comment_id, reason="spam")  # neither illegal nor hiding: no mail to the moderators
    kiebitz.reports.report(comment_id, ILLEGAL, Client(ip="198.51.100.3"))
    handler.wait(2)  # the reporter's receipt, the moderators' mail
    subjects = [message["Subject"] for message in handler.messages if message["To"] == "moderation@zeitung.example"]
    assert subjects == ["Gemeldeter Kommentar: illegal"]
    [body] = mails_to(handler, "moderation@zeitung.example")
    assert "Meldungen haben einen Kommentar ausgeblendet" in body and "/admin/reports" in body
