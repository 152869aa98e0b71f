"""Speed and size of the shipped spam model: one comment, a batch, one lesson.

    .venv/bin/python bench/spam_speed.py [--data-dir ../shared/data] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from report import write_section  # bench/ is on the path when a script here runs

from kiebitz.spam.corpus import read_corpus
from kiebitz.spam.store import DEFAULT_MODEL, load_base

CORPORA = ("youtube_spam_collection.csv", "sms_spam_collection.csv", "german_germeval2021.csv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default="../shared/data", type=Path)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    model = load_base("default")
    lines = ["| corpus | mean length | score one (ms, with reasons) | batch (ms per comment) | learn one (ms) |",
             "|---|---:|---:|---:|---:|"]
    for name in CORPORA:
        drafts = read_corpus(args.data_dir / name, other_labels_as_ham=("offense",)).drafts[:2000]
        for draft in drafts[:50]:
            model.score(draft)
        started = time.perf_counter()
        for draft in drafts:
            model.score(draft)
        single = (time.perf_counter() - started) * 1000 / len(drafts)
        started = time.perf_counter()
        model.score_many(drafts)
        batch = (time.perf_counter() - started) * 1000 / len(drafts)
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
    table = "\n".join(lines)
    print(table)
    if args.write:
        write_section(args.write, "spam-speed", table)


if __name__ == "__main__":
    main()
