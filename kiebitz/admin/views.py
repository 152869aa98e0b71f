"""The moderation admin at /admin/: login, queues, one comment, block lists, users, sites, statistics, import.

Server-rendered HTML (Jinja2), no JavaScript build step. Every page needs a
session (else a redirect to the login); every POST needs the session's CSRF
token; users, sites and imports are for admins only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from kiebitz.admin.strings import STRINGS
from kiebitz.api.http import CommentId, html_page, int_param
from kiebitz.domain import BLOCK_KINDS, Status
from kiebitz.errors import Forbidden, InvalidInput, KiebitzError
from kiebitz.moderation import validation
from kiebitz.moderation.decisions import Moderation
from kiebitz.moderation.lessons import LessonBatches
from kiebitz.moderation.reports import ReaderReports
from kiebitz.moderation.site_origins import SiteOrigins
from kiebitz.moderation.site_settings import SiteSettings
from kiebitz.moderation.users import Session, Users
from kiebitz.notify.mail import ModeratorLinks
from kiebitz.portability import FOREIGN_FORMATS
from kiebitz.portability.imports import import_upload
from kiebitz.spam.rules import block_rule_problem
from kiebitz.spam.wording import worded
from kiebitz.store.comments import Store
from kiebitz.store.queues import COUNT_LIMIT, PAGE_SIZE, QueueFilter, Queues

COOKIE = "kiebitz_admin"
PAGE_MAX = 100_000  # queue pages; a larger number is a typo (and an offset SQLite cannot hold)
templates = Environment(loader=PackageLoader("kiebitz.admin", "templates"), autoescape=select_autoescape())
templates.filters["when"] = lambda value: datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d %H:%M")
# Threads made before uris were checked may hold any text: link only to a page address.
templates.filters["page_link"] = lambda uri: uri if validation.PAGE_ADDRESS.match(uri) else "#"
templates.filters["worded"] = worded  # the filter's reasons in the admin's language: {{ r.message | worded(lang) }}


def _plain(value: Any) -> Any:
    """A form's text without control characters (see validation.plain); files as they are."""
    return validation.plain(value) if isinstance(value, str) else value


class LoginRequired(Exception):
    """Raised by a page without a session; answered with a redirect to the login."""


