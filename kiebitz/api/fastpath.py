"""The hot path: a cached thread answered before the web framework is entered.

A news page's comment section is read far more often than written. When the
thread is in the cache and the request is plain (no edit cookie, valid
parameters), this ASGI middleware answers with the ready bytes; anything else,
including every error, goes on to the full FastAPI route, which gives the same
answer more slowly.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from kiebitz.api.http import EDIT_COOKIE_PREFIX, public_headers, unchanged
from kiebitz.moderation.comments import SORTS, CommentService
from kiebitz.moderation.site_origins import SiteOrigins
from kiebitz.moderation.validation import PAGE_ADDRESS, SITE_NAME, URI_MAX

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]
JSON_HEADERS = [(b"content-type", b"application/json")]


class ThreadFastPath:
    def __init__(self, app: ASGIApp, service: CommentService, origins: SiteOrigins) -> None:
        self.app = app
        self.service = service
        self.origins = origins

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == "/api/comments":
            answer = self.cached(scope)
            if answer is not None:
                status, body, headers = answer
                await send({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    def cached(self, scope: Scope) -> tuple[int, bytes, list[tuple[bytes, bytes]]] | None:
        origin = if_none_match = None
        for name, value in scope["headers"]:
            if name == b"cookie" and EDIT_COOKIE_PREFIX.encode() in value:
                return None  # the reader's own comments: full path
            if name == b"origin":
                origin = value
            elif name == b"if-none-match":
                if_none_match = value.decode("latin-1")
        query = parse_query(scope.get("query_string", b""))
        if query is None:
            return None
        site, uri, sort, limit, offset = query
        site = site or self.service.settings.site
        rendering = self.service.cached_thread(site, uri, sort, limit, offset)
        if rendering is None:
            return None
        headers = [(name.lower().encode(), value.encode()) for name, value in public_headers(rendering.etag).items()]
        if origin is not None and self.origins.known(origin.decode("latin-1")):
            headers += [(b"access-control-allow-origin", origin), (b"access-control-allow-credentials", b"true")]
        if unchanged(if_none_match, rendering.etag):
            return 304, b"", headers
        body = self.service.with_form_token(site, uri, rendering.body)
        return 200, body, JSON_HEADERS + [(b"content-length", str(len(body)).encode())] + headers


def parse_query(raw: bytes) -> tuple[str, str, str, int | None, int] | None:
    """The parameters if they are all plainly valid, else None (the full route will explain)."""
    try:
        params = dict(parse_qsl(raw.decode("utf-8"), strict_parsing=False))
        uri = params.get("uri", "").strip()
        sort = params.get("sort", "oldest")
        limit = int(params["limit"]) if params.get("limit") else None
        offset = int(params["offset"]) if params.get("offset") else 0
    except (UnicodeDecodeError, ValueError):
        return None
    if not uri or len(uri) > URI_MAX or not uri.isprintable() or not PAGE_ADDRESS.match(uri) or sort not in SORTS:
        return None
    if params.get("site") and not SITE_NAME.match(params["site"]):
        return None
    if (limit is not None and not 1 <= limit <= 1000) or not 0 <= offset <= 1_000_000:
        return None
    return params.get("site", ""), uri, sort, limit, offset
