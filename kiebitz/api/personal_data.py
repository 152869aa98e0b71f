"""A commenter's own data requests: the form on the privacy page, and the page its mailed link opens.

Only a POST changes anything or hands data out: the link opens a page with a
button, as mail scanners follow links.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from kiebitz.api import schemas
from kiebitz.api.http import client_of, html_page
from kiebitz.api.schemas import BODY_ERRORS, answers
from kiebitz.api.subscriptions import PAGE
from kiebitz.notify.data_requests import DataRequests

WORDS: dict[str, dict[str, Any]] = {
    "de": {
        "sent": "Danke. Sind unter dieser Adresse Kommentare gespeichert, ist ein Link dorthin unterwegs; "
                "er gilt 24 Stunden. Kommt keine E-Mail, ist unter der Adresse nichts gespeichert.",
        "export": "Alle Kommentare, die unter {email} gespeichert sind, als Datei herunterladen?",
        "erase": "{comments} unter {email} endgültig löschen? Name, E-Mail, Website und Text verschwinden; "
                 "Antworten anderer bleiben stehen.",
        "erased": "Gelöscht: {comments} und {subscriptions}.",
        "comments": ("Kommentar", "Kommentare"), "subscriptions": ("Benachrichtigung", "Benachrichtigungen"),
        "button": {"export": "Herunterladen", "erase": "Endgültig löschen"},
    },
    "en": {
        "sent": "Thank you. If comments are stored under this address, a link is on its way to it; it works for "
                "24 hours. If no e-mail arrives, nothing is stored under the address.",
        "export": "Download every comment stored under {email} as a file?",
        "erase": "Erase {comments} stored under {email} for good? Name, e-mail, website and text are removed; "
                 "replies by others stay in place.",
        "erased": "Erased: {comments} and {subscriptions}.",
        "comments": ("comment", "comments"), "subscriptions": ("reply notification", "reply notifications"),
        "button": {"export": "Download", "erase": "Erase for good"},
    },
}


def router(requests: DataRequests, language: str, changed: Callable[[], None] = lambda: None) -> APIRouter:
    """``changed``: tell this process's thread cache that comments were erased (the change log tells the others)."""
    api = APIRouter(prefix="/privacy", tags=["privacy"])
    words = WORDS.get(language, WORDS["en"])

    def counted(count: int, noun: str) -> str:
        return f"{count} {words[noun][count != 1]}"

    def page(text: str, form: str = "") -> HTMLResponse:
        return html_page(PAGE.format(lang=language, text=text, form=form))

    @api.post("/request", summary="Ask for a link to one's own comment data, or to erase it, by e-mail",
              response_class=HTMLResponse, openapi_extra=schemas.DATA_REQUEST,
              responses=answers({200: {"description": "a page: a link was mailed if anything is stored"}},
                                *BODY_ERRORS, 404, 429))
    async def request_data(request: Request) -> HTMLResponse:
        form = await request.form()
        email, action = form.get("email"), form.get("action")
        await run_in_threadpool(requests.request, email if isinstance(email, str) else "",
                                action if isinstance(action, str) else "", client_of(request).ip)
        return page(words["sent"])

    @api.get("/confirm/{token}", summary="The page a mailed data link opens: what will happen, and a button",
             response_class=HTMLResponse, responses=answers({200: {"description": "the page"}}, 403))
    async def confirm_page(token: str) -> HTMLResponse:
        email, action = requests.read(token)
        count = await run_in_threadpool(requests.personal_data.count, email)
        action_url = html.escape(f"/privacy/confirm/{token}")
        button = f'<form method="post" action="{action_url}"><button>{words["button"][action]}</button></form>'
        return page(words[action].format(email=html.escape(email), comments=counted(count, "comments")), button)

    @api.post("/confirm/{token}", summary="Hand out one's comment data as JSON, or erase it",
              responses=answers({200: {"description": "the data as a JSON download, or a page saying what was erased",
                                       "content": {"application/json": {"schema": {"type": "object"}},
                                                   "text/html": {"schema": {"type": "string"}}}}}, *BODY_ERRORS, 403))
    async def confirm(token: str) -> Response:
        email, action = requests.read(token)
        if action == "export":
            data = await run_in_threadpool(requests.personal_data.export, email)
            return Response(json.dumps(data, ensure_ascii=False, indent=2), media_type="application/json",
                            headers={"Content-Disposition": 'attachment; filename="kommentare.json"'})
        comments, subscriptions = await run_in_threadpool(requests.personal_data.erase, email, "commenter (e-mail link)")
        changed()
        return page(words["erased"].format(comments=counted(comments, "comments"),
                                           subscriptions=counted(subscriptions, "subscriptions")))

    return api
