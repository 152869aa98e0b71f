"""Screenshots for docs/: the demo article (light and dark, desktop and phone), the report form, and the admin.

Run against a running demo: ``kiebitz demo --port 8080`` then
``.venv/bin/python docs/make_screenshots.py http://127.0.0.1:8080``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
ARTICLE = "/artikel/kiebitze-kehren-in-die-elbwiesen-zurueck"


def main(base: str) -> None:
    out = Path(__file__).parent
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for scheme in ("light", "dark"):
            for name, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})):
                page = browser.new_page(viewport=viewport, color_scheme=scheme, device_scale_factor=1)
                page.goto(base + ARTICLE)
                page.locator("#kiebitz-thread").scroll_into_view_if_needed()
                page.wait_for_selector(".kb-comment")
                page.locator(".kb-comments").scroll_into_view_if_needed()
                page.screenshot(path=str(out / f"screenshot-article-{scheme}-{name}.png"), full_page=True)
                page.close()
        report_and_moderate(browser, base, out)
        browser.close()


def report_and_moderate(browser: Browser, base: str, out: Path) -> None:
    """A reader's open report form; then the moderator's queue, one comment and the reported queue."""
    reader = browser.new_page(viewport={"width": 1000, "height": 900}, locale="de-DE")
    reader.goto(base + ARTICLE)
    reader.locator("#kiebitz-thread").scroll_into_view_if_needed()
    comment = reader.locator(".kb-comment").nth(1)
    comment.locator(":scope > .kb-actions").get_by_role("button", name="Melden").click()
    form = comment.locator(":scope > form.kb-report")
    form.get_by_label("Rechtswidriger Inhalt").check()
    form.get_by_role("textbox", name="Erläuterung").fill("Das ist eine Beleidigung einer namentlich genannten Person.")
    form.get_by_label("Art des Inhalts").select_option("defamation")
    form.screenshot(path=str(out / "screenshot-report-form.png"))
    form.get_by_role("textbox", name="Name").fill("Rita Leser")
    form.get_by_role("textbox", name="E-Mail").fill("rita@example.org")
    form.get_by_label("Ich bin in gutem Glauben").check()
    form.get_by_role("button", name="Meldung absenden").click()
    comment.locator(":scope > .kb-held-note").wait_for()
    admin = browser.new_page(viewport={"width": 1280, "height": 800}, locale="de-DE")
    admin.goto(base + "/admin/login")
    admin.get_by_label("Name").fill("demo")
    admin.get_by_label("Passwort").fill("kiebitz-demo")
    admin.get_by_role("button", name="Anmelden").click()
    admin.goto(base + "/admin/?status=published")
    admin.screenshot(path=str(out / "screenshot-admin-queue.png"))
    admin.locator(".comment-row a").first.click()
    admin.screenshot(path=str(out / "screenshot-admin-comment.png"), full_page=True)
    admin.goto(base + "/admin/reports")
    admin.screenshot(path=str(out / "screenshot-admin-reports.png"), full_page=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080")
