"""The embeddable widget's files and the privacy page, served from the package.

The files are read and gzipped once at start; every response carries an ETag
so browsers revalidate cheaply.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from kiebitz.api.http import html_page
from kiebitz.api.schemas import text
from kiebitz.config import Settings

WIDGET = Path(__file__).resolve().parent.parent / "widget"
TYPES = {"embed.js": "text/javascript; charset=utf-8", "embed.css": "text/css; charset=utf-8"}

templates = Environment(loader=PackageLoader("kiebitz", "templates"), autoescape=select_autoescape())


class StaticFile:
    def __init__(self, path: Path) -> None:
        self.raw = path.read_bytes()
        self.gzipped = gzip.compress(self.raw, 9, mtime=0)
        self.etag = '"' + hashlib.sha256(self.raw).hexdigest()[:16] + '"'
        self.media_type = TYPES[path.name]

    def response(self, request: Request) -> Response:
        headers = {"ETag": self.etag, "Cache-Control": "public, max-age=3600", "Vary": "Accept-Encoding",
                   "Access-Control-Allow-Origin": "*"}
        if request.headers.get("if-none-match") == self.etag:
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            return Response(self.gzipped, media_type=self.media_type, headers=headers)
        return Response(self.raw, media_type=self.media_type, headers=headers)


class ScriptResponse(Response):
    media_type = "text/javascript"


class StylesheetResponse(Response):
    media_type = "text/css"


def router(settings: Settings) -> APIRouter:
    api = APIRouter(tags=["widget"])
    files = {name: StaticFile(WIDGET / name) for name in TYPES}

    @api.get("/js/embed.js", summary="The comment widget script", response_class=ScriptResponse,
             responses={200: text("the script", "text/javascript"), 304: {"description": "unchanged (If-None-Match)"}})
    async def embed_js(request: Request) -> Response:
        return files["embed.js"].response(request)

    @api.get("/js/embed.css", summary="The comment widget stylesheet", response_class=StylesheetResponse,
             responses={200: text("the stylesheet", "text/css"), 304: {"description": "unchanged (If-None-Match)"}})
    async def embed_css(request: Request) -> Response:
        return files["embed.css"].response(request)

    @api.get("/privacy", summary="What Kiebitz stores about commenters, in German or English", response_class=HTMLResponse)
    async def privacy(request: Request) -> HTMLResponse:
        language = request.query_params.get("lang") or settings.language
        language = language if language in ("de", "en") else "en"
        page = templates.get_template("privacy.html").render(
            lang=language, settings=settings, self_service=bool(settings.smtp_host)
        )
        return html_page(page)

    return api
