"""create_app(settings): wiring only. Read this to know where everything lives.

store/        the database (SQLAlchemy Core, Alembic migrations)
spam/         the layered spam filter and its learned model
moderation/   use cases: posting, editing, voting, moderating
api/          HTTP: public.py (widget JSON), feeds.py (Atom), akismet.py, personal_data.py
notify/       mail to moderators, reply notifications, data requests, webhooks
portability/  importers from WordPress, Disqus, Isso, Remark42
widget/       embed.js and its stylesheet; demo/ the demo news site
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from kiebitz import __version__, markup
from kiebitz.admin import views as admin_views
from kiebitz.api import akismet, feeds, fragments, live, metrics, personal_data, public, reports, schemas, subscriptions, widget
from kiebitz.api.connections import HEADER_TIMEOUT_STATE
from kiebitz.api.cors import SiteCORS
from kiebitz.api.fastpath import ThreadFastPath
from kiebitz.api.http import json_response
from kiebitz.api.limits import BodyLimit
from kiebitz.config import Settings
from kiebitz.errors import KiebitzError
from kiebitz.moderation.akismet import AkismetService
from kiebitz.moderation.cache import ThreadCache
from kiebitz.moderation.comments import CommentService
from kiebitz.moderation.decisions import Moderation
from kiebitz.moderation.lessons import LessonBatches
from kiebitz.moderation.live import LiveThreads
from kiebitz.moderation.reports import ReaderReports
from kiebitz.moderation.site_origins import SiteOrigins
from kiebitz.moderation.site_settings import SiteSettings
from kiebitz.moderation.users import Users
from kiebitz.notify.data_requests import DataRequests
from kiebitz.notify.mail import Mailer, ModeratorLinks, ModeratorMail
from kiebitz.notify.replies import Replies
from kiebitz.notify.statements import Statements
from kiebitz.notify.webhook import Webhook
from kiebitz.security import Signer
from kiebitz.spam import encoder
from kiebitz.spam.filter import SpamFilter, Thresholds
from kiebitz.spam.store import LearningModel, load_model
from kiebitz.store import retention
from kiebitz.store.changes import data_version_of
from kiebitz.store.comments import Store
from kiebitz.store.engine import migrate, open_engine
from kiebitz.store.history import SiteHistory
from kiebitz.store.queues import Queues
from kiebitz.store.reports import Reports
from kiebitz.store.thread_pages import ThreadChanges

log = logging.getLogger("kiebitz")


@dataclass
class Kiebitz:
    """Everything a request handler or CLI command may need, built once."""

    settings: Settings
    store: Store
    signer: Signer
    spam_filter: SpamFilter
    model: LearningModel
    comments: CommentService
    moderation: Moderation
    akismet: AkismetService
    users: Users
    queues: Queues
    links: ModeratorLinks
    site_settings: SiteSettings
    site_origins: SiteOrigins
    replies: Replies
    data_requests: DataRequests
    reports: ReaderReports
    live: LiveThreads
    moderator_mail: ModeratorMail


def build(settings: Settings) -> Kiebitz:
    engine = open_engine(settings.database)
    migrate(engine)
    store = Store(engine)
    secret = settings.secret_key or store.set_meta_once("secret_key", secrets.token_urlsafe(32))
    signer = Signer(secret)
    model = load_model(store, settings.model, settings.language, settings.spam_encoder,
                       settings.spam_keywords)
    spam_filter = SpamFilter(model, Thresholds.of(settings), shadow=settings.filter_mode == "shadow")
    site_settings = SiteSettings(settings, store, spam_filter)
    site_settings.load()
    data_version = data_version_of(engine)
    cache = ThreadCache(ThreadChanges(store), data_version)
    comments = CommentService(settings, store, signer, spam_filter, SiteHistory(store), cache, site_settings.refresh)
    model.model.verdict_points = (settings.unsure_threshold, settings.spam_threshold)
    comments.wants_meaning = model.wants_meaning
    site_origins = SiteOrigins(settings, store)
    comments.own_hosts = site_origins.own_hosts
    if model.model.link_lists_ is not None:
        model.model.link_lists_.compile()  # here rather than in the first post with a link
    if model.model.spam_keywords_ is not None:
        model.model.spam_keywords_.compile()
    if model.model.meaning_ is not None:
        encoder.load()  # about a second, here rather than in the first reader's post
    moderation = Moderation(store, model, cache)
    akismet_service = AkismetService(store, signer, spam_filter, model, site_settings.refresh)
    links = ModeratorLinks(store, secret)
    webhook = Webhook(settings)
    mailer = Mailer(settings)
    replies = Replies(settings, store, mailer, secret)
    queues = Queues(store)
    moderator_mail = ModeratorMail(settings, mailer, links, queues)
    comments.listeners += [moderator_mail, replies, webhook]
    comments.subscribe = replies.subscribe
    moderation.listeners += [replies, webhook]
    return Kiebitz(settings, store, signer, spam_filter, model, comments, moderation, akismet_service,
                   Users(store), queues, links, site_settings, site_origins, replies,
                   DataRequests(settings, store, mailer, signer),
                   ReaderReports(settings, Reports(store), moderation, signer, Statements(settings, mailer, secret),
                                 moderator_mail.reported),
                   LiveThreads(store, ThreadChanges(store), data_version, comments.public), moderator_mail)


RETENTION_EVERY = 3600.0  # seconds between two purges; the first runs at start
DIGEST_EVERY = 60.0  # seconds between two asks whether the likely spam's digest is due


async def keep_retention(kiebitz: Kiebitz) -> None:
    """Spam older than ``spam_retention_days`` is deleted and IP data older than ``ip_retention_days`` forgotten,
    at start and then every hour, as the privacy page promises; so are the traces the repeat and flood rules
    no longer read. Every worker does it: a purge finds little the second time, and no worker has to be the
    one that remembers."""
    settings = kiebitz.settings
    while True:
        now = time.time()
        try:
            spam, forgotten = await asyncio.to_thread(
                retention.purge, kiebitz.store, now - settings.spam_retention_days * 86400, now - settings.ip_retention_days * 86400)
            await asyncio.to_thread(kiebitz.akismet.forget_old_traces, now)
            await asyncio.to_thread(retention.forget_old_bands, kiebitz.store, now)
        except Exception:  # noqa: BLE001 - a failed purge is tried again in an hour; the server serves on
            log.exception("retention purge failed")
        else:
            if spam or forgotten:
                log.info("retention: deleted %d spam comments, forgot the IP data of %d comments", spam, forgotten)
        await asyncio.sleep(RETENTION_EVERY)


async def keep_mailing_digests(kiebitz: Kiebitz) -> None:
    """Each minute every worker asks whether the held comments the filter takes for spam are due to be
    mailed together (notify.mail, ``digest``); the store lets one of them claim them."""
    while True:
        try:
            await asyncio.to_thread(kiebitz.moderator_mail.digest, time.time())
        except Exception:  # noqa: BLE001 - asked again in a minute; the comments wait in the queue meanwhile
            log.exception("likely spam digest failed")
        await asyncio.sleep(DIGEST_EVERY)


def create_app(settings: Settings | None = None) -> FastAPI:
    kiebitz = build(settings or Settings.load())
    settings = kiebitz.settings

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        await asyncio.to_thread(markup.prepare)
        tasks = [asyncio.create_task(keep_retention(kiebitz)), asyncio.create_task(keep_mailing_digests(kiebitz))]
        try:
            yield {HEADER_TIMEOUT_STATE: max(1.0, settings.header_timeout)}  # read by each connection (api.connections)
        finally:
            for task in tasks:
                task.cancel()

    app = FastAPI(
        title="Kiebitz", version=__version__, lifespan=lifespan,
        description="Self-hosted comments with a spam filter built in.",
        docs_url="/api/docs", redoc_url=None,
        # No OpenTelemetry: it costs time on every request and exports nothing here.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.kiebitz = kiebitz
    install_error_handlers(app)
    origins = kiebitz.site_origins
    app.add_middleware(BodyLimit, body_timeout=settings.body_timeout)  # inside CORS, so that a 413 reaches the widget's page readably
    app.add_middleware(
        SiteCORS, origins=origins,
        methods=["GET", "POST", "PATCH", "DELETE"], headers=["Content-Type", "X-Kiebitz-Edit-Token"],
    )
    app.add_middleware(ThreadFastPath, service=kiebitz.comments, origins=origins)
    app.include_router(public.router(kiebitz.comments, origins))
    app.include_router(reports.router(kiebitz.reports, origins, settings.language))
    app.include_router(live.router(kiebitz.live, settings, origins))
    app.include_router(feeds.router(kiebitz.comments))
    app.include_router(fragments.router(kiebitz.comments, origins))
    app.include_router(widget.router(kiebitz.settings))
    app.include_router(akismet.router(kiebitz.akismet))
    app.include_router(metrics.router(kiebitz.store, kiebitz.settings.metrics_token))
    app.include_router(subscriptions.router(kiebitz.replies, kiebitz.settings.language))
    app.include_router(personal_data.router(kiebitz.data_requests, kiebitz.settings.language,
                                           kiebitz.comments.cache.invalidate))
    app.include_router(admin_views.router(
        kiebitz.users, kiebitz.moderation, kiebitz.queues, kiebitz.store, kiebitz.links, kiebitz.site_settings,
        kiebitz.site_origins, LessonBatches(kiebitz.store, kiebitz.model), kiebitz.reports, kiebitz.settings.language,
        secure_cookies=kiebitz.settings.public_url.startswith("https://"),
        default_site=kiebitz.settings.site,
    ))

    @app.get("/healthz", tags=["operations"], summary="Liveness and database check",
             responses=schemas.answers({200: (schemas.Health, "the database answers")}))
    async def healthz() -> Response:
        kiebitz.store.get_meta("secret_key")
        return json_response({"status": "ok", "version": __version__})

    app.openapi = lambda: openapi_of(app)  # type: ignore[method-assign]
    return app


def openapi_of(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, less the 422s it documents for every route with parameters: Kiebitz answers 400."""
    if app.openapi_schema is None:
        document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        for operations in document["paths"].values():
            for operation in operations.values():
                operation["responses"].pop("422", None)
        for name in ("HTTPValidationError", "ValidationError"):
            document.get("components", {}).get("schemas", {}).pop(name, None)
        app.openapi_schema = document
    return app.openapi_schema


