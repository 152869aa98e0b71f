"""Confirming and ending reply notifications: a page with a button (GET), the change (POST).

Mail scanners follow links; only the POST changes anything. The unsubscribe
POST also answers RFC 8058 one-click requests from mail programs.
"""

from __future__ import annotations

import html

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from kiebitz.api.http import html_page
from kiebitz.notify.replies import Replies

PAGE = """<!doctype html><html lang="{lang}"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Kiebitz</title><body style="font:17px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem">
<p>{text}</p>{form}</body></html>"""
WORDS = {
    "de": {"confirm": "Benachrichtigung über Antworten bestätigen?", "confirmed": "Bestätigt: Du bekommst Antworten per E-Mail.",
           "unsubscribe": "Keine Benachrichtigungen mehr zu diesem Kommentar?", "unsubscribed": "Abgemeldet.", "button": "Ja"},
    "en": {"confirm": "Confirm notifications of replies?", "confirmed": "Confirmed: replies will reach you by e-mail.",
           "unsubscribe": "No more notifications for this comment?", "unsubscribed": "Unsubscribed.", "button": "Yes"},
}


def router(replies: Replies, language: str) -> APIRouter:
    api = APIRouter(prefix="/api/subscriptions", include_in_schema=False)
    words = WORDS.get(language, WORDS["en"])

    def page(text: str, action: str = "") -> HTMLResponse:
        button = f'<form method="post" action="{html.escape(action)}"><button>{words["button"]}</button></form>'
        return html_page(PAGE.format(lang=language, text=text, form=button if action else ""))

    # The pages check the link before showing its button: a forged one is told so at once, and
    # nothing from an unchecked URL reaches the page (a token is only letters, digits and "._-").
    @api.get("/confirm/{token}")
    async def confirm_page(token: str) -> HTMLResponse:
        replies.confirmation_of(token)
        return page(words["confirm"], f"/api/subscriptions/confirm/{token}")

    @api.post("/confirm/{token}")
    async def confirm(token: str) -> HTMLResponse:
        await run_in_threadpool(replies.confirm, token)
        return page(words["confirmed"])

    @api.get("/unsubscribe/{token}")
    async def unsubscribe_page(token: str) -> HTMLResponse:
        replies.unsubscription_of(token)
        return page(words["unsubscribe"], f"/api/subscriptions/unsubscribe/{token}")

    @api.post("/unsubscribe/{token}")
    async def unsubscribe(token: str) -> HTMLResponse:
        await run_in_threadpool(replies.unsubscribe, token)
        return page(words["unsubscribed"])

    return api
