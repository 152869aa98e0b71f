"""Connections that cannot hold a worker: a time limit on request headers, and on request bodies.

uvicorn waits for a request's headers as long as the client likes: a new
connection that sends nothing, or sends its headers a byte at a time, is kept
open for good (its keep-alive timeout starts only after a first response). A
few hundred such clients, or clients that declare a body and never send it,
tie up a worker's connections. Headers must now arrive within
``header_timeout`` seconds of the connection (or of the first byte of the
next request on a kept-alive one); the body is watched by ``api.limits``,
and ``max_connections`` caps how many connections one worker keeps.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from kiebitz.config import Settings

log = logging.getLogger("kiebitz.serve")

PROTOCOL = "kiebitz.api.connections:HeaderTimeoutProtocol"
HEADER_TIMEOUT_STATE = "kiebitz_header_timeout"  # the app's lifespan state hands the setting to each connection


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, closing a connection whose request headers do not arrive in time."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = float(self.app_state.get(HEADER_TIMEOUT_STATE, 10.0))
        self.header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self.header_timer = self.loop.call_later(self.header_timeout, self._headers_too_late)

    def _disarm(self) -> None:
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None

    def _headers_too_late(self) -> None:
        self.header_timer = None
        if self.transport.is_closing() or (self.cycle is not None and not self.cycle.response_complete):
            return  # a request is being answered: its own limits apply
        log.info("closed a connection whose request headers did not arrive within %.0f s", self.header_timeout)
        message = b"the request headers did not arrive in time"
        self.transport.write(b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain\r\nconnection: close\r\n"
                             b"content-length: %d\r\n\r\n%s" % (len(message), message))
        self.transport.close()


# On SIGTERM a worker stops accepting, lets the requests in flight finish for this long, then cancels
# the rest (never after answering: an acknowledged comment is committed first). A service manager's
# stop timeout (systemd's 90 s, Kubernetes' 30 s) is never reached, and a deploy takes seconds.
GRACEFUL_SECONDS = 7
STOP_SECONDS = 10  # the supervisor kills a worker still running after this


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for the limits above (``kiebitz serve`` and ``kiebitz demo``)."""
    return {"http": PROTOCOL, "limit_concurrency": settings.max_connections, "timeout_graceful_shutdown": GRACEFUL_SECONDS}
