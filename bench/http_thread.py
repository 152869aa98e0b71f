"""GET throughput of a 50-comment thread: Kiebitz beside Isso 0.14.0 and nginx; POST throughput.

    .venv/bin/python bench/http_thread.py [--seconds 10] [--data-dir ../shared/data] [--write docs/benchmarks.md]

Two POST rows: made-up texts ("Lasttest 17 Bahn312 Kino88 …"), whose words the
filter does not know, so its sentence encoder reads every one of them (the
worst case); and readers' comments from a German news site's comment section
and from Twitter (GermEval 2021 and 2017 in ``--data-dir``, skipped when
missing), each posted once, which the encoder reads where the filter is in
doubt, as on a site.

Needs Debian's wrk and nginx (``make bench`` installs them) and, for Isso, a
venv with ``pip install isso==0.14.0 gunicorn`` at $ISSO_VENV (default
/tmp/isso-venv; skipped when missing). Every server listens on 127.0.0.1 only.
nginx serves the very bytes Kiebitz answers with, as a static file.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from report import publish  # bench/ is on the path when a script here runs

from kiebitz.api.workers import wait_for_listeners

URI = "/artikel/lasttest"
WORDS = ("Bahn Brücke Rat Schule Markt Wetter Kino Park Hafen Bus Miete Radweg Bibliothek Fest Sport Kita "
         "Ampel Baustelle Konzert Museum").split()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children, in MiB."""
    pids = [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()]
    total = 0
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def pss_mib(pid: int) -> float:
    """Proportional memory of one process, in MiB: pages it shares with others count by their share."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wrk(url: str, seconds: int, script: str | None = None, connections: int = 64) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", script]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def latency(percent: str) -> float:
        value, unit = re.search(rf"\s{percent}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": rate, "p50": latency("50"), "p99": latency("99"), "non2xx": int(errors.group(1)) if errors else 0}


def seed_kiebitz(database: str) -> None:
    """50 published comments in one thread, some of them replies."""
    from kiebitz.app import build
    from kiebitz.config import Settings
    from kiebitz.markup import render

    kiebitz = build(Settings({"database": database}))
    store = kiebitz.store
    now = time.time()
    site_id = store.site_id("default")
    with store.write() as db:
        thread = store.ensure_thread(db, site_id, URI, "Lasttest")
        ids: list[int] = []
        for n in range(50):
            text = f"Kommentar {n}: " + " ".join(WORDS[(n * 7 + i) % len(WORDS)] for i in range(25))
            parent = ids[n - 1] if n % 5 == 4 else None
            ids.append(store.insert_comment(db, {
                "thread_id": thread.id, "parent_id": parent, "depth": 1 if parent else 0, "author": f"Leser {n}",
                "email": f"leser{n}@example.org", "website": "", "text": text, "html": render(text), "status": "published",
                "created": now - 3600 + n, "modified": None, "verdict": "ham", "score": 0.01,
            }))


def stored_by_status(database: Path) -> dict[str, int]:
    import sqlite3

    with sqlite3.connect(database) as db:
        return dict(db.execute("SELECT status, count(*) FROM comments GROUP BY status").fetchall())


def readers_post_script(tmp: Path, token: str, uri: str, texts: list[str]) -> str:
    """A wrk script posting ``texts`` in turn, each once: wrk's two threads take every other one."""
    bodies = [json.dumps(text) for text in texts]  # ASCII, with its quotes: a JSON string as it is
    listed = ",\n".join(f"[==[{body}]==]" for body in bodies if "]==]" not in body)
    script = tmp / "readers.lua"
    script.write_text(f"""texts = {{{listed}}}
started = 0
function setup(thread)
  thread:set("first", started)
  started = started + 1
end
function init(args)
  counter = first
end
request = function()
  local text = texts[counter % #texts + 1]
  counter = counter + 2
  local body = '{{"author":"Leserin","email":"leserin@example.org","form_token":"{token}","text":' .. text .. '}}'
  local ip = "10.1." .. math.random(0, 255) .. "." .. math.random(1, 254)
  return wrk.format("POST", "/api/comments?uri={uri}",
                    {{["Content-Type"]="application/json", ["X-Forwarded-For"]=ip}}, body)
end
""")
    return str(script)


