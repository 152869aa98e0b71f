"""Atom feeds of published comments, per site and per thread. No e-mail, ever."""

from __future__ import annotations

import re
from xml.sax import saxutils

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from kiebitz.api import schemas
from kiebitz.api.schemas import answers, text
from kiebitz.domain import Comment
from kiebitz.moderation import validation
from kiebitz.moderation.comments import CommentService, iso

ATOM = "application/atom+xml; charset=utf-8"


class AtomResponse(Response):
    media_type = "application/atom+xml"
# What XML 1.0 forbids and an import or an older release may have stored: never written into a feed.
NOT_XML = re.compile(f"{validation.CONTROL_CHARACTERS.pattern}|{validation.NONCHARACTERS.pattern}")


def escape(value: str) -> str:
    return saxutils.escape(NOT_XML.sub("", value))


def quoteattr(value: str) -> str:
    return saxutils.quoteattr(NOT_XML.sub("", value))


def router(service: CommentService) -> APIRouter:
    api = APIRouter(prefix="/feeds", tags=["feeds"])
    public_url = service.settings.public_url.rstrip("/")

    def render(site: str, thread_uri: str | None) -> bytes:
        site_id = service.store.existing_site_id(site)
        thread_id = None
        if thread_uri is not None:
            thread = service.store.find_thread(site_id, thread_uri)
            if thread is None:
                return atom(f"{public_url}/feeds/{site}/thread.atom?uri={thread_uri}", f"Kommentare: {thread_uri}", [], public_url)
            thread_id = thread.id
        entries = service.store.recent_comments(site_id, thread_id)
        if thread_uri is None:
            return atom(f"{public_url}/feeds/{site}/comments.atom", f"Kommentare ({site})", entries, public_url)
        title = entries[0][2] if entries and entries[0][2] else thread_uri
        return atom(f"{public_url}/feeds/{site}/thread.atom?uri={thread_uri}", f"Kommentare: {title}", entries, public_url)

    @api.get("/{site}/comments.atom", summary="The newest published comments of a site", response_class=AtomResponse,
             responses=answers({200: text("an Atom feed of the newest 50", AtomResponse.media_type)}, 400))
    async def site_feed(site: str) -> Response:
        return Response(await run_in_threadpool(render, validation.site(site), None), media_type=ATOM)

    @api.get("/{site}/thread.atom", summary="The newest published comments of one page", response_class=AtomResponse,
             openapi_extra={"parameters": [schemas.PAGE_URI]},
             responses=answers({200: text("an Atom feed of the page's newest 50", AtomResponse.media_type)}, 400))
    async def thread_feed(site: str, request: Request) -> Response:
        uri = validation.uri(request.query_params.get("uri"))
        return Response(await run_in_threadpool(render, validation.site(site), uri), media_type=ATOM)

    return api


def atom(feed_id: str, title: str, entries: list[tuple[Comment, str, str]], public_url: str) -> bytes:
    updated = iso(max((c.modified or c.created for c, _, _ in entries), default=0.0))
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<id>{escape(feed_id)}</id>",
        f"<title>{escape(title)}</title>",
        f"<updated>{updated}</updated>",
        f"<link rel=\"self\" href={quoteattr(feed_id)}/>",
        "<generator>Kiebitz</generator>",
    ]
    for comment, uri, thread_title in entries:
        link = f"{public_url}{uri}#kiebitz-comment-{comment.id}" if uri.startswith("/") else f"{uri}#kiebitz-comment-{comment.id}"
        parts += [
            "<entry>",
            f"<id>{escape(link)}</id>",
            f"<title>{escape(comment.author or 'Anonym')} zu {escape(thread_title or uri)}</title>",
            f"<author><name>{escape(comment.author or 'Anonym')}</name></author>",
            f"<updated>{iso(comment.modified or comment.created)}</updated>",
            f"<published>{iso(comment.created)}</published>",
            f"<link href={quoteattr(link)}/>",
            f"<content type=\"html\">{escape(comment.html)}</content>",
            "</entry>",
        ]
    parts.append("</feed>")
    return "\n".join(parts).encode("utf-8")
