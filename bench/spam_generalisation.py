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

Beside it, the same comments posted to a site in their order, each by a reader
of its own (`site_verdict_labels`): an exact or near repeat of an earlier row
meets the repeat rule as on a site (held where the model reads it as ham or it
gives no way to reach its sender, else the spam queue); the rest is as above.

Of the ham each left-out table sends to the spam queue, a third table gives the
share in the first tenth, fifth and half of the queue read least spam-like
first, as the admin can sort it.

Then each YouTube video is left out in turn (every other row still trained on, and
its comments posted in order too),
the German comments held out of training are judged by the full recipe, and
the left-out model learns from its corpus's moderators: half of the corpus's
rows, shuffled, are decisions (one `learn` each, its step less what the last 500
comments to arrive share that training barely saw, as on a site: usual.py), the
other half is scored after 0, 25, 100 and 400 of them. It learns once more as a site's admin teaches it
(``lessons_as_given``): a lesson only where a moderator changes what the filter
decided, with none, half or all of the published spam found. Last, what a
probability means on a kind of comment
not trained on: the share of spam per tenth of the probability, over the five
corpora left out.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import random
from pathlib import Path

import numpy as np
from report import publish  # bench/ is on the path when a script here runs

from kiebitz.config import Settings
from kiebitz.domain import CommentDraft, Label
from kiebitz.spam.corpus import read_corpus
from kiebitz.spam.evaluation import metrics, site_verdict_labels, verdict_labels, verdict_shares
from kiebitz.spam.filter import SpamFilter, Thresholds
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
    with_lists,
)
from kiebitz.spam.usual import COMMENTS as USUAL_COMMENTS
from kiebitz.spam.usual import Usual

YOUTUBE = "youtube_spam_collection.csv"
DECISIONS = (0, 25, 100, 400)
LESSONS = (25, 100)
REPORTED = (0.0, 0.5, 1.0)  # shares of the published spam a reader or moderator finds
HEADER = ["| left out | rows | AUC | spam published / held / spam queue / refused "
          "| ham published / held / spam queue / refused |", "|---|---:|---:|---|---|"]


def shares_cell(shares: dict[str, float] | None) -> str:
    if shares is None:
        return "—"
    return " / ".join(f"{100 * shares[name]:.1f}" for name in ("published", "held", "spam", "discard")) + " %"


def row(name: str, model: SpamModel, drafts: list[CommentDraft], is_spam: np.ndarray, thresholds: Thresholds,
        vectors: np.ndarray) -> tuple[str, np.ndarray, list[Label]]:
    """The table's line for these comments, their probabilities and their verdicts."""
    probability = model.score_many(drafts, vectors)
    auc = f"{metrics(is_spam, probability, thresholds.spam)['roc_auc']:.4f}" if is_spam.any() else "—"
    labels = verdict_labels(model, drafts, thresholds)
    return f"| {name} | {len(drafts)} | {auc} | {verdict_cells(labels, is_spam)} |", probability, labels


def queue_order_row(name: str, probability: np.ndarray, labels: list[Label], is_spam: np.ndarray) -> str | None:
    """Of the ham in the spam queue, the share a moderator meets in the first tenth, fifth and half of the queue
    read least spam-like first (the admin's order=score); read in any other order, as many as the share read."""
    queued = np.array([label == Label.SPAM for label in labels])
    ham = ~is_spam[queued]
    if not ham.any():
        return None
    first = ham[np.argsort(probability[queued], kind="stable")]
    shares = [first[: max(1, round(part * len(first)))].sum() / ham.sum() for part in (0.1, 0.2, 0.5)]
    return f"| {name} | {len(first)} | {ham.sum()} | " + " | ".join(f"{100 * share:.0f} %" for share in shares) + " |"


def verdict_cells(labels: list[Label], is_spam: np.ndarray) -> str:
    shares = verdict_shares(labels, is_spam)
    return f"{shares_cell(shares['spam_verdicts'])} | {shares_cell(shares['ham_verdicts'])}"


def site_row(name: str, model: SpamModel, drafts: list[CommentDraft], is_spam: np.ndarray,
             thresholds: Thresholds) -> str:
    """The same comments posted to a site in their order, each by a reader of its own: repeats count too."""
    return f"| {name} | {len(drafts)} | {verdict_cells(site_verdict_labels(model, drafts, thresholds), is_spam)} |"


def balanced(is_spam: np.ndarray) -> np.ndarray:
    """Weights under which spam and ham count half each, as the blend was fitted."""
    return np.where(is_spam, 0.5 / max(1, is_spam.sum()), 0.5 / max(1, (~is_spam).sum()))


