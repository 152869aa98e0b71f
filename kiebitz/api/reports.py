"""Readers' reports of comments (JSON, from the widget) and the page an author's objection link opens.

The objection page is plain HTML with one form, no script: the link arrives by
mail, and a mail scanner that follows it changes nothing (only the POST does).
"""

from __future__ import annotations

import html

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from kiebitz.api import schemas
from kiebitz.api.http import CommentId, client_of, html_page, in_writer, json_body, json_response
from kiebitz.api.public import check_write_origin
from kiebitz.api.schemas import BODY_ERRORS, answers
from kiebitz.api.subscriptions import PAGE
from kiebitz.moderation.reports import ReaderReports
from kiebitz.moderation.site_origins import SiteOrigins

WORDS = {
    "de": {"ask": "Dein Kommentar wurde entfernt:", "why": "Warum ist die Entscheidung falsch?",
           "send": "Widerspruch einlegen", "sent": "Danke. Eine Person aus der Moderation prüft die Entscheidung "
           "erneut; du bekommst das Ergebnis per E-Mail."},
    "en": {"ask": "Your comment was removed:", "why": "Why is the decision wrong?", "send": "Object",
           "sent": "Thank you. A moderator will review the decision again; the outcome reaches you by e-mail."},
}


def router(reports: ReaderReports, origins: SiteOrigins, language: str) -> APIRouter:
    api = APIRouter(tags=["reports"])
    words = WORDS.get(language, WORDS["en"])
    store = reports.store

    @api.post("/api/comments/{comment_id}/reports", status_code=201, operation_id="report_comment",
              summary="Report a published comment to the moderators (DSA Art. 16 notice)", openapi_extra=schemas.REPORT,
              responses=answers({201: (schemas.ReportReceived, "the notice is kept")}, *BODY_ERRORS, 403, 404, 409, 429))
    async def report_comment(comment_id: CommentId, request: Request) -> Response:
        payload = await json_body(request)
        await check_write_origin(origins, request, lambda: store.site_of_comment(comment_id))
        received = await in_writer(reports.report, comment_id, payload, client_of(request))
        return json_response(received, 201)

    def page(text: str, form: str = "") -> HTMLResponse:
        return html_page(PAGE.format(lang=language, text=text, form=form))

    @api.get("/objection/{token}", include_in_schema=False)
    async def objection_page(token: str) -> HTMLResponse:
        comment = await run_in_threadpool(reports.objection_comment, token)
        form = (f'<blockquote>{html.escape(comment.text)}</blockquote>'
                f'<form method="post" action="/objection/{html.escape(token)}"><p><label for="why">{words["why"]}</label><br>'
                '<textarea id="why" name="explanation" rows="6" cols="50" required minlength="10"></textarea></p>'
                f'<p><button>{words["send"]}</button></p></form>')
        return page(words["ask"], form)

    @api.post("/objection/{token}", include_in_schema=False)
    async def objection(token: str, request: Request) -> HTMLResponse:
        form = await request.form()
        await run_in_threadpool(reports.object, token, form.get("explanation"))
        return page(words["sent"])

    return api
