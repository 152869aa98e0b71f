"""`kiebitz spam eval | train | check` in exactly the form the filter is measured with."""

from __future__ import annotations

import csv
import json
import random
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiebitz.cli import main
from kiebitz.spam.corpus import read_corpus
from kiebitz.spam.evaluation import fold_of

EVAL_KEYS = {"roc_auc", "spam_caught_at_1pct_fpr", "spam_caught", "ham_blocked", "mcc", "accuracy", "f1", "n",
             "per_comment_ms"}
SPAM_WORDS = "subscribe channel free prize win cash click visit offer cheap".split()
HAM_WORDS = "song video great love voice memories listen dance music year".split()


def labelled_csv(path: Path, per_class: int = 40) -> Path:
    """Separable spam and ham, plus rows the eval must skip and count: 'offense' and an empty label."""
    rng = random.Random(7)
    rows = []
    for n in range(per_class):
        rows.append({"id": f"s{n}", "text": "please " + " ".join(rng.choices(SPAM_WORDS, k=8)), "label": "spam"})
        rows.append({"id": f"h{n}", "text": "this " + " ".join(rng.choices(HAM_WORDS, k=8)), "label": "ham"})
    rows += [{"id": "o1", "text": "du bist doof", "label": "offense"}, {"id": "x1", "text": "no label", "label": ""}]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "text", "label", "author", "date", "source"])
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


@pytest.fixture()
def corpus_file(tmp_path: Path) -> Path:
    return labelled_csv(tmp_path / "corpus.csv")


def run(*arguments: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(arguments), input=stdin)
    return result.exit_code, result.output


def test_a_rows_fold_is_crc32_of_its_id() -> None:
    for row_id in ("LZQPQhLyRh80UYxNuaDWhIGQYNQ96IuCg-AYWqNPjpU", "ham-17", "Grüße"):
        assert fold_of(row_id, 5) == zlib.crc32(row_id.encode("utf-8")) % 5


def test_eval_cross_validates_and_prints_one_json_line(corpus_file: Path) -> None:
    code, output = run("spam", "eval", "--data", str(corpus_file), "--folds", "3")
    assert code == 0, output
    lines = output.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert EVAL_KEYS <= result.keys()
    assert result["n"] == 80 and result["skipped"] == 2
    assert result["roc_auc"] > 0.95


def test_eval_with_the_default_model_scores_without_training(corpus_file: Path) -> None:
    code, output = run("spam", "eval", "--data", str(corpus_file), "--model", "default")
    assert code == 0, output
    result = json.loads(output)
    assert EVAL_KEYS <= result.keys() and result["n"] == 80


def test_a_trained_model_can_be_evaluated_from_its_file(corpus_file: Path, tmp_path: Path) -> None:
    model = tmp_path / "model.npz"
    code, output = run("spam", "train", "--data", str(corpus_file), "--out", str(model))
    assert code == 0, output
    assert json.loads(output)["rows"] == 80 and model.stat().st_size > 0
    code, output = run("spam", "eval", "--data", str(corpus_file), "--model", str(model))
    assert code == 0, output
    assert json.loads(output)["roc_auc"] > 0.95


def test_eval_of_a_file_without_labelled_rows_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("id,text,label,author,date,source\n1,hallo,offense,,,\n", encoding="utf-8")
    code, output = run("spam", "eval", "--data", str(empty))
    assert code != 0
    assert "no rows labelled spam or ham (1 skipped)" in output


def test_check_reads_a_comment_from_stdin() -> None:
    code, output = run("spam", "check", stdin=json.dumps({"text": "Check out my channel!!! http://spam.example.com"}))
    assert code == 0, output
    verdict = json.loads(output)
    assert verdict["verdict"] in {"ham", "unsure", "spam", "discard"}
    assert 0.0 <= verdict["probability"] <= 1.0 and verdict["reasons"]


@pytest.mark.parametrize("stdin", ["not json", "[1, 2]", '{"author": "no text"}'])
def test_check_refuses_what_is_not_a_comment(stdin: str) -> None:
    code, output = run("spam", "check", stdin=stdin)
    assert code != 0
    assert "stdin" in output


def test_corpus_reading_forgives_a_byte_order_mark_and_label_case(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_text("\ufeffid,text,label,author,date,source\na,Buy now,Spam,,,\nb,Nice song,HAM ,,,\n", encoding="utf-8")
    corpus = read_corpus(path)
    assert corpus.ids == ["a", "b"] and corpus.is_spam == [True, False] and corpus.skipped == 0


def test_eval_reports_what_posting_would_do_with_each_class(corpus_file: Path) -> None:
    for extra in ([], ["--model", "default"]):
        code, output = run("spam", "eval", "--data", str(corpus_file), "--folds", "3", *extra)
        assert code == 0, output
        result = json.loads(output)
        for key in ("ham_verdicts", "spam_verdicts"):
            shares = result[key]
            assert shares.keys() == {"published", "held", "spam", "discard"}
            assert abs(sum(shares.values()) - 1) < 1e-5
        assert result["spam_verdicts"]["discard"] == 0.0  # the text alone never earns a discard here
