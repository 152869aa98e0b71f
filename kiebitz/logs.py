"""How ``kiebitz serve`` logs: plain lines or one JSON object per line, for a log collector.

Uvicorn's own access log names each reader's IP address; Kiebitz keeps IPs only
as keyed hashes, so its access lines leave the address out (method, path,
status and the time taken are what an operator needs), in either format.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any


class JsonLines(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, and an access line's fields."""

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name,
        }
        access = access_fields(record)
        document.update(access or {"message": record.getMessage()})
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        return json.dumps(document, ensure_ascii=False)


class PlainLines(logging.Formatter):
    """``time level logger: message``; an access line as ``GET /path 200``, without the reader's address."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        access = access_fields(record)
        if access:
            record.message = f"{access['method']} {access['path']} {access['status']} HTTP/{access['http_version']}"
        return super().formatMessage(record)


def access_fields(record: logging.LogRecord) -> dict[str, Any] | None:
    """Uvicorn's access record, whose args are (client address, method, path, HTTP version, status), less the address."""
    if record.name != "uvicorn.access" or not isinstance(record.args, tuple) or len(record.args) != 5:
        return None
    _address, method, path, version, status = record.args
    return {"message": "request", "method": method, "path": path, "http_version": version, "status": status}


def log_config(log_format: str, level: str) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for uvicorn and Kiebitz's own loggers, all to standard error."""
    formatter = "kiebitz.logs.JsonLines" if log_format == "json" else "kiebitz.logs.PlainLines"
    handler = {"class": "logging.StreamHandler", "formatter": "kiebitz", "stream": "ext://sys.stderr"}
    loggers = {name: {"handlers": ["kiebitz"], "level": level.upper(), "propagate": False}
               for name in ("kiebitz", "uvicorn", "uvicorn.error")}
    loggers["uvicorn.access"] = {"handlers": ["kiebitz"], "level": "INFO", "propagate": False}
    return {"version": 1, "disable_existing_loggers": False, "formatters": {"kiebitz": {"()": formatter}},
            "handlers": {"kiebitz": handler}, "loggers": loggers}