def calibration(scored: dict[str, tuple[np.ndarray, np.ndarray]]) -> list[str]:
    """What a probability means on comments of a kind not trained on: per tenth of the probability, the
    share of spam among the left-out corpora's comments there, each corpus and class counting the same;
    and each corpus's expected calibration error (the weighed mean gap between the two)."""
    bins = {name: np.minimum((probability * 10).astype(int), 9) for name, (probability, _) in scored.items()}
    lines = ["| probability | comments | mean probability | share of spam |", "|---|---:|---:|---:|"]
    probability, is_spam = (np.concatenate([pair[i] for pair in scored.values()]) for i in (0, 1))
    weights = np.concatenate([balanced(pair[1]) for pair in scored.values()])
    every_bin = np.concatenate(list(bins.values()))
    for tenth in range(10):
        inside = every_bin == tenth
        if inside.any():
            share = (weights[inside] * is_spam[inside]).sum() / weights[inside].sum()
            lines.append(f"| {tenth / 10:.1f}–{(tenth + 1) / 10:.1f} | {inside.sum()} | "
                         f"{probability[inside].mean():.3f} | {share:.3f} |")
    errors = []
    for name, (own_probability, own_spam) in scored.items():
        own_weights, gap = balanced(own_spam), 0.0
        for tenth in np.unique(bins[name]).tolist():
            inside = bins[name] == tenth
            share = (own_weights[inside] * own_spam[inside]).sum() / own_weights[inside].sum()
            gap += abs(share - own_probability[inside].mean()) * own_weights[inside].sum()
        errors.append(f"{name.removesuffix('.csv')} {gap:.3f}")
    lines.append(f"\nExpected calibration error of each corpus left out: {', '.join(errors)}.")
    return lines


def with_blend(model: SpamModel, head, rows: TrainingSet, margins, leave_out: str,  # type: ignore[no-untyped-def]
               patterns_dir: Path) -> SpamModel:
    """The left-out model as the shipped one is made: the blend on the other corpora's scores, the spam lists."""
    others = {name: pair for name, pair in margins.items() if name != leave_out}
    model.meaning_ = head
    model.blend_, model.calibration_ = blend_from(rows, others)
    return with_lists(model, patterns_dir)


