"""docs/nginx.md's configuration over TLS (a self-signed certificate), in front of `kiebitz serve`, read by Chromium:
the widget loads, posts and streams through it, and Kiebitz records the reader's address from X-Forwarded-For
because it trusts the proxy (nginx connects from 127.0.0.2, the reader from 127.0.0.1)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from kiebitz.security import Signer
from tests.api.test_nginx import NGINX, documented_configuration
from tests.api.test_serve import serve
from tests.conftest import free_port

pytestmark = pytest.mark.browser
ARTICLE = "/artikel/hinter-nginx"
PAGE = """<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Hinter nginx</title></head><body>
<main><h1>Hinter nginx</h1><p>Ein Artikel.</p><section id="kiebitz-thread" data-kiebitz-uri="/artikel/hinter-nginx"></section>
</main><script src="/js/embed.js" defer></script></body></html>"""
SECRET = "ein-geheimer-schluessel-fuer-den-test"


@pytest.fixture
def through_tls(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = free_port()
    base = f"https://127.0.0.1:{port}"
    server, kiebitz = serve(tmp_path, trusted_proxies="127.0.0.2", flood_seconds="0", public_url=base,
                            secret_key=SECRET, spam_encoder="false")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                   check=True, capture_output=True)
    (tmp_path / "www" / "artikel").mkdir(parents=True)
    (tmp_path / "www" / "artikel" / "hinter-nginx").write_text(PAGE, encoding="utf-8")
    site = documented_configuration(tmp_path / "cache", port, kiebitz).replace(
        f"listen 127.0.0.1:{port};", f"listen 127.0.0.1:{port} ssl;").replace(
        "# ssl_certificate ...; ssl_certificate_key ...;",
        f"ssl_certificate {tmp_path}/cert.pem; ssl_certificate_key {tmp_path}/key.pem; proxy_bind 127.0.0.2;\n"
        f"    location = {ARTICLE} {{ root {tmp_path}/www; default_type text/html; }}")
    user = "user root;" if os.geteuid() == 0 else ""
    config = tmp_path / "nginx.conf"
    config.write_text(f"""{user} daemon off; worker_processes 1; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;
events {{ worker_connections 256; }}
http {{ access_log off;
  client_body_temp_path {tmp_path}; proxy_temp_path {tmp_path}; fastcgi_temp_path {tmp_path}; uwsgi_temp_path {tmp_path};
  scgi_temp_path {tmp_path};
{site}
}}
""")
    nginx = subprocess.Popen([NGINX, "-c", str(config), "-p", str(tmp_path)])
    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                httpx.get(base + "/healthz", verify=False)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base, tmp_path / "kiebitz.db"
    finally:
        nginx.terminate()
        nginx.wait(10)
        server.terminate()
        server.wait(15)


def test_the_widget_works_through_nginx_over_tls_and_the_readers_address_is_kept(browser, through_tls):
    base, database = through_tls
    contexts = [browser.new_context(locale="de-DE", ignore_https_errors=True) for _ in range(2)]
    reader, other = (context.new_page() for context in contexts)
    for page in (reader, other):
        page.set_default_timeout(10_000)
        page.goto(base + ARTICLE)
        expect(page.get_by_text("Noch keine Kommentare. Schreib den ersten!")).to_be_visible()
    form = reader.locator("#kiebitz-thread > form")
    form.get_by_role("textbox", name="Kommentar").fill("Gelesen und kommentiert über TLS hinter nginx.")
    form.get_by_role("textbox", name="Name").fill("Tess")
    form.get_by_role("textbox", name="E-Mail").fill("tess@example.org")
    form.get_by_role("button", name="Kommentar abschicken").click()
    expect(reader.locator(".kb-count")).to_have_text("1 Kommentar")
    other.get_by_role("button", name="1 neuer Kommentar").click()  # the live stream passed nginx too
    expect(other.get_by_text("Gelesen und kommentiert über TLS")).to_be_visible()
    for context in contexts:
        context.close()
    with sqlite3.connect(database) as db:
        ip_hash, network = db.execute("SELECT ip_hash, ip_network FROM comments").fetchone()
    assert ip_hash == Signer(SECRET).ip_hash("127.0.0.1") != Signer(SECRET).ip_hash("127.0.0.2")
    assert network.startswith("127.0.0.")
