"""The second opinion: what a comment means (encoder.py), weighed beside its n-grams.

The n-gram model knows the words of the corpora it was trained on and little
else; on a kind of comment it has never seen it ranks spam barely better than
chance (docs/benchmarks.md, "Spam filter on comments it was not trained on").
A logistic regression on the encoder's sentence vectors carries meaning over
from the encoder's own pretraining: a German or Russian advert reads like the
English ones. ``Blend`` says how much each opinion counts. Its weights are
fitted on scores of corpora each head was *not* trained on (training.py), so
the blended probability is calibrated for a new site rather than for the
training corpora, where the n-grams are right about everything.

A verdict the meaning drives is explained in words: the spam examples whose
topic the comment is nearest to ("reads like the spam examples about
'bitcoin, invest, profit'"), from topic centroids and their most telling
words kept in the model file (no training text is kept).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kiebitz.domain import Reason

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression

TOPICS = 24
C = 0.3  # stronger regularisation than the n-grams': 512 dense dimensions learn a corpus's quirks fast


@dataclass
class MeaningHead:
    """Logistic regression on sentence vectors, and the topics of the spam it was trained on."""

    weights: np.ndarray  # (512,)
    intercept: float
    centroids: np.ndarray  # (TOPICS, 512), unit length
    topic_words: list[str]  # per topic, its telling words joined by ", "

    def margins(self, vectors: np.ndarray) -> np.ndarray:
        return vectors @ self.weights + self.intercept

    def reason(self, vector: np.ndarray, weight: float) -> Reason | None:
        """Why the meaning pushed towards spam: the nearest spam topic."""
        if not self.topic_words:
            return None
        topic = int(np.argmax(self.centroids @ vector))
        return Reason("model", f"reads like the spam examples about '{self.topic_words[topic]}'", weight)


@dataclass(frozen=True)
class Blend:
    """probability = sigmoid(ngram * n-gram margin + meaning * meaning margin + bias + a site's prior)."""

    ngram: float
    meaning: float
    bias: float

    def probability(self, ngram_margin: float, meaning_margin: float, prior: float = 0.0) -> float:
        return sigmoid(self.ngram * ngram_margin + self.meaning * meaning_margin + self.bias + prior)

    def probabilities(self, ngram_margins: np.ndarray, meaning_margins: np.ndarray, prior: float = 0.0) -> np.ndarray:
        return sigmoids(self.ngram * ngram_margins + self.meaning * meaning_margins + self.bias + prior)


def sigmoid(logit: float) -> float:
    """A logit as a probability; beyond ±50 it is 0 or 1 anyway, and math.exp would overflow."""
    return 1.0 / (1.0 + math.exp(-min(50.0, max(-50.0, logit))))


def sigmoids(logits: np.ndarray) -> np.ndarray:
    """``sigmoid`` for an array of logits."""
    return 1.0 / (1.0 + np.exp(-np.clip(logits, -50, 50)))


def logistic_regression(**options: float | int | str) -> LogisticRegression:
    """scikit-learn's LogisticRegression, imported only when a model is fitted.

    scikit-learn and what it pulls in (scipy.stats, ...) cost a serving
    worker about 90 MiB, and a worker only scores.
    """
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(**options)


def fit_head(vectors: np.ndarray, is_spam: np.ndarray, weights: np.ndarray | None,
             spam_words: list[list[str]] | None = None, regress_on: np.ndarray | None = None) -> MeaningHead:
    """The regression (on ``regress_on`` if given, else on the vectors), and (given each spam row's words) the
    spam topics for explanations, from the vectors as the encoder gives them."""
    classifier = logistic_regression(C=C, max_iter=3000).fit(vectors if regress_on is None else regress_on, is_spam,
                                                             sample_weight=weights)
    centroids, topic_words = np.zeros((0, vectors.shape[1]), dtype=np.float32), list[str]()
    if spam_words is not None and is_spam.sum() >= TOPICS:
        centroids, topic_words = spam_topics(vectors[is_spam], spam_words)
    return MeaningHead(classifier.coef_.ravel().astype(np.float32), float(classifier.intercept_[0]), centroids,
                       topic_words)


def spam_topics(vectors: np.ndarray, words: list[list[str]], count: int = 3) -> tuple[np.ndarray, list[str]]:
    """k-means over the spam vectors; a topic's words are those most over-represented in it."""
    from sklearn.cluster import KMeans

    clusters = KMeans(n_clusters=TOPICS, n_init=3, random_state=0).fit(vectors)
    centroids = clusters.cluster_centers_ / np.linalg.norm(clusters.cluster_centers_, axis=1, keepdims=True)
    overall: dict[str, int] = {}
    for row in words:
        for word in set(row):
            overall[word] = overall.get(word, 0) + 1
    topic_words = []
    for topic in range(TOPICS):
        members = np.flatnonzero(clusters.labels_ == topic)
        inside: dict[str, int] = {}
        for member in members.tolist():
            for word in set(words[member]):
                inside[word] = inside.get(word, 0) + 1
        lift = {word: n / len(members) * math.log(len(words) / overall[word]) for word, n in inside.items() if n >= 3}
        topic_words.append(", ".join(sorted(lift, key=lambda word: (-lift[word], word))[:count]))
    return centroids.astype(np.float32), topic_words


def fit_blend(ngram_margins: np.ndarray, meaning_margins: np.ndarray, is_spam: np.ndarray,
              weights: np.ndarray) -> tuple[Blend, tuple[float, float]]:
    """The blend and the n-gram model's own calibration, both from scores on left-out corpora."""
    both = logistic_regression(C=100).fit(np.c_[ngram_margins, meaning_margins], is_spam, sample_weight=weights)
    alone = logistic_regression(C=100).fit(ngram_margins.reshape(-1, 1), is_spam, sample_weight=weights)
    blend = Blend(float(both.coef_[0, 0]), float(both.coef_[0, 1]), float(both.intercept_[0]))
    return blend, (float(alone.coef_[0, 0]), float(alone.intercept_[0]))
