"""Big, busy threads: reads of a small and of the largest thread while other threads receive posts, at a million comments.

    .venv/bin/python bench/scale.py [--comments 1000000] [--threads 10000] [--windows 12] [--postgres] [--write docs/benchmarks.md]

A generated site (bench/scale_data.py; kept in $TMPDIR between runs, copied
afresh for each run) is served by `kiebitz serve --workers 2` on SQLite, or with
--postgres on a PostgreSQL server whose cluster is kept in $TMPDIR the same way
(the site is generated once, about 12 minutes, and copied into a new database
for each run). wrk
asks what the widget asks (`&sort=oldest&limit=20&offset=0`, 64 connections)
while a client posts at 0, 5 or 25 comments a second to other threads (each
post from its own address, with a form token fetched before the run). The
three rates take turns in short windows (3 s, twelve of each rate by
default, the order rotating): this machine's speed swings by a third and
more from one 10-s phase to the next, and in 10-s rounds the share of one
round's rate under posts ranged from 58 to 98 %. Side by side, 3-s windows
see the same phase of the machine, so the rate under posts is the mean of
its windows against the mean of the windows without posts, with the
standard error of the window pairs' shares. The
posts are everyday German comments, GermEval 2021's (../shared/data; the
filter was never trained on them), none sent twice in a run: the filter then
does for them what it does for a news site's comments (until bec3b5d they
were generated word lists, for which the sentence encoder read every post).
Then: the largest thread's first page on a cold cache (right after the thread
changed, rendering alone, in-process), posts to the hot thread
itself at 5/s while it is read, the admin's queue and a search, /api/counts for
500 pages, /metrics, memory per worker, and nginx serving the same bytes.
Needs Debian's wrk and nginx (`make bench` installs them).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from http_thread import WORDS, free_port, nginx_server, pss_mib, rss_mib, stop  # bench/ is on the path
from report import publish
from scale_data import generate, thread_sizes, uri_of

from kiebitz.api.workers import wait_for_listeners

PAGE = "&sort=oldest&limit=20&offset=0"
RATES = (0, 5, 25)  # posts a second to other threads
SETTLE_SECONDS = 0.3  # between a window's posts starting or ending and its readers' count


def wrk(url: str, seconds: int, connections: int = 64) -> dict[str, float]:
    output = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "--latency", url],
                            capture_output=True, text=True, check=True).stdout

    def milliseconds(value: str, unit: str) -> float:
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)", output)
    percentiles = {p: milliseconds(*re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", output).groups()) for p in ("50", "99")}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    timeouts = re.search(r"timeout (\d+)", output)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), "p50": percentiles["50"],
            "p99": percentiles["99"], "max": milliseconds(latency.group(5), latency.group(6)) if latency else float("nan"),
            "errors": int(errors.group(1)) if errors else 0, "timeouts": int(timeouts.group(1)) if timeouts else 0}


class Poster:
    """Posts at a steady rate to the given pages until stopped; keeps each answer's status and time.

    Each poster writes texts of its own: the same texts again would be exact repeats of recent comments, which
    the filter refuses where the model agrees (up to 20 of 103 posts per run were refused so before)."""

    runs = itertools.count(11)
    texts: Iterator[str] | None = None  # shared by the run's posters: no text twice, which would be a repeat

    def __init__(self, base: str, tokens: dict[str, str], rate: float) -> None:
        self.base, self.tokens, self.rate = base, tokens, rate
        self.uris = list(tokens)
        self.answers: list[tuple[int, float]] = []
        self.first_refusals: dict[int, str] = {}
        self.stopping = threading.Event()
        self.connections = threading.local()
        self.thread = threading.Thread(target=self.run)

    def __enter__(self) -> Poster:
        if self.rate:
            self.thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.stopping.set()
        if self.rate:
            self.thread.join()

    def run(self) -> None:
        rng = random.Random(next(self.runs))
        with ThreadPoolExecutor(16) as pool:
            n = 0
            started = time.monotonic()
            while not self.stopping.is_set():
                n += 1
                uri = rng.choice(self.uris)
                text = next(Poster.comment_texts())
                pool.submit(self.post, uri, text, f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}")
                self.stopping.wait(max(started + n / self.rate - time.monotonic(), 0))

    @classmethod
    def comment_texts(cls) -> Iterator[str]:
        if cls.texts is None:
            shared = os.environ.get("KIEBITZ_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data"
            german = Path(shared) / "german_germeval2021.csv"
            if german.is_file():
                from kiebitz.spam.corpus import read_corpus

                rows = list(dict.fromkeys(draft.text for draft in read_corpus(german).drafts if len(draft.text.strip()) >= 3))
                random.Random(7).shuffle(rows)
            else:  # without the corpora: word lists, which the encoder reads
                rng = random.Random(7)
                rows = [f"Beitrag {n}: " + " ".join(rng.choice(WORDS) + str(rng.randint(1, 999)) for _ in range(12))
                        for n in range(5000)]
            cls.texts = itertools.cycle(rows)
        return cls.texts

    def post(self, uri: str, text: str, ip: str) -> None:
        """One post on this thread's own kept-alive connection. http.client, not httpx: the poster shares the
        server's two cores, and httpx (with its client shared by the pool's threads) took 5.9 ms of them a post,
        http.client 1.05 ms."""
        began = time.monotonic()
        body = json.dumps({"author": "Last", "email": "last@example.org", "text": text, "form_token": self.tokens[uri]})
        try:
            connection = self.connection()
            connection.request("POST", "/api/comments?" + urlencode({"uri": uri}), body=body,
                               headers={"Content-Type": "application/json", "X-Forwarded-For": ip})
            answer = connection.getresponse()
            status, document = answer.status, answer.read().decode()
            if status not in (201, 202) and status not in self.first_refusals:
                self.first_refusals[status] = document[:300]
                print(f"refused {status}: {document[:300]}", file=sys.stderr)
        except (OSError, http.client.HTTPException):
            self.connection().close()  # the next post on this thread connects afresh
            del self.connections.connection
            status = 0
        self.answers.append((status, (time.monotonic() - began) * 1000))

    def connection(self) -> http.client.HTTPConnection:
        if not hasattr(self.connections, "connection"):
            self.connections.connection = http.client.HTTPConnection(urlsplit(self.base).netloc, timeout=10)
        return self.connections.connection  # type: ignore[no-any-return]

    def summary(self) -> str:
        return Poster.summary_of([self])

    @staticmethod
    def summary_of(posters: list[Poster]) -> str:
        answers = [answer for poster in posters for answer in poster.answers]
        if not answers:
            return "—"
        accepted = sum(status in (201, 202) for status, _ in answers)
        refused = Counter(status for status, _ in answers if status not in (201, 202))
        statuses = "".join(f", {count} × {status or 'no answer'}" for status, count in sorted(refused.items()))
        return f"{accepted}/{len(answers)}{statuses}, p99 {percentile([ms for _, ms in answers], 99):.0f} ms"


def form_tokens(base: str, uris: list[str]) -> dict[str, str]:
    """A form token for each page, fetched once: each window's poster uses them again."""
    with httpx.Client(base_url=base) as client:  # one client: making one takes about 48 ms here
        return {uri: client.get("/api/comments", params={"uri": uri, "limit": 1}).json()["form_token"] for uri in uris}


def percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * percent / 100))]


def timed_requests(request: Any, times: int = 50) -> float:
    """p99 of ``times`` calls, in milliseconds."""
    spent = []
    for _ in range(times):
        began = time.perf_counter()
        request()
        spent.append((time.perf_counter() - began) * 1000)
    return percentile(spent, 99)


def first_then_p99(request: Any, times: int) -> tuple[float, float]:
    """The first call's milliseconds, and the p99 of ``times`` calls after it."""
    began = time.perf_counter()
    request()
    return (time.perf_counter() - began) * 1000, timed_requests(request, times)


def phase_row(name: str, rate: int, runs: list[tuple[dict[str, float], Poster]],
              quiet: list[tuple[dict[str, float], Poster]]) -> str:
    """One table row for a thread at one post rate over its windows: the mean rate, its share of the mean rate of
    the windows without posts and that share's standard error over the pairs of windows taken side by side; the
    worst window's latencies."""
    mean = statistics.mean(got["rps"] for got, _ in runs)
    share = ""
    if rate:
        shares = [got["rps"] / alone["rps"] for (got, _), (alone, _) in zip(runs, quiet, strict=True)]
        error = statistics.stdev(shares) / len(shares) ** 0.5
        share = f" ({mean / statistics.mean(alone['rps'] for alone, _ in quiet):.0%} ± {error:.0%})"
    return (f"| {name}, first page | {rate} | {mean:,.0f}{share} | "
            f"{max(got['p50'] for got, _ in runs):.1f} | {max(got['p99'] for got, _ in runs):.1f} | "
            f"{max(got['max'] for got, _ in runs):.0f} | {sum(got['errors'] for got, _ in runs)}, "
            f"{sum(got['timeouts'] for got, _ in runs)} | {Poster.summary_of([poster for _, poster in runs])} |")


def window(base: str, url: str, tokens: dict[str, str], rate: int, seconds: int) -> tuple[dict[str, float], Poster]:
    """wrk for one window while ``rate`` posts a second go to the pages of ``tokens``. The posts start a moment
    before wrk and the last ones end a moment before the next window, so each window sees its own rate alone."""
    with Poster(base, tokens, rate) as poster:
        time.sleep(SETTLE_SECONDS)
        got = wrk(url, seconds)
    time.sleep(SETTLE_SECONDS)
    return got, poster


