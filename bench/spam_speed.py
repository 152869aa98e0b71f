"""Speed and size of the shipped spam model: one comment, a batch, one lesson; memory with the encoder.

    .venv/bin/python bench/spam_speed.py [--data-dir ../shared/data] [--write docs/benchmarks.md]

"Score one" is each comment on its own, as posting scores it, with reasons and,
where the student's estimate is near a threshold or the words are unfamiliar,
the sentence encoder (model.py; the share of comments that asked it is given). Memory is the process's
resident size after the model and the encoder are loaded and have scored.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
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


def score_each(model: SpamModel, drafts: list[CommentDraft]) -> list[float]:
    """Milliseconds per comment, each a new draft as a post brings it: a draft keeps the features the model
    weighed (``CommentDraft.features``), which would make every pass after the first too fast."""
    if model.link_lists_ is not None:  # a link's host is looked up once per worker: each pass as a new one
        model.link_lists_.forget_hosts()
    times = []
    for draft in drafts:
        fresh = dataclasses.replace(draft)
        started = time.perf_counter()
        model.score(fresh)
        times.append(1000 * (time.perf_counter() - started))
    return times


def encoder_share(model: SpamModel, drafts: list[CommentDraft]) -> float:
    """Share of the drafts the encoder reads as well."""
    return sum(model.wants_meaning(draft) for draft in drafts) / len(drafts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default="../shared/data", type=Path)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    lines = ["| corpus | mean length | score one: mean / p50 / p99 (ms) | encoder asked "
             "| batch (ms per comment; fastest of 3) | learn one (ms) |",
             "|---|---:|---:|---:|---:|---:|"]
    for name in CORPORA:
        model = load_base("default")  # afresh: the lessons below would change what the next corpus asks of it
        drafts = read_corpus(args.data_dir / name, other_labels_as_ham=("offense",)).drafts[:2000]
        score_each(model, drafts[:50])  # the encoder loads on first use
        each = min((score_each(model, drafts) for _ in range(PASSES)), key=sum)
        single = f"{np.mean(each):.3f} / {np.percentile(each, 50):.3f} / {np.percentile(each, 99):.3f}"
        asked = f"{100 * encoder_share(model, drafts):.0f} %"
        batch = best_of(PASSES, model.score_many, drafts) * 1000 / len(drafts)
        lessons = [dataclasses.replace(draft) for draft in drafts[:200]]  # not weighed yet, as a decision's
        started = time.perf_counter()
        for number, draft in enumerate(lessons):
            model.learn(draft, is_spam=number % 2 == 0)
        learn = (time.perf_counter() - started) * 1000 / len(lessons)
        mean = np.mean([len(draft.text) for draft in drafts])
        lines.append(f"| {name.removesuffix('.csv')} | {mean:.0f} | {single} | {asked} | {batch:.3f} | {learn:.3f} |")
        print(lines[-1], flush=True)
    lines.append("")
    lines.append(f"Model file: {DEFAULT_MODEL.stat().st_size / 1e6:.1f} MB (`kiebitz/spam/default_model/model.npz`); "
                 f"process resident at most {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB "
                 "with model and encoder.")
    publish(lines, args.write, "spam-speed")


if __name__ == "__main__":
    main()
