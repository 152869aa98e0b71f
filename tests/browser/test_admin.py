"""The moderation admin in real headless Chromium, as a moderator works through the queue."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from kiebitz.domain import CommentDraft, Label
from tests.browser.conftest import LiveServer, sign_in

pytestmark = pytest.mark.browser
ARTICLE = "/artikel/neue-radbruecke-verbindet-altstadt-und-hafen"
PASSWORD = "ein-langes-passwort"
SPAMMY = "Zirbelkiefer Kristallkissen heilt Rückenschmerzen über Nacht, jetzt bestellen bei kristallkissen-shop"
SIMILAR = "Kristallkissen aus Zirbelkiefer heilen Rückenschmerzen, bestellen bei kristallkissen-shop"


@pytest.fixture
def moderated(tmp_path):
    with LiveServer(tmp_path, moderation="all") as server:
        server.app.state.kiebitz.users.add("mia", "moderator", PASSWORD)
        yield server


def post(page, live, text: str, author: str) -> int:
    token = page.request.get(f"{live.url}/api/comments?uri={ARTICLE}").json()["form_token"]
    response = page.request.post(f"{live.url}/api/comments?uri={ARTICLE}", data={
        "text": text, "author": author, "email": f"{author.lower()}@example.org", "form_token": token})
    assert response.status == 202, response.text()
    return response.json()["id"]


def test_moderator_approves_then_marks_spam(browser, moderated):
    live = moderated
    kiebitz = live.app.state.kiebitz
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    held = post(page, live, SPAMMY, "Heiler")
    post(page, live, "Die Brücke sieht abends richtig schön aus.", "Leserin")
    similar = CommentDraft(text=SIMILAR, author="Zweiter", email="zweiter@example.org")
    before = kiebitz.spam_filter.judge(similar)

    page.goto(live.url + "/admin/")
    expect(page).to_have_url(live.url + "/admin/login")
    sign_in(page, live.url, "mia", PASSWORD)
    expect(page.get_by_role("heading", name="Wartend (2)")).to_be_visible()
    page.get_by_role("link", name=SPAMMY[:40]).click()
    expect(page.get_by_text("Wahrscheinlichkeit")).to_be_visible()
    page.get_by_role("button", name="Freischalten").click()
    expect(page.get_by_role("heading", name=f"#{held} · Veröffentlicht")).to_be_visible()

    reader = context.new_page()
    reader.goto(live.url + ARTICLE)
    reader.locator("#kiebitz-thread").scroll_into_view_if_needed()
    expect(reader.get_by_text("Zirbelkiefer Kristallkissen heilt")).to_be_visible()

    page.get_by_role("button", name="Spam", exact=True).click()
    expect(page.get_by_role("heading", name=f"#{held} · Spam")).to_be_visible()
    reader.reload()
    reader.locator("#kiebitz-thread").scroll_into_view_if_needed()
    expect(reader.locator(".kb-comment").first).to_be_visible()
    expect(reader.get_by_text("Zirbelkiefer Kristallkissen heilt")).to_have_count(0)

    after = kiebitz.spam_filter.judge(similar)
    assert before.label == Label.HAM
    assert after.probability > before.probability and after.label != Label.HAM
    context.close()


def test_admin_imports_a_wordpress_export(browser, tmp_path):
    """Upload through the admin page, dry run first; the comments then show under the article."""
    source = Path(__file__).resolve().parent.parent / "portability" / "data" / "wordpress.xml"
    export = tmp_path / "wordpress.xml"
    export.write_text(source.read_text(encoding="utf-8").replace(
        "https://elbe-kurier.example/2024/04/kiebitze-kehren-zurueck/", "https://zeitung.example" + ARTICLE), encoding="utf-8")
    with LiveServer(tmp_path) as live:
        live.app.state.kiebitz.users.add("anna", "admin", PASSWORD)
        context = browser.new_context(locale="de-DE")
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, live.url, "anna", PASSWORD)
        page.get_by_role("link", name="Importieren").click()
        page.get_by_label("Export-Datei").set_input_files(str(export))
        page.get_by_role("button", name="Importieren").click()
        expect(page.get_by_text("Probelauf: Es wurde nichts geschrieben.")).to_be_visible()
        expect(page.get_by_text("4 Kommentare (1 gelöscht, 1 wartend, 2 veröffentlicht)")).to_be_visible()
        page.get_by_label("Export-Datei").set_input_files(str(export))
        page.get_by_label("Probelauf").uncheck()
        page.get_by_role("button", name="Importieren").click()
        expect(page.get_by_text("Importiert.")).to_be_visible()

        reader = context.new_page()
        reader.goto(live.url + ARTICLE)
        reader.locator("#kiebitz-thread").scroll_into_view_if_needed()
        expect(reader.get_by_text("Jana Krüger")).to_be_visible()
        expect(reader.get_by_role("link", name="NABU")).to_have_attribute("rel", "nofollow ugc noopener")
        context.close()