def worker_memory(supervisor: int) -> list[tuple[float, float]]:
    """Resident and proportional memory (RSS, PSS) of each worker process, in MiB.

    PSS splits pages the workers share (the encoder's mapped table) between
    them: the memory a worker really adds. Multiprocessing's resource tracker
    is not a worker and is left out.
    """
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    workers = [int(child) for child in children if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()]
    return [(rss_mib(pid), pss_mib(pid)) for pid in workers]


def site_database(comments: int, threads: int) -> Path:
    path = Path(tempfile.gettempdir()) / f"kiebitz-scale-{comments}-{threads}.db"
    if not path.exists():
        building = path.with_suffix(".building.db")
        for leftover in building.parent.glob(building.name + "*"):
            leftover.unlink()
        made = generate(f"sqlite:///{building}", comments, threads)
        print(f"generated {comments:,} comments in {made['seconds']:.0f} s")
        building.rename(path)
    return path


def in_process_figures(database: str, largest: str) -> dict[str, float]:
    """Cold rendering of the largest thread's first page, the admin's queue and a search, inside one process."""
    from sqlalchemy import text

    from kiebitz.app import build
    from kiebitz.config import Settings
    from kiebitz.store.queues import QueueFilter

    kiebitz = build(Settings({"database": database}))
    service = kiebitz.comments
    cold = []
    for _ in range(10):
        service.cache.invalidate()
        with kiebitz.store.write() as db:  # the thread changes, as a post would change it
            db.execute(text("UPDATE threads SET title = title WHERE uri = :uri"), {"uri": largest})
        began = time.perf_counter()
        service.thread_rendering("default", largest, "oldest", 20, 0)
        cold.append((time.perf_counter() - began) * 1000)
    figures = {"cold_p50": statistics.median(cold), "cold_max": max(cold)}
    # The first of each reads its rows into the database's buffers (a fresh copy; after a restart): shown apart,
    # since the p99 of 20 calls is their slowest.
    figures["queue_first"], figures["queue"] = first_then_p99(lambda: kiebitz.queues.page(QueueFilter()), 20)
    figures["search_first"], figures["search"] = first_then_p99(
        lambda: kiebitz.queues.page(QueueFilter(search="Brücke Sanierung")), 20)
    kiebitz.store.engine.dispose()
    return figures


def serve(database: str, port: int) -> subprocess.Popen[bytes]:
    environment = dict(os.environ, KIEBITZ_DATABASE=database, KIEBITZ_MIN_SUBMIT_SECONDS="0", KIEBITZ_FLOOD_SECONDS="0",
                       KIEBITZ_RATE_LIMIT_PER_HOUR="100000000")
    return subprocess.Popen([sys.executable, "-m", "kiebitz.cli", "serve", "--port", str(port), "--workers", "2"],
                            env=environment, start_new_session=True)


