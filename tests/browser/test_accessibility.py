"""axe-core (the rules behind Lighthouse's accessibility audit) over the widget and the admin, in Chromium.

WCAG 2.1 A and AA: labels, names, contrast, landmarks, keyboard traps. German
public bodies must meet it (BITV 2.0), and readers with a screen reader are
readers too.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from kiebitz.domain import Status
from kiebitz.store.queues import QueueFilter
from tests.browser.conftest import sign_in
from tests.browser.test_widget import ARTICLE, open_article

pytestmark = pytest.mark.browser
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page, selector: str | None = None) -> list[str]:
    """Each violated rule with the elements it found, as a line a developer can act on."""
    context = {"include": [[selector]]} if selector else None
    results = Axe().run(page, context=context, options=WCAG_AA)
    return [f"{rule['id']} ({rule['impact']}): {rule['help']} — {[node['target'] for node in rule['nodes']][:5]}"
            for rule in results.response["violations"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_comment_section_meets_wcag_aa(page, live, scheme):
    page.emulate_media(color_scheme=scheme)
    open_article(page, live)
    page.get_by_role("button", name="Antworten").first.click()  # the reply form open as well
    assert violations(page, "#kiebitz-thread") == []


@pytest.mark.parametrize("path", ["/", ARTICLE, "/privacy", "/privacy?lang=en"])
def test_the_demo_site_and_the_privacy_notice_meet_wcag_aa(page, live, path):
    page.goto(live.url + path)
    assert violations(page) == []


def test_the_admin_meets_wcag_aa(page, live):
    kiebitz = live.app.state.kiebitz
    kiebitz.users.add("mia", "admin", "ein-langes-passwort")
    held = kiebitz.queues.page(QueueFilter(Status.PUBLISHED))[0][0].comment.id
    kiebitz.moderation.decide(held, Status.PENDING, "mia")  # the queue with a row, its checkbox and bulk actions
    key = kiebitz.akismet.add_key("https://blog.example")  # a batch of lessons on /admin/lessons
    kiebitz.akismet.submit(key, {"blog": "https://blog.example", "comment_content": "Billige Uhren hier kaufen"}, True)
    page.goto(live.url + "/admin/login")
    assert violations(page) == []
    sign_in(page, live.url, "mia", "ein-langes-passwort")
    expect(page.get_by_role("heading", name="Wartend (1)")).to_be_visible()
    for path in ("/admin/", "/admin/?status=published", "/admin/blocklist", "/admin/stats", "/admin/settings",
                 "/admin/users", "/admin/sites", "/admin/import", "/admin/lessons"):
        page.goto(live.url + path)
        assert violations(page) == [], path
    page.goto(f"{live.url}/admin/comments/{held}")  # one comment, its verdict, reasons and actions
    assert violations(page) == [], page.url
