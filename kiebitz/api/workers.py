"""Several server processes, each listening on a socket of its own (SO_REUSEPORT).

uvicorn's own ``--workers`` hands one listening socket to every process, and
whichever process wakes first accepts every connection that is waiting. A
burst of keep-alive connections (a reverse proxy's pool, a load test) then
lands on one process while the others idle: measured here, 16 connections
all went to one of two workers in about half the runs, halving the
throughput. With one socket per process the kernel spreads new connections
over the processes by their addresses, as nginx's and HAProxy's
``reuseport`` do. The supervisor restarts a worker that dies and stops them
all on SIGINT or SIGTERM.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import threading
import time
from pathlib import Path
from typing import Any

from kiebitz.api.connections import STOP_SECONDS

logger = logging.getLogger("kiebitz.serve")

RESTART_PAUSE = 1.0  # seconds between restarts of one worker, so a worker that cannot start does not spin


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound with SO_REUSEPORT, so that every worker can bind the same port."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def listeners_on(port: int) -> int:
    """How many sockets listen on a TCP port here: one per worker that is ready (Linux).

    For the benchmarks and tests, which must not load the server before every
    worker listens, or the first one gets every connection.
    """
    suffix = f":{port:04X}"
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            count += fields[1].endswith(suffix) and fields[3] == "0A"  # 0A: TCP_LISTEN
    return count


def wait_for_listeners(port: int, count: int, seconds: float = 30) -> None:
    """Return once ``count`` sockets listen on ``port``; a RuntimeError after ``seconds``."""
    deadline = time.monotonic() + seconds
    while listeners_on(port) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {listeners_on(port)} of {count} workers listen on port {port}")
        time.sleep(0.1)


def serve_worker(app: str, host: str, port: int, options: dict[str, Any]) -> None:
    """One worker process: its own socket, one uvicorn server."""
    import uvicorn

    sock = listening_socket(host, port)
    uvicorn.Server(uvicorn.Config(app, host=host, port=port, **options)).run(sockets=[sock])


def run_workers(app: str, host: str, port: int, workers: int, **options: Any) -> None:
    """Run ``workers`` processes until SIGINT or SIGTERM; a worker that dies is started anew."""
    listening_socket(host, port).close()  # a port already taken fails here, once, not in every worker
    context = multiprocessing.get_context("spawn")
    stopping = threading.Event()

    def start() -> multiprocessing.process.BaseProcess:
        process = context.Process(target=serve_worker, args=(app, host, port, options), name="kiebitz-worker")
        process.start()
        return process

    previous = {sig: signal.signal(sig, lambda *_: stopping.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes = [start() for _ in range(workers)]
    started = [time.monotonic()] * workers
    try:
        while not stopping.wait(0.2):
            for slot, process in enumerate(processes):
                if not process.is_alive() and time.monotonic() - started[slot] > RESTART_PAUSE:
                    logger.warning("worker %s ended with code %s; starting another", process.pid, process.exitcode)
                    processes[slot], started[slot] = start(), time.monotonic()
    finally:
        for process in processes:
            process.terminate()  # uvicorn finishes the requests in flight on SIGTERM, for GRACEFUL_SECONDS
        deadline = time.monotonic() + STOP_SECONDS
        for process in processes:
            process.join(timeout=max(deadline - time.monotonic(), 0))
            if process.is_alive():
                logger.warning("worker %s did not stop within %s s; killing it", process.pid, STOP_SECONDS)
                process.kill()
                process.join(timeout=5)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
