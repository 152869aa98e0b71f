"""How fast the shipped recipe learns a new site's comments from its moderators' decisions.

    .venv/bin/python bench/spam_adaptation.py [--data-dir ../shared/data] [--seed 1] [--write docs/benchmarks.md]

The default recipe is trained without one corpus (as in bench/spam_transfer.py).
Half of that corpus's rows, in a shuffled order, are then the moderators'
decisions, each one online step (``SpamModel.learn``) as approving or marking
spam in the admin is; the other half is scored after 0, 25, 50, ... decisions.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np
from report import publish  # bench/ is on the path when a script here runs

from kiebitz.config import Settings
from kiebitz.spam.corpus import read_corpus
from kiebitz.spam.evaluation import metrics
from kiebitz.spam.training import fit_default

CORPORA = ("youtube_spam_collection.csv", "sms_spam_collection.csv")
DECISIONS = (0, 25, 50, 100, 200, 400, 800)


def adaptation_rows(data_dir: Path, name: str, seed: int, settings: Settings) -> list[str]:
    model, _ = fit_default(data_dir, leave_out=(name,))
    site = read_corpus(data_dir / name)
    order = list(range(len(site)))
    random.Random(seed).shuffle(order)
    decisions, scored = order[: len(order) // 2], order[len(order) // 2 :]
    is_spam = np.array([site.is_spam[i] for i in scored], dtype=bool)
    rows, learned = [], 0
    for count in DECISIONS:
        for i in decisions[learned:count]:
            model.learn(site.drafts[i], site.is_spam[i])
        learned = min(count, len(decisions))
        probability = model.score_many([site.drafts[i] for i in scored])
        result = metrics(is_spam, probability, settings.spam_threshold)
        held = probability >= settings.unsure_threshold
        rows.append(f"| {name.removesuffix('.csv')} | {learned} | {result['roc_auc']:.4f} | "
                    f"{result['spam_caught_at_1pct_fpr']:.3f} | {held[is_spam].mean():.3f} | "
                    f"{100 * held[~is_spam].mean():.2f} % | {100 * result['ham_blocked']:.2f} % |")
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default="../shared/data", type=Path)
    parser.add_argument("--seed", default=1, type=int, help="order of the decisions")
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings.load()
    lines = ["| site's comments | decisions learned | AUC | caught at 1 % FPR | spam held or caught "
             "| ham held or blocked | ham blocked |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name in CORPORA:
        lines += adaptation_rows(args.data_dir, name, args.seed, settings)
    publish(lines, args.write, "spam-adaptation")


if __name__ == "__main__":
    main()
