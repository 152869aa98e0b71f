"""Text unlike anything the model learned from: its word alone never refuses it, nor sends it to the spam queue."""

from __future__ import annotations

import numpy as np

from kiebitz.domain import CommentDraft, Label, Reason
from kiebitz.spam import rules
from kiebitz.spam.filter import SpamFilter, Thresholds, decide
from kiebitz.spam.model import UNFAMILIAR, SpamModel

SPAM = ["win free cash now click here", "cheap pills online order now", "free prize click the link now"] * 10
HAM = ["great article thanks for writing", "I disagree with the author here", "thanks for the report"] * 10


def english_model() -> SpamModel:
    return SpamModel().fit([CommentDraft(text) for text in SPAM + HAM], np.array([True] * 30 + [False] * 30))


def test_a_comment_in_words_the_model_never_saw_says_so() -> None:
    model = english_model()
    _, reasons = model.score(CommentDraft("Привет всем, отличная статья про выборы"))
    assert UNFAMILIAR in {reason.code for reason in reasons}
    _, reasons = model.score(CommentDraft("thanks for the great article"))
    assert UNFAMILIAR not in {reason.code for reason in reasons}


def test_a_high_probability_alone_on_unfamiliar_text_holds_and_never_discards() -> None:
    limits = Thresholds()
    unfamiliar = Reason(UNFAMILIAR, "x")
    assert decide(0.99, [unfamiliar], limits, False) == Label.UNSURE
    assert decide(0.9999, [unfamiliar, Reason(rules.TOO_MANY_LINKS, "x")], limits, False) == Label.UNSURE
    assert decide(0.9999, [Reason(rules.TOO_MANY_LINKS, "x")], limits, False) == Label.DISCARD  # familiar: model and rule
    assert decide(0.99, [unfamiliar, Reason(rules.HONEYPOT, "x")], limits, False) == Label.DISCARD  # independent evidence


class SureModel:
    def score(self, draft: CommentDraft) -> tuple[float, list[Reason]]:
        return 0.9999, [Reason(UNFAMILIAR, "only 10% of its words are known")]


def test_the_filter_holds_what_a_sure_model_does_not_know() -> None:
    text = "Ссылки: https://a.example https://b.example https://c.example"
    verdict = SpamFilter(SureModel(), Thresholds()).judge(CommentDraft(text))
    assert verdict.label == Label.UNSURE  # held for a person: not refused, not hidden in the spam queue
    assert SpamFilter(SureModel(), Thresholds()).judge(CommentDraft("Привет всем")).label == Label.UNSURE
