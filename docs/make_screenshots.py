"""Screenshots of the demo article page for docs/: light and dark, desktop and phone.

Run against a running demo: ``kiebitz demo --port 8080`` then
``.venv/bin/python docs/make_screenshots.py http://127.0.0.1:8080``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

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
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080")
