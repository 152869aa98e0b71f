"""Small helpers every HTTP module shares: JSON in and out, client facts, errors."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any

import orjson
from fastapi import Path, Request
from fastapi.responses import HTMLResponse, Response

from kiebitz.errors import InvalidInput
from kiebitz.moderation.comments import Client
from kiebitz.moderation.validation import ID_MAX

EDIT_COOKIE_PREFIX = "kiebitz-"
# A comment's id in a URL path; out of range is a 400 naming comment_id, never a query SQLite cannot run.
CommentId = Annotated[int, Path(ge=1, le=ID_MAX)]
WRITER_THREADS = 2  # why two: see _WRITERS

# The public API's writes run on their own threads, apart from the shared pool that
# reads use. Judging a post is CPU work that only contends for the GIL beside more
# threads, and no thread waits for the disk (store.group_commit answers a future
# the event loop awaits), so few are enough. Two posted more than one (553 vs 432/s)
# and as fast as thirty-two threads each waiting for its own post, with which
# readers got 40 % fewer answers while comments were being posted.
_WRITERS = ThreadPoolExecutor(max_workers=WRITER_THREADS, thread_name_prefix="kiebitz-writer")


async def in_writer(function: Callable[..., Any], *args: Any) -> Any:
    """Run a write of the public API on one of this process's writer threads."""
    return await asyncio.get_running_loop().run_in_executor(_WRITERS, function, *args)


def json_response(document: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(document), status_code=status, media_type="application/json", headers=headers)


# Kiebitz's own HTML pages (the admin, the privacy notice, the pages mailed links open) run no
# script at all and are never shown in a frame, so that neither a flaw in the comment sanitiser nor
# a page framing the admin's buttons (clickjacking) can act for a moderator.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # the admin's addresses stay with the admin when a moderator follows a link
}


# nginx or a CDN may keep a public answer this long (docs/nginx.md): a reader sees a new comment within
# two seconds, and a hot thread costs Kiebitz one request per two seconds and cache, however many read it.
CACHE_SECONDS = 2
PUBLIC_CACHE = f"public, max-age=0, s-maxage={CACHE_SECONDS}"  # browsers ask again each time (304), caches keep it
PRIVATE = "private, no-store"  # an answer carrying the reader's own held comments: for this reader only
VARY = "Origin, Cookie"  # the edit cookie turns a public answer into a private one


def public_headers(etag: str) -> dict[str, str]:
    return {"ETag": etag, "Cache-Control": PUBLIC_CACHE, "Vary": VARY}


def unchanged(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match names this ETag (weak comparison, RFC 9110 13.1.2): answer 304."""
    if not if_none_match:
        return False
    strip = etag.removeprefix("W/")
    return any(tag.strip() == "*" or tag.strip().removeprefix("W/") == strip for tag in if_none_match.split(","))


def html_page(content: str) -> HTMLResponse:
    return HTMLResponse(content, headers=PAGE_HEADERS)


async def json_body(request: Request) -> Any:
    raw = await request.body()
    if len(raw) > 100_000:
        raise InvalidInput("the request body is too large: at most 100 KB", None)
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise InvalidInput("the request body is not valid JSON", None) from None


def client_of(request: Request) -> Client:
    return Client(
        ip=request.client.host if request.client else "",
        user_agent=request.headers.get("user-agent", ""),
        referrer=request.headers.get("referer", ""),
        language=request.headers.get("accept-language", "")[:50],
    )


def int_param(request: Request, name: str, default: int | None, minimum: int = 0, maximum: int = 10_000) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number", name) from None
    if not minimum <= value <= maximum:
        raise InvalidInput(f"{name} must be between {minimum} and {maximum}", name)
    return value


def edit_tokens(request: Request) -> list[str]:
    return [value for name, value in request.cookies.items() if name.startswith(EDIT_COOKIE_PREFIX)]
