"""A reader reports a comment in Chromium; a moderator removes it from the reported queue; the author gets the
statement of reasons and the reporter the decision through a real SMTP server (aiosmtpd); axe-core on each new state."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kiebitz.domain import Status
from tests.browser.conftest import LiveServer, sign_in
from tests.browser.test_accessibility import violations
from tests.browser.test_widget import ARTICLE

pytestmark = pytest.mark.browser
PASSWORD = "ein-langes-passwort"
RUDE = "Dich finde ich schon noch, dann wirst du sehen, was passiert."


@pytest.fixture
def live(tmp_path, inbox):
    _, port = inbox
    with LiveServer(tmp_path, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none",
                    report_hold_threshold=1) as server:
        server.app.state.kiebitz.users.add("mia", "moderator", PASSWORD)
        yield server


def test_report_hide_remove_and_tell_author_and_reporter(browser, live, inbox):
    handler, _ = inbox
    author = browser.new_context(locale="de-DE")
    token = author.request.get(f"{live.url}/api/comments?uri={ARTICLE}").json()["form_token"]
    posted = author.request.post(f"{live.url}/api/comments?uri={ARTICLE}", data={
        "text": RUDE, "author": "Grobian", "email": "grobian@example.org", "form_token": token})
    assert posted.status == 201, posted.text()
    comment_id = posted.json()["id"]

    reader = browser.new_context(locale="de-DE").new_page()
    reader.set_default_timeout(10_000)
    reader.goto(live.url + ARTICLE)
    reader.locator("#kiebitz-thread").scroll_into_view_if_needed()
    comment = reader.locator(f"#kiebitz-comment-{comment_id}")
    comment.get_by_role("button", name="Melden").click()
    form = comment.locator("form.kb-report")
    form.get_by_role("button", name="Meldung absenden").click()
    expect(form.locator(".kb-status")).to_have_text("Warum meldest du diesen Kommentar?")
    form.get_by_label("Rechtswidriger Inhalt").check()
    form.get_by_label("Art des Inhalts").select_option("threat")
    form.get_by_role("textbox", name="Erläuterung").fill("Eine Drohung gegen eine andere Leserin.")
    form.get_by_role("textbox", name="Name").fill("Rita Leser")
    form.get_by_role("textbox", name="E-Mail").fill("rita@example.org")
    assert violations(reader, "#kiebitz-thread") == []  # the open notice, with the fields for illegal content
    form.get_by_role("button", name="Meldung absenden").click()
    expect(form.locator(".kb-field-good_faith .kb-error")).to_have_text(
        "Bitte bestätige, dass du die Meldung in gutem Glauben machst.")
    form.get_by_label("Ich bin in gutem Glauben").check()
    form.get_by_role("button", name="Meldung absenden").click()
    expect(comment.get_by_role("status")).to_contain_text("Der Kommentar ist ausgeblendet")
    assert live.app.state.kiebitz.store.get_comment(comment_id).status == Status.PENDING

    moderator = browser.new_context(locale="de-DE").new_page()
    moderator.set_default_timeout(10_000)
    sign_in(moderator, live.url, "mia", PASSWORD)
    moderator.get_by_role("link", name="Gemeldet (1)").click()
    reported = moderator.locator(f'section.reported[data-id="{comment_id}"]')
    expect(reported).to_contain_text("Eine Drohung gegen eine andere Leserin.")
    expect(reported).to_contain_text("Rita Leser rita@example.org")
    assert violations(moderator) == []
    reported.get_by_label("Grund").select_option("illegal")
    reported.get_by_label("Erläuterung").fill("Bedrohung (§ 241 StGB).")
    reported.get_by_role("button", name="Entfernen").click()
    expect(moderator.get_by_text("Keine offenen Meldungen.")).to_be_visible()
    assert live.app.state.kiebitz.store.get_comment(comment_id).status == Status.DELETED

    messages = {message["To"]: message.get_payload(decode=True).decode() for message in handler.wait(3)}
    assert "Bedrohung (§ 241 StGB)." in messages["grobian@example.org"]
    assert f"{live.url}/objection/" in messages["grobian@example.org"]
    assert "wurde entfernt" in messages["rita@example.org"]  # after the receipt, the decision
    moderator.goto(live.url + "/admin/stats")
    assert violations(moderator) == []

    objection = re.search(r"(http://\S+/objection/\S+)", messages["grobian@example.org"]).group(1)
    own_page = author.new_page()
    own_page.goto(objection)
    expect(own_page.get_by_text(RUDE)).to_be_visible()
    assert violations(own_page) == []
    own_page.get_by_label("Warum ist die Entscheidung falsch?").fill("Das war ein Zitat aus dem Artikel, keine Drohung.")
    own_page.get_by_role("button", name="Widerspruch einlegen").click()
    expect(own_page.get_by_text("prüft die Entscheidung erneut")).to_be_visible()
    moderator.goto(live.url + "/admin/reports")
    expect(moderator.get_by_text("Das war ein Zitat aus dem Artikel, keine Drohung.")).to_be_visible()
    assert violations(moderator) == []
