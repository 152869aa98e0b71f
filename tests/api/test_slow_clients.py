"""Slow and vanishing clients against a real ``kiebitz serve``: they are cut off in time, readers keep
getting answers, and a client that leaves mid-post is logged as the everyday event it is."""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from pathlib import Path

from tests.api.test_serve import serve

SLOW = 60  # slow connections of each kind


def connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    connection = socket.create_connection((host, int(port)), timeout=10)
    return connection


def closed_within(connection: socket.socket, seconds: float) -> tuple[bool, bytes]:
    """Whether the server closed the connection within ``seconds``, and what it sent first."""
    connection.settimeout(seconds)
    received = b""
    try:
        while chunk := connection.recv(4096):
            received += chunk
        return True, received
    except TimeoutError:
        return False, received
    except ConnectionResetError:
        return True, received


def test_slow_headers_and_bodies_are_cut_off_while_readers_get_answers(tmp_path: Path) -> None:
    server, base = serve(tmp_path, header_timeout="2", body_timeout="2", log_level="info")
    try:
        silent = [connect(base) for _ in range(SLOW)]  # connect, send nothing
        dribbling = [connect(base) for _ in range(SLOW)]  # half a request line, then nothing
        for connection in dribbling:
            connection.sendall(b"GET /healthz HT")
        bodiless = [connect(base) for _ in range(SLOW)]  # a body declared and never sent
        for connection in bodiless:
            connection.sendall(b"POST /api/preview HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                               b"Content-Length: 500\r\n\r\n{\"text\": ")
        started = time.monotonic()
        for _ in range(20):  # readers meanwhile
            answer = urllib.request.urlopen(base + "/api/comments?uri=/artikel/eins", timeout=2)
            assert answer.status == 200 and "form_token" in json.loads(answer.read())
        assert time.monotonic() - started < 2

        for connection in silent + dribbling:
            closed, sent = closed_within(connection, 6)
            assert closed and (sent == b"" or sent.startswith(b"HTTP/1.1 408")), sent[:100]
        for connection in bodiless:
            closed, sent = closed_within(connection, 6)
            assert closed and sent.startswith(b"HTTP/1.1 408"), sent[:100]
            assert b"did not arrive" in sent
    finally:
        server.terminate()
        server.wait(15)


def test_a_client_leaving_mid_body_is_no_error(tmp_path: Path) -> None:
    log = tmp_path / "stderr.log"
    with log.open("wb") as stderr:
        server, base = serve(tmp_path, stderr=stderr.fileno(), log_level="info")
        try:
            for _ in range(3):
                connection = connect(base)
                connection.sendall(b"POST /api/preview HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                   b"Content-Length: 500\r\n\r\n{\"text\": \"halb")
                time.sleep(0.2)
                connection.close()
            time.sleep(0.5)
            assert urllib.request.urlopen(base + "/healthz", timeout=2).status == 200
        finally:
            server.terminate()
            server.wait(15)
    written = log.read_text()
    assert "closed the connection before its request" in written
    assert "Traceback" not in written and "ERROR" not in written
