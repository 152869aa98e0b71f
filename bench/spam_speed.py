"""Speed and size of the shipped spam model: one comment, a batch, one lesson.

    .venv/bin/python bench/spam_speed.py [--data-dir ../shared/data] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from report import publish  # bench/ is on the path when a script here runs

from kiebitz.domain import CommentDraft
from kiebitz.spam.corpus import read_corpus
from kiebitz.spam.model import SpamModel
from kiebitz.spam.store import DEFAULT_MODEL, load_base

CORPORA = ("youtube_spam_collection.csv", "sms_spam_collection.csv", "german_germeval2021.csv")
# The two cores are shared with whatever else runs; the fastest of a few passes is the
# model's own speed (as timeit reports), the slower ones measure the neighbours.
PASSES = 3


def best_of(passes: int, work: Callable[..., object], *arguments: object) -> float:
    """Seconds of the fastest of ``passes`` runs of ``work(*arguments)``."""
    times = []
    for _ in range(passes):
        started = time.perf_counter()
        work(*arguments)
        times.append(time.perf_counter() - started)
    return min(times)


def score_each(model: SpamModel, drafts: list[CommentDraft]) -> None:
    for draft in drafts:
        model.score(draft)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default="../shared/data", type=Path)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    model = load_base("default")
    lines = ["| corpus | mean length | score one (ms, with reasons; fastest of 3 passes) "
             "| batch (ms per comment; fastest of 3) | learn one (ms) |",
             "|---|---:|---:|---:|---:|"]
    for name in CORPORA:
        drafts = read_corpus(args.data_dir / name, other_labels_as_ham=("offense",)).drafts[:2000]
        single = best_of(PASSES, score_each, model, drafts) * 1000 / len(drafts)
        batch = best_of(PASSES, model.score_many, drafts) * 1000 / len(drafts)
        lessons = drafts[:200]
        started = time.perf_counter()
        for number, draft in enumerate(lessons):
            model.learn(draft, is_spam=number % 2 == 0)
        learn = (time.perf_counter() - started) * 1000 / len(lessons)
        mean = np.mean([len(draft.text) for draft in drafts])
        lines.append(f"| {name.removesuffix('.csv')} | {mean:.0f} | {single:.3f} | {batch:.3f} | {learn:.3f} |")
        print(lines[-1], flush=True)
    lines.append("")
    lines.append(f"Model file: {DEFAULT_MODEL.stat().st_size / 1e6:.1f} MB (`kiebitz/spam/default_model/model.npz`).")
    publish(lines, args.write, "spam-speed")


if __name__ == "__main__":
    main()
