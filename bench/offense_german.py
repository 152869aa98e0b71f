"""Could the spam filter's recipe hold insulting German comments for a moderator? (An experiment; not shipped.)

    .venv/bin/python bench/offense_german.py [--data-dir ../shared/data] [--C 30]

Trains the spam model's features and logistic regression on the `offense`
rows of the German collections against their other rows, then scores
GermEval 2021 (not trained on) and prints AUC and the shares held.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

from kiebitz.domain import CommentDraft
from kiebitz.spam.evaluation import metrics
from kiebitz.spam.model import SpamModel

TRAIN = ("german_germeval2018.csv", "german_germeval2019.csv", "german_hasoc2019.csv", "german_hasoc2020.csv",
         "german_iwg_hatespeech.csv")
TEST = "german_germeval2021.csv"


def offense_rows(path: Path) -> tuple[list[CommentDraft], np.ndarray]:
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    drafts = [CommentDraft(text=row["text"], author="", email="", website="", uri="/") for row in rows]
    return drafts, np.array([row["label"] == "offense" for row in rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--C", type=float, default=30.0)
    args = parser.parse_args()
    drafts: list[CommentDraft] = []
    labels = []
    for name in TRAIN:
        more, offensive = offense_rows(args.data_dir / name)
        drafts += more
        labels.append(offensive)
    model = SpamModel(C=args.C).fit(drafts, np.concatenate(labels))
    test, offensive = offense_rows(args.data_dir / TEST)
    probability = model.score_many(test)
    print(f"{TEST}: ROC AUC {metrics(offensive, probability, 0.5)['roc_auc']:.3f} (C = {args.C:g})")
    for threshold in (0.5, 0.8):
        held = probability >= threshold
        print(f"  at {threshold}: offensive held {held[offensive].mean():.1%}, others held {held[~offensive].mean():.1%}")


if __name__ == "__main__":
    main()
