"""One WordPress and one Kiebitz per test session, set up the way a site owner does it: in the browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.api.test_serve import serve
from tests.wordpress.site import ADMIN, PASSWORD, MariaDB, WordPress, start_site

pytestmark = pytest.mark.browser


class Kiebitz:
    def __init__(self, directory: Path, base: str) -> None:
        self.directory = directory
        self.url = base
        self.database = directory / "kiebitz.db"

    def cli(self, *arguments: str) -> str:
        env = dict(os.environ, KIEBITZ_DATABASE=str(self.database))
        done = subprocess.run([sys.executable, "-m", "kiebitz.cli", *arguments], env=env, check=True, capture_output=True, text=True)
        return done.stdout


@pytest.fixture(scope="session")
def wordpress() -> Iterator[WordPress]:
    database, site = start_site()
    yield site
    site.stop()
    database.stop()
    shutil.rmtree(site.root.parent, ignore_errors=True)


@pytest.fixture(scope="session")
def mariadb(wordpress: WordPress) -> MariaDB:
    return wordpress.database


@pytest.fixture(scope="session")
def kiebitz(tmp_path_factory: pytest.TempPathFactory, wordpress: WordPress) -> Iterator[Kiebitz]:
    directory = tmp_path_factory.mktemp("kiebitz")
    # Every test reader writes from 127.0.0.1: Kiebitz would take two of them for one reader posting too fast.
    process, base = serve(directory, allowed_origins=wordpress.url, flood_seconds="0")
    yield Kiebitz(directory, base)
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="session")
def key(kiebitz: Kiebitz, wordpress: WordPress) -> str:
    """What the site owner gets from the Kiebitz server's admin for this blog."""
    return kiebitz.cli("akismet", "key", "add", "--site", wordpress.url).strip()


@pytest.fixture(scope="session")
def admin(browser, wordpress: WordPress, kiebitz: Kiebitz):  # type: ignore[no-untyped-def]
    """The site owner's browser, logged in, with Akismet and Kiebitz activated and Kiebitz's address saved."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(wordpress.url + "/wp-login.php")
    page.fill("#user_login", ADMIN)
    page.fill("#user_pass", PASSWORD)
    page.click("#wp-submit")
    page.wait_for_url("**/wp-admin/**")
    for plugin in ("akismet/akismet.php", "kiebitz/kiebitz.php"):
        activate(page, wordpress, plugin)
    # Settings → Discussion: a first comment need not wait for a moderator (WordPress holds it by default),
    # so what the tests see is the spam filter's verdict alone.
    page.goto(wordpress.url + "/wp-admin/options-discussion.php")
    page.uncheck("#comment_previously_approved")
    page.click("#submit")
    page.wait_for_selector("#setting-error-settings_updated")
    page.goto(wordpress.url + "/wp-admin/options-general.php?page=kiebitz")
    page.fill("#kiebitz-url", kiebitz.url)
    page.click("#submit")
    page.wait_for_selector("#setting-error-settings_updated")
    yield page
    context.close()


def activate(page, wordpress: WordPress, plugin: str) -> None:  # type: ignore[no-untyped-def]
    """Plugins → Activate, for ``plugin`` ("akismet/akismet.php"), unless it is active already."""
    page.goto(wordpress.url + "/wp-admin/plugins.php")
    row = page.locator(f'tr[data-plugin="{plugin}"]')
    if row.locator(".activate a").count():
        row.locator(".activate a").click()
        page.wait_for_load_state()  # Akismet sends a newly activated owner on to its own settings page
        page.goto(wordpress.url + "/wp-admin/plugins.php")
    assert page.locator(f'tr[data-plugin="{plugin}"] .deactivate a').count() == 1, f"{plugin} is not active"


def deactivate(page, wordpress: WordPress, plugin: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(wordpress.url + "/wp-admin/plugins.php")
    row = page.locator(f'tr[data-plugin="{plugin}"]')
    if row.locator(".deactivate a").count():
        row.locator(".deactivate a").click()
        page.wait_for_load_state()
        page.goto(wordpress.url + "/wp-admin/plugins.php")
    assert page.locator(f'tr[data-plugin="{plugin}"] .activate a').count() == 1, f"{plugin} is still active"


@pytest.fixture(scope="session")
def akismet_key_entered(admin, wordpress: WordPress, key: str) -> str:  # type: ignore[no-untyped-def]
    """The key typed into Akismet's own settings page, as its "Manually enter an API key" asks."""
    admin.goto(wordpress.url + "/wp-admin/options-general.php?page=akismet-key-config")
    admin.click(".akismet-enter-api-key-box a")  # "Manually enter an API key"
    admin.fill("#key", key)
    admin.click("text=Connect with API key")
    admin.wait_for_load_state()
    return key


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """docs/wordpress.md's pictures, taken along the tests when KIEBITZ_SCREENSHOTS names a directory (docs/)."""
    directory = os.environ.get("KIEBITZ_SCREENSHOTS")
    if directory:
        page.screenshot(path=str(Path(directory) / f"screenshot-wordpress-{name}.png"))


def post_comment(wordpress: WordPress, post_id: int, author: str, email: str, text: str, url: str = "",
                 address: str = "127.0.0.1") -> int:
    """A reader's comment through the theme's form target, wp-comments-post.php; the new comment's id.

    Sent from ``address``: every 127.x.y.z is this machine's, so readers can come from as many addresses
    as a test needs, and WordPress sees each as the commenter's IP."""
    with httpx.Client(transport=httpx.HTTPTransport(local_address=address)) as reader:
        answer = reader.post(wordpress.url + "/wp-comments-post.php", timeout=60, follow_redirects=False, data={
            "comment_post_ID": str(post_id), "author": author, "email": email, "url": url, "comment": text,
            "comment_parent": "0", "submit": "Kommentar abschicken",
        }, headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0", "Referer": f"{wordpress.url}/?p={post_id}"})
    assert answer.status_code == 302, re.sub(r"(?s).*<body[^>]*>|<[^>]+>", " ", answer.text).strip()[:500]
    location = answer.headers["location"]
    return int(location.rsplit("#comment-", 1)[1])


def mark(admin, wordpress: WordPress, comment_id: int, action: str, listed: str) -> None:  # type: ignore[no-untyped-def]
    """The comment list's row action ("spam", "unspam", "approve") on one comment, as the owner clicks it."""
    admin.goto(f"{wordpress.url}/wp-admin/edit-comments.php?comment_status={listed}")
    row = admin.locator(f"#comment-{comment_id}")
    row.hover()
    row.locator(f".{action} a").click()
    expect(row).to_be_hidden()
    admin.wait_for_timeout(500)  # the list's AJAX call answers before WordPress's shutdown hooks finish
