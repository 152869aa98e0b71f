"""The learned model: hashed TF-IDF features, logistic regression, explained.

Fitting (``fit``) is scikit-learn's logistic regression on two L2-normalised
blocks of hashed tokens (words+metadata, character n-grams), IDF-weighted as
scikit-learn's TfidfVectorizer does. Scores are calibrated with Platt scaling
on out-of-fold scores, so a probability of 0.9 means about that.

Learning from one decision (``learn``) is a passive-aggressive step: the
smallest change of the weights that puts this comment on the right side with
a margin. The step size is returned and kept with the example, so ``unlearn``
takes exactly that step back; the store replays the steps on load.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import LogisticRegression
from sklearn.utils import murmurhash3_32

from kiebitz.domain import CommentDraft, Reason
from kiebitz.spam.tokenizer import tokenize

N_FEATURES = 2**20
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Step:
    """One online update, kept so it can be taken back exactly."""

    indices: np.ndarray
    values: np.ndarray
    size: float  # signed: positive pushes towards spam


class SpamModel:
    """``score``, ``learn`` and ``unlearn``; ``fit`` trains from scratch."""

    def __init__(
        self, C: float = 30.0, aggressiveness: float = 1.0, min_df: int = 2, site_language: str = "",
        learn_margin: float = 3.0,
    ) -> None:
        self.C = C
        self.aggressiveness = aggressiveness
        self.learn_margin = learn_margin
        self.min_df = min_df
        self.site_language = site_language
        self._hasher = FeatureHasher(n_features=N_FEATURES, input_type="string", alternate_sign=False)

    # -- features ------------------------------------------------------------------
    def _counts(self, token_blocks: list[tuple[list[str], list[str]]]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        words = self._hasher.transform(block[0] for block in token_blocks).tocsr()
        chars = self._hasher.transform(block[1] for block in token_blocks).tocsr()
        return words, chars

    def _weigh(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        """Sublinear TF times IDF, then unit length per row."""
        weighted = counts.astype(np.float32, copy=True)
        np.log(weighted.data, out=weighted.data)
        weighted.data += 1.0
        weighted.data *= self.idf_[weighted.indices]
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        weighted = sparse.diags(1.0 / norms) @ weighted
        weighted.eliminate_zeros()
        return weighted.tocsr()

    def vectorize(self, token_blocks: list[tuple[list[str], list[str]]]) -> sparse.csr_matrix:
        words, chars = self._counts(token_blocks)
        return (self._weigh(words) + self._weigh(chars)).tocsr()

    def tokens(self, draft: CommentDraft) -> tuple[list[str], list[str]]:
        return tokenize(draft, self.site_language)

    # -- training --------------------------------------------------------------------
    def fit(
        self, drafts: list[CommentDraft], is_spam: np.ndarray, sample_weight: np.ndarray | None = None,
        calibrate: bool = True,
    ) -> "SpamModel":
        blocks = [self.tokens(draft) for draft in drafts]
        y = np.asarray(is_spam, dtype=bool)
        words, chars = self._counts(blocks)
        df = np.bincount(words.indices, minlength=N_FEATURES) + np.bincount(chars.indices, minlength=N_FEATURES)
        n = len(blocks)
        idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
        idf[df < self.min_df] = 0.0  # a token seen once teaches nothing that generalises
        self.idf_ = idf
        X = (self._weigh(words) + self._weigh(chars)).tocsr()
        classifier = self._classifier().fit(X, y, sample_weight=sample_weight)
        self.weights_ = classifier.coef_.ravel().astype(np.float32)
        self.intercept_ = float(classifier.intercept_[0])
        self.calibration_ = self._calibrate(X, y, sample_weight) if calibrate else (1.0, 0.0)
        return self

    def _classifier(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, max_iter=5000, solver="liblinear")

    def _calibrate(
        self, X: sparse.csr_matrix, y: np.ndarray, sample_weight: np.ndarray | None, folds: int = 3
    ) -> tuple[float, float]:
        """Platt scaling on out-of-fold margins: probability = sigmoid(a * margin + b)."""
        if y.all() or not y.any() or len(y) < 20:
            return (1.0, 0.0)
        order = np.arange(len(y)) % folds
        margins = np.zeros(len(y))
        for fold in range(folds):
            train, test = order != fold, order == fold
            if y[train].all() or not y[train].any():
                return (1.0, 0.0)
            weights = None if sample_weight is None else sample_weight[train]
            margins[test] = self._classifier().fit(X[train], y[train], sample_weight=weights).decision_function(X[test])
        platt = LogisticRegression(C=1e4).fit(margins.reshape(-1, 1), y, sample_weight=sample_weight)
        return float(platt.coef_[0, 0]), float(platt.intercept_[0])

    # -- scoring -----------------------------------------------------------------------
    def margin(self, X: sparse.csr_matrix) -> np.ndarray:
        return np.asarray(X @ self.weights_).ravel() + self.intercept_

    def probability(self, margins: np.ndarray) -> np.ndarray:
        a, b = self.calibration_
        return 1.0 / (1.0 + np.exp(-np.clip(a * margins + b, -50, 50)))

    def score_many(self, drafts: list[CommentDraft]) -> np.ndarray:
        return self.probability(self.margin(self.vectorize([self.tokens(draft) for draft in drafts])))

    def score(self, draft: CommentDraft, explain: int = 5) -> tuple[float, list[Reason]]:
        blocks = self.tokens(draft)
        x = self.vectorize([blocks])
        probability = float(self.probability(self.margin(x))[0])
        return probability, self.explain(blocks[0], x, probability, explain) if explain else []

    def explain(self, word_tokens: list[str], x: sparse.csr_matrix, probability: float, count: int) -> list[Reason]:
        """The words and signals that pushed hardest towards the verdict, in words."""
        towards_spam = probability >= 0.5
        weights = dict(zip(x.indices.tolist(), x.data.tolist()))
        scale = self.calibration_[0]
        contributions: dict[str, float] = {}
        for token in set(word_tokens):
            index = abs(murmurhash3_32(token, seed=0)) % N_FEATURES
            value = weights.get(index)
            if value:
                contributions[token] = scale * float(self.weights_[index]) * value
        ranked = sorted(contributions.items(), key=lambda item: -item[1] if towards_spam else item[1])
        return [
            Reason("model", f"{describe(token)} points to {'spam' if weight > 0 else 'ham'}", weight)
            for token, weight in ranked[:count]
            if (weight > 0) == towards_spam and abs(weight) >= 0.05
        ]

    # -- learning from single decisions ----------------------------------------------------
    def learn(self, draft: CommentDraft, is_spam: bool) -> Step:
        """Move the weights just enough that this comment scores right with margin ``learn_margin``.

        A margin of 3 is a calibrated probability of 0.95, past the spam threshold.
        """
        x = self.vectorize([self.tokens(draft)])
        return self.learn_vector(x, is_spam)

    def learn_vector(self, x: sparse.csr_matrix, is_spam: bool) -> Step:
        label = 1.0 if is_spam else -1.0
        a, b = self.calibration_
        logit = a * float(self.margin(x)[0]) + b
        loss = max(0.0, self.learn_margin - label * logit)
        # Changing the raw weights by s*x (and the intercept by s) moves the logit by a*s*(|x|²+1).
        squared = a * a * (float(x.multiply(x).sum()) + 1.0)
        size = label * min(self.aggressiveness * 10, loss / squared) if loss else 0.0
        step = Step(x.indices.astype(np.int32), x.data.astype(np.float32), size)
        self.apply(step)
        return step

    def apply(self, step: Step, sign: float = 1.0) -> None:
        a = self.calibration_[0]
        self.weights_[step.indices] += np.float32(sign * step.size * a) * step.values
        self.intercept_ += sign * step.size * a

    def unlearn(self, step: Step) -> None:
        self.apply(step, sign=-1.0)

    # -- persistence -------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        nonzero = np.flatnonzero(self.weights_)
        idf_nonzero = np.flatnonzero(self.idf_)
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            version=np.array([FORMAT_VERSION]),
            settings=np.array([self.C, self.aggressiveness, self.min_df], dtype=np.float64),
            weight_index=nonzero.astype(np.int32), weight_value=self.weights_[nonzero],
            idf_index=idf_nonzero.astype(np.int32), idf_value=self.idf_[idf_nonzero],
            intercept=np.array([self.intercept_]), calibration=np.array(self.calibration_),
        )
        return buffer.getvalue()

    def copy(self) -> "SpamModel":
        twin = SpamModel(self.C, self.aggressiveness, self.min_df, self.site_language, self.learn_margin)
        twin.weights_ = self.weights_.copy()
        twin.idf_ = self.idf_  # never changed after fit
        twin.intercept_ = self.intercept_
        twin.calibration_ = self.calibration_
        return twin

    @classmethod
    def from_bytes(cls, data: bytes) -> "SpamModel":
        with np.load(io.BytesIO(data)) as saved:
            if int(saved["version"][0]) != FORMAT_VERSION:
                raise ValueError("spam model format not understood; rebuild it with `kiebitz spam train`")
            C, aggressiveness, min_df = saved["settings"].tolist()
            model = cls(C=C, aggressiveness=aggressiveness, min_df=int(min_df))
            model.weights_ = np.zeros(N_FEATURES, dtype=np.float32)
            model.weights_[saved["weight_index"]] = saved["weight_value"]
            model.idf_ = np.zeros(N_FEATURES, dtype=np.float32)
            model.idf_[saved["idf_index"]] = saved["idf_value"]
            model.intercept_ = float(saved["intercept"][0])
            a, b = saved["calibration"].tolist()
            model.calibration_ = (a, b)
        return model


def describe(token: str) -> str:
    kind, _, value = token.partition(":")
    return {
        "w": f"the word '{value}'", "b": f"the words '{value}'", "url": f"a link to {value}",
        "tld": f"a link ending .{value}", "email": f"an e-mail address at {value}", "site": f"the website {value}",
    }.get(kind, f"the signal '{value.replace('_', ' ')}'")
