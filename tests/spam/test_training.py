"""The default model's recipe: what each corpus counts for, whatever its size."""

import csv
from pathlib import Path

import numpy as np
import pytest

from kiebitz.spam.training import ENGLISH_SPAM_AND_HAM, GERMAN_HAM, training_set


def write_corpus(path: Path, spam: int, ham: int, other: int = 0) -> None:
    labels = ["spam"] * spam + ["ham"] * ham + ["offense"] * other
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "label", "author", "date", "source"])
        for number, label in enumerate(labels):
            writer.writerow([f"{path.stem}-{number}", f"text {number}", label, "", "", ""])


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    for name, (spam, ham) in zip(ENGLISH_SPAM_AND_HAM, [(10, 10), (5, 40), (30, 60)], strict=True):
        write_corpus(tmp_path / name, spam, ham)
    for name in GERMAN_HAM:
        write_corpus(tmp_path / name, 0, 20, other=5)
    return tmp_path


def share(weights: np.ndarray, mask: np.ndarray) -> float:
    return float(weights[mask].sum() / weights.sum())


def test_each_english_corpus_counts_the_same_however_many_rows_it_has(data_dir: Path) -> None:
    corpus, weights = training_set(data_dir)
    is_spam = np.array(corpus.is_spam)
    sizes = [20, 45, 90]
    starts = np.cumsum([0, *sizes])
    for start, end in zip(starts, starts[1:], strict=False):
        rows = np.zeros(len(weights), dtype=bool)
        rows[start:end] = True
        assert share(weights, rows & is_spam) == pytest.approx(1 / 6)
        assert share(weights, rows & ~is_spam) == pytest.approx(1 / 12)
    german = np.arange(len(weights)) >= starts[-1]
    assert german.sum() == 4 * 25  # offensive rows are ham, not skipped
    assert share(weights, german) == pytest.approx(1 / 4)


def test_a_left_out_corpus_leaves_its_part_to_the_others(data_dir: Path) -> None:
    corpus, weights = training_set(data_dir, leave_out=(ENGLISH_SPAM_AND_HAM[0],))
    is_spam = np.array(corpus.is_spam)
    assert len(corpus) == 45 + 90 + 100
    assert share(weights, is_spam) == pytest.approx(1 / 2)
    assert share(weights, np.arange(len(weights)) < 45) == pytest.approx(3 / 8)