def measure(database: str, sizes: list[int], seconds: int, windows: int,
            window_seconds: int) -> tuple[list[str], list[str], bytes, float]:
    """The table's rows for one database, the other figures' rows, the largest page's bytes and its rate alone."""
    small = uri_of(min(range(len(sizes)), key=lambda rank: abs(sizes[rank] - 100)) + 1)
    largest = uri_of(1)
    others = [uri_of(rank) for rank in random.Random(3).sample(range(2, len(sizes) + 1), 200) if uri_of(rank) != small]
    figures = in_process_figures(database, largest)
    rows: list[str] = []
    port = free_port()
    server = serve(database, port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_listeners(port, 2)
        threads = ((f"{sizes[int(small.rsplit('/', 1)[1]) - 1]}-comment thread", small),
                   (f"largest thread ({sizes[0]:,})", largest))
        tokens = form_tokens(base, others)
        phases: dict[tuple[str, int], list[tuple[dict[str, float], Poster]]] = {}
        for name, uri in threads:
            url = f"{base}/api/comments?uri={uri}{PAGE}"
            wrk(url, window_seconds)  # the thread's rendering made and warm
            for turn in range(windows):  # the rates side by side, in an order that rotates
                for rate in RATES[turn % 3:] + RATES[:turn % 3]:
                    got = window(base, url, tokens, rate, window_seconds)
                    phases.setdefault((name, rate), []).append(got)
        for rate in RATES:
            for name, _ in threads:
                rows.append(phase_row(name, rate, phases[name, rate], phases[name, 0]))
        alone = statistics.mean(got["rps"] for got, _ in phases[threads[1][0], 0])
        with Poster(base, form_tokens(base, [largest]), 5) as poster:
            got = wrk(f"{base}/api/comments?uri={largest}{PAGE}", seconds)
        rows.append(f"| largest thread, while it gets 5 posts/s itself | — | {got['rps']:,.0f} | {got['p50']:.1f} | "
                    f"{got['p99']:.1f} | {got['max']:.0f} | {got['errors']}, {got['timeouts']} | {poster.summary()} |")
        pages = [uri_of(rank) for rank in range(1, 501)]
        with httpx.Client(base_url=base) as client:  # one client: making one takes about 48 ms here (its TLS context)
            client.get("/metrics").raise_for_status()  # the connection made before the timing
            counts = timed_requests(lambda: client.post("/api/counts", json=pages).raise_for_status())
            metrics = timed_requests(lambda: client.get("/metrics").raise_for_status(), 20)
        memory = worker_memory(server.pid)
        body = httpx.get(f"{base}/api/comments", params={"uri": largest, "sort": "oldest", "limit": 20, "offset": 0}).content
    finally:
        stop(server)
    other = [f"| largest thread's first page, cold (rendered after a change, in-process), median / max | "
             f"{figures['cold_p50']:.1f} / {figures['cold_max']:.1f} ms |",
             f"| admin's pending queue, first page: the first call / p99 of the next 20 | "
             f"{figures['queue_first']:.1f} / {figures['queue']:.1f} ms |",
             f"| admin search for two words: the first / p99 of the next 20 | "
             f"{figures['search_first']:.1f} / {figures['search']:.1f} ms |",
             f"| POST /api/counts for 500 pages, p99 | {counts:.1f} ms |",
             f"| GET /metrics, p99 | {metrics:.1f} ms |",
             f"| memory per worker after the runs, RSS (PSS) | "
             f"{' and '.join(f'{rss:.0f} ({pss:.0f})' for rss, pss in memory)} MiB |"]
    return rows, other, body, alone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10, help="the hot thread's phase and nginx's")
    parser.add_argument("--windows", type=int, default=12, help="windows of each post rate, for each thread")
    parser.add_argument("--window-seconds", type=int, default=3)
    parser.add_argument("--postgres", action="store_true", help="on a throw-away PostgreSQL server instead of SQLite")
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    sizes = thread_sizes(args.comments, args.threads)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    backend = "PostgreSQL (fsync on, on the same two cores)" if args.postgres else "SQLite"
    rows = [f"`bench/scale.py --comments {args.comments}{' --postgres' if args.postgres else ''}` at commit {commit}: "
            f"{args.comments:,} comments in {args.threads:,} threads (largest {sizes[0]:,}), {backend}, "
            f"`kiebitz serve --workers 2`, wrk 64 connections in {args.window_seconds}-s windows, {args.windows} of each "
            "rate side by side in a rotating order, on this 2-core machine (wrk, the poster and nginx share it). req/s: "
            "the mean of the windows, and in brackets its share of the mean without posts ± the standard error of the "
            "pairs' shares; p50, p99 and max: the worst window",
            "",
            "| request | posts/s elsewhere | req/s (share ± error) | p50 ms | p99 ms | max ms | errors, timeouts | "
            "posts accepted, p99 |",
            "|---|---:|---:|---:|---:|---:|---:|---|"]
    with tempfile.TemporaryDirectory() as directory:
        tmp = Path(directory)
        if args.postgres:
            sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for tests/postgres.py
            from tests.postgres import PostgresServer

            kept = Path(tempfile.gettempdir()) / f"kiebitz-scale-pg-{args.comments}-{args.threads}"
            postgres = PostgresServer(durable=True, kept_in=kept).start()
            try:
                if not (kept / "generated").exists():
                    made = generate(postgres.create_database("site"), args.comments, args.threads)
                    print(f"generated {args.comments:,} comments in {made['seconds']:.0f} s")
                    (kept / "generated").touch()
                table, other, body, alone = measure(postgres.create_database("run", template="site"), sizes, args.seconds,
                                                     args.windows, args.window_seconds)
            finally:
                postgres.stop()
        else:
            shutil.copy(site_database(args.comments, args.threads), tmp / "kiebitz.db")
            os.sync()  # the copy's 800 MB on disk before the measuring starts, not written back during it
            table, other, body, alone = measure(str(tmp / "kiebitz.db"), sizes, args.seconds, args.windows,
                                                 args.window_seconds)
        nginx_port = free_port()
        nginx = nginx_server(tmp, nginx_port, body)
        try:
            time.sleep(0.5)
            static = wrk(f"http://127.0.0.1:{nginx_port}/", args.seconds)
        finally:
            stop(nginx)
    rows += table + ["", "| other figures | |", "|---|---:|", *other,
                     f"| nginx, the same bytes as a static file, 2 workers | {static['rps']:,.0f} req/s, p99 {static['p99']:.1f} ms |",
                     f"| the largest thread without posts, against nginx | {alone / static['rps']:.0%} of nginx's rate |"]
    publish(rows, args.write, "scale-postgres" if args.postgres else "scale")


if __name__ == "__main__":
    main()
