"""Akismet's wire protocol, byte for byte: plain-text bodies, no trailing newline,
status 200 even for logical errors, and the X-akismet-* headers clients read.

The key may come as ``api_key``, as ``key``, or as the first label of the Host
(``{key}.akismet.example.org``), as rakismet and akismet-api send it.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from kiebitz.api import schemas
from kiebitz.api.schemas import plain_text_errors
from kiebitz.errors import KiebitzError
from kiebitz.moderation import validation
from kiebitz.moderation.akismet import SITE_URL_MAX, AkismetService, month_now, why

log = logging.getLogger("kiebitz.akismet")
THANKS = "Thanks for making the web a better place."
HOST_KEY = re.compile(r"^([a-z0-9]{12})\.")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
COMMENT_FIELDS = {
    "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
        name: {"type": "string"} for name in (
            "api_key", "blog", "user_ip", "user_agent", "referrer", "permalink", "comment_type", "comment_author",
            "comment_author_email", "comment_author_url", "comment_content", "comment_date_gmt",
            "comment_post_modified_gmt", "comment_parent", "blog_lang", "blog_charset", "user_role", "is_test",
            "recheck_reason", "honeypot_field_name", "comment_context",
            "kiebitz_can_hold")}, "required": ["api_key", "blog", "user_ip"]}}}},
}


VERIFY_FIELDS = schemas.form_body({"key": {"type": "string"}, "blog": {"type": "string"}}, ["key", "blog"])
STATS_FIELDS = schemas.form_body({"key": {"type": "string"}, "blog": {"type": "string"},
                                  "from": {"enum": ["all", "6-months"]}}, ["key", "blog"])


def json_or_text(model: type[BaseModel] | None, description: str) -> dict[str, Any]:
    schema = model.model_json_schema() if model is not None else {"type": "object"}
    return {"description": description,
            "content": {"application/json": {"schema": schema}, "text/plain": {"schema": {"type": "string"}}}}


def text(body: str, headers: dict[str, str] | None = None, status: int = 200) -> Response:
    return Response(body.encode("utf-8"), status_code=status, media_type="text/plain", headers=headers)


class AkismetRoute(APIRoute):
    """A route whose errors, too, answer in Akismet's plain text, never in our JSON.

    Akismet clients read the body as text and the reason from X-akismet-debug-help;
    a JSON body would be taken for an answer they do not know.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def plain_text_errors(request: Request) -> Response:
            try:
                return await handler(request)
            except KiebitzError as error:
                return text(error.message, {"X-akismet-debug-help": error.message}, error.status)
            except ClientDisconnect:
                log.info("the client closed the connection before its request to %s had arrived", request.url.path)
                return text("", status=400)
            except Exception:
                log.exception("unexpected error in %s", request.url.path)
                return text("internal error", {"X-akismet-debug-help": "Kiebitz failed on this request; see its log."}, 500)

        return plain_text_errors


async def fields_of(request: Request) -> dict[str, str]:
    """Form fields (and query parameters); a body that is no form reads as empty, never a 5xx."""
    fields = {key: validation.plain(value) for key, value in request.query_params.items()}
    if request.method == "POST":
        try:
            form = await request.form()
        except (KiebitzError, ClientDisconnect):  # a body too large or too slow (api.limits), or a client gone
            raise
        except Exception:  # malformed multipart or encoding: treat as no fields
            form = None
        if form is not None:
            for name, value in form.multi_items():
                if isinstance(value, str):
                    fields[name] = validation.plain(value)  # never stored or looked up with a control character
    return fields


def key_of(request: Request, fields: dict[str, str]) -> str:
    key = fields.get("api_key") or fields.get("key") or ""
    if not key:
        match = HOST_KEY.match(request.headers.get("host", "").lower())
        key = match.group(1) if match else ""
    return key.strip()


