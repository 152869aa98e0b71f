"""Kiebitz's filter beside bogofilter and a plain scikit-learn model, on the same folds.

    .venv/bin/python bench/spam_peers.py [--data-dir ../shared/data] [--write docs/benchmarks.md]

A row's fold is zlib.crc32(id) % 5 for every tool. bogofilter (Debian's package)
is trained from scratch per fold on an mbox of the training rows, then scores
the held-out rows in mbox mode. Prints a Markdown table; with --write, puts it
into docs/benchmarks.md between the spam-peers markers.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from report import publish  # bench/ is on the path when a script here runs
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from kiebitz.spam.corpus import Corpus, read_corpus
from kiebitz.spam.evaluation import cross_validate, fold_of, metrics

CORPORA = ("youtube_spam_collection.csv", "sms_spam_collection.csv", "spamassassin_public_corpus.csv")
FOLDS = 5


def folds_of(corpus: Corpus) -> np.ndarray:
    return np.array([fold_of(row_id, FOLDS) for row_id in corpus.ids])


def mbox(texts: list[str]) -> str:
    escaped = (re.sub(r"^(>*From )", r">\1", text, flags=re.M) for text in texts)
    return "".join(f"From kiebitz@example.org Sat Jan  1 00:00:00 2000\nSubject: comment\n\n{text}\n\n" for text in escaped)


def bogofilter(corpus: Corpus) -> tuple[np.ndarray, float]:
    y = np.array(corpus.is_spam)
    texts = [draft.text for draft in corpus.drafts]
    fold = folds_of(corpus)
    scores = np.zeros(len(y))
    seconds = 0.0
    for k in range(FOLDS):
        with tempfile.TemporaryDirectory() as wordlist:
            train = np.flatnonzero(fold != k)
            for flag, label in (("-s", True), ("-n", False)):
                chosen = [texts[i] for i in train if y[i] == label]
                subprocess.run(["bogofilter", "-d", wordlist, "-M", flag], input=mbox(chosen).encode(), check=True)
            test = np.flatnonzero(fold == k)
            started = time.perf_counter()
            output = subprocess.run(["bogofilter", "-d", wordlist, "-M", "-T"], input=mbox([texts[i] for i in test]).encode(),
                                    capture_output=True).stdout.decode().split("\n")
            seconds += time.perf_counter() - started
            values = [float(line.split()[1]) for line in output if line.strip()]
            if len(values) != len(test):
                raise RuntimeError(f"bogofilter scored {len(values)} of {len(test)} messages")
            scores[test] = values
    return scores, 1000 * seconds / len(y)


def tfidf_logistic(corpus: Corpus) -> np.ndarray:
    y = np.array(corpus.is_spam)
    texts = [draft.text for draft in corpus.drafts]
    fold = folds_of(corpus)
    scores = np.zeros(len(y))
    for k in range(FOLDS):
        train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        vectorizer = TfidfVectorizer()
        model = LogisticRegression(max_iter=2000).fit(vectorizer.fit_transform([texts[i] for i in train]), y[train])
        scores[test] = model.predict_proba(vectorizer.transform([texts[i] for i in test]))[:, 1]
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default="../shared/data", type=Path)
    parser.add_argument("--write", default=None, type=Path, help="Markdown file to put the table into")
    args = parser.parse_args()
    lines = [
        "| corpus | n | bogofilter 1.2.5 AUC / caught@1% | TF-IDF + LR AUC / caught@1% | Kiebitz AUC / caught@1% | "
        "Kiebitz spam caught / ham blocked at its threshold | Kiebitz MCC | ms per comment (bogofilter / Kiebitz) |",
        "|---|---:|---|---|---|---|---:|---|",
    ]
    for name in CORPORA:
        corpus = read_corpus(args.data_dir / name)
        y = np.array(corpus.is_spam)
        bogo_scores, bogo_ms = bogofilter(corpus)
        bogo = metrics(y, bogo_scores, 0.5)
        baseline = metrics(y, tfidf_logistic(corpus), 0.5)
        ours = cross_validate(corpus, FOLDS, threshold=0.9)
        lines.append(
            f"| {name.removesuffix('.csv')} | {len(y)} | {bogo['roc_auc']:.4f} / {bogo['spam_caught_at_1pct_fpr']:.3f} "
            f"| {baseline['roc_auc']:.4f} / {baseline['spam_caught_at_1pct_fpr']:.3f} "
            f"| **{ours['roc_auc']:.4f} / {ours['spam_caught_at_1pct_fpr']:.3f}** "
            f"| {ours['spam_caught']:.3f} / {ours['ham_blocked']:.4f} | {ours['mcc']:.3f} "
            f"| {bogo_ms:.3f} / {ours['per_comment_ms']:.3f} |"
        )
        print(lines[-1], flush=True)
    publish(lines, args.write, "spam-peers")


if __name__ == "__main__":
    main()
