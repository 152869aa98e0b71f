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
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from kiebitz.api import schemas
from kiebitz.api.http import PUBLIC_CACHE, client_of, int_param, unchanged
from kiebitz.api.public import check_write_origin, own_origin, post_without_waiting_threads, thread_rendering
from kiebitz.api.schemas import answers, text
from kiebitz.domain import Status
from kiebitz.errors import InvalidInput, KiebitzError
from kiebitz.moderation import validation
from kiebitz.moderation.comments import CommentService
from kiebitz.moderation.site_origins import SiteOrigins

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
           "more": "{n} weitere Kommentare werden mit JavaScript angezeigt.",
           "heading": "Schreibe einen Kommentar", "email_note": "Deine E-Mail-Adresse wird nicht veröffentlicht.",
           "comment": "Kommentar", "name": "Name", "email": "E-Mail", "website": "Website", "submit": "Kommentar abschicken",
           "held_title": "Danke!", "held": "Dein Kommentar erscheint, sobald er freigegeben ist.",
           "refused_title": "Der Kommentar wurde nicht gespeichert", "field": "Feld „{field}“: {message}",
           "back": "Zurück zur Seite"},
    "en": {"one": "1 comment", "many": "{n} comments", "none": "No comments yet.", "anon": "Anonymous",
           "deleted": "This comment was deleted.", "edited": "edited", "staff": "Staff", "pinned": "Pinned",
           "closed": "Comments on this article are closed.",
           "more1": "1 more comment is shown with JavaScript.", "more": "{n} more comments are shown with JavaScript.",
           "heading": "Leave a comment", "email_note": "Your email address will not be published.",
           "comment": "Comment", "name": "Name", "email": "Email", "website": "Website", "submit": "Post comment",
           "held_title": "Thank you!", "held": "Your comment will appear once it has been approved.",
           "refused_title": "The comment was not saved", "field": "Field “{field}”: {message}",
           "back": "Back to the page"},
}

templates = Environment(loader=PackageLoader("kiebitz", "templates"), autoescape=select_autoescape(default=True),
                        trim_blocks=True, lstrip_blocks=True)


def written_date(iso_time: str, language: str) -> str:
    """"4. Dezember 2026, 09:12" / "December 4, 2026, 09:12" (UTC), the same for every reader and every cache."""
    moment = datetime.fromisoformat(iso_time.replace("Z", "+00:00"))
    month = MONTHS[language][moment.month - 1]
    day = f"{moment.day}. {month} {moment.year}" if language == "de" else f"{month} {moment.day}, {moment.year}"
    return f"{day}, {moment:%H:%M}"


FORM_FIELDS = ("text", "author", "email", "website", "homepage", "form_token")


def render_thread(document: dict[str, Any], language: str, offset: int, form: dict[str, Any] | None = None) -> str:
    words = WORDS[language]
    total = document["total"]
    hidden = document["top_level"] - offset - len(document["comments"])
    return templates.get_template("fragment/thread.html").render(
        thread=document, words=words, language=language, date=lambda value: written_date(value, language), form=form,
        count=words["one"] if total == 1 else words["many"].format(n=total),
        more="" if hidden <= 0 else words["more1"] if hidden == 1 else words["more"].format(n=hidden),
    )


def answer_page(language: str, status: int, title: str, message: str, back: str | None, error: bool = False) -> HTMLResponse:
    """What a reader without JavaScript sees after posting: thanks, or what to correct, and the way back."""
    html = templates.get_template("fragment/answer.html").render(
        language=language, title=title, message=message, back=back, back_label=WORDS[language]["back"], error=error)
    return HTMLResponse(html, status_code=status)


def with_html_pages(responses: dict[int | str, dict[str, Any]]) -> dict[int | str, dict[str, Any]]:
    """Errors as ErrorBody JSON, and as an HTML page for a browser that asks for one (Accept: text/html)."""
    for status, response in responses.items():
        if str(status).startswith("4"):
            response["content"]["text/html"] = {"schema": {"type": "string"}}
    return responses


def return_address(request: Request, uri: str) -> str | None:
    """The page the form was on, if it is on the origin the write was allowed from.

    Browsers send a cross-origin Referer as the bare origin (strict-origin-when-cross-origin);
    then the page is that origin and the thread's uri, which is the page's path by convention.
    """
    referer = request.headers.get("referer", "").split("#", 1)[0]
    origin = request.headers.get("origin")
    for page_origin in {own_origin(request)} | ({origin} if origin else set()):
        if referer.startswith(page_origin + "/") and referer != page_origin + "/":
            return referer
        if referer in (page_origin, page_origin + "/") and uri.startswith("/"):
            return page_origin + uri
    return None