def router(users: Users, moderation: Moderation, queues: Queues, store: Store, links: ModeratorLinks,
           site_settings: SiteSettings, site_origins: SiteOrigins, lessons: LessonBatches, reports: ReaderReports,
           language: str, secure_cookies: bool, default_site: str = "default") -> APIRouter:
    admin = APIRouter(prefix="/admin", include_in_schema=False)
    words = STRINGS.get(language, STRINGS["en"])

    def page(name: str, session: Session | None, **context: Any) -> HTMLResponse:
        counts = queues.counts() | {"reported": reports.reports.open_comments()} if session else {}
        html = templates.get_template(name).render(t=words, lang=language, session=session, counts=counts, **context)
        return html_page(html)

    async def session_of(request: Request) -> Session:
        session = await run_in_threadpool(users.session, request.cookies.get(COOKIE))
        if session is None:
            raise LoginRequired()
        return session

    async def admin_session_of(request: Request, task: str) -> Session:
        """The session, if its user is an admin; ``task`` names what moderators may not do."""
        session = await session_of(request)
        if not session.user.is_admin:
            raise Forbidden(f"only admins {task}", "role")
        return session

    async def form_of(request: Request, session: Session) -> dict[str, Any]:
        form = await request.form()
        if form.get("csrf") != session.csrf:
            raise Forbidden("the form's CSRF token is missing or wrong: reload the page", "csrf")
        return {key: form.getlist(key) if key == "ids" else _plain(form.get(key)) for key in form.keys()}

    def back(url: str) -> RedirectResponse:
        """The page after a POST: only one of the admin's, so that a form's ``next`` cannot lead elsewhere."""
        return RedirectResponse(url if url.startswith("/admin") else "/admin/", status_code=303)

    @admin.get("/login")
    async def login_page(request: Request) -> HTMLResponse:
        return page("login.html", None, error=request.query_params.get("error"))

    @admin.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        try:
            name, password = validation.plain(str(form.get("name", ""))), validation.plain(str(form.get("password", "")))
            token, _ = await run_in_threadpool(users.login, name, password)
        except KiebitzError as error:
            refused = page("login.html", None, error=error.message)
            refused.status_code = 403
            return refused
        response = back("/admin/")
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=secure_cookies, path="/admin")
        return response

    @admin.post("/logout")
    async def logout(request: Request) -> Response:
        session = await session_of(request)
        await form_of(request, session)
        await run_in_threadpool(users.logout, request.cookies.get(COOKIE, ""))
        response = back("/admin/login")
        response.delete_cookie(COOKIE, path="/admin")
        return response

    @admin.get("/")
    async def queue(request: Request) -> HTMLResponse:
        session = await session_of(request)
        params = request.query_params
        try:
            status = Status(params.get("status", "pending"))
        except ValueError:
            raise InvalidInput(f"status must be one of {', '.join(status.value for status in Status)}", "status") from None
        thread_id = validation.identifier(params["thread"], "thread") if params.get("thread") else None
        number = int_param(request, "page", 1, minimum=1, maximum=PAGE_MAX) or 1
        search, site = validation.plain(params.get("q", "")).strip(), validation.plain(params.get("site", ""))
        chosen = QueueFilter(status, search, site, thread_id, number, params.get("order") == "score")
        rows, total = await run_in_threadpool(queues.page, chosen)
        return page("queue.html", session, rows=rows, total=total, chosen=chosen, sites=queues.sites(),
                    pages=(total + PAGE_SIZE - 1) // PAGE_SIZE, count_limit=COUNT_LIMIT)

    @admin.get("/comments/{comment_id}")
    async def comment(comment_id: CommentId, request: Request) -> HTMLResponse:
        session = await session_of(request)
        row = await run_in_threadpool(queues.row, comment_id)
        if row is None:
            raise InvalidInput(f"comment {comment_id} does not exist", "id")
        alike = await run_in_threadpool(queues.alike, row.comment)
        same_number = await run_in_threadpool(queues.same_number, row.comment)
        return page("comment.html", session, row=row, trail=store.audit_trail(comment_id), alike=alike,
                    same_number=same_number)

    def removal(cid: int, form: dict[str, Any], actor: str) -> Any:
        ground = str(form.get("ground") or "terms")
        status = Status.SPAM if ground == "spam" else Status.DELETED
        return reports.remove(cid, actor, ground, str(form.get("explanation") or ""), status)

    actions: dict[str, Callable[[int, dict[str, Any], str], Any]] = {
        "approve": lambda cid, form, actor: moderation.approve(cid, actor),
        # Removals go through the reports: open notices are answered, the author gets a statement of reasons.
        "spam": lambda cid, form, actor: reports.remove(cid, actor, "spam", status=Status.SPAM),
        "ham": lambda cid, form, actor: moderation.mark_ham(cid, actor),
        "delete": removal,
        "edit": lambda cid, form, actor: moderation.edit(cid, str(form.get("text", "")), actor),
        "reply": lambda cid, form, actor: moderation.reply(cid, str(form.get("text", "")), actor),
        "pin": lambda cid, form, actor: moderation.pin(cid, True, actor),
        "unpin": lambda cid, form, actor: moderation.pin(cid, False, actor),
        "close": lambda cid, form, actor: moderation.close_thread(cid, True, actor),
        "open": lambda cid, form, actor: moderation.close_thread(cid, False, actor),
        "block": lambda cid, form, actor: moderation.block_author(cid, str(form.get("kind", "")), actor),
    }

    @admin.post("/comments/{comment_id}/{action}")
    async def act(comment_id: CommentId, action: str, request: Request) -> Response:
        session = await session_of(request)
        form = await form_of(request, session)
        if action not in actions:
            raise InvalidInput(f"unknown action {action!r}", "action")
        await run_in_threadpool(actions[action], comment_id, form, session.user.name)
        return back(str(form.get("next") or f"/admin/comments/{comment_id}"))

    @admin.post("/bulk")
    async def bulk(request: Request) -> Response:
        session = await session_of(request)
        form = await form_of(request, session)
        action = str(form.get("action", ""))
        if action not in ("approve", "spam", "ham", "delete"):
            raise InvalidInput("choose approve, spam, ham or delete", "action")
        for comment_id in [validation.identifier(raw, "ids") for raw in form.get("ids") or []]:
            await run_in_threadpool(actions[action], comment_id, form, session.user.name)
        return back(str(form.get("next") or "/admin/"))

    @admin.get("/reports")
    async def reported(request: Request) -> HTMLResponse:
        session = await session_of(request)
        number = int_param(request, "page", 1, minimum=1, maximum=PAGE_MAX) or 1
        return page("reports.html", session, reported=await run_in_threadpool(reports.reports.page, number),
                    open_count=await run_in_threadpool(reports.reports.open_comments), reported_page=True)

    report_decisions: dict[str, Callable[[int, dict[str, Any], str], Any]] = {
        "remove": removal,
        "keep": lambda cid, form, actor: reports.keep(cid, actor, str(form.get("explanation") or "")),
        "restore": lambda cid, form, actor: reports.decide_objection(cid, True, actor, str(form.get("explanation") or "")),
        "uphold": lambda cid, form, actor: reports.decide_objection(cid, False, actor, str(form.get("explanation") or "")),
    }

    @admin.post("/reports/{comment_id}")
    async def decide_reported(comment_id: CommentId, request: Request) -> Response:
        session = await session_of(request)
        form = await form_of(request, session)
        action = str(form.get("action", ""))
        if action not in report_decisions:
            raise InvalidInput(f"action must be one of {', '.join(report_decisions)}", "action")
        await run_in_threadpool(report_decisions[action], comment_id, form, session.user.name)
        return back("/admin/reports")

    @admin.get("/blocklist")
    async def blocklist(request: Request) -> HTMLResponse:
        session = await session_of(request)
        return page("blocklist.html", session, rules=store.block_rule_rows(), kinds=BLOCK_KINDS)

    @admin.post("/blocklist")
    async def blocklist_change(request: Request) -> Response:
        session = await session_of(request)
        form = await form_of(request, session)
        if form.get("remove"):
            store.remove_block_rule(validation.identifier(form["remove"], "remove"))
        else:
            kind, value = str(form.get("kind", "")), str(form.get("value", "")).strip()
            if problem := block_rule_problem(kind, value):
                raise InvalidInput(problem, "value")
            store.add_block_rule(kind, value, "pending" if form.get("action") == "pending" else "spam")
        return back("/admin/blocklist")

    @admin.get("/users")
    async def users_page(request: Request) -> HTMLResponse:
        session = await admin_session_of(request, "manage users")
        return page("users.html", session, users=users.all())

    @admin.post("/users")
    async def users_change(request: Request) -> Response:
        session = await admin_session_of(request, "manage users")
        form = await form_of(request, session)
        if form.get("remove"):
            users.remove(validation.identifier(form["remove"], "remove"))
        else:
            users.add(str(form.get("name", "")), str(form.get("role", "")), str(form.get("password", "")))
        return back("/admin/users")

    @admin.get("/sites")
    async def sites_page(request: Request) -> HTMLResponse:
        session = await admin_session_of(request, "manage sites")
        return page("sites.html", session, sites=await run_in_threadpool(site_origins.sites),
                    instance=site_origins.settings_view(), saved=request.query_params.get("saved"))

    @admin.post("/sites")
    async def sites_change(request: Request) -> Response:
        session = await admin_session_of(request, "manage sites")
        form = await form_of(request, session)
        await run_in_threadpool(site_origins.change, str(form.get("site", "")), str(form.get("origins", "")))
        return back("/admin/sites?saved=1")

    @admin.get("/import")
    async def import_page(request: Request) -> HTMLResponse:
        session = await admin_session_of(request, "import comments")
        return page("import.html", session, kinds=FOREIGN_FORMATS, site=default_site)

    @admin.post("/import")
    async def import_file(request: Request) -> HTMLResponse:
        session = await admin_session_of(request, "import comments")
        form = await form_of(request, session)
        upload, kind, site = form.get("file"), str(form.get("from") or ""), str(form.get("site") or "").strip()
        if not isinstance(upload, UploadFile):
            raise InvalidInput("file is required: an export of WordPress, Disqus, Isso or Remark42", "file")
        if kind and kind not in FOREIGN_FORMATS:
            raise InvalidInput(f"from must be one of {', '.join(FOREIGN_FORMATS)} or empty", "from")
        dry_run = form.get("dry_run") == "1"
        learner = None if form.get("no_learn") == "1" else lambda: moderation.model
        report = await run_in_threadpool(import_upload, store, upload.file, kind, site or default_site, dry_run, learner)
        return page("import.html", session, kinds=FOREIGN_FORMATS, site=site or default_site,
                    summary=report.lines(language), dry_run=dry_run)

    @admin.get("/lessons")
    async def lessons_page(request: Request) -> HTMLResponse:
        session = await admin_session_of(request, "take back the filter's lessons")
        taken_back = request.query_params.get("taken_back")
        return page("lessons.html", session, batches=await run_in_threadpool(lessons.list),
                    taken_back=int(taken_back) if taken_back and taken_back.isdigit() else None,
                    prior=await run_in_threadpool(lessons.prior_at_half))

    @admin.post("/lessons")
    async def lessons_take_back(request: Request) -> Response:
        session = await admin_session_of(request, "take back the filter's lessons")
        form = await form_of(request, session)
        count = await run_in_threadpool(lessons.take_back, str(form.get("batch", "")))
        return back(f"/admin/lessons?taken_back={count}")

    @admin.get("/settings")
    async def settings_page(request: Request) -> HTMLResponse:
        session = await session_of(request)
        await run_in_threadpool(site_settings.refresh, 0.0)  # another worker may have stored the last change
        return page("settings.html", session, values=site_settings.current(), saved=request.query_params.get("saved"))

    @admin.post("/settings")
    async def settings_change(request: Request) -> Response:
        session = await session_of(request)
        form = await form_of(request, session)
        await run_in_threadpool(site_settings.change, form)
        return back("/admin/settings?saved=1")

    @admin.get("/stats")
    async def stats(request: Request) -> HTMLResponse:
        session = await session_of(request)
        return page("stats.html", session, days=await run_in_threadpool(queues.daily_statistics),
                    transparency=await run_in_threadpool(reports.reports.transparency))

    @admin.get("/mail/{token}")
    async def mail_link(token: str) -> HTMLResponse:
        link = links.read(token)
        rows = await run_in_threadpool(queues.rows, link.comment_ids)
        return page("confirm.html", None, rows=rows, action=link.action, token=token, waiting_only=link.waiting_only)

    @admin.post("/mail/{token}")
    async def mail_link_use(token: str) -> HTMLResponse:
        link = links.read(token)
        await run_in_threadpool(links.use, link.nonce)
        chosen = link.comment_ids
        if link.waiting_only:
            rows = await run_in_threadpool(queues.rows, link.comment_ids)
            chosen = [row.comment.id for row in rows if row.comment.status == Status.PENDING]
        for comment_id in chosen:
            await run_in_threadpool(actions[link.action], comment_id, {}, "mail link")
        return page("confirm.html", None, rows=[], action=link.action, token=None, done=True,
                    left_alone=len(link.comment_ids) - len(chosen))

    return admin
