"""CPU time of one post in-process: validation, spam filter, SQLite commit, no HTTP.

    .venv/bin/python bench/post_cpu.py [--posts 2000]

Steadier than the HTTP figure, which moves with whatever else the two cores
do: process time, not wall time, of CommentService.post on a real SQLite file,
every post a new text from a small vocabulary (so near-repeat candidates are
plentiful) and a new address.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time

from http_thread import WORDS  # bench/ is on the path when a script here runs

from kiebitz.app import build
from kiebitz.config import Settings
from kiebitz.errors import KiebitzError
from kiebitz.moderation.comments import Client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        kiebitz = build(Settings({"database": f"{directory}/kiebitz.db", "min_submit_seconds": 0, "flood_seconds": 0,
                                  "rate_limit_per_hour": 100_000_000}))
        token = kiebitz.signer.form_token("default", "/artikel/cpu")
        rejected = 0

        def post(count: int) -> None:
            nonlocal rejected
            for n in range(count):
                text = f"Lasttest {n} " + " ".join(random.choice(WORDS) + str(random.randint(0, 999)) for _ in range(12))
                payload = {"author": "Last", "email": "last@example.org", "text": text, "form_token": token}
                try:
                    kiebitz.comments.post("default", "/artikel/cpu", payload, Client(f"10.0.{n % 250}.{n % 7}", "bench", "", ""))
                except KiebitzError:
                    rejected += 1

        post(args.posts // 2)  # warm up: caches, a table of some size
        started = time.process_time()
        post(args.posts)
        print(f"{1000 * (time.process_time() - started) / args.posts:.2f} ms CPU per post "
              f"({args.posts} posts, {rejected} rejected)")


if __name__ == "__main__":
    main()