def install_error_handlers(app: FastAPI) -> None:
    """Every error leaves as JSON naming the field and the rule; nothing as a bare 500."""

    @app.exception_handler(admin_views.LoginRequired)
    async def login_required(_request: Request, _error: Exception) -> Response:
        return RedirectResponse("/admin/login", status_code=303)

    @app.exception_handler(KiebitzError)
    async def kiebitz_error(_request: Request, error: KiebitzError) -> Response:
        # After a body too large or too slow the connection cannot carry another request.
        headers = {"Connection": "close"} if error.status in (408, 413) else None
        return json_response(error.as_dict(), error.status, headers)

    @app.exception_handler(ClientDisconnect)
    async def client_went_away(request: Request, _error: Exception) -> Response:
        # A reader closing the page mid-post is an everyday event, not an error with tracebacks.
        log.info("the client closed the connection before its request to %s had arrived", request.url.path)
        return Response(status_code=400)  # nobody is left to read it

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, error: RequestValidationError) -> Response:
        first = error.errors()[0] if error.errors() else {}
        location = [str(part) for part in first.get("loc", []) if part not in ("body", "query", "path")]
        field = ".".join(location) or None
        return json_response({"error": {"field": field, "message": f"{field}: {first.get('msg', 'invalid')}"}}, 400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> Response:
        return json_response({"error": {"field": None, "message": str(error.detail)}}, error.status_code)

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, error: Exception) -> Response:
        log.exception("unexpected error")
        return json_response({"error": {"field": None, "message": "internal error"}}, 500)
