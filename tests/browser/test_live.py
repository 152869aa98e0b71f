"""Live threads in Chromium: a comment posted in one page appears in a second page without a reload, behind a
"new comments" button, the count updated at once; a held comment appears when a moderator approves it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kiebitz.domain import Status
from kiebitz.store.queues import QueueFilter
from tests.browser.test_accessibility import violations
from tests.browser.test_widget import fill_form, open_article

pytestmark = pytest.mark.browser


def test_a_comment_posted_in_one_page_appears_live_in_another(browser, page, live):
    open_article(page, live)
    other = browser.new_context(locale="de-DE").new_page()
    other.set_default_timeout(10_000)
    open_article(other, live)
    expect(other.locator(".kb-count")).to_have_text("5 Kommentare")

    form = page.locator("#kiebitz-thread > form")
    fill_form(form, text="Live aus dem ersten Fenster, bitte im zweiten zeigen.")
    form.get_by_role("button", name="Kommentar abschicken").click()
    expect(page.locator(".kb-count")).to_have_text("6 Kommentare")
    expect(page.locator(".kb-new-comments")).to_be_hidden()  # one's own comment is on the page already

    button = other.get_by_role("button", name="1 neuer Kommentar")
    expect(button).to_be_visible()
    expect(other.locator(".kb-count")).to_have_text("6 Kommentare")
    expect(other.get_by_text("Live aus dem ersten Fenster")).to_have_count(0)  # nothing moves until asked
    assert violations(other, "#kiebitz-thread") == []
    button.click()
    expect(other.get_by_text("Live aus dem ersten Fenster")).to_be_visible()
    expect(button).to_be_hidden()

    kiebitz = live.app.state.kiebitz
    kiebitz.settings.update({"moderation": "all"})
    fill_form(form, text="Erst geprüft, dann live im zweiten Fenster.")
    form.get_by_role("button", name="Kommentar abschicken").click()
    expect(page.get_by_text("wird nach Prüfung freigeschaltet")).to_be_visible()
    held = kiebitz.queues.page(QueueFilter(Status.PENDING))[0][0].comment.id
    expect(other.locator(".kb-new-comments")).to_be_hidden()
    kiebitz.moderation.approve(held, "mia")
    other.get_by_role("button", name="1 neuer Kommentar").click()
    expect(other.get_by_text("Erst geprüft, dann live")).to_be_visible()
    expect(other.locator(".kb-count")).to_have_text("7 Kommentare")
