"""The shipped recipe on kinds of comment it was not trained on, and how fast it learns them.

    .venv/bin/python bench/spam_generalisation.py [--data-dir ../shared/data] [--no-videos] [--write docs/benchmarks.md]

About 30 minutes on one core. In-corpus cross-validation (`kiebitz spam eval`)
measures how well the filter learns a corpus; a site brings comments from
somewhere else. So each comment corpus is left out in turn (with what goes with
it: the machine-translated SMS with the SMS, the spam-only Telegram import with
the Telegram chat): both heads are trained without it, the blend and the
calibration fitted on the other corpora's left-out scores, and every row of it
judged as posting judges it (spam/evaluation.py, `verdict_labels`). The one
shortcut: the other corpora's left-out scores come from heads that did see the
corpus measured (fitting everything anew inside each round would take five
times as long); only the blend's three numbers could learn from that.

Then each YouTube video is left out in turn (every other row still trained on),
the German comments held out of training are judged by the full recipe, and
the left-out model learns from its corpus's moderators: half of the corpus's
rows, shuffled, are decisions (one `learn` each), the other half is scored after
0, 25, 100 and 400 of them.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

import numpy as np
from report import publish  # bench/ is on the path when a script here runs

from kiebitz.config import Settings
from kiebitz.domain import CommentDraft, Label
from kiebitz.spam.corpus import read_corpus
from kiebitz.spam.evaluation import metrics, verdict_labels, verdict_shares
from kiebitz.spam.filter import Thresholds
from kiebitz.spam.model import SpamModel
from kiebitz.spam.training import (
    COMMENTS,
    HELD_OUT,
    TrainingSet,
    blend_from,
    fit_heads,
    left_out_with,
    ngram_margins,
    sentence_vectors,
    training_set,
)

YOUTUBE = "youtube_spam_collection.csv"
DECISIONS = (0, 25, 100, 400)
HEADER = ["| left out | rows | AUC | spam published / held / spam queue / refused "
          "| ham published / held / spam queue / refused |", "|---|---:|---:|---|---|"]


def shares_cell(shares: dict[str, float] | None) -> str:
    if shares is None:
        return "—"
    return " / ".join(f"{100 * shares[name]:.1f}" for name in ("published", "held", "spam", "discard")) + " %"


def row(name: str, model: SpamModel, drafts: list[CommentDraft], is_spam: np.ndarray, thresholds: Thresholds,
        vectors: np.ndarray) -> str:
    probability = model.score_many(drafts, vectors)
    auc = f"{metrics(is_spam, probability, thresholds.spam)['roc_auc']:.4f}" if is_spam.any() else "—"
    labels: list[Label] = verdict_labels(model, drafts, thresholds)
    shares = verdict_shares(labels, is_spam)
    return f"| {name} | {len(drafts)} | {auc} | {shares_cell(shares['spam_verdicts'])} | {shares_cell(shares['ham_verdicts'])} |"


def with_blend(model: SpamModel, head, rows: TrainingSet, margins, leave_out: str) -> SpamModel:  # type: ignore[no-untyped-def]
    others = {name: pair for name, pair in margins.items() if name != leave_out}
    model.meaning_ = head
    model.blend_, model.calibration_ = blend_from(rows, others)
    return model


def adaptation(name: str, model: SpamModel, drafts: list[CommentDraft], is_spam: np.ndarray,
               vectors: np.ndarray, thresholds: Thresholds) -> list[str]:
    order = list(range(len(drafts)))
    random.Random(1).shuffle(order)
    decisions, scored = order[: len(order) // 2], order[len(order) // 2 :]
    lines, learned = [], 0
    for count in DECISIONS:
        for i in decisions[learned:count]:
            model.learn(drafts[i], bool(is_spam[i]))
        learned = min(count, len(decisions))
        probability = model.score_many([drafts[i] for i in scored], vectors[scored])
        truth = is_spam[scored]
        held = probability >= thresholds.unsure
        lines.append(f"| {name} | {learned} | {metrics(truth, probability, thresholds.spam)['roc_auc']:.4f} | "
                     f"{100 * held[truth].mean():.1f} % | {100 * held[~truth].mean():.2f} % |")
        print(lines[-1], flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default="../shared/data", type=Path)
    parser.add_argument("--no-videos", action="store_true", help="skip leaving out one YouTube video at a time")
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    thresholds = Thresholds.of(Settings.load())
    rows = training_set(args.data_dir)
    vectors = sentence_vectors(rows.corpus)
    print("encoded", len(vectors), flush=True)
    lines, learning = list(HEADER), ["| site's comments | decisions learned | AUC | spam held or blocked "
                                      "| ham held or blocked |", "|---|---:|---:|---:|---:|"]
    heads, margins = {}, {}
    for name in COMMENTS:
        inside = rows.source == name
        model, head = fit_heads(rows, vectors, ~np.isin(rows.source, left_out_with((name,))), student=True)
        drafts = [draft for draft, kept in zip(rows.corpus.drafts, inside, strict=True) if kept]
        heads[name] = (model, head, drafts, inside)
        margins[name] = (ngram_margins(model, drafts), head.margins(vectors[inside]))
    for name, (model, head, drafts, inside) in heads.items():
        with_blend(model, head, rows, margins, name)
        lines.append(row(name.removesuffix(".csv"), model, drafts, rows.is_spam[inside], thresholds, vectors[inside]))
        print(lines[-1], flush=True)
        learning += adaptation(name.removesuffix(".csv"), model, drafts, rows.is_spam[inside], vectors[inside],
                               thresholds)
    if not args.no_videos:
        with open(args.data_dir / YOUTUBE, encoding="utf-8", newline="") as handle:
            video_of = {line["id"]: line["source"] for line in csv.DictReader(handle)}
        videos = np.array([video_of.get(row_id, "") for row_id in rows.corpus.ids])
        for video in sorted(set(video_of.values())):
            inside = videos == video
            model, head = fit_heads(rows, vectors, ~inside, student=True)
            drafts = [draft for draft, kept in zip(rows.corpus.drafts, inside, strict=True) if kept]
            with_blend(model, head, rows, margins, YOUTUBE)
            lines.append(row(f"youtube: {video}", model, drafts, rows.is_spam[inside], thresholds, vectors[inside]))
            print(lines[-1], flush=True)
    model, head = fit_heads(rows, vectors, student=True)
    with_blend(model, head, rows, margins, "")
    for name in HELD_OUT:
        german = read_corpus(args.data_dir / name, other_labels_as_ham=("offense",))
        lines.append(row(f"{name.removesuffix('.csv')} (held out, all ham)", model, german.drafts,
                         np.array(german.is_spam, dtype=bool), thresholds, sentence_vectors(german)))
        print(lines[-1], flush=True)
    publish(lines, args.write, "spam-generalisation")
    publish(learning, args.write, "spam-adaptation")


if __name__ == "__main__":
    main()