def halves(count: int) -> tuple[list[int], list[int]]:
    """A corpus's rows in the order a site gets them: the first half to learn from, the second to score."""
    order = list(range(count))
    random.Random(1).shuffle(order)
    return order[: count // 2], order[count // 2 :]


def usual_before(model: SpamModel, drafts: list[CommentDraft], arrived: list[int]) -> Usual:
    """What the site's last comments to arrive share (usual.py), as ``LearningModel.usual`` reads it."""
    return Usual.of(model, [drafts[i] for i in arrived[-USUAL_COMMENTS:]])


def adaptation(name: str, model: SpamModel, drafts: list[CommentDraft], is_spam: np.ndarray,
               vectors: np.ndarray, thresholds: Thresholds) -> list[str]:
    decisions, scored = halves(len(drafts))
    lines, learned = [], 0
    for count in DECISIONS:
        for position in range(learned, min(count, len(decisions))):
            i = decisions[position]
            model.learn(drafts[i], bool(is_spam[i]), usual=usual_before(model, drafts, decisions[: position + 1]))
        learned = min(count, len(decisions))
        probability = model.score_many([drafts[i] for i in scored], vectors[scored])
        truth = is_spam[scored]
        held = probability >= thresholds.unsure
        lines.append(f"| {name} | {learned} | {metrics(truth, probability, thresholds.spam)['roc_auc']:.4f} | "
                     f"{100 * held[truth].mean():.1f} % | {100 * held[~truth].mean():.2f} % |")
        print(lines[-1], flush=True)
    return lines


def lessons_as_given(name: str, model: SpamModel, drafts: list[CommentDraft], is_spam: np.ndarray,
                     vectors: np.ndarray, thresholds: Thresholds, reported: float) -> list[str]:
    """The left-out model learning as a site's moderators teach it: a lesson is a status a moderator changes
    (``Moderation.decide``), never a comment left as the filter put it.

    The decision half arrives in ``adaptation``'s order and is judged by the model as it stands: a held comment
    is approved or marked spam (which moves the site's prior too), ham in the spam queue is rescued, spam in the
    spam queue stays there (no lesson), and a share ``reported`` of the published spam is found by a reader or
    moderator and marked.
    The other half is scored after each number of lessons.
    """
    decisions, scored = halves(len(drafts))
    spam_filter, finds = SpamFilter(model, thresholds), random.Random(7)
    lines, lessons, goals = [], 0, list(LESSONS)

    def line(arrived: int) -> str:
        probability = model.score_many([drafts[i] for i in scored], vectors[scored])
        truth, held = is_spam[scored], probability >= thresholds.unsure
        return (f"| {name} | {100 * reported:.0f} % | {lessons} | {arrived} | "
                f"{metrics(truth, probability, thresholds.spam)['roc_auc']:.4f} | {100 * held[truth].mean():.1f} % | "
                f"{100 * held[~truth].mean():.2f} % |")

    for arrived, i in enumerate(decisions, 1):
        draft, spam = dataclasses.replace(drafts[i], sentence_vector=vectors[i]), bool(is_spam[i])
        label = spam_filter.judge(draft).label
        if label == Label.UNSURE or (label == Label.SPAM and not spam) or (
                label == Label.HAM and spam and finds.random() < reported):
            model.learn(draft, spam, held=label == Label.UNSURE, usual=usual_before(model, drafts, decisions[:arrived]))
            lessons += 1
            if lessons == goals[0]:
                lines.append(line(arrived))
                print(lines[-1], flush=True)
                goals.pop(0)
                if not goals:
                    return lines
    lines.append(line(len(decisions)))  # the half ran out first
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
    given = ["| site's comments | published spam reported | lessons | comments arrived | AUC "
             "| spam held or blocked | ham held or blocked |", "|---|---:|---:|---:|---:|---:|---:|"]
    heads, margins, scored = {}, {}, {}
    site = ["| left out, posted in order | rows | spam published / held / spam queue / refused "
            "| ham published / held / spam queue / refused |", "|---|---:|---|---|"]
    queue_order = ["| left out | spam queue | its ham | of which in its least spam-like tenth | fifth | half |",
                   "|---|---:|---:|---:|---:|---:|"]
    for name in COMMENTS:
        inside = rows.source == name
        model, head = fit_heads(rows, vectors, ~np.isin(rows.source, left_out_with((name,))), student=True)
        drafts = [draft for draft, kept in zip(rows.corpus.drafts, inside, strict=True) if kept]
        heads[name] = (model, head, drafts, inside)
        margins[name] = (ngram_margins(model, drafts), head.margins(vectors[inside]))
    for name, (model, head, drafts, inside) in heads.items():
        with_blend(model, head, rows, margins, name, args.data_dir / "patterns")
        line, probability, labels = row(name.removesuffix(".csv"), model, drafts, rows.is_spam[inside], thresholds,
                                        vectors[inside])
        lines.append(line)
        ordered = queue_order_row(name.removesuffix(".csv"), probability, labels, rows.is_spam[inside])
        if ordered:
            queue_order.append(ordered)
        scored[name] = (probability, rows.is_spam[inside])
        print(line, flush=True)
        site.append(site_row(name.removesuffix(".csv"), model, drafts, rows.is_spam[inside], thresholds))
        print(site[-1], flush=True)
        for share in REPORTED:
            given += lessons_as_given(name.removesuffix(".csv"), model.copy(), drafts, rows.is_spam[inside],
                                      vectors[inside], thresholds, share)
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
            with_blend(model, head, rows, margins, YOUTUBE, args.data_dir / "patterns")
            line, probability, labels = row(f"youtube: {video}", model, drafts, rows.is_spam[inside], thresholds,
                                            vectors[inside])
            lines.append(line)
            print(line, flush=True)
            ordered = queue_order_row(f"youtube: {video}", probability, labels, rows.is_spam[inside])
            if ordered:
                queue_order.append(ordered)
            site.append(site_row(f"youtube: {video}", model, drafts, rows.is_spam[inside], thresholds))
            print(site[-1], flush=True)
    model, head = fit_heads(rows, vectors, student=True)
    with_blend(model, head, rows, margins, "", args.data_dir / "patterns")
    for name in HELD_OUT:
        german = read_corpus(args.data_dir / name, other_labels_as_ham=("offense",))
        german_is_spam = np.array(german.is_spam, dtype=bool)
        lines.append(row(f"{name.removesuffix('.csv')} (held out, all ham)", model, german.drafts,
                         german_is_spam, thresholds, sentence_vectors(german))[0])
        print(lines[-1], flush=True)
        site.append(site_row(f"{name.removesuffix('.csv')} (held out, all ham)", model, german.drafts,
                             german_is_spam, thresholds))
    publish(lines, args.write, "spam-generalisation")
    publish(site, args.write, "spam-generalisation-site")
    publish(queue_order, args.write, "spam-queue-order")
    publish(learning, args.write, "spam-adaptation")
    publish(given, args.write, "spam-lessons-as-given")
    publish(calibration(scored), args.write, "spam-calibration")


if __name__ == "__main__":
    main()
