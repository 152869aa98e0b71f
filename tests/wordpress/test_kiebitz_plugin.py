"""Our plugin's own pages and modes: settings and the connection test, checking without Akismet, the comment section."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from tests.wordpress.conftest import Kiebitz, activate, deactivate, mark, post_comment, screenshot
from tests.wordpress.site import WordPress
from tests.wordpress.test_akismet_plugin import HELLO_WORLD, key_sites, status_of

pytestmark = pytest.mark.browser

SETTINGS = "/wp-admin/options-general.php?page=kiebitz"
# Between 0.5 and 0.9, also after test_akismet_plugin.py's owner approved a doubtful comment (the key learned it)
DOUBTFUL = "Hi, I found your blog on Google, really useful content, keep it up"
# its own words: the Akismet plugin's tests post theirs to the same Kiebitz key, and a near repeat by another
# reader is spam
NEIGHBOUR = ("Die neue Buslinie zum Bahnhof ist ein Gewinn für unser Viertel, endlich kommt man abends ohne Auto "
             "nach Hause. Grüße aus dem Nachbarort.")
BLATANT_SPAM = ("BUY CHEAP VIAGRA CIALIS NOW!!! best price no prescription http://pills.example/buy "
                "http://pills.example/order http://pills.example/cheap casino bonus")


def save_settings(admin, wordpress: WordPress, **fields: str | bool) -> None:  # type: ignore[no-untyped-def]
    """Settings → Kiebitz: type the given fields (url, key, site, comment_section), then Save Changes."""
    admin.goto(wordpress.url + SETTINGS)
    for name, value in fields.items():
        if isinstance(value, bool):
            admin.set_checked(f"#kiebitz-{name.replace('_', '-')}", value)
        else:
            admin.fill(f"#kiebitz-{name}", value)
    admin.click("#submit")
    admin.wait_for_selector("#setting-error-settings_updated")


def test_connection(admin) -> str:  # type: ignore[no-untyped-def]
    admin.click("#kiebitz-test")
    return str(admin.locator("#kiebitz-test-result").inner_text())


test_connection.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def kiebitz_result(wordpress: WordPress, comment_id: int) -> str:
    rows = wordpress.database.sql(
        f"SELECT meta_value FROM wp_commentmeta WHERE comment_id = {comment_id} AND meta_key = 'kiebitz_result'", "wordpress")
    return rows[0][0] if rows else ""


def test_the_settings_page_saves_and_tests_the_connection(admin, wordpress: WordPress, kiebitz: Kiebitz, key: str) -> None:  # type: ignore[no-untyped-def]
    save_settings(admin, wordpress, url=kiebitz.url + "/", key="000000000000")
    assert admin.locator("#kiebitz-url").input_value() == kiebitz.url  # kept without the trailing slash
    assert "does not know this key" in test_connection(admin)

    save_settings(admin, wordpress, url="http://127.0.0.1:9")
    assert "cannot be reached" in test_connection(admin)

    save_settings(admin, wordpress, url=kiebitz.url, key=key)
    assert test_connection(admin) == "Connected: Kiebitz accepts this key."
    screenshot(admin, "settings")
    assert wordpress.option("wordpress_api_key") == key  # one key for both plugins


def test_the_owner_who_reads_german_gets_german_pages(admin, wordpress: WordPress) -> None:  # type: ignore[no-untyped-def]
    admin.goto(wordpress.url + "/wp-admin/profile.php")
    admin.select_option("#locale", "de_DE")
    admin.click("#submit")
    try:
        admin.goto(wordpress.url + SETTINGS)
        expect(admin.locator("#kiebitz-test")).to_have_value("Verbindung testen")
        expect(admin.locator("label[for=kiebitz-url]")).to_have_text("Kiebitz-Adresse")
        admin.goto(wordpress.url + "/wp-admin/edit-comments.php?page=kiebitz-move")
        expect(admin.locator("h1")).to_have_text("Zu Kiebitz umziehen")
    finally:
        admin.goto(wordpress.url + "/wp-admin/profile.php")
        admin.select_option("#locale", "site-default")
        admin.click("#submit")


@pytest.fixture
def without_akismet(admin, wordpress: WordPress) -> Iterator[None]:  # type: ignore[no-untyped-def]
    deactivate(admin, wordpress, "akismet/akismet.php")
    yield
    activate(admin, wordpress, "akismet/akismet.php")


@pytest.mark.usefixtures("without_akismet")
def test_without_akismet_the_plugin_checks_and_reports_itself(admin, wordpress: WordPress, kiebitz: Kiebitz,  # type: ignore[no-untyped-def]
                                                              key: str) -> None:
    ham = post_comment(wordpress, HELLO_WORLD, "Jürgen Haas", "j.haas@example.de", NEIGHBOUR)
    spam = post_comment(wordpress, HELLO_WORLD, "pills", "pills@example.com", BLATANT_SPAM, url="http://pills.example/")
    assert (status_of(wordpress, ham), kiebitz_result(wordpress, ham)) == ("1", "false")
    assert (status_of(wordpress, spam), kiebitz_result(wordpress, spam)) == ("spam", "true")  # kept in spam, not discarded
    doubtful = post_comment(wordpress, HELLO_WORLD, "Maria Schulz", "m.schulz@example.de", DOUBTFUL, address="127.0.4.2")
    assert (status_of(wordpress, doubtful), kiebitz_result(wordpress, doubtful)) == ("0", "false")  # held

    before = key_sites(kiebitz, key)
    mark(admin, wordpress, ham, "spam", "approved")
    mark(admin, wordpress, spam, "unspam", "spam")
    after = key_sites(kiebitz, key)
    assert int(after["missed_spam"]) == int(before["missed_spam"]) + 1
    assert int(after["false_positives"]) == int(before["false_positives"]) + 1


@pytest.mark.usefixtures("without_akismet")
def test_a_comment_waits_for_a_moderator_when_kiebitz_cannot_be_reached(admin, wordpress: WordPress, kiebitz: Kiebitz) -> None:  # type: ignore[no-untyped-def]
    save_settings(admin, wordpress, url="http://127.0.0.1:9")
    try:
        held = post_comment(wordpress, HELLO_WORLD, "Marta Beck", "marta@example.de", "Wann ist die Sitzung des Ortsbeirats?")
    finally:
        save_settings(admin, wordpress, url=kiebitz.url)
    assert (status_of(wordpress, held), kiebitz_result(wordpress, held)) == ("0", "error")


def test_moving_the_comments_then_showing_kiebitzs_section(admin, browser, wordpress: WordPress, kiebitz: Kiebitz,  # type: ignore[no-untyped-def]
                                                           tmp_path) -> None:
    approved = post_comment(wordpress, HELLO_WORLD, "Ingrid Wolf", "ingrid@example.de",
                            "Die Sanierung der Grundschule war überfällig, danke für die Berichterstattung.")
    wordpress.database.sql(f"UPDATE wp_comments SET comment_approved = '1' WHERE comment_ID = {approved}", "wordpress")
    admin.goto(wordpress.url + "/wp-admin/edit-comments.php?page=kiebitz-move")
    here = int(re.sub(r"\D", "", admin.locator("#kiebitz-comparison tr").nth(0).locator("td").inner_text().split(" on ")[0]))
    assert here >= 2 and "0 comments" in admin.locator("#kiebitz-comparison tr").nth(1).inner_text()

    export = admin.request.get(admin.locator("text=Download export file").get_attribute("href"))
    (tmp_path / "wordpress.xml").write_bytes(export.body())
    print(kiebitz.cli("import", str(tmp_path / "wordpress.xml")))

    admin.reload()
    expect(admin.locator("#kiebitz-comparison tr").nth(1).locator("td")).to_have_text(f"{here} comments" if here != 1 else "1 comment")
    screenshot(admin, "move")

    save_settings(admin, wordpress, comment_section=True)
    try:
        permalink = httpx.get(f"{wordpress.url}/?p={HELLO_WORLD}").headers["location"]
        without_javascript = browser.new_context(java_script_enabled=False).new_page()
        without_javascript.goto(permalink)  # what a reader without JavaScript and a search engine get: the served thread
        served = without_javascript.locator("#kiebitz-thread [data-kiebitz-fragment]")
        expect(served.locator(".kb-comment", has_text="Sanierung der Grundschule").first).to_be_visible()
        expect(served.locator('[itemtype="https://schema.org/Comment"]')).to_have_count(here)
        form = served.locator("form.kb-form")  # and writes one with the plain form, back on the post afterwards
        form.locator("textarea[name=text]").fill("Geschrieben ohne JavaScript, über das einfache Formular.")
        form.locator("input[name=author]").fill("Ole Brandt")
        form.locator("input[name=email]").fill("ole@example.de")
        form.locator("button[type=submit]").click()
        without_javascript.wait_for_url(re.compile(r"kiebitz_comment=\d+"))
        assert without_javascript.url.startswith(permalink)
        expect(served.locator(".kb-comment", has_text="Geschrieben ohne JavaScript")).to_be_visible()
        without_javascript.context.close()
        here += 1

        reader = browser.new_context().new_page()  # the site is in English (<html lang="en-US">), so is the widget
        reader.goto(permalink)
        section = reader.locator("#kiebitz-thread")
        expect(reader.locator("[data-kiebitz-fragment]")).to_have_count(0)  # the widget took the served thread's place
        expect(section.locator(".kb-comment", has_text="Sanierung der Grundschule").first).to_be_visible()
        expect(section.locator(".kb-count")).to_have_text(f"{here} comments")
        assert reader.locator(".wp-block-comment-template").count() == 0  # the theme's own list is gone

        form = section.locator("form").first
        form.get_by_role("textbox", name="Comment").fill("Ein Leserkommentar direkt im Kiebitz-Bereich von WordPress.")
        form.get_by_role("textbox", name="Name").fill("Lea Sommer")
        form.get_by_role("textbox", name="Email").fill("lea@example.de")
        form.get_by_role("button", name="Post comment").click()
        expect(section.locator(".kb-count")).to_have_text(f"{here + 1} comments")
        section.locator(".kb-count").scroll_into_view_if_needed()
        screenshot(reader, "comment-section")

        with sqlite3.connect(kiebitz.database) as db:
            (uri,) = db.execute("SELECT uri FROM threads JOIN comments ON comments.thread_id = threads.id "
                                "WHERE comments.author = 'Lea Sommer'").fetchone()
        assert uri == httpx.URL(permalink).raw_path.decode()  # the permalink's path is the thread, as the import named it
        feed = httpx.get(f"{wordpress.url}/feed/").text  # the theme's counts come from Kiebitz (cached for a minute)
        assert re.search(r"<slash:comments>(\d+)</slash:comments>", feed).group(1) in {str(here), str(here + 1)}
    finally:
        save_settings(admin, wordpress, comment_section=False)
