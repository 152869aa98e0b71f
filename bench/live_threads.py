"""Live threads: how long a new comment takes to reach 2,000 open streams of a 2-worker instance, and their memory.

    .venv/bin/python bench/live_threads.py [--streams 2000] [--posts 10] [--other-writes 20] [--write docs/benchmarks.md]

Starts `kiebitz serve --workers 2` on a fresh SQLite file, opens the streams
(GET /api/live, each its own connection, spread by the kernel over both
workers), posts comments to the article through the JSON API one at a time and
times, per stream, from sending the POST to reading the event that carries the
comment. Meanwhile another client posts ``--other-writes`` comments a second
to other articles, as the rest of a site keeps writing. Memory is the workers'
resident memory with the streams open minus before, per stream.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from http_thread import free_port, kiebitz_server, rss_mib, stop, wait_for  # bench/ is on the path
from report import publish

from kiebitz.api.workers import wait_for_listeners

ARTICLE = "/artikel/live-ticker"
WORDS = ("Tor Elfmeter Abseits Ecke Wechsel Pause Trainer Fans Stadion Regen Flanke Konter Parade Latte Gelb Rot "
         "Nachspielzeit Kopfball Freistoß Jubel Schiedsrichter Videobeweis Torwart Sturm Abwehr Mittelfeld Kapitän "
         "Tabelle Aufstieg Derby Heimspiel Auswärtssieg Flutlicht Rasen Kurve Choreo Pokal Halbzeit Verlängerung").split()


def text_of(number: int) -> str:
    """Different enough from every other that the filter's near-repeat check lets each one through."""
    chosen = random.Random(number).sample(WORDS, 8)
    return f"Nach {number} Minuten: {chosen[0]} und {chosen[1]}, dann {chosen[2]}. {' '.join(chosen[3:])} – {number * 37 % 1000}!"


def post(base: str, uri: str, number: int, must_publish: bool = True) -> int:
    token = json.loads(urllib.request.urlopen(f"{base}/api/comments?uri={uri}&limit=1").read())["form_token"]
    body = json.dumps({"text": text_of(number), "author": f"Leser {number}", "email": f"l{number}@example.org",
                       "form_token": token}).encode()
    request = urllib.request.Request(f"{base}/api/comments?uri={uri}", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        if must_publish and response.status != 201:
            raise RuntimeError(f"the comment was not published at once ({response.status}): {response.read()!r}")
        return int(json.loads(response.read())["id"])


class Streams:
    def __init__(self, port: int, count: int) -> None:
        self.port, self.count = port, count
        self.ready = 0
        self.arrived: dict[int, list[float]] = {}  # comment id → when each stream read it

    async def one(self) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port, limit=1 << 20)
        writer.write(f"GET /api/live?uri={ARTICLE} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        await writer.drain()
        status = await reader.readline()
        if b" 200 " not in status:
            raise RuntimeError(f"a stream was refused: {status!r}")
        event = ""
        async for raw in reader:
            line = raw.decode().strip()
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "ready":
                self.ready += 1
            elif line.startswith("data: ") and event == "comments":
                now = time.perf_counter()
                for comment in json.loads(line[6:])["comments"]:
                    self.arrived.setdefault(comment["id"], []).append(now)


def other_writes(base: str, per_second: float, stop_at: threading.Event, done: list[int]) -> None:
    number = 100_000
    while not stop_at.is_set() and per_second > 0:
        started = time.perf_counter()
        try:
            post(base, f"/artikel/anderes-{number % 50}", number, must_publish=False)
            done.append(number)
        except OSError:
            pass
        number += 1
        time.sleep(max(0.0, 1 / per_second - (time.perf_counter() - started)))


async def measure(base: str, port: int, count: int, posts: int, pid: int,
                  before: float) -> tuple[list[float], list[float], int, float]:
    """Open the streams, note the workers' memory, then time each post's way to every stream."""
    streams = Streams(port, count)
    tasks = [asyncio.create_task(streams.one()) for _ in range(count)]
    deadline = time.time() + 120
    while streams.ready < count and time.time() < deadline:
        await asyncio.sleep(0.1)
        if any(task.done() and task.exception() for task in tasks):
            raise next(task.exception() for task in tasks if task.done() and task.exception())  # type: ignore[misc]
    opened = streams.ready
    await asyncio.sleep(1)
    memory = (rss_mib(pid) - before) * 1024 / max(opened, 1)  # KiB per open stream
    worst, median = [], []
    for number in range(posts):
        sent = time.perf_counter()
        comment_id = await asyncio.to_thread(post, base, ARTICLE, number)
        wait_until = time.time() + 10
        while len(streams.arrived.get(comment_id, [])) < opened and time.time() < wait_until:
            await asyncio.sleep(0.01)
        delays = sorted(at - sent for at in streams.arrived.get(comment_id, []))
        if len(delays) < opened:
            delays += [float("inf")] * (opened - len(delays))
        worst.append(delays[-1])
        median.append(delays[len(delays) // 2])
        await asyncio.sleep(1.5)
    for task in tasks:
        task.cancel()
    return worst, median, opened, memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--streams", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=10)
    parser.add_argument("--other-writes", type=float, default=20.0, help="comments a second to other articles")
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as folder:
        tmp, port = Path(folder), free_port()
        os.environ.update(KIEBITZ_LIVE_STREAMS_PER_IP=str(args.streams + 10), KIEBITZ_MAX_CONNECTIONS=str(args.streams + 500),
                          KIEBITZ_SPAM_ENCODER="false")
        server = kiebitz_server(tmp, port, 2)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/healthz", 60)
            wait_for_listeners(port, 2)
            post(base, ARTICLE, 99_999)  # the thread exists; the workers have served once
            before = rss_mib(server.pid)
            stop_writes, written = threading.Event(), []
            writer = threading.Thread(target=other_writes, args=(base, args.other_writes, stop_writes, written), daemon=True)
            writer.start()
            started = time.perf_counter()
            worst, median, opened, memory = asyncio.run(measure(base, port, args.streams, args.posts, server.pid, before))
            stop_writes.set()
            writes_per_second = len(written) / (time.perf_counter() - started)
        finally:
            stop(server)
    lines = [
        f"Measured at {commit} (`.venv/bin/python bench/live_threads.py --streams {args.streams}`), 2 workers, SQLite, "
        f"the spam encoder off; other articles written meanwhile at {writes_per_second:.1f} comments/s.",
        "",
        "| open streams | posts | all streams reached, median of posts | worst post | median stream, median of posts "
        "| memory per open stream |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {opened:,} | {len(worst)} | {statistics.median(worst) * 1000:.0f} ms | {max(worst) * 1000:.0f} ms "
        f"| {statistics.median(median) * 1000:.0f} ms | {memory:.1f} KiB |",
    ]
    publish(lines, args.write, "live-threads")


if __name__ == "__main__":
    sys.exit(main())
