"""POST throughput on PostgreSQL: `kiebitz serve --workers 2` over a local PostgreSQL server.

    .venv/bin/python bench/post_postgres.py [--runs 3] [--seconds 10]

The same load as the POST row of bench/http_thread.py (wrk, 64 connections,
every request a new comment from its own address), on a throw-away cluster
that tests/postgres.py starts from Debian's binaries, with fsync on, so every
acknowledged comment is on disk. The server shares the two cores with
Kiebitz and wrk. After each run both workers must show the same thread.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from http_thread import free_port, post_script, stop, wait_for, wrk  # bench/ is on the path when a script here runs
from sqlalchemy import create_engine, text

from kiebitz.api.workers import wait_for_listeners
from kiebitz.store.engine import database_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for tests/postgres.py
from tests.postgres import PostgresServer  # noqa: E402

URI = "/artikel/post-lasttest"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    server = PostgresServer(durable=True).start()
    try:
        for _ in range(args.runs):
            print(one_run(server.new_database(), args.seconds), flush=True)
    finally:
        server.stop()


def one_run(database: str, seconds: int) -> str:
    port = free_port()
    environment = dict(os.environ, KIEBITZ_DATABASE=database, KIEBITZ_MIN_SUBMIT_SECONDS="0",
                       KIEBITZ_FLOOD_SECONDS="0", KIEBITZ_RATE_LIMIT_PER_HOUR="100000000")
    kiebitz = subprocess.Popen([sys.executable, "-m", "kiebitz.cli", "serve", "--port", str(port), "--workers", "2"],
                               env=environment, start_new_session=True)
    engine = create_engine(database_url(database))
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/healthz")
        wait_for_listeners(port, 2)
        with tempfile.TemporaryDirectory() as directory:
            result = wrk(f"{base}/", seconds, post_script(Path(directory), thread_of(base)["form_token"]))
        time.sleep(1)  # requests wrk left in flight are answered
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT count(*) FROM comments")).scalar() or 0
        totals = {thread_of(base)["total"] for _ in range(20)}
    finally:
        engine.dispose()
        stop(kiebitz)
    return (f"PostgreSQL POST, 2 workers: {stored / seconds:.0f} comments stored per second, p50 {result['p50']:.0f} ms, "
            f"p99 {result['p99']:.0f} ms, non-2xx {result['non2xx']:.0f}; totals shown by the workers: {sorted(totals)}")


def thread_of(base: str) -> dict:  # type: ignore[type-arg]
    with urllib.request.urlopen(f"{base}/api/comments?uri={URI}") as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


if __name__ == "__main__":
    main()
