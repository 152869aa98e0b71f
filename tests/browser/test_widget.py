"""The widget and the demo site in real headless Chromium, as a reader uses them."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from fastapi.responses import HTMLResponse
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
ARTICLE = "/artikel/kiebitze-kehren-in-die-elbwiesen-zurueck"


def open_article(page, live, query: str = "") -> None:
    page.goto(live.url + ARTICLE + query)
    page.locator("#kiebitz-thread").scroll_into_view_if_needed()
    expect(page.locator(".kb-comment").first).to_be_visible()


def test_front_page_teasers_lead_to_the_comments(page, live):
    page.goto(live.url + "/")
    expect(page.locator(".teaser")).to_have_count(3)
    expect(page.locator(".teaser .count").first).to_have_text("5 Kommentare")
    page.get_by_role("link", name="Hier weiterlesen").first.click()
    page.locator("#kiebitz-thread").scroll_into_view_if_needed()
    expect(page.get_by_text("Schöne Nachricht!")).to_be_visible()
    expect(page.locator(".kb-replies .kb-replies .kb-comment")).to_have_count(1)  # a reply to a reply
    expect(page.locator(".kb-badge", has_text="Redaktion")).to_be_visible()
    expect(page.get_by_role("heading", name="Schreibe einen Kommentar")).to_be_visible()
    expect(page.get_by_text("Deine E-Mail-Adresse wird nicht veröffentlicht.")).to_be_visible()


def test_an_archive_with_more_than_500_counters(page, live):
    # the counts API answers at most 500 pages per request: the widget asks in parts
    links = "".join(f'<a href="/artikel/{number}" data-kiebitz-count>Kommentare</a>' for number in range(600))
    counter = f'<a href="{ARTICLE}" data-kiebitz-count>Kommentare</a>'
    archive = f'<html lang="de"><body>{links}{counter}<script src="/js/embed.js" async></script></body></html>'
    page.route(live.url + "/archiv", lambda route: route.fulfill(body=archive, content_type="text/html"))
    page.goto(live.url + "/archiv")
    expect(page.locator("a[data-kiebitz-count]").last).to_have_text("5 Kommentare")
    expect(page.locator("a[data-kiebitz-count]").first).to_have_text("Keine Kommentare")


def fill_form(form, text="Ein Kommentar aus dem Browsertest, freundlich und sachlich.", author="Browser Test",
              email="test@example.org"):
    form.get_by_role("textbox", name="Kommentar").fill(text)
    form.get_by_role("textbox", name="Name").fill(author)
    form.get_by_role("textbox", name="E-Mail").fill(email)


def test_missing_email_is_shown_at_the_field(page, live):
    open_article(page, live)
    form = page.locator("#kiebitz-thread > form")
    fill_form(form, email="")
    form.get_by_role("button", name="Kommentar abschicken").click()
    error = form.locator(".kb-field-email .kb-error")
    expect(error).to_have_text("Bitte gib deine E-Mail-Adresse an.")
    expect(form.get_by_role("textbox", name="E-Mail")).to_have_attribute("aria-invalid", "true")


def test_posting_the_same_comment_again_is_explained_at_the_text(page, live):
    """A reader unsure whether the first went through posts it again, after a reload."""
    words = "Ist mein Kommentar angekommen? Ich schreibe ihn lieber noch einmal, sicher ist sicher."
    open_article(page, live)
    form = page.locator("#kiebitz-thread > form")
    fill_form(form, text=words, email="zweimal@example.org")
    form.get_by_role("button", name="Kommentar abschicken").click()
    expect(page.locator(".kb-comment", has_text="sicher ist sicher")).to_have_count(1)
    open_article(page, live)
    form = page.locator("#kiebitz-thread > form")
    fill_form(form, text=words, email="zweimal@example.org")
    form.get_by_role("button", name="Kommentar abschicken").click()
    expect(form.locator(".kb-field-text .kb-error")).to_have_text("Diesen Kommentar hast du hier schon geschrieben.")
    expect(page.locator(".kb-comment", has_text="sicher ist sicher")).to_have_count(1)


def test_post_reply_edit_delete_without_reload(page, live):
    open_article(page, live)
    page.on("dialog", lambda dialog: dialog.accept())
    form = page.locator("#kiebitz-thread > form")
    fill_form(form)
    form.get_by_role("button", name="Kommentar abschicken").click()
    mine = page.locator(".kb-comment", has_text="Ein Kommentar aus dem Browsertest").first
    expect(mine).to_be_visible()
    expect(page.locator(".kb-count")).to_have_text("6 Kommentare")

    mine.get_by_role("button", name="Antworten").first.click()
    reply_form = mine.locator("form")
    fill_form(reply_form, text="Und eine Antwort auf meinen eigenen Kommentar.")
    reply_form.get_by_role("button", name="Kommentar abschicken").click()
    replied = page.locator(".kb-comment", has_text="Und eine Antwort auf meinen eigenen").last  # innermost
    expect(replied).to_be_visible()
    reply = page.locator("#" + replied.get_attribute("id"))

    reply.get_by_role("button", name="Bearbeiten").click()
    reply.locator("textarea.kb-edit").fill("Antwort, nachträglich **verbessert**.")
    reply.get_by_role("button", name="Speichern").click()
    expect(reply.locator(".kb-text strong")).to_have_text("verbessert")

    reply.get_by_role("button", name="Löschen").click()
    expect(page.locator(".kb-comment", has_text="nachträglich")).to_have_count(0)
    page.reload()
    page.locator("#kiebitz-thread").scroll_into_view_if_needed()
    expect(page.locator(".kb-comment", has_text="Ein Kommentar aus dem Browsertest").first).to_be_visible()
    expect(page.locator(".kb-comment", has_text="nachträglich")).to_have_count(0)


def test_an_edit_that_is_held_tells_its_author(page, live):
    open_article(page, live)
    form = page.locator("#kiebitz-thread > form")
    fill_form(form, text="Ein erster, ganz harmloser Kommentar.", email="neu-hier@example.org")
    form.get_by_role("button", name="Kommentar abschicken").click()
    found = page.locator(".kb-comment", has_text="ganz harmloser Kommentar").first
    expect(found).to_be_visible()
    mine = page.locator("#" + found.get_attribute("id"))  # its text is about to change
    mine.get_by_role("button", name="Bearbeiten").click()
    mine.locator("textarea.kb-edit").fill("Jetzt mit https://a.example und https://b.example und https://c.example")
    mine.get_by_role("button", name="Speichern").click()
    expect(mine.locator(".kb-held-note")).to_have_text("Danke! Dein Kommentar wird nach Prüfung freigeschaltet.")


def test_english_interface(page, live):
    open_article(page, live, "?lang=en")
    expect(page.get_by_role("heading", name="Leave a comment")).to_be_visible()
    expect(page.locator(".kb-count")).to_have_text("5 comments")
    expect(page.get_by_text("Your email address will not be published.")).to_be_visible()
    expect(page.locator(".kb-date time").first).to_have_text(re.compile(r"ago$"))


def test_keyboard_only(page, live):
    open_article(page, live)
    page.locator("#kiebitz-thread > form textarea").focus()
    page.keyboard.type("Mit der Tastatur geschrieben, ganz ohne Maus.")
    page.keyboard.press("Tab")
    page.keyboard.type("Tastatur Tina")
    page.keyboard.press("Tab")
    page.keyboard.type("tina@example.org")
    page.keyboard.press("Tab")  # website
    page.keyboard.press("Tab")  # remember-me checkbox (the honeypot is skipped)
    page.keyboard.press("Tab")  # submit
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Kommentar abschicken"
    page.keyboard.press("Enter")
    expect(page.locator(".kb-comment", has_text="Mit der Tastatur geschrieben")).to_be_visible()


def test_stored_xss_is_inert(page, live):
    client_page = page
    payloads = ['<img src=x onerror="window.pwned=1">', "<script>window.pwned=2</script>",
                "[klick](javascript:window.pwned=3)", '<svg onload="window.pwned=4">']
    token = client_page.request.get(live.url + "/api/comments?uri=" + ARTICLE).json()["form_token"]
    for number, payload in enumerate(payloads):
        response = client_page.request.post(
            live.url + "/api/comments?uri=" + ARTICLE,
            data={"text": f"{payload} Nummer {number}", "author": f"X{number}", "email": f"x{number}@example.org",
                  "form_token": token},
        )
        assert response.status in (201, 202), response.text()
    open_article(page, live)
    expect(page.locator(".kb-comment", has_text="Nummer 3")).to_be_visible()
    page.wait_for_timeout(300)
    assert page.evaluate("window.pwned") is None
    dangerous = "#kiebitz-thread script, #kiebitz-thread img, #kiebitz-thread [onerror], #kiebitz-thread [onload], " \
                "#kiebitz-thread a[href^='javascript']"
    assert page.locator(dangerous).count() == 0


def test_no_request_leaves_the_site(page, live):
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.goto(live.url + "/")
    expect(page.locator(".teaser .count").first).to_have_text("5 Kommentare")
    open_article(page, live)
    assert hosts == {f"127.0.0.1:{live.port}"}
    assert page.context.cookies() == []  # nothing stored before a comment is posted
    assert page.evaluate("localStorage.length") == 0


def test_load_more_and_sort(page, live):
    store = live.app.state.kiebitz.store
    from kiebitz.markup import render

    site_id = store.site_id("default")
    with store.write() as db:
        thread = store.ensure_thread(db, site_id, "/artikel/stadtbibliothek-oeffnet-auch-sonntags", "Bibliothek")
        for number in range(30):
            text = f"Kommentar Nummer {number:02d} zur Bibliothek"
            store.insert_comment(db, {
                "thread_id": thread.id, "parent_id": None, "depth": 0, "author": f"Leser {number}", "email": "",
                "website": "", "text": text, "html": render(text), "status": "published", "created": time.time() - 1000 + number,
                "modified": None, "verdict": "ham", "score": 0.0,
            })
    live.app.state.kiebitz.comments.cache.invalidate()
    page.goto(live.url + "/artikel/stadtbibliothek-oeffnet-auch-sonntags")
    page.locator("#kiebitz-thread").scroll_into_view_if_needed()
    top_level = page.locator(".kb-comments > .kb-comment")
    expect(top_level).to_have_count(20)
    page.get_by_role("button", name="Weitere Kommentare laden").click()
    expect(top_level).to_have_count(31)  # 30 + the seeded demo comment
    expect(page.get_by_role("button", name="Weitere Kommentare laden")).to_be_hidden()
    page.get_by_role("button", name="Neueste").click()
    expect(top_level.first).to_contain_text("Leser 29")


def test_a_newspaper_on_its_own_origin_writes_only_to_its_own_site(page, live):
    # one instance, the widget embedded on other origins: Chromium takes *.localhost to be loopback
    zeitung, fremd = f"http://localhost:{live.port}", f"http://fremd.localhost:{live.port}"
    live.app.state.kiebitz.site_origins.change("zeitung", [zeitung])
    article = (f'<html lang="de"><body><h1>Lokales</h1><a href="/lokales" data-kiebitz-count>Kommentare</a>'
               f'<section id="kiebitz-thread"></section>'
               f'<script src="{live.url}/js/embed.js" data-kiebitz-site="zeitung" async></script></body></html>')
    # served by the live server itself: Chromium lets a page reach loopback only from loopback
    live.app.add_api_route("/lokales", lambda: HTMLResponse(article))
    page.goto(zeitung + "/lokales")
    page.locator("#kiebitz-thread").scroll_into_view_if_needed()
    form = page.locator("#kiebitz-thread > form")
    fill_form(form, text="Ein Kommentar auf der Seite der Zeitung.")
    form.get_by_role("button", name="Kommentar abschicken").click()
    expect(page.locator(".kb-comment", has_text="auf der Seite der Zeitung")).to_be_visible()
    page.reload()
    expect(page.locator("a[data-kiebitz-count]")).to_have_text("1 Kommentar")
    stored = live.app.state.kiebitz.comments.thread_json("zeitung", "/lokales")
    assert b"auf der Seite der Zeitung" in stored
    assert b"auf der Seite der Zeitung" not in live.app.state.kiebitz.comments.thread_json("default", "/lokales")

    page.goto(fremd + "/lokales")  # the same page, copied to another origin, reads but cannot write
    expect(page.locator(".kb-comment", has_text="auf der Seite der Zeitung")).to_be_visible()
    form = page.locator("#kiebitz-thread > form")
    fill_form(form, text="Ein Kommentar von einer fremden Seite.")
    form.get_by_role("button", name="Kommentar abschicken").click()
    expect(form.locator(".kb-status")).to_contain_text("Diese Seite darf hier nicht kommentieren")
    assert b"fremden Seite" not in live.app.state.kiebitz.comments.thread_json("zeitung", "/lokales")