def router(service: AkismetService) -> APIRouter:
    api = APIRouter(tags=["akismet"], route_class=AkismetRoute, default_response_class=PlainTextResponse)
    errors = plain_text_errors(408, 413)

    def invalid(help_text: str) -> Response:
        return text("invalid", {"X-akismet-debug-help": help_text})

    def missing(name: str) -> Response:
        return text(f"Missing required field: {name}.", {"X-akismet-debug-help": f"Missing required field: {name}."})

    async def valid_key(request: Request) -> tuple[str, dict[str, str], Response | None]:
        """The request's fields and key, or the answer for a missing or invalid key."""
        fields = await fields_of(request)
        key = key_of(request, fields)
        if not key:
            return key, fields, missing("api_key")
        if not await run_in_threadpool(service.is_valid, key):
            return key, fields, invalid("The API key is not valid or has been revoked.")
        return key, fields, None

    async def authorised(request: Request) -> tuple[str, dict[str, str], Response | None]:
        key, fields, error = await valid_key(request)
        if error is not None:
            return key, fields, error
        for name in ("blog", "user_ip"):
            if not fields.get(name, "").strip():
                return key, fields, missing(name)
        if len(fields["blog"]) > SITE_URL_MAX:  # the statistics are kept per blog, in a column this long
            return key, fields, invalid(f"The blog value is longer than {SITE_URL_MAX} characters.")
        return key, fields, None

    @api.post("/1.1/verify-key", summary="Akismet: is this key valid?", openapi_extra=VERIFY_FIELDS,
              responses={200: schemas.text("valid, or invalid with the reason in X-akismet-debug-help"), **errors})
    async def verify_key(request: Request) -> Response:
        fields = await fields_of(request)
        # The key to verify is `key`: the WordPress plugin checks a newly typed key as key=NEW beside
        # api_key=OLD, the one configured; reading api_key first answered for the old key.
        key = fields.get("key", "").strip() or key_of(request, fields)
        if not key:
            return invalid("Empty \"key\" value")
        if not fields.get("blog", "").strip():
            return invalid("Empty \"blog\" value")
        if await run_in_threadpool(service.is_valid, key):
            return text("valid")
        return invalid("The API key is not valid or has been revoked.")

    @api.post("/1.1/comment-check", summary="Akismet: true (spam), false (ham) or invalid", openapi_extra=COMMENT_FIELDS,
              responses={200: schemas.text("true, false, invalid, or 'Missing required field: …'; "
                                           "X-akismet-pro-tip: discard for blatant spam; X-Kiebitz-Hold: true "
                                           "with a false the widget would hold for a moderator, and X-Kiebitz-Likely-Spam: "
                                           "true where that is at the spam threshold; with a held or spam "
                                           "answer X-Kiebitz-Score (0-1) and X-Kiebitz-Why (the strongest reasons, "
                                           "percent-encoded UTF-8)"), **errors})
    async def comment_check(request: Request) -> Response:
        key, fields, error = await authorised(request)
        if error is not None:
            return error
        result = await run_in_threadpool(service.check, key, fields)
        headers = {"X-akismet-guid": result.guid}
        if result.discard:
            headers["X-akismet-pro-tip"] = "discard"
        if result.hold:  # Akismet has no "hold"; our WordPress plugin reads this and leaves the comment pending
            headers["X-Kiebitz-Hold"] = "true"
        if result.likely_spam:  # held only as it names no way to reach its sender: the plugin mails no moderator
            headers["X-Kiebitz-Likely-Spam"] = "true"
        if result.verdict is not None and (result.hold or result.is_spam):  # shown to the site's moderators
            headers["X-Kiebitz-Score"] = f"{result.verdict.probability:.2f}"
            reasons = why(result.verdict, fields.get("blog_lang", ""))
            headers["X-Kiebitz-Why"] = quote(reasons, safe=" ;,'()")  # header values are Latin-1
        if service.spam_filter.shadow and result.verdict is not None:
            headers["X-Kiebitz-Would-Be"] = result.verdict.label.value  # shadow mode: what it would have answered
        return text("true" if result.is_spam else "false", headers)

    async def submit(request: Request, is_spam: bool) -> Response:
        key, fields, error = await authorised(request)
        if error is not None:
            return error
        await run_in_threadpool(service.submit, key, fields, is_spam)
        return text(THANKS)

    @api.post("/1.1/submit-spam", summary="Akismet: this was spam (teaches this key's checks)", openapi_extra=COMMENT_FIELDS,
              responses={200: schemas.text(THANKS), **errors})
    async def submit_spam(request: Request) -> Response:
        return await submit(request, True)

    @api.post("/1.1/submit-ham", summary="Akismet: this was not spam (teaches this key's checks)", openapi_extra=COMMENT_FIELDS,
              responses={200: schemas.text(THANKS), **errors})
    async def submit_ham(request: Request) -> Response:
        return await submit(request, False)

    @api.post("/1.1/get-subscription", summary="Akismet: the key's account (the WordPress plugin's settings page)",
              openapi_extra=VERIFY_FIELDS,
              responses={200: json_or_text(None, "an active account, or invalid for a bad key"), **errors})
    async def get_subscription(request: Request) -> Response:
        fields = await fields_of(request)
        key = fields.get("key", "").strip() or key_of(request, fields)
        if not key or not await run_in_threadpool(service.is_valid, key):
            return invalid("The API key is not valid or has been revoked.")
        return Response(orjson.dumps(service.subscription(key)), media_type="application/json")

    @api.post("/1.1/get-stats", summary="Akismet: the key's spam caught and mistakes for a blog (from=all or 6-months)",
              openapi_extra=STATS_FIELDS,
              responses={200: json_or_text(None, "spam, ham, missed_spam, false_positives, accuracy; or invalid"),
                         **errors})
    async def get_stats(request: Request) -> Response:
        fields = await fields_of(request)
        key = fields.get("key", "").strip() or key_of(request, fields)
        if not key or not await run_in_threadpool(service.is_valid, key):
            return invalid("The API key is not valid or has been revoked.")
        stats = await run_in_threadpool(service.stats, key, fields.get("blog", ""), fields.get("from", "all"))
        return Response(orjson.dumps(stats), media_type="application/json")

    @api.get("/1.1/test", summary="Akismet: connectivity check; answers connected",
             responses={200: schemas.text("connected")})
    async def connection_test() -> Response:
        return text("connected")

    @api.post("/1.1/deactivate", summary="Akismet: a site stops using the key (nothing to do here)",
              openapi_extra=VERIFY_FIELDS, responses={200: schemas.text("deactivated"), **errors})
    async def deactivate(request: Request) -> Response:
        await fields_of(request)
        return text("deactivated")

    @api.get("/1.2/usage-limit", summary="Akismet: calls this month; limit is none",
             responses={200: json_or_text(schemas.AkismetUsage, "the usage, or invalid for a bad key")})
    @api.post("/1.2/usage-limit", include_in_schema=False)
    async def usage_limit(request: Request) -> Response:
        key, fields, error = await valid_key(request)
        if error is not None:
            return error
        usage = await run_in_threadpool(service.usage, key)
        return Response(orjson.dumps(usage), media_type="application/json")

    @api.get("/1.2/key-sites", summary="Akismet: per-site statistics of a key",
             responses={200: json_or_text(None, "{month: [site, ...], limit, offset, total}, CSV with format=csv, "
                                                "or invalid for a bad key")})
    @api.post("/1.2/key-sites", include_in_schema=False)
    async def key_sites(request: Request) -> Response:
        key, fields, error = await valid_key(request)
        if error is not None:
            return error
        month = fields.get("month") or month_now()
        if not MONTH.match(month):
            return invalid("month must be YYYY-MM")
        limit, offset = number(fields.get("limit"), 500), number(fields.get("offset"), 0)
        rows = await run_in_threadpool(service.sites, key, month, fields.get("filter", ""), fields.get("order", ""))
        page = rows[offset : offset + limit]
        if fields.get("format") == "csv":
            return text(sites_csv(key, month, page, limit, offset, len(rows)))
        document = {month: page, "limit": limit, "offset": offset, "total": len(rows)}
        return Response(orjson.dumps(document), media_type="application/json")

    return api


def number(raw: str | None, default: int) -> int:
    try:
        return max(0, min(10_000, int(raw))) if raw not in (None, "") else default
    except ValueError:
        return default


def sites_csv(key: str, month: str, rows: list[dict[str, object]], limit: int, offset: int, total: int) -> str:
    out = io.StringIO()
    out.write(f"Active sites for {key} during {month} (limit:{limit}, offset: {offset}, total: {total})\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Site", "Total API Calls", "Spam", "Ham", "Missed Spam", "False Positives", "Is Revoked"])
    for row in rows:
        writer.writerow([row["site"], row["api_calls"], row["spam"], row["ham"], row["missed_spam"],
                         row["false_positives"], str(row["is_revoked"]).lower()])
    return out.getvalue().rstrip("\n")
