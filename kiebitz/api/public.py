"""The widget's JSON API: threads, posting, editing, votes, counts and preview."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from kiebitz.api import schemas
from kiebitz.api.http import (
    EDIT_COOKIE_PREFIX,
    PRIVATE,
    VARY,
    CommentId,
    client_of,
    edit_tokens,
    in_writer,
    int_param,
    json_body,
    json_response,
    public_headers,
    unchanged,
)
from kiebitz.api.schemas import BODY_ERRORS, answers
from kiebitz.errors import InvalidInput
from kiebitz.moderation import validation
from kiebitz.moderation.cache import Rendering, weak_etag
from kiebitz.moderation.comments import Client, CommentService, Posted
from kiebitz.moderation.site_origins import SiteOrigins
from kiebitz.spam import encoder
from kiebitz.spam.model import meaning_text


async def thread_rendering(service: CommentService, site: str, uri: str, sort: str, limit: int | None,
                           offset: int) -> Rendering:
    """From the cache on the event loop when it is there; rendered on a worker thread when not."""
    rendering = service.cached_thread(site, uri, sort, limit, offset)
    if rendering is None:
        rendering = await run_in_threadpool(service.thread_rendering, site, uri, sort, limit, offset)
    return rendering


def router(service: CommentService, origins: SiteOrigins) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["comments"])
    settings = service.settings

    def site_of(request: Request) -> str:
        named = request.query_params.get("site")
        return validation.site(named) if named else settings.site

    async def check_origin(request: Request, site: str | Callable[[], str | None]) -> None:
        await check_write_origin(origins, request, site)

    @api.get("/comments", summary="A page's published comments as a tree, with a form token", openapi_extra=schemas.THREAD_PAGE,
             responses=answers({200: (schemas.Thread, "the thread (empty for a page without comments)")}, 400))
    async def get_comments(request: Request) -> Response:
        uri = validation.uri(request.query_params.get("uri"))
        sort = request.query_params.get("sort", "oldest")
        limit = int_param(request, "limit", None, 1, 1000)
        offset = int_param(request, "offset", 0, 0, 1_000_000) or 0
        tokens = edit_tokens(request)
        site = site_of(request)
        if tokens:  # the reader's own comments are marked, held ones shown: for this reader alone
            body = await run_in_threadpool(service.thread_json, site, uri, sort, limit, offset, tokens)
            return Response(body, media_type="application/json", headers={"Cache-Control": PRIVATE, "Vary": VARY})
        rendering = await thread_rendering(service, site, uri, sort, limit, offset)
        headers = public_headers(rendering.etag)
        if unchanged(request.headers.get("if-none-match"), rendering.etag):
            return Response(status_code=304, headers=headers)
        return Response(service.with_form_token(site, uri, rendering.body), media_type="application/json", headers=headers)

    @api.post("/comments", status_code=201, summary="Post a comment: 201 published, 202 held", openapi_extra=schemas.NEW_COMMENT,
              responses=answers({201: {"model": schemas.Posted, "description": "published", "links": schemas.COMMENT_LINKS},
                                 202: {"model": schemas.Posted, "description": "held for moderation or spam",
                                       "links": schemas.COMMENT_LINKS}}, *BODY_ERRORS, 403, 409, 429))
    async def post_comment(request: Request) -> Response:
        payload = await json_body(request)
        uri, site = validation.uri(request.query_params.get("uri")), site_of(request)
        await check_origin(request, site)
        posted = await post_without_waiting_threads(service, site, uri, payload, client_of(request))
        document = service.public(posted.comment)
        document["status"] = posted.comment.status.value
        document["edit_token"] = posted.edit_token
        status = 201 if posted.comment.status.value == "published" else 202
        response = json_response(document, status)
        response.set_cookie(
            EDIT_COOKIE_PREFIX + str(posted.comment.id), posted.edit_token, max_age=int(settings.edit_window),
            path="/", httponly=True, **cookie_security(settings.public_url),
        )
        return response

    @api.patch("/comments/{comment_id}", summary="Edit one's own comment within the edit window", operation_id="edit_comment",
               openapi_extra=schemas.EDIT,
               responses=answers({200: (schemas.Comment, "the comment as edited")}, *BODY_ERRORS, 403, 404))
    async def edit_comment(comment_id: CommentId, request: Request) -> Response:
        payload = await json_body(request)
        await check_origin(request, lambda: service.store.site_of_comment(comment_id))
        token = edit_token_of(request, comment_id, payload, origins.trusted)
        comment = await in_writer(service.edit, comment_id, token, payload)
        return json_response(service.public(comment))

    @api.delete("/comments/{comment_id}", summary="Delete one's own comment within the edit window", operation_id="delete_comment",
                responses=answers({200: (schemas.Deleted, "deleted")}, *BODY_ERRORS, 403, 404))
    async def delete_comment(comment_id: CommentId, request: Request) -> Response:
        await check_origin(request, lambda: service.store.site_of_comment(comment_id))
        await in_writer(service.delete, comment_id, edit_token_of(request, comment_id, None, origins.trusted))
        response = json_response({"id": comment_id, "deleted": True})
        response.delete_cookie(EDIT_COOKIE_PREFIX + str(comment_id), path="/")
        return response

    @api.post("/comments/{comment_id}/vote", summary="Vote a comment up (1) or down (-1), once per voter", operation_id="vote",
              openapi_extra=schemas.VOTE,
              responses=answers({200: (schemas.Votes, "the comment's votes now")}, *BODY_ERRORS, 403, 404, 409))
    async def vote(comment_id: CommentId, request: Request) -> Response:
        payload = await json_body(request)
        await check_origin(request, lambda: service.store.site_of_comment(comment_id))
        result = await in_writer(service.vote, comment_id, payload, client_of(request).ip)
        return json_response(result)

    @api.post("/counts", summary="Published comment counts for many pages: [uri, ...] → {uri: n}",
              openapi_extra={"parameters": [schemas.SITE]} | schemas.PAGE_URIS,
              responses=answers({200: (schemas.Counts, "a count per uri")}, *BODY_ERRORS))
    async def counts(request: Request) -> Response:
        payload = await json_body(request)
        return json_response(await run_in_threadpool(service.counts, site_of(request), payload))

    @api.get("/counts", summary="Published comment counts: ?uri=a&uri=b → {uri: n}, cacheable", operation_id="counts_by_query",
             openapi_extra=schemas.PAGE_URIS_QUERY,
             responses=answers({200: (schemas.Counts, "a count per uri"), 304: {"description": "unchanged (If-None-Match)"}}, 400))
    async def counts_by_query(request: Request) -> Response:
        uris = request.query_params.getlist("uri")
        if not uris:
            raise InvalidInput("name at least one page: ?uri=/a&uri=/b", "uri")
        body = orjson.dumps(await run_in_threadpool(service.counts, site_of(request), uris))
        headers = public_headers(weak_etag(body))
        if unchanged(request.headers.get("if-none-match"), headers["ETag"]):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="application/json", headers=headers)

    @api.post("/preview", summary="Render comment text to the HTML it would show", openapi_extra=schemas.PREVIEW,
              responses=answers({200: (schemas.Preview, "the HTML")}, *BODY_ERRORS))
    async def preview(request: Request) -> Response:
        return json_response(service.preview(await json_body(request)))

    return api


async def check_write_origin(origins: SiteOrigins, request: Request, site: str | Callable[[], str | None]) -> None:
    """A write from a browser page: refused if the site (or the instance) does not allow that page."""
    origin, own = request.headers.get("origin"), own_origin(request)
    if origin is not None and origin != own and not origins.allows_without_reading(origin):
        await run_in_threadpool(origins.check_write, origin, own, site)


async def post_without_waiting_threads(service: CommentService, site: str, uri: str, payload: Any, client: Client) -> Posted:
    """CommentService.post in steps, so that no thread waits while the comment goes to disk.

    The writer thread judges the post and is free for the next one while the
    store's group commit writes it; the event loop awaits the commit.
    """
    arrived = time.time()  # the time to submit ends here, not when the writer thread gets to the post
    ip_hash = service.signer.ip_hash(client.ip)
    with service.in_flight(ip_hash) as alongside:
        checked = await in_writer(service.check_post, site, uri, payload, client, ip_hash, alongside, arrived)
        # Encoded here, batched with the other posts under way, rather than alone in the writer thread; only
        # after the cheap checks, so that a refused post costs no encoding, and only if the model will ask.
        vector = await encoder.vector_for(meaning_text(checked.draft)) if checked.reads_meaning else None
        prepared = await in_writer(service.judge_post, checked, vector)
        comment_id, thread_id = await asyncio.wrap_future(service.store.submit_comment(prepared.values, prepared.new_thread))
    return await in_writer(service.finish_post, prepared, comment_id, thread_id)  # type: ignore[no-any-return]


def edit_token_of(request: Request, comment_id: int, payload: object, trusted: Callable[[str], bool]) -> str | None:
    """The edit token a request carries: in its body or header, or in the cookie set when the comment was posted.

    The browser sends that cookie with every request, whichever page makes it, so it counts only from
    Kiebitz's own pages or an origin named in allowed_origins or by a site: with the default "*", another
    site's script could otherwise edit or delete a visitor's comment within the edit window.
    """
    if isinstance(payload, dict) and isinstance(payload.get("edit_token"), str):
        return payload["edit_token"]
    if header := request.headers.get("x-kiebitz-edit-token"):
        return header
    origin = request.headers.get("origin")
    if origin is not None and origin != own_origin(request) and not trusted(origin):
        return None
    return request.cookies.get(EDIT_COOKIE_PREFIX + str(comment_id))


def own_origin(request: Request) -> str:
    """The origin the request was sent to: Kiebitz's own pages (the admin, the demo) send it as Origin."""
    return f"{request.url.scheme}://{request.headers.get('host', '')}"


def cookie_security(public_url: str) -> dict[str, Any]:
    """Cross-site widgets need SameSite=None, which browsers allow only with Secure."""
    if public_url.startswith("https://"):
        return {"secure": True, "samesite": "none"}
    return {"secure": False, "samesite": "lax"}
