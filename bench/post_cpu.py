"""CPU time of one post in-process: validation, spam filter, SQLite commit, no HTTP.

    .venv/bin/python bench/post_cpu.py [--posts 2000] [--data-dir ../shared/data]
    valgrind --tool=callgrind --instr-atstart=no .venv/bin/python bench/post_cpu.py --posts 300 --callgrind [--data-dir ...]

Steadier than the HTTP figure, which moves with whatever else the two cores
do: process time, not wall time, of CommentService.post on a real SQLite file,
every post a new text from a small vocabulary (so near-repeat candidates are
plentiful) and a new address. With ``--data-dir``, readers' comments instead
(GermEval 2021 and 2017, as bench/http_thread.py posts them): longer, some with
links, and the sentence encoder reads the few the n-grams are unsure of.

Under callgrind (``--callgrind``) only the measured posts are counted, the
model's loading and the warm-up left out: valgrind's "Collected" divided by
``--posts`` is the instructions per post, which the machine's phase does not move.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from http_thread import WORDS, readers_comments  # bench/ is on the path when a script here runs

from kiebitz.app import build
from kiebitz.config import Settings
from kiebitz.errors import KiebitzError
from kiebitz.moderation.comments import Client


def made_up_texts() -> Iterator[str]:
    for n in itertools.count():
        yield f"Lasttest {n} " + " ".join(random.choice(WORDS) + str(random.randint(0, 999)) for _ in range(12))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--data-dir", type=Path, default=None, help="post readers' comments from this directory")
    parser.add_argument("--callgrind", action="store_true", help="count only the measured posts under callgrind")
    args = parser.parse_args()
    texts = iter(readers_comments(args.data_dir)) if args.data_dir else made_up_texts()
    with tempfile.TemporaryDirectory() as directory:
        kiebitz = build(Settings({"database": f"{directory}/kiebitz.db", "min_submit_seconds": 0, "flood_seconds": 0,
                                  "rate_limit_per_hour": 100_000_000}))
        token = kiebitz.signer.form_token("default", "/artikel/cpu")
        rejected = 0

        def post(count: int, first: int) -> None:
            nonlocal rejected
            for n in range(first, first + count):
                payload = {"author": "Last", "email": "last@example.org", "text": next(texts), "form_token": token}
                try:
                    kiebitz.comments.post("default", "/artikel/cpu", payload, Client(f"10.0.{n % 250}.{n % 7}", "bench", "", ""))
                except KiebitzError:  # a text over 10,000 characters, a reader's repeat
                    rejected += 1

        warm_up = args.posts // 2 if not args.callgrind else 300
        post(warm_up, 0)  # caches, a table of some size
        if args.callgrind:
            subprocess.run(["callgrind_control", "--instr=on", str(os.getpid())], check=True, capture_output=True)
        started = time.process_time()
        post(args.posts, warm_up)
        spent = time.process_time() - started
        if args.callgrind:
            subprocess.run(["callgrind_control", "--instr=off", str(os.getpid())], check=True, capture_output=True)
            print(f"callgrind counted {args.posts} posts ({rejected} rejected): divide its Collected by {args.posts}")
        else:
            print(f"{1000 * spent / args.posts:.2f} ms CPU per post ({args.posts} posts, {rejected} rejected)")


if __name__ == "__main__":
    main()
