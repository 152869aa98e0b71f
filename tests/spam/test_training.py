"""The default model's recipe: what each corpus counts for, whatever its size."""

import csv
from pathlib import Path

import numpy as np
import pytest

from kiebitz.spam.training import GERMAN_HAM, SPAM_AND_HAM, SPAM_ONLY, less_topic, training_set

SIZES = {name: (10 + 5 * number, 20 + 10 * number) for number, name in enumerate(SPAM_AND_HAM)}


def write_corpus(path: Path, spam: int, ham: int, other: int = 0) -> None:
    labels = ["spam"] * spam + ["ham"] * ham + ["offense"] * other
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "label", "author", "date", "source"])
        for number, label in enumerate(labels):
            writer.writerow([f"{path.stem}-{number}", f"text {number}", label, "", "", ""])


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    for name, (spam, ham) in SIZES.items():
        write_corpus(tmp_path / name, spam, ham)
    for name in SPAM_ONLY:
        write_corpus(tmp_path / name, 50, 0)
    for name in GERMAN_HAM:
        write_corpus(tmp_path / name, 0, 20, other=5)
    return tmp_path


def share(weights: np.ndarray, mask: np.ndarray) -> float:
    return float(weights[mask].sum() / weights.sum())


def test_each_corpus_counts_the_same_however_many_rows_it_has(data_dir: Path) -> None:
    rows = training_set(data_dir)
    spam_groups = len(SPAM_AND_HAM) + len(SPAM_ONLY)
    for name in SIZES:
        inside = rows.source == name
        assert share(rows.weights, inside & rows.is_spam) == pytest.approx(1 / 2 / spam_groups)
        assert share(rows.weights, inside & ~rows.is_spam) == pytest.approx(1 / 4 / len(SPAM_AND_HAM))
    german = np.isin(rows.source, GERMAN_HAM)
    assert german.sum() == 4 * 25  # offensive rows are ham, not skipped
    assert share(rows.weights, german) == pytest.approx(1 / 4)


def test_leaving_out_sms_leaves_out_its_machine_translations_too(data_dir: Path) -> None:
    rows = training_set(data_dir, leave_out=("sms_spam_collection.csv",))
    assert not np.isin(rows.source, ["sms_spam_collection.csv", "sms_spam_collection_machine_translated_de_fr.csv"]).any()
    assert share(rows.weights, rows.is_spam) == pytest.approx(1 / 2)
    assert share(rows.weights, np.isin(rows.source, GERMAN_HAM)) == pytest.approx(1 / 4)


def test_the_meaning_regression_learns_less_of_each_corpus_topic(data_dir: Path) -> None:
    """A corpus with spam and ham moves by half its mean; a corpus of one class keeps its place, which is what it
    teaches; rows left out of the fit are not in the answer."""
    rows = training_set(data_dir)
    vectors = np.random.default_rng(0).normal(size=(len(rows.weights), 4)) + 3.0
    keep = rows.source != "youtube_spam_collection.csv"
    moved = less_topic(rows, vectors, keep)
    assert len(moved) == keep.sum()
    source = rows.source[keep]
    for name in np.unique(source):
        inside = source == name
        before = vectors[keep][inside]
        if name in GERMAN_HAM or name in SPAM_ONLY:
            np.testing.assert_allclose(moved[inside], before)
        else:
            np.testing.assert_allclose(moved[inside].mean(axis=0), before.mean(axis=0) / 2)
            np.testing.assert_allclose(moved[inside] - moved[inside].mean(axis=0), before - before.mean(axis=0))
