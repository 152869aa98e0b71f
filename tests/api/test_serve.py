"""`kiebitz serve` as a real process: readers behind a reverse proxy keep their own address."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port

URI = "/artikel/hinter-dem-proxy"


def serve(tmp_path: Path, trusted_proxies: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = dict(os.environ, KIEBITZ_DATABASE=str(tmp_path / "kiebitz.db"), KIEBITZ_MIN_SUBMIT_SECONDS="0",
               KIEBITZ_TRUSTED_PROXIES=trusted_proxies)
    server = subprocess.Popen([sys.executable, "-m", "kiebitz.cli", "serve", "--port", str(port)], env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).read()
            return server, base
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("kiebitz serve did not come up")


def post_through_proxy(base: str, reader: str) -> int:
    token = json.loads(urllib.request.urlopen(f"{base}/api/comments?uri={URI}").read())["form_token"]
    body = json.dumps({"author": "Anna", "email": "anna@example.org", "text": "Gute Nachricht für den Ort.",
                       "form_token": token}).encode()
    request = urllib.request.Request(f"{base}/api/comments?uri={URI}", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "X-Forwarded-For": reader})
    with urllib.request.urlopen(request) as answer:
        return int(json.loads(answer.read())["id"])


@pytest.mark.parametrize(("trusted", "network"), [("127.0.0.1", "203.0.113.0/24"), ("10.9.9.9", "127.0.0.0/24")])
def test_the_readers_address_counts_only_behind_a_trusted_proxy(tmp_path: Path, trusted: str, network: str) -> None:
    server, base = serve(tmp_path, trusted)
    try:
        comment_id = post_through_proxy(base, "203.0.113.7")
    finally:
        server.terminate()
        server.wait(10)
    with sqlite3.connect(tmp_path / "kiebitz.db") as db:
        (stored,) = db.execute("SELECT ip_network FROM comments WHERE id = ?", (comment_id,)).fetchone()
    assert stored == network