def with_query(address: str, name: str, value: object, anchor: str) -> str:
    """``address`` with ``name=value`` added to its query (a cache in front then serves the page fresh) and an anchor."""
    return f"{address}{'&' if '?' in address else '?'}{name}={value}#{anchor}"


def router(service: CommentService, origins: SiteOrigins) -> APIRouter:
    api = APIRouter(prefix="/html", tags=["html"])

    def language_of(request: Request) -> str:
        language = request.query_params.get("lang", service.settings.language)
        if language not in LANGUAGES:
            raise InvalidInput("lang must be de or en", "lang")
        return language

    def site_of(request: Request) -> str:
        named = request.query_params.get("site")
        return validation.site(named) if named else service.settings.site

    @api.get("/thread", summary="A page's published thread as an HTML fragment (schema.org Comment), cacheable",
             response_class=HTMLResponse, openapi_extra=schemas.THREAD_FRAGMENT,
             responses=answers({200: text("the fragment", "text/html"), 304: {"description": "unchanged (If-None-Match)"}}, 400))
    async def thread_fragment(request: Request) -> Response:
        uri, site, language = validation.uri(request.query_params.get("uri")), site_of(request), language_of(request)
        sort = request.query_params.get("sort", "oldest")
        limit = int_param(request, "limit", PAGE, 1, 1000) or PAGE
        offset = int_param(request, "offset", 0, 0, 1_000_000) or 0
        rendering = await thread_rendering(service, site, uri, sort, limit, offset)
        base = service.settings.public_url.rstrip("/") or str(request.base_url).rstrip("/")
        # the page's data, its language and the form's address make the fragment; a cached copy's older token
        # stays valid for days, so the token is left out of the tag
        etag = 'W/"' + hashlib.sha256(f"{rendering.etag} {language} {base}".encode()).hexdigest()[:20] + '"'
        headers = {"ETag": etag, "Cache-Control": PUBLIC_CACHE, "Access-Control-Allow-Origin": "*"}
        if unchanged(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        document = orjson.loads(rendering.body)
        form = None
        if not document["closed"]:
            form = {"action": f"{base}/html/comment?{urlencode({'uri': uri, 'site': site, 'lang': language})}",
                    "token": service.signer.form_token(site, uri), "require_name": document.get("require_name", True),
                    "require_email": document.get("require_email", True)}
        html = render_thread(document, language, offset, form)
        return Response(html.encode(), media_type="text/html; charset=utf-8", headers=headers)

    @api.post("/comment", summary="Post a comment from the plain HTML form: 303 back to the page, or a page saying why not",
              response_class=HTMLResponse, openapi_extra=schemas.FORM_COMMENT,
              responses=with_html_pages(answers({
                  303: {"description": "posted: back to the page, at the comment or at the note that it waits"},
                  202: text("held, and no page to go back to: a page saying so", "text/html")}, 400, 403, 413, 429)))
    async def post_from_form(request: Request) -> Response:
        language = request.query_params.get("lang", service.settings.language)
        language = language if language in LANGUAGES else service.settings.language
        words, back = WORDS[language], None
        try:
            uri, site = validation.uri(request.query_params.get("uri")), site_of(request)
            back = return_address(request, uri)
            form = await request.form()
            payload = {name: value for name in FORM_FIELDS if isinstance(value := form.get(name), str) and value}
            await check_write_origin(origins, request, site)
            posted = await post_without_waiting_threads(service, site, uri, payload, client_of(request))
        except KiebitzError as error:
            if "text/html" not in request.headers.get("accept", ""):
                raise  # a program gets the JSON error every endpoint gives; a browser, a page it can show
            message = words["field"].format(field=error.field, message=error.message) if error.field else error.message
            return answer_page(language, error.status, words["refused_title"], message, back, error=True)
        comment_id = posted.comment.id
        if posted.comment.status == Status.PUBLISHED and back:
            return RedirectResponse(with_query(back, "kiebitz_comment", comment_id, f"kiebitz-comment-{comment_id}"), 303)
        if back:
            return RedirectResponse(with_query(back, "kiebitz_held", 1, "kiebitz-thread"), 303)
        return answer_page(language, 202, words["held_title"], words["held"], None)

    return api
