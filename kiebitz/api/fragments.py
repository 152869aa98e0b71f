"""A page's published thread as an HTML fragment, for readers without JavaScript and for search engines.

A site includes it server-side (the WordPress plugin, a static site generator,
nginx SSI) inside its `#kiebitz-thread` section; the widget, when it loads,
puts itself in the fragment's place in one step. The markup and classes are the
widget's, the comment HTML is the same sanitised HTML, and each comment carries
schema.org `Comment` microdata (author, date, text, votes) for search engines.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from kiebitz.api import schemas
from kiebitz.api.http import int_param
from kiebitz.api.schemas import answers, text
from kiebitz.errors import InvalidInput
from kiebitz.moderation import validation
from kiebitz.moderation.comments import CommentService

# Long enough for a proxy or CDN to absorb a rush on a hot article, short enough that a new comment shows at once.
CACHE_SECONDS = 2
PAGE = 50
LANGUAGES = ("de", "en")
MONTHS = {
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
}
WORDS = {
    "de": {"one": "1 Kommentar", "many": "{n} Kommentare", "none": "Noch keine Kommentare.", "anon": "Anonym",
           "deleted": "Dieser Kommentar wurde gelöscht.", "edited": "bearbeitet", "staff": "Redaktion", "pinned": "Angeheftet",
           "closed": "Die Kommentare zu diesem Artikel sind geschlossen.",
           "more1": "1 weiterer Kommentar wird mit JavaScript angezeigt.",
           "more": "{n} weitere Kommentare werden mit JavaScript angezeigt."},
    "en": {"one": "1 comment", "many": "{n} comments", "none": "No comments yet.", "anon": "Anonymous",
           "deleted": "This comment was deleted.", "edited": "edited", "staff": "Staff", "pinned": "Pinned",
           "closed": "Comments on this article are closed.",
           "more1": "1 more comment is shown with JavaScript.", "more": "{n} more comments are shown with JavaScript."},
}

templates = Environment(loader=PackageLoader("kiebitz", "templates"), autoescape=select_autoescape(default=True),
                        trim_blocks=True, lstrip_blocks=True)


def written_date(iso_time: str, language: str) -> str:
    """"4. Dezember 2026, 09:12" / "December 4, 2026, 09:12" (UTC), the same for every reader and every cache."""
    moment = datetime.fromisoformat(iso_time.replace("Z", "+00:00"))
    month = MONTHS[language][moment.month - 1]
    day = f"{moment.day}. {month} {moment.year}" if language == "de" else f"{month} {moment.day}, {moment.year}"
    return f"{day}, {moment:%H:%M}"


def render_thread(document: dict[str, Any], language: str, offset: int) -> str:
    words = WORDS[language]
    total = document["total"]
    hidden = document["top_level"] - offset - len(document["comments"])
    return templates.get_template("fragment/thread.html").render(
        thread=document, words=words, language=language, date=lambda value: written_date(value, language),
        count=words["one"] if total == 1 else words["many"].format(n=total),
        more="" if hidden <= 0 else words["more1"] if hidden == 1 else words["more"].format(n=hidden),
    )


def router(service: CommentService) -> APIRouter:
    api = APIRouter(prefix="/html", tags=["html"])

    @api.get("/thread", summary="A page's published thread as an HTML fragment (schema.org Comment), cacheable",
             response_class=HTMLResponse, openapi_extra=schemas.THREAD_FRAGMENT,
             responses=answers({200: text("the fragment", "text/html"), 304: {"description": "unchanged (If-None-Match)"}}, 400))
    async def thread_fragment(request: Request) -> Response:
        uri = validation.uri(request.query_params.get("uri"))
        named_site = request.query_params.get("site")
        site = validation.site(named_site) if named_site else service.settings.site
        sort = request.query_params.get("sort", "oldest")
        language = request.query_params.get("lang", service.settings.language)
        if language not in LANGUAGES:
            raise InvalidInput("lang must be de or en", "lang")
        limit = int_param(request, "limit", PAGE, 1, 1000) or PAGE
        offset = int_param(request, "offset", 0, 0, 1_000_000) or 0
        body = service.cached_thread_json(site, uri, sort, limit, offset)
        if body is None:
            body = await run_in_threadpool(service.thread_json, site, uri, sort, limit, offset, [])
        html = render_thread(orjson.loads(body), language, offset).encode()
        etag = '"' + hashlib.sha256(html).hexdigest()[:20] + '"'
        headers = {"ETag": etag, "Cache-Control": f"public, max-age={CACHE_SECONDS}", "Access-Control-Allow-Origin": "*"}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(html, media_type="text/html; charset=utf-8", headers=headers)

    return api
