"""Cross-validation and the figures we hold the filter to.

A row's fold is ``zlib.crc32(id) % folds``, so every tool (bogofilter in
bench/spam_peers.py included) sees the very same split.
"""

from __future__ import annotations

import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable

import numpy as np
from sklearn.metrics import f1_score, matthews_corrcoef, roc_auc_score, roc_curve

from kiebitz.domain import BlockRule, CommentDraft, Label
from kiebitz.fingerprint import band_keys, phone_numbers
from kiebitz.spam.corpus import Corpus
from kiebitz.spam.filter import Scorer, SpamFilter, Thresholds
from kiebitz.spam.model import SpamModel

OUTCOMES = {Label.HAM: "published", Label.UNSURE: "held", Label.SPAM: "spam", Label.DISCARD: "discard"}


def fold_of(row_id: str, folds: int) -> int:
    return zlib.crc32(row_id.encode("utf-8")) % folds


def metrics(is_spam: np.ndarray, probability: np.ndarray, threshold: float) -> dict[str, float]:
    """Spam is the positive class; 'caught at 1 % FPR' is the best recall with ≤ 1 % of ham blocked."""
    y = np.asarray(is_spam, dtype=bool)
    predicted = probability >= threshold
    both = bool(y.any() and (~y).any())
    result: dict[str, float] = {
        "n": int(len(y)),
        "spam_caught": float(predicted[y].mean()) if y.any() else float("nan"),
        "ham_blocked": float(predicted[~y].mean()) if (~y).any() else float("nan"),
        "accuracy": float((predicted == y).mean()),
    }
    if both:
        fpr, tpr, _ = roc_curve(y, probability)
        result["roc_auc"] = float(roc_auc_score(y, probability))
        result["spam_caught_at_1pct_fpr"] = float(tpr[fpr <= 0.01].max())
        result["mcc"] = float(matthews_corrcoef(y, predicted))
        result["f1"] = float(f1_score(y, predicted))
    return result


def verdict_labels(model: Scorer, drafts: list[CommentDraft], thresholds: Thresholds) -> list[Label]:
    """What posting would decide from each text and its fields: every layer that reads them (link rules, the
    model, ...); nothing the form or the site's history adds (honeypot, time to submit, repeats, block list)."""
    spam_filter = SpamFilter(model, thresholds)
    return [spam_filter.judge(draft).label for draft in drafts]


class PostedInOrder:
    """The rows before this one as a site's past (spam.filter's ``History``), for the repeat rules: each row
    posted by a reader of its own, one after the other within the rules' week. Nobody is trusted, nothing
    blocked, and no link floods: the corpora carry no addresses or times."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.holders: dict[str, list[int]] = defaultdict(list)
        self.numbers: Counter[str] = Counter()  # rows that gave each phone number

    def add(self, text: str) -> None:
        for band in band_keys(text):
            self.holders[band].append(len(self.texts))
        self.numbers.update(list(phone_numbers(text)))
        self.texts.append(text)

    def similar_texts(self, text: str, since: float, limit: int = 5) -> list[str]:
        shared = Counter(number for band in band_keys(text) for number in self.holders.get(band, ()))
        return [self.texts[number] for number, _ in shared.most_common(limit)]

    def traced_likeness(self, text: str, since: float) -> float:
        return 0.0

    def has_approved_comment(self, email: str, other_than: int | None = None) -> bool:
        return False

    def block_rules(self) -> list[BlockRule]:
        return []

    def link_posters(self, host: str, since: float, until: float | None = None) -> int:
        return 0

    def moderator_published_link(self, host: str, since: float) -> bool:
        return False

    def number_posters(self, key: str, since: float) -> int:
        return self.numbers[key]

    def moderator_published_number(self, key: str, since: float) -> bool:
        return False


def site_verdict_labels(model: Scorer, drafts: list[CommentDraft], thresholds: Thresholds) -> list[Label]:
    """What a site would decide of these comments posted in their order: ``verdict_labels`` and repeats."""
    spam_filter = SpamFilter(model, thresholds)
    history, labels = PostedInOrder(), []
    for draft in drafts:
        labels.append(spam_filter.judge(draft, history).label)
        history.add(draft.text)
    return labels


def verdict_shares(labels: list[Label], is_spam: np.ndarray) -> dict[str, dict[str, float] | None]:
    """Per class, the shares published, held, sent to the spam queue and discarded (each summing to 1)."""
    result: dict[str, dict[str, float] | None] = {}
    for name, rows in (("ham_verdicts", ~is_spam), ("spam_verdicts", is_spam)):
        chosen = [label for label, kept in zip(labels, rows, strict=True) if kept]
        result[name] = {outcome: chosen.count(label) / len(chosen) for label, outcome in OUTCOMES.items()} if chosen else None
    return result


def cross_validate(
    corpus: Corpus, folds: int, threshold: float, make_model: Callable[[], SpamModel] = SpamModel,
    thresholds: Thresholds | None = None,
) -> dict[str, object]:
    """Train from scratch on the other folds, score each fold; returns the metrics JSON."""
    y = np.array(corpus.is_spam, dtype=bool)
    fold = np.array([fold_of(row_id, folds) for row_id in corpus.ids])
    probability = np.zeros(len(y))
    labels: list[Label] = [Label.HAM] * len(y)
    scoring_seconds = 0.0
    for k in range(folds):
        train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        if len(test) == 0:
            continue
        model = make_model().fit([corpus.drafts[i] for i in train], y[train])
        started = time.perf_counter()
        probability[test] = model.score_many([corpus.drafts[i] for i in test])
        scoring_seconds += time.perf_counter() - started
        if thresholds is not None:
            for i, label in zip(test, verdict_labels(model, [corpus.drafts[i] for i in test], thresholds), strict=True):
                labels[i] = label
    result: dict[str, object] = dict(metrics(y, probability, threshold))
    result["per_comment_ms"] = 1000 * scoring_seconds / max(1, len(y))
    result["skipped"] = corpus.skipped
    if thresholds is not None:
        result |= verdict_shares(labels, y)
    return result


def evaluate_model(corpus: Corpus, model: SpamModel, threshold: float, thresholds: Thresholds | None = None
                   ) -> dict[str, object]:
    """Score every row with a trained model, no training."""
    started = time.perf_counter()
    probability = model.score_many(corpus.drafts)
    elapsed = time.perf_counter() - started
    y = np.array(corpus.is_spam, dtype=bool)
    result: dict[str, object] = dict(metrics(y, probability, threshold))
    result["per_comment_ms"] = 1000 * elapsed / max(1, len(corpus))
    result["skipped"] = corpus.skipped
    if thresholds is not None:
        result |= verdict_shares(verdict_labels(model, corpus.drafts, thresholds), y)
    return result