def readers_comments(data_dir: Path) -> list[str]:
    """The German corpora's comments, each text once, in a fixed shuffled order (none when they are missing)."""
    import random

    from kiebitz.spam.corpus import read_corpus

    names = [data_dir / name for name in ("german_germeval2021.csv", "german_germeval2017.csv")]
    if not all(name.exists() for name in names):
        return []
    texts = list(dict.fromkeys(draft.text for name in names for draft in read_corpus(name).drafts if draft.text.strip()))
    random.Random(1).shuffle(texts)
    return texts


def post_rate(port: int, database: Path, seconds: int, script: str) -> dict[str, float]:
    """wrk's figures for a POST script, its rate replaced by the comments stored per second."""
    before = sum(stored_by_status(database).values())
    # As many connections as the GET rows: a durable post waits ~10 ms for the
    # disk, so 16 connections measure that wait more than the server's throughput.
    posted = wrk(f"http://127.0.0.1:{port}/", seconds, script, connections=64)
    stored = stored_by_status(database)
    print("stored by status:", stored, flush=True)
    # Only comments committed to the database count; discarded spam (a 4xx) does not.
    posted["rps"] = (sum(stored.values()) - before) / seconds
    return posted


def kiebitz_server(tmp: Path, port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, KIEBITZ_DATABASE=str(tmp / "kiebitz.db"), KIEBITZ_MIN_SUBMIT_SECONDS="0",
               KIEBITZ_FLOOD_SECONDS="0", KIEBITZ_RATE_LIMIT_PER_HOUR="100000000")
    return subprocess.Popen([sys.executable, "-m", "kiebitz.cli", "serve", "--port", str(port), "--workers", str(workers)],
                            env=env, start_new_session=True)


