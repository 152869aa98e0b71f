"""`kiebitz serve` as a real process: readers behind a reverse proxy keep their own address,
several workers share the connections, a worker that dies is replaced, and what was
acknowledged survives a crash."""

from __future__ import annotations

import http.client
import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kiebitz.api.workers import wait_for_listeners
from tests.conftest import free_port

URI = "/artikel/hinter-dem-proxy"


def serve(
    tmp_path: Path, trusted_proxies: str = "127.0.0.1", workers: int = 1, stderr: int | None = None, **settings: str
) -> tuple[subprocess.Popen[bytes], str]:
    """``kiebitz serve`` on a free port; ``settings`` as KIEBITZ_* variables (``header_timeout="2"``)."""
    port = free_port()
    settings.setdefault("public_url", f"http://127.0.0.1:{port}")
    env = dict(os.environ, KIEBITZ_DATABASE=str(tmp_path / "kiebitz.db"), KIEBITZ_MIN_SUBMIT_SECONDS="0",
               KIEBITZ_TRUSTED_PROXIES=trusted_proxies, **{f"KIEBITZ_{name.upper()}": value for name, value in settings.items()})
    command = [sys.executable, "-m", "kiebitz.cli", "serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, env=env, stderr=stderr)
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


def post_through_proxy(base: str, reader: str, text: str = "Gute Nachricht für den Ort.") -> int:
    token = json.loads(urllib.request.urlopen(f"{base}/api/comments?uri={URI}").read())["form_token"]
    body = json.dumps({"author": "Anna", "email": "anna@example.org", "text": text, "form_token": token}).encode()
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


def workers_of(server: subprocess.Popen[bytes], count: int) -> list[int]:
    """The worker processes' ids, once ``count`` of them run."""
    deadline = time.time() + 30
    while time.time() < deadline:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        workers = [int(child) for child in children if b"spawn_main" in command_line(int(child))]
        if len(workers) >= count:  # not counting multiprocessing's resource tracker
            return workers
        time.sleep(0.1)
    raise RuntimeError(f"fewer than {count} workers started")


def command_line(pid: int) -> bytes:
    """A process's command line; empty once it has gone (a killed worker is listed until it is reaped)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return b""


def open_connections(pid: int) -> int:
    """Sockets a process holds, the listening one included."""
    return sum(1 for fd in Path(f"/proc/{pid}/fd").iterdir() if os.readlink(fd).startswith("socket:"))


def test_a_worker_serves_and_posts_without_loading_the_training_libraries(tmp_path: Path) -> None:
    """scikit-learn and scipy (about 75 MiB a worker) are for training and evaluation, never for serving.

    A spawned worker imports the command's module again, so this is checked on
    real worker processes after a post, not on an import in this one.
    """
    server, base = serve(tmp_path, workers=2)
    try:
        wait_for_listeners(int(base.rsplit(":", 1)[1]), 2)
        for worker in range(2):
            post_through_proxy(base, f"203.0.113.{worker + 7}", f"Der {worker + 1}. Beitrag zum Thema, gut geschrieben.")
        mapped = {pid: Path(f"/proc/{pid}/maps").read_text() for pid in [server.pid, *workers_of(server, 2)]}
    finally:
        server.terminate()
        server.wait(10)
    for pid, maps in mapped.items():
        assert "site-packages/sklearn/" not in maps and "site-packages/scipy/" not in maps, pid


def test_workers_share_keep_alive_connections_and_a_dead_one_is_replaced(tmp_path: Path) -> None:
    server, base = serve(tmp_path, workers=2)
    try:
        workers = workers_of(server, 2)
        port = int(base.rsplit(":", 1)[1])
        wait_for_listeners(port, 2)  # the second worker may still be starting
        before = {pid: open_connections(pid) for pid in workers}
        connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(16)]
        for connection in connections:
            connection.request("GET", "/healthz")
            assert connection.getresponse().read()
        gained = [open_connections(pid) - before[pid] for pid in workers]
        for connection in connections:
            connection.close()
        assert sum(gained) == 16 and min(gained) >= 1, gained  # all 16 on one worker: 2 in 65,536

        os.kill(workers[0], 9)
        deadline = time.time() + 30
        while len(set(workers_of(server, 2)) - {workers[0]}) < 2 and time.time() < deadline:
            time.sleep(0.1)
        assert len(set(workers_of(server, 2)) - {workers[0]}) == 2
        urllib.request.urlopen(base + "/healthz", timeout=5).read()
    finally:
        server.terminate()
        assert server.wait(30) == 0


class Load:
    """Eight writers posting and four readers reading a thread until the server goes away."""

    WORDS = ["Bahn", "Brücke", "Rat", "Schule", "Markt", "Wetter", "Kino", "Park", "Hafen", "Miete", "Radweg", "Fest"]

    def __init__(self, base: str) -> None:
        self.base = base
        self.acknowledged: list[int] = []
        self.reads = 0
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.post_until_stopped, args=(writer,)) for writer in range(8)]
        self.threads += [threading.Thread(target=self.read_until_stopped) for _ in range(4)]
        for thread in self.threads:
            thread.start()

    def post_until_stopped(self, writer: int) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            text = f"Leser {writer} schreibt zum {n}. Mal: " + " ".join(random.sample(self.WORDS, 6))
            try:
                self.acknowledged.append(post_through_proxy(self.base, f"198.51.{writer}.{n % 250}", text))
            except urllib.error.HTTPError:
                continue  # refused (say, as a repeat): not acknowledged, nothing to check
            except (OSError, http.client.HTTPException):
                return  # the server is gone

    def read_until_stopped(self) -> None:
        while not self.stop.is_set():
            try:
                urllib.request.urlopen(f"{self.base}/api/comments?uri={URI}&limit=20", timeout=10).read()
                self.reads += 1
            except (OSError, http.client.HTTPException):
                return

    def end(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(10)


def stored_ids(database: Path) -> set[int]:
    with sqlite3.connect(database) as db:
        return {row[0] for row in db.execute("SELECT id FROM comments")}


def test_every_acknowledged_comment_survives_the_server_being_killed(tmp_path: Path) -> None:
    """Posts answered 201/202 are committed before the answer, even with a batch in flight when the process dies."""
    server, base = serve(tmp_path)
    load = Load(base)
    time.sleep(1.5)
    server.kill()  # SIGKILL: no shutdown, no last checkpoint
    server.wait(10)
    load.end()
    assert len(load.acknowledged) > 20, load.acknowledged
    assert set(load.acknowledged) <= stored_ids(tmp_path / "kiebitz.db")


def test_sigterm_under_load_stops_the_workers_within_ten_seconds_keeping_every_acknowledged_comment(tmp_path: Path) -> None:
    server, base = serve(tmp_path, workers=2)
    wait_for_listeners(int(base.rsplit(":", 1)[1]), 2)
    load = Load(base)
    time.sleep(2)
    asked = time.monotonic()
    server.terminate()
    assert server.wait(15) == 0
    stopped = time.monotonic() - asked
    load.end()
    assert stopped < 10, stopped
    assert len(load.acknowledged) > 10 and load.reads > 10, (len(load.acknowledged), load.reads)
    assert set(load.acknowledged) <= stored_ids(tmp_path / "kiebitz.db")


def test_serve_with_workers_migrates_once_before_starting_them(tmp_path: Path, monkeypatch) -> None:
    """The workers find the schema at head: none of them waits for another's migration on the write lock."""
    from click.testing import CliRunner

    import kiebitz.api.workers
    from kiebitz.cli import main
    from kiebitz.store.engine import MIGRATIONS

    database = tmp_path / "kiebitz.db"
    found: list[str] = []

    def run_workers(*_args: object, **_options: object) -> None:
        with sqlite3.connect(database) as connection:
            found.extend(row[0] for row in connection.execute("SELECT version_num FROM alembic_version"))

    monkeypatch.setattr(kiebitz.api.workers, "run_workers", run_workers)
    monkeypatch.setenv("KIEBITZ_DATABASE", str(database))
    result = CliRunner().invoke(main, ["serve", "--workers", "2"])
    assert result.exit_code == 0, result.output
    head = sorted(path.name[:4] for path in (MIGRATIONS / "versions").glob("0*.py"))[-1]
    assert found == [head]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_server_process_on_postgresql_hands_the_gil_on_sooner(tmp_path: Path, backend: str, request) -> None:
    """Each round trip to PostgreSQL gives up the GIL; a writer thread gets it back within 1 ms, not 5."""
    database = str(tmp_path / "kiebitz.db")
    if backend == "postgresql":
        database = request.getfixturevalue("postgres_server").new_database()
    assert float(in_a_server_process("sys.getswitchinterval()", database)) == (0.001 if backend == "postgresql" else 0.005)


def test_a_server_process_leaves_what_it_loaded_out_of_the_garbage_collection(tmp_path: Path) -> None:
    """The model, the encoder and the modules stay for the process's life: a full collection walking them held
    the GIL for 68 ms, so they are frozen once the app is built."""
    assert int(in_a_server_process("gc.get_freeze_count()", str(tmp_path / "k.db"))) > 50_000


def in_a_server_process(expression: str, database: str) -> str:
    """``expression`` (sys and gc imported) as printed by a process that has imported the server's app."""
    probe = f"import gc, sys, kiebitz.asgi; print({expression})"
    result = subprocess.run([sys.executable, "-c", probe], env=dict(os.environ, KIEBITZ_DATABASE=database),
                            capture_output=True, text=True, check=True)
    return result.stdout.split()[-1]
