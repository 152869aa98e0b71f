"""The default model's recipe on a kind of comment it has never seen: leave one corpus out.

    .venv/bin/python bench/spam_transfer.py [--data-dir ../shared/data] [--write docs/benchmarks.md]

Cross-validation within one corpus (`kiebitz spam eval`) measures how well the
filter learns that corpus. The model Kiebitz ships meets comments from other
places, and is also measured on a sealed set of them. This is the closest
measure we have of that: train the default recipe (spam/training.py) without
one corpus, then score every row of it. For the German corpora, which hold no
spam, only the share of their comments judged spam or held is reported. Then
each of the five YouTube videos is left out in turn (every other row still
trained on): the nearest measure of other YouTube comments.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
from report import publish  # bench/ is on the path when a script here runs

from kiebitz.config import Settings
from kiebitz.domain import CommentDraft
from kiebitz.spam.corpus import read_corpus
from kiebitz.spam.evaluation import metrics
from kiebitz.spam.model import SpamModel
from kiebitz.spam.training import ENGLISH_SPAM_AND_HAM, GERMAN_HAM, fit_default, training_set

YOUTUBE = "youtube_spam_collection.csv"


def left_out_row(data_dir: Path, name: str, spam_threshold: float, unsure_threshold: float) -> str:
    model, _ = fit_default(data_dir, leave_out=(name,))
    left_out = read_corpus(data_dir / name, other_labels_as_ham=("offense",))
    return table_row(name.removesuffix(".csv"), model, left_out.drafts, left_out.is_spam, spam_threshold,
                     unsure_threshold)


def video_rows(data_dir: Path, spam_threshold: float, unsure_threshold: float) -> list[str]:
    """The default recipe without one YouTube video's comments (each row keeps its weight), scored on them."""
    with open(data_dir / YOUTUBE, encoding="utf-8", newline="") as handle:
        video_of = {row["id"]: row["source"] for row in csv.DictReader(handle)}
    corpus, weights = training_set(data_dir)
    is_spam = np.array(corpus.is_spam, dtype=bool)
    rows = []
    for video in sorted(set(video_of.values())):
        out = np.array([video_of.get(row_id) == video for row_id in corpus.ids])
        kept = [draft for draft, is_out in zip(corpus.drafts, out, strict=True) if not is_out]
        model = SpamModel().fit(kept, is_spam[~out], sample_weight=weights[~out])
        scored = [draft for draft, is_out in zip(corpus.drafts, out, strict=True) if is_out]
        rows.append(table_row(f"youtube: {video}", model, scored, is_spam[out], spam_threshold, unsure_threshold))
        print(rows[-1], flush=True)
    return rows


def table_row(name: str, model: SpamModel, drafts: list[CommentDraft], labels: list[bool] | np.ndarray,
              spam_threshold: float, unsure_threshold: float) -> str:
    is_spam = np.array(labels, dtype=bool)
    probability = model.score_many(drafts)
    result = metrics(is_spam, probability, spam_threshold)
    held_ham = float((probability[~is_spam] >= unsure_threshold).mean())
    if is_spam.any():
        held_spam = float((probability[is_spam] >= unsure_threshold).mean())
        return (f"| {name} | {len(is_spam)} | {result['roc_auc']:.4f} | "
                f"{result['spam_caught_at_1pct_fpr']:.3f} | {result['spam_caught']:.3f} / {held_spam:.3f} | "
                f"{100 * result['ham_blocked']:.2f} % / {100 * held_ham:.2f} % |")
    return (f"| {name} | {len(is_spam)} | — | — | — | "
            f"{100 * result['ham_blocked']:.2f} % / {100 * held_ham:.2f} % |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default="../shared/data", type=Path)
    parser.add_argument("--write", type=Path, default=None)
    parser.add_argument("--corpora", nargs="*", default=[*ENGLISH_SPAM_AND_HAM, *GERMAN_HAM])
    parser.add_argument("--no-videos", action="store_true", help="skip leaving out one YouTube video at a time")
    args = parser.parse_args()
    settings = Settings.load()
    lines = ["| left out | rows | AUC | caught at 1 % FPR | spam caught / held or caught | ham blocked / held or blocked |",
             "|---|---:|---:|---:|---|---|"]
    for name in args.corpora:
        lines.append(left_out_row(args.data_dir, name, settings.spam_threshold, settings.unsure_threshold))
        print(lines[-1], flush=True)
    if not args.no_videos:
        lines += video_rows(args.data_dir, settings.spam_threshold, settings.unsure_threshold)
    publish(lines, args.write, "spam-transfer")


if __name__ == "__main__":
    main()
