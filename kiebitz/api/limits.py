"""A cap on request bodies, checked before they are read into memory.

uvicorn reads whatever a client sends, and a JSON or form body is read
whole before any rule can look at it: one request of a gigabyte would be a
gigabyte in the worker. Bodies over the cap are refused with a 413 naming
the limit, by their Content-Length before a byte is read, or while they
stream in when they have none (chunked). Admin imports get a larger cap:
they are files, spooled to disk by the form parser.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from kiebitz.errors import KiebitzError

BODY_MAX = 1_000_000  # far over any comment (10,000 characters) or form
IMPORT_MAX = 2_000_000_000  # a large news site's WordPress export is hundreds of MB
LARGER_BODIES = {"/admin/import": IMPORT_MAX}
NO_BODY = frozenset({"GET", "HEAD", "OPTIONS"})
PLAIN_TEXT_PATHS = ("/1.1/", "/1.2/")  # Akismet's API answers in plain text, errors too (api/akismet.py)


class PayloadTooLarge(KiebitzError):
    status = 413


class RequestTimeout(KiebitzError):
    status = 408


class BodyLimit:
    """The size cap, and a time limit on each pause of a body: a client that declares a body and never sends
    it would otherwise hold its connection (and a worker's connection slot) as long as it likes."""

    def __init__(self, app: Any, body_timeout: float = 15.0) -> None:
        self.app = app
        self.body_timeout = max(1.0, body_timeout)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in NO_BODY:
            await self.app(scope, receive, send)
            return
        limit = LARGER_BODIES.get(scope["path"], BODY_MAX)
        too_large = PayloadTooLarge(f"the request body is too large: at most {limit:,} bytes", None)
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await refuse(scope, send, too_large)
            return
        received = 0

        async def counted() -> Any:
            nonlocal received
            try:
                message = await asyncio.wait_for(receive(), self.body_timeout)
            except TimeoutError:
                raise RequestTimeout(f"the request body did not arrive: nothing came for {self.body_timeout:.0f} s",
                                     None) from None
            received += len(message.get("body", b""))
            if received > limit:
                raise too_large  # inside the route's read of the body: answered by the error handler
            return message

        await self.app(scope, counted, send)


async def refuse(scope: dict[str, Any], send: Any, error: KiebitzError) -> None:
    """Answer ``error`` before the app is entered: as JSON, or as plain text on Akismet's paths."""
    headers = [(b"connection", b"close")]
    if scope["path"].startswith(PLAIN_TEXT_PATHS):
        body = error.message.encode()
        headers += [(b"content-type", b"text/plain"), (b"x-akismet-debug-help", body)]
    else:
        body = orjson.dumps(error.as_dict())
        headers.append((b"content-type", b"application/json"))
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
