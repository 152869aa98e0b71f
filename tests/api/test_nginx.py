"""docs/nginx.md's cache, run by a real nginx in front of `kiebitz serve`: hits, a reader's own view, fresh within 2 s."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.test_serve import serve
from tests.conftest import free_port

DOCS = Path(__file__).resolve().parents[2] / "docs" / "nginx.md"
URI = "/artikel/viel-gelesen"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def documented_configuration(cache: Path, port: int, kiebitz: str) -> str:
    block = re.search(r"```nginx\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S).group(1)  # type: ignore[union-attr]
    block = block.replace("/var/cache/nginx/kiebitz", str(cache)).replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
    return block.replace("http://127.0.0.1:8080", kiebitz)


@pytest.fixture
def through_nginx(tmp_path: Path) -> Iterator[str]:
    server, kiebitz = serve(tmp_path, flood_seconds="0")  # one writer posts twice in a few seconds
    port = free_port()
    config = tmp_path / "nginx.conf"
    # as root, nginx's workers would run as nobody, who may not enter pytest's private temp directory
    user = "user root;" if os.geteuid() == 0 else ""
    config.write_text(f"""{user} daemon off; worker_processes 1; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;
events {{ worker_connections 256; }}
http {{ access_log off;
  client_body_temp_path {tmp_path}; proxy_temp_path {tmp_path}; fastcgi_temp_path {tmp_path}; uwsgi_temp_path {tmp_path};
  scgi_temp_path {tmp_path};
{documented_configuration(tmp_path / "cache", port, kiebitz)}
}}
""")
    nginx = subprocess.Popen([NGINX, "-c", str(config), "-p", str(tmp_path)])
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                httpx.get(base + "/healthz")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        nginx.terminate()
        nginx.wait(10)
        server.terminate()
        server.wait(15)


def post(client: httpx.Client, text: str) -> httpx.Response:
    token = client.get("/api/comments", params={"uri": URI}).json()["form_token"]
    return client.post("/api/comments", params={"uri": URI},
                       json={"author": "Nora", "email": "nora@example.org", "text": text, "form_token": token})


def test_the_documented_cache_serves_hot_threads_and_never_a_readers_own_view(through_nginx: str) -> None:
    page = {"uri": URI, "sort": "oldest", "limit": "20", "offset": "0"}
    with httpx.Client(base_url=through_nginx) as writer, httpx.Client(base_url=through_nginx) as reader:
        assert post(writer, "Der erste Kommentar zu diesem viel gelesenen Artikel.").status_code == 201
        time.sleep(3.1)  # the token request above put the thread in the cache: let it age
        first = reader.get("/api/comments", params=page)
        second = reader.get("/api/comments", params=page)
        assert first.headers["x-cache-status"] in {"MISS", "EXPIRED", "REVALIDATED"}
        assert second.headers["x-cache-status"] == "HIT" and second.json()["total"] == 1

        own = writer.get("/api/comments", params=page)  # the writer holds an edit cookie
        assert own.headers["x-cache-status"] == "BYPASS" and own.headers["cache-control"] == "private, no-store"
        assert own.json()["comments"][0].get("editable") is True
        assert reader.get("/api/comments", params=page).json()["comments"][0].get("editable") is None

        assert post(writer, "Ein zweiter Kommentar, den alle binnen zwei Sekunden sehen.").status_code == 201
        deadline = time.monotonic() + 4
        while reader.get("/api/comments", params=page).json()["total"] != 2:
            assert time.monotonic() < deadline, "a new comment did not show through the cache within 4 s"
            time.sleep(0.2)

        time.sleep(3.1)  # unchanged since (nginx counts whole seconds): nginx asks with If-None-Match, Kiebitz answers 304
        assert reader.get("/api/comments", params=page).headers["x-cache-status"] == "REVALIDATED"
        counts = [reader.get("/api/counts", params={"uri": URI}) for _ in range(2)]
        assert counts[0].json() == {URI: 2} and counts[1].headers["x-cache-status"] == "HIT"


def test_live_streams_pass_the_documented_configuration_unbuffered(through_nginx: str) -> None:
    """Kiebitz's X-Accel-Buffering: no keeps nginx from holding events back (docs/nginx.md, live threads)."""
    from tests.api.test_live import Listener

    listener = Listener(f"{through_nginx}/api/live?uri={URI}")
    assert listener.wait("ready") and listener.status == 200
    with httpx.Client(base_url=through_nginx) as client:
        posted = post(client, "Ein Kommentar, der live durch nginx kommt.").json()
    [news] = listener.wait("comments")
    assert [comment["id"] for comment in news["comments"]] == [posted["id"]]
    listener.close()
