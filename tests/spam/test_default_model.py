"""The shipped model: everyday German comments stay published, German ham is not judged spam.

The German guard reads a sample of the held-out GermEval corpora beside the
repository (``../shared/data``, or ``KIEBITZ_SHARED_DATA``; never copied in),
judged as posting judges them; the full figures are bench/spam_generalisation.py's.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from kiebitz.domain import CommentDraft, Label
from kiebitz.spam import encoder, model_file
from kiebitz.spam.corpus import read_corpus
from kiebitz.spam.evaluation import verdict_labels
from kiebitz.spam.filter import Thresholds
from kiebitz.spam.keywords import SpamKeywords
from kiebitz.spam.store import load_base
from tests.spam.test_learning import EVERYDAY_GERMAN

DATA = Path(os.environ.get("KIEBITZ_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))


def test_everyday_german_comments_are_published() -> None:
    labels = verdict_labels(load_base("default"), [CommentDraft(text) for text in EVERYDAY_GERMAN], Thresholds())
    assert labels == [Label.HAM] * len(EVERYDAY_GERMAN)


@pytest.mark.skipif(not (DATA / "german_germeval2021.csv").is_file(), reason=f"no corpora at {DATA}")
@pytest.mark.parametrize("name", ["german_germeval2017.csv", "german_germeval2021.csv"])
def test_german_ham_is_neither_judged_spam_nor_held_much(name: str) -> None:
    corpus = read_corpus(DATA / name, other_labels_as_ham=("offense",))
    sample = corpus.drafts[::8]  # 644 and 524 comments
    labels = verdict_labels(load_base("default"), sample, Thresholds())
    judged_spam = sum(label in (Label.SPAM, Label.DISCARD) for label in labels) / len(labels)
    held = sum(label == Label.UNSURE for label in labels) / len(labels)
    assert judged_spam <= 0.005 and held <= 0.04, (judged_spam, held)


def test_without_the_encoder_the_ngrams_judge_alone(tmp_path: Path) -> None:
    from kiebitz.app import build
    from tests.conftest import make_settings

    kiebitz = build(make_settings(tmp_path, spam_encoder=False))
    assert kiebitz.model.model.meaning_ is None
    verdict = kiebitz.spam_filter.judge(CommentDraft("Заработок на дому от 5000 рублей в день, пишите в личку"))
    assert not any("reads like" in reason.message for reason in verdict.reasons)
    assert verdict.label != Label.DISCARD


def test_a_site_may_turn_the_spam_keywords_off(tmp_path: Path) -> None:
    """SmokeDetector's keywords hold what the model would publish; a site whose topics use them can turn them off."""
    from kiebitz.app import build
    from tests.conftest import make_settings

    question = CommentDraft("Danke für den Artikel! Übrigens, wer kennt sich mit Bowtrol aus?")
    (tmp_path / "on").mkdir()
    (tmp_path / "off").mkdir()
    assert build(make_settings(tmp_path / "on")).spam_filter.judge(question).label == Label.UNSURE
    off = build(make_settings(tmp_path / "off", spam_keywords=False))
    assert off.spam_filter.judge(question).label == Label.HAM
    assert load_base("default").spam_keywords_ is not None  # the shared model is left as it was


def test_a_worker_compiles_the_spam_lists_before_its_first_post(tmp_path: Path) -> None:
    """Compiling SmokeDetector's patterns takes about 0.7 s holding the GIL; in the first post with a link it
    stalled every reader of that worker (reads' p99 165-247 ms at a million comments, docs/benchmarks.md)."""
    from kiebitz.app import build
    from tests.conftest import make_settings

    kiebitz = build(make_settings(tmp_path))
    assert kiebitz.model.model.link_lists_ is not None
    assert "_websites" in vars(kiebitz.model.model.link_lists_)
    keywords = kiebitz.model.model.spam_keywords_
    assert keywords is not None and len(keywords.patterns) > 2000
    # the few patterns tried on every comment (no plain text they require) are compiled already
    assert SpamKeywords._pattern.cache_info().currsize >= len(keywords._always) > 0


def test_the_encoder_reads_only_what_the_student_cannot_settle(monkeypatch) -> None:
    """Familiar comments far from a threshold are judged on the n-grams and the student's estimate of their
    meaning (model.py); text the model does not know, or one near a threshold, is read by the encoder."""
    model = load_base("default")
    assert model.student_ is not None
    read: list[str] = []
    real = encoder.encode

    def counting(texts: list[str], batch: int = 128):
        read.extend(texts)
        return real(texts, batch)

    monkeypatch.setattr(encoder, "encode", counting)
    for text in EVERYDAY_GERMAN:
        probability, _ = model.score(CommentDraft(text))
        assert probability < 0.5
    assert len(read) <= 2, read
    assert not any(model.wants_meaning(CommentDraft(text)) for text in EVERYDAY_GERMAN if text not in read)
    polish = CommentDraft("Zarabiaj w domu 500 złotych dziennie, napisz do mnie na priv")  # words it mostly lacks
    assert model.wants_meaning(polish)
    model.score(polish)
    assert "Zarabiaj" in read[-1]


def test_the_student_survives_the_model_file() -> None:
    model = load_base("default")
    again = model_file.from_bytes(model_file.to_bytes(model))
    assert again.student_ is not None and model.student_ is not None
    assert again.student_.intercept == model.student_.intercept
    assert np.array_equal(again.student_.weights, model.student_.weights)


def test_a_draft_is_weighed_once_for_both_of_a_posts_questions(monkeypatch) -> None:
    """Posting asks whether the encoder will read a draft, then for its verdict: one weighing serves both,
    and a draft made from it with other text is weighed anew."""
    import dataclasses

    import kiebitz.spam.model

    model = load_base("default")
    draft = CommentDraft("Cheap pills without prescription, order now at our shop", website="http://pills.example")
    fresh = model.score(CommentDraft(draft.text, website=draft.website))
    weighed = []
    real = kiebitz.spam.model.tokenize
    monkeypatch.setattr(kiebitz.spam.model, "tokenize", lambda *args: weighed.append(1) or real(*args))
    model.wants_meaning(draft)
    assert model.score(draft) == fresh
    assert weighed == [1]
    other = dataclasses.replace(draft, text="Danke für den guten Artikel über die Brücke.")
    assert model.score(other) == model.score(CommentDraft(other.text, website=other.website))
    assert len(weighed) == 3  # the other draft, and the one it is compared with