def isso_server(tmp: Path, port: int, venv: Path) -> subprocess.Popen:
    config = tmp / "isso.cfg"
    config.write_text(f"""[general]
dbpath = {tmp / 'isso.db'}
host = http://127.0.0.1:{port}/
[guard]
enabled = false
[server]
listen = http://127.0.0.1:{port}/
""")
    env = dict(os.environ, ISSO_SETTINGS=str(config))
    return subprocess.Popen([str(venv / "bin" / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                             "isso.run"], env=env, start_new_session=True, cwd=tmp)


def seed_isso(port: int) -> None:
    for n in range(50):
        body = json.dumps({"text": f"Kommentar {n}: " + " ".join(WORDS[(n * 7 + i) % len(WORDS)] for i in range(25)),
                           "author": f"Leser {n}", "email": f"leser{n}@example.org", "title": "Lasttest"}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/new?uri={URI}", data=body, method="POST",
                                         headers={"Content-Type": "application/json", "Origin": f"http://127.0.0.1:{port}",
                                                  "Referer": f"http://127.0.0.1:{port}{URI}"})
        urllib.request.urlopen(request).read()


def nginx_server(tmp: Path, port: int, body: bytes) -> subprocess.Popen:
    (tmp / "www").mkdir()
    (tmp / "www" / "thread.json").write_bytes(body)
    config = tmp / "nginx.conf"
    config.write_text(f"""daemon off; worker_processes 2; pid {tmp}/nginx.pid; error_log {tmp}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; default_type application/json;
  client_body_temp_path {tmp}; proxy_temp_path {tmp}; fastcgi_temp_path {tmp}; uwsgi_temp_path {tmp}; scgi_temp_path {tmp};
  server {{ listen 127.0.0.1:{port}; root {tmp}/www; location / {{ try_files /thread.json =404; }} }} }}
""")
    return subprocess.Popen(["nginx", "-c", str(config), "-p", str(tmp)], start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(10)


def post_script(tmp: Path, token: str) -> str:
    words = ", ".join(f'"{word}"' for word in WORDS)
    script = tmp / "post.lua"
    script.write_text(f"""words = {{{words}}}
counter = 0
request = function()
  counter = counter + 1
  local text = "Lasttest " .. counter
  for i = 1, 12 do text = text .. " " .. words[math.random(#words)] .. math.random(1000) end
  local body = '{{"author":"Last","email":"last@example.org","form_token":"{token}","text":"' .. text .. '"}}'
  -- many readers comment at once, each from their own address, behind a proxy on loopback (uvicorn trusts it)
  local ip = "10.0." .. math.random(0, 255) .. "." .. math.random(1, 254)
  return wrk.format("POST", "/api/comments?uri=/artikel/post-lasttest",
                    {{["Content-Type"]="application/json", ["X-Forwarded-For"]=ip}}, body)
end
""")
    return str(script)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    texts = readers_comments(args.data_dir)
    isso_venv = Path(os.environ.get("ISSO_VENV", "/tmp/isso-venv"))
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        tmp = Path(directory)
        seed_kiebitz(str(tmp / "kiebitz.db"))
        for workers in (1, 2):
            port = free_port()
            server = kiebitz_server(tmp, port, workers)
            url = f"http://127.0.0.1:{port}/api/comments?uri={URI}"
            try:
                wait_for(url)
                wait_for_listeners(port, workers)  # or the first worker gets every connection
                body = urllib.request.urlopen(url).read()
                result = wrk(url, args.seconds)
                rows.append((f"Kiebitz GET, {workers} worker{'s' if workers > 1 else ''}", result, rss_mib(server.pid)))
                if workers == 2:
                    token = json.loads(urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/api/comments?uri=/artikel/post-lasttest").read())["form_token"]
                    posted = post_rate(port, tmp / "kiebitz.db", args.seconds, post_script(tmp, token))
                    rows.append(("Kiebitz POST, 2 workers: comments stored per second", posted, rss_mib(server.pid)))
                    if texts:
                        readers = "/artikel/post-leser"
                        token = json.loads(urllib.request.urlopen(
                            f"http://127.0.0.1:{port}/api/comments?uri={readers}").read())["form_token"]
                        posted = post_rate(port, tmp / "kiebitz.db", args.seconds,
                                           readers_post_script(tmp, token, readers, texts))
                        rows.append(("Kiebitz POST, 2 workers, readers' comments (GermEval): comments stored per second",
                                     posted, rss_mib(server.pid)))
            finally:
                stop(server)
            print(rows[-1], flush=True)
        port = free_port()
        server = nginx_server(tmp, port, body)
        try:
            wait_for(f"http://127.0.0.1:{port}/")
            rows.append(("nginx, same JSON as a static file, 2 workers", wrk(f"http://127.0.0.1:{port}/", args.seconds),
                         rss_mib(server.pid)))
        finally:
            stop(server)
        if (isso_venv / "bin" / "gunicorn").exists():
            port = free_port()
            server = isso_server(tmp, port, isso_venv)
            try:
                wait_for(f"http://127.0.0.1:{port}/info")
                seed_isso(port)
                rows.append(("Isso 0.14.0, gunicorn 2 workers, guard off",
                             wrk(f"http://127.0.0.1:{port}/?uri={URI}", args.seconds), rss_mib(server.pid)))
            finally:
                stop(server)
        else:
            print(f"Isso skipped: no {isso_venv}/bin/gunicorn", file=sys.stderr)
    lines = ["| server | requests/s | p50 ms | p99 ms | non-2xx | memory MiB |", "|---|---:|---:|---:|---:|---:|"]
    for name, result, memory in rows:
        lines.append(f"| {name} | {result['rps']:,.0f} | {result['p50']:.2f} | {result['p99']:.2f} | "
                     f"{result['non2xx']} | {memory:.0f} |")
    publish(lines, args.write, "http-thread")


if __name__ == "__main__":
    main()
