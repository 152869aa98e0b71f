"""The demo news site: a front page with teasers and article pages that end with comments.

It is the normal Kiebitz app (API, widget, real spam filter) plus three HTML
pages, so what you see here is exactly what a site embedding Kiebitz gets.
"""

from __future__ import annotations

import time

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from kiebitz import markup
from kiebitz.app import create_app
from kiebitz.config import Settings
from kiebitz.demo.articles import ARTICLES, SEED_COMMENTS
from kiebitz.domain import Status
from kiebitz.errors import NotFound
from kiebitz.store.comments import Store

DEMO_USER, DEMO_PASSWORD = "demo", "kiebitz-demo"
templates = Environment(loader=PackageLoader("kiebitz.demo", "templates"), autoescape=select_autoescape())


def seed(store: Store, site: str) -> None:
    """Threaded example comments, stored as published; skipped if the demo already has comments."""
    site_id = store.site_id(site)
    if any(store.counts(site_id, [article.path for article in ARTICLES]).values()):
        return
    ids: dict[str, int] = {}
    depths: dict[str, int] = {}
    now = time.time()
    with store.write() as db:
        for article_index, key, parent, author, text, minutes_ago in SEED_COMMENTS:
            article = ARTICLES[article_index]
            thread = store.ensure_thread(db, site_id, article.path, article.headline)
            depths[key] = depths[parent] + 1 if parent else 0
            ids[key] = store.insert_comment(db, {
                "thread_id": thread.id, "parent_id": ids[parent] if parent else None, "depth": depths[key],
                "author": author, "email": "", "website": "", "text": text, "html": markup.render(text),
                "status": Status.PUBLISHED.value, "created": now - minutes_ago * 60, "modified": None,
                "verdict": "ham", "score": 0.0, "reasons": [{"code": "seeded", "message": "demo comment", "weight": 0}],
                "staff": author == article.author,
            })


def create_demo_app(settings: Settings) -> FastAPI:
    app = create_app(settings)
    kiebitz = app.state.kiebitz
    seed(kiebitz.store, settings.site)
    if not kiebitz.users.all():
        kiebitz.users.add(DEMO_USER, "admin", DEMO_PASSWORD)  # the demo's own throwaway database only
    kiebitz.comments.cache.invalidate()

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def front_page() -> str:
        return templates.get_template("front.html").render(articles=ARTICLES)

    @app.get("/artikel/{slug}", response_class=HTMLResponse, include_in_schema=False)
    async def article_page(slug: str, lang: str = "") -> str:
        """An article; ``?lang=en`` shows the comment section in English."""
        for article in ARTICLES:
            if article.slug == slug:
                others = [other for other in ARTICLES if other is not article]
                widget_language = lang if lang in ("de", "en") else ""
                return templates.get_template("article.html").render(
                    article=article, others=others, widget_language=widget_language
                )
        raise NotFound(f"no article {slug}", "slug")

    return app
