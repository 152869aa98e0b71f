"""One Akismet key cannot turn the filter against another site's readers (issue #25, 5).

A plugin with a bug or a leaked key sends submit-spam for everyday German comments.
What it teaches counts only for its own checks, at most KEY_LESSONS_PER_HOUR an hour,
never makes a comment discarded, and an admin takes it all back in one action.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kiebitz.app import build, create_app
from kiebitz.domain import CommentDraft, Label
from kiebitz.moderation import akismet as akismet_service
from kiebitz.spam.filter import SpamFilter
from tests.admin.conftest import PASSWORD, Admin
from tests.conftest import Poster, make_settings

pytestmark = pytest.mark.usefixtures("database_backend")

BLOG, OTHER_BLOG = "https://boese.example", "https://zeitung.example"
GERMAN = [
    "Ich finde den Artikel gut geschrieben, danke dafür.", "Die Umleitung an der Hauptstraße nervt seit Wochen.",
    "Wann öffnet das Schwimmbad wieder?", "Unser Bürgermeister sollte sich das mal ansehen.",
    "Das Konzert im Park war wirklich schön.", "Mein Nachbar hat das auch schon erlebt.",
    "Die Preise im Markt sind wieder gestiegen.", "Gibt es schon einen Termin für die Sitzung?",
    "Schöne Bilder vom Stadtfest, vielen Dank!", "Der Radweg ist an der Brücke leider zu schmal.",
]
PROBE = "Danke für den Bericht über die Sitzung, ich war auch da und fand die Debatte gut."


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setattr(akismet_service, "KEY_LESSONS_PER_HOUR", 25)
    with TestClient(create_app(make_settings(tmp_path)), client=("203.0.113.7", 50000)) as client:
        client.app.state.kiebitz.users.add("anna", "admin", PASSWORD)
        yield client


def report_spam(app: TestClient, key: str, count: int) -> None:
    for n in range(count):
        text = f"{GERMAN[n % len(GERMAN)]} ({n // len(GERMAN) + 1}. Mal)"
        response = app.post("/1.1/submit-spam", data={"api_key": key, "blog": BLOG, "user_ip": f"198.51.100.{n % 250}",
                                                      "comment_content": text, "comment_author": "Leser"})
        assert response.text == "Thanks for making the web a better place."


def check(app: TestClient, key: str, blog: str, text: str = PROBE) -> tuple[str, str | None]:
    response = app.post("/1.1/comment-check", data={"api_key": key, "blog": blog, "user_ip": "203.0.113.50",
                                                    "comment_content": text, "comment_author": "Erika"})
    return response.text, response.headers.get("x-akismet-pro-tip")


def test_a_keys_reports_teach_only_its_own_checks_and_never_discard(app, tmp_path):
    kiebitz = app.app.state.kiebitz
    bad, good = kiebitz.akismet.add_key(BLOG), kiebitz.akismet.add_key(OTHER_BLOG)
    shared_before = kiebitz.model.score(CommentDraft(text=PROBE))[0]
    report_spam(app, bad, 60)

    assert kiebitz.model.score(CommentDraft(text=PROBE))[0] == shared_before  # the shared model is untouched
    assert check(app, good, OTHER_BLOG) == ("false", None)
    verdict, pro_tip = check(app, bad, BLOG)
    assert pro_tip is None  # a lesson alone never makes a comment discarded, even for the key that taught it
    own = SpamFilter(kiebitz.model.for_key(bad)).judge(CommentDraft(text=PROBE))
    assert own.probability > shared_before and own.label != Label.DISCARD

    response = Poster(app).post(text=PROBE)  # a reader of the site, through the widget
    assert response.status_code == 201 and response.json()["status"] == "published"

    # 25 an hour were learned; the other 35 were counted and flagged, not learned.
    usage = app.get("/1.2/key-sites", params={"api_key": bad}).json()
    assert usage[next(iter(usage))][0]["api_calls"] == "61"  # 60 reports and one check
    assert kiebitz.model.lessons_since("akismet:" + bad, 0) == 25
    metrics = app.get("/metrics").text
    assert 'kiebitz_akismet_total{kind="reports_over_limit"} 35.0' in metrics

    # A fresh process replays the key's lessons into the key's own weights, not the shared ones.
    restarted = build(make_settings(tmp_path))
    assert restarted.model.score(CommentDraft(text=PROBE))[0] == pytest.approx(shared_before)
    assert restarted.model.for_key(bad).score(CommentDraft(text=PROBE))[0] == pytest.approx(own.probability, abs=1e-6)


def test_an_admin_sees_and_takes_back_a_keys_lessons_in_one_action(app):
    kiebitz = app.app.state.kiebitz
    bad = kiebitz.akismet.add_key(BLOG)
    before = kiebitz.model.for_key(bad).score(CommentDraft(text=PROBE))[0]
    report_spam(app, bad, 30)
    assert kiebitz.model.for_key(bad).score(CommentDraft(text=PROBE))[0] > before
    admin = Admin(app, "anna")
    page = app.get("/admin/lessons").text
    assert BLOG in page and f'value="akismet:{bad}"' in page
    answer = admin.post("/admin/lessons", batch=f"akismet:{bad}")
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/lessons?taken_back=25"
    assert kiebitz.model.for_key(bad).score(CommentDraft(text=PROBE))[0] == pytest.approx(before, abs=1e-6)
    assert f'value="akismet:{bad}"' not in app.get("/admin/lessons").text  # nothing of it left in force


def test_moderators_may_not_take_lessons_back(app):
    app.app.state.kiebitz.users.add("ben", "moderator", PASSWORD)
    moderator = Admin(app, "ben")
    assert moderator.post("/admin/lessons", batch="akismet:abcdefabcdef").status_code == 403
