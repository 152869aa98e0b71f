"""`kiebitz serve` logs as text or JSON lines; access lines never carry the reader's address."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kiebitz.logs import JsonLines, PlainLines
from tests.conftest import free_port


def access_record() -> logging.LogRecord:
    return logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                             ("203.0.113.7:50312", "GET", "/api/comments?uri=/a", "1.1", 200), None)


def test_an_access_line_has_method_path_and_status_but_no_address():
    document = json.loads(JsonLines().format(access_record()))
    assert document["method"] == "GET" and document["path"] == "/api/comments?uri=/a" and document["status"] == 200
    assert document["level"] == "info" and document["logger"] == "uvicorn.access" and document["time"].endswith("+00:00")
    plain = PlainLines().format(access_record())
    assert plain.endswith("INFO uvicorn.access: GET /api/comments?uri=/a 200 HTTP/1.1")
    for line in (json.dumps(document), plain):
        assert "203.0.113" not in line


def test_an_error_keeps_its_traceback_in_one_json_line():
    try:
        raise ValueError("kaputt")
    except ValueError:
        record = logging.LogRecord("kiebitz", logging.ERROR, __file__, 1, "unexpected error", None, sys.exc_info())
    line = JsonLines().format(record)
    assert "\n" not in line
    document = json.loads(line)
    assert document["message"] == "unexpected error" and "ValueError: kaputt" in document["exception"]


@pytest.mark.parametrize("level", ["info", "warning"])  # warning: the default, at which access_log logged nothing
def test_serve_writes_json_lines(tmp_path: Path, level: str):
    port = free_port()
    env = dict(os.environ, KIEBITZ_DATABASE=str(tmp_path / "kiebitz.db"), KIEBITZ_LOG_FORMAT="json",
               KIEBITZ_LOG_LEVEL=level, KIEBITZ_ACCESS_LOG="true")
    server = subprocess.Popen([sys.executable, "-m", "kiebitz.cli", "serve", "--port", str(port)], env=env,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 30
        while True:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-For": "198.51.100.9"})
                urllib.request.urlopen(request, timeout=1).read()
                break
            except OSError:
                assert time.time() < deadline, "kiebitz serve did not come up"
                time.sleep(0.1)
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    lines = [json.loads(line) for line in errors.splitlines()]  # every line is JSON
    assert any(line.get("path") == "/healthz" and line.get("status") == 200 for line in lines), errors
    started = any(line["logger"].startswith("uvicorn") and "startup" in line.get("message", "").lower() for line in lines)
    assert started == (level == "info")
    assert "198.51.100" not in errors and "127.0.0.1:" not in errors.replace(f"127.0.0.1:{port}", "")
