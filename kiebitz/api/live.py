"""GET /api/live: a thread's newly published comments as Server-Sent Events, for as long as the page is open.

One connection per reader and page, through the same origin rule as writes
(a site that names its origins gets streams only from its own pages); at most
``live_streams_per_ip`` per reader's address and worker, since each holds a
connection. An event ``comments`` carries ``{"comments": [...], "total": n}``
in the shape of GET /api/comments; a comment held for moderation appears when
it is approved. sse-starlette sends a ping every 20 s, so proxies keep the
connection, and ends the streams when the server shuts down.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
from fastapi import APIRouter, Request
from sse_starlette.sse import EventSourceResponse

from kiebitz.api.http import client_of
from kiebitz.api.public import check_write_origin
from kiebitz.api.schemas import answers
from kiebitz.config import Settings
from kiebitz.errors import NotFound, TooManyRequests
from kiebitz.moderation import validation
from kiebitz.moderation.live import LiveThreads
from kiebitz.moderation.site_origins import SiteOrigins

# Each event of the stream, as schemathesis (tests/api/test_openapi.py) reads them: "ready" first, then
# "comments" with {"comments": [...], "total": n} as JSON in its data; a ping is a comment line.
EVENTS = {"description": "events: ready, then comments as {\"comments\": [...], \"total\": n}", "content": {
    "text/event-stream": {"schema": {"type": "object", "required": ["data"], "properties": {
        "event": {"enum": ["ready", "comments"]}, "data": {"type": "string"}, "retry": {"type": "integer"},
        "id": {"type": "string"}}}}}}
PING_SECONDS = 20
RETRY_MILLISECONDS = 5000  # how long a browser waits before it connects again after a dropped stream


def router(live: LiveThreads, settings: Settings, origins: SiteOrigins) -> APIRouter:
    api = APIRouter(tags=["comments"])

    @api.get("/api/live", summary="New published comments of a page as they appear (Server-Sent Events)",
             response_class=EventSourceResponse, openapi_extra={"parameters": [
                 {"name": "uri", "in": "query", "required": True, "schema": {"type": "string"}},
                 {"name": "site", "in": "query", "required": False, "schema": {"type": "string"}}]},
             responses=answers({200: EVENTS}, 400, 403, 404, 429))
    async def stream(request: Request) -> EventSourceResponse:
        uri = validation.uri(request.query_params.get("uri"))
        named = request.query_params.get("site")
        site = validation.site(named) if named else settings.site
        await check_write_origin(origins, request, site)
        allowed, ip = int(settings.live_streams_per_ip), client_of(request).ip
        if not allowed:
            raise NotFound("live threads are turned off here (live_streams_per_ip = 0)", "uri")
        if live.open_from(ip) >= allowed:
            raise TooManyRequests(f"at most {allowed} live streams from one address", "uri")
        opened = await live.subscribe(site, uri, ip)

        async def events() -> AsyncIterator[dict[str, Any]]:
            try:
                yield {"event": "ready", "data": "{}", "retry": RETRY_MILLISECONDS}
                while not opened.closed:
                    news = await opened.queue.get()
                    yield {"event": "comments", "data": orjson.dumps(news).decode()}
            finally:
                live.unsubscribe(site, uri, opened)

        return EventSourceResponse(events(), ping=PING_SECONDS,
                                   headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    return api
