"""The learned model: hashed TF-IDF features, logistic regression, explained.

Fitting (``fit``) is scikit-learn's logistic regression on two L2-normalised
blocks of hashed tokens (words+metadata, character n-grams), IDF-weighted as
scikit-learn's TfidfVectorizer does. Scores are calibrated with Platt scaling
on out-of-fold scores, so a probability of 0.9 means about that.

With a meaning head (meaning.py, the shipped model has one), the two opinions
are blended. The encoder costs ten times the n-grams, so a stand-in for the
meaning head (``Student``, a linear model on the same n-gram features) first
estimates the blend; the encoder reads the comment only where that estimate
is near a verdict's threshold, or where the model does not know most of the
words. A comment whose words the model mostly does not know says so in its
reasons (``UNFAMILIAR``), and the verdict (filter.py) then holds it for a
person rather than sending it to the spam queue on the model's word alone.

Learning from one decision (``learn``) is a passive-aggressive step: the
smallest change of the weights of this comment's features that puts it on the
right side with a margin. The intercept stays where training put it, so a
lesson moves the verdicts of comments like the one decided, not of every
comment: when each step moved the intercept too, a run of spam decisions made
all comments look spammier, and the share of ham held swung with the order
of the lessons (bench/spam_adaptation.py). Only a moderator's decision on a
held comment moves every verdict, a little and within a cap: the site's prior
(``prior_``, see ``learn``). The step is returned and kept with the example,
so ``unlearn`` takes exactly that step back; the store replays the steps on load.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kiebitz.domain import CommentDraft, Reason
from kiebitz.spam import encoder
from kiebitz.spam.features import (
    N_FEATURES,
    Vector,
    counts_matrix,
    row_products,
    token_indices,
    unique_counts,
    unit_length,
)
from kiebitz.spam.keywords import LISTED_NUMBER, LISTED_WORDS, SpamKeywords, SpamNumbers
from kiebitz.spam.meaning import Blend, MeaningHead, logistic_regression, sigmoid, sigmoids
from kiebitz.spam.patterns import LISTED_LINK, LinkLists
from kiebitz.spam.student import Student
from kiebitz.spam.tokenizer import char_ngram_hashes, normalise, strip_tags, tokenize, word_count
from kiebitz.spam.usual import Usual

if TYPE_CHECKING:
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

UNFAMILIAR = "unfamiliar_text"
SITE_PRIOR = "site_prior"
FAMILIAR = 0.8  # share of a comment's words the model has seen below which it does not trust itself alone
DOUBT = (0.02, 0.999)  # without a student: n-gram probabilities between which the encoder is asked too
# With a student: how far (in logits) its estimate of the blend must be from a verdict's threshold for the
# encoder not to be asked. On corpora left out of training its estimate of the meaning's margin is off by a
# standard deviation of 1.2 to 1.5 (0.7 to 0.85 logits); 1.5 logits turned 4 of 7,400 left-out spam comments
# from held to published, 2 logits 1 (docs/experiments.md).
SURE = 1.5
# A site's prior (``SpamModel.prior_``): each moderator's decision on a held comment moves it by PRIOR_RATE times
# (label - probability), within PRIOR_CAP logits either way (docs/experiments.md, "A site's own prior").
PRIOR_RATE = 0.1
PRIOR_CAP = 1.0


@dataclass(frozen=True)
class Step:
    """One online update, kept so it can be taken back exactly."""

    indices: np.ndarray
    values: np.ndarray
    size: float  # signed: positive pushes towards spam
    prior: float = 0.0  # what it moved the site's prior by (a decision on a held comment)


class LocalWeights:
    """Weights added to the shared model's for one group of checks only (one Akismet key's).

    Sparse, since a key's lessons touch a few thousand of the million features:
    a dense copy per key would cost 4 MB each.
    """

    def __init__(self) -> None:
        self.values: dict[int, float] = {}
        self.prior = 0.0  # added to the site's prior (``SpamModel.prior_``): what the key's held comments taught

    def at(self, indices: np.ndarray) -> np.ndarray:
        get = self.values.get
        return np.fromiter((get(index, 0.0) for index in indices.tolist()), dtype=np.float64, count=len(indices))

    def add(self, indices: np.ndarray, values: np.ndarray) -> None:
        for index, value in zip(indices.tolist(), values.tolist(), strict=True):
            self.values[index] = self.values.get(index, 0.0) + value


class SpamModel:
    """``score``, ``learn`` and ``unlearn``; ``fit`` trains from scratch."""

    def __init__(
        self, C: float = 30.0, aggressiveness: float = 1.0, min_df: int = 2, site_language: str = "",
        learn_margin: float = 4.0,
    ) -> None:
        self.C = C
        self.aggressiveness = aggressiveness
        self.learn_margin = learn_margin
        self.min_df = min_df
        self.site_language = site_language
        self.meaning_: MeaningHead | None = None
        self.blend_: Blend | None = None
        self.student_: Student | None = None
        # the filter's unsure and spam thresholds, around which the student's estimate is not trusted
        self.verdict_points = (0.5, 0.9)
        self.link_lists_: LinkLists | None = None
        self.spam_keywords_: SpamKeywords | None = None
        self.spam_numbers_: SpamNumbers | None = None
        self.learned_: np.ndarray | None = None  # features a moderator's lesson touched: known to this site
        # The site's own prior, in logits added to every verdict: where its moderators' decisions on held
        # comments say the model, trained on other sites, holds too much or too little (``learn``).
        self.prior_ = 0.0

    # -- features ------------------------------------------------------------------
    def _counts(self, drafts: list[CommentDraft]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        """Raw counts of the two blocks: word tokens and character n-grams, one row per draft."""
        return self._tokens_and_counts(drafts)[1:]

    def _tokens_and_counts(
        self, drafts: list[CommentDraft]
    ) -> tuple[list[list[str]], sparse.csr_matrix, sparse.csr_matrix]:
        tokens = [tokenize(draft, self.site_language) for draft in drafts]
        word_rows = np.repeat(np.arange(len(tokens)), [len(words) for words, _ in tokens])
        word_indices = token_indices([token for words, _ in tokens for token in words])
        char_rows, char_indices = char_ngram_hashes([text for _, text in tokens], N_FEATURES)
        return ([words for words, _ in tokens], counts_matrix(word_rows, word_indices, len(drafts)),
                counts_matrix(char_rows, char_indices, len(drafts)))

    def familiarity(self, tokens: list[str], indices: np.ndarray | None = None, local: LocalWeights | None = None
                    ) -> float:
        """Share of the words (``w:`` tokens) that training saw often enough to weigh, or a lesson taught
        (``local``: one Akismet key's too); 1 for no words."""
        if indices is None:
            indices = token_indices(tokens)
        words = indices[:word_count(tokens)]
        if not len(words):
            return 1.0
        known = self.idf_[words] > 0
        if self.learned_ is not None:
            known |= self.learned_[words]
        if local is not None:
            known |= np.fromiter((index in local.values for index in words.tolist()), dtype=bool)
        return np.count_nonzero(known) / len(words)  # known.mean() costs ten times as much

    def _weigh(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        """Sublinear TF times IDF, then unit length per row (in place)."""
        counts.data = (np.log(counts.data) + 1.0) * self.idf_[counts.indices]
        lengths = np.diff(counts.indptr)
        norms = np.ones(counts.shape[0])
        nonempty = lengths > 0
        if counts.nnz:
            norms[nonempty] = np.sqrt(np.add.reduceat(counts.data**2, counts.indptr[:-1][nonempty]))
        norms[norms == 0] = 1.0
        counts.data /= np.repeat(norms, lengths)
        return counts

    def vectorize_blocks(self, drafts: list[CommentDraft]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        words, chars = self._counts(drafts)
        return self._weigh(words), self._weigh(chars)

    def vectorize(self, drafts: list[CommentDraft]) -> sparse.csr_matrix:
        words, chars = self.vectorize_blocks(drafts)
        combined = (words + chars).tocsr()
        combined.eliminate_zeros()
        return combined

    def _weigh_one(self, word_indices: np.ndarray, char_indices: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``_weigh`` for a single row's two blocks, without scipy's per-call overhead: (word indices, word
        values, character indices, character values).

        The blocks are counted in one sort, the characters' indices moved past the words' for it: every
        numpy call costs a microsecond or two on arrays this small, whatever their size.
        """
        unique, counts = unique_counts(np.concatenate([word_indices, char_indices + N_FEATURES]))
        split = int(np.searchsorted(unique, N_FEATURES))
        unique[split:] -= N_FEATURES
        values = (np.log(counts) + 1.0) * self.idf_[unique]
        words, chars = values[:split], values[split:]
        return unique[:split], unit_length(words), unique[split:], unit_length(chars)

    def vector_of(self, draft: CommentDraft) -> Vector:
        """The draft's features, weighed once per draft and kept on it (``draft.features``): posting asks the
        model twice, whether it will read the meaning and then for the verdict, and the two weighings took
        15 % of a post's time in the worker. Familiarity is counted each time: a lesson may teach a word."""
        kept = draft.features
        if kept is not None and kept[0] is self.idf_ and kept[1] == self.site_language:
            words, token_index, word_index, word_value, char_index, char_value = kept[2]
        else:
            words, text = tokenize(draft, self.site_language)
            token_index = token_indices(words)
            word_index, word_value, char_index, char_value = self._weigh_one(
                token_index, char_ngram_hashes([text], N_FEATURES)[1])
            draft.features = (self.idf_, self.site_language,
                              (words, token_index, word_index, word_value, char_index, char_value))
        familiarity = self.familiarity(words, token_index)
        return Vector(words, familiarity, token_index, word_index, word_value, char_index, char_value)

    # -- training --------------------------------------------------------------------
    def fit(
        self, drafts: list[CommentDraft], is_spam: np.ndarray, sample_weight: np.ndarray | None = None,
        calibrate: bool = True,
    ) -> SpamModel:
        y = np.asarray(is_spam, dtype=bool)
        words, chars = self._counts(drafts)
        df = np.bincount(words.indices, minlength=N_FEATURES) + np.bincount(chars.indices, minlength=N_FEATURES)
        n = len(drafts)
        idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
        idf[df < self.min_df] = 0.0  # a token seen once teaches nothing that generalises
        self.idf_ = idf
        X = (self._weigh(words) + self._weigh(chars)).tocsr()
        X.eliminate_zeros()
        classifier = self._classifier().fit(X, y, sample_weight=sample_weight)
        self.weights_ = classifier.coef_.ravel().astype(np.float32)
        self.intercept_ = float(classifier.intercept_[0])
        self.calibration_ = self._calibrate(X, y, sample_weight) if calibrate else (1.0, 0.0)
        return self

    def _classifier(self) -> LogisticRegression:
        return logistic_regression(C=self.C, max_iter=5000, solver="liblinear")

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
        platt = logistic_regression(C=1e4).fit(margins.reshape(-1, 1), y, sample_weight=sample_weight)
        return float(platt.coef_[0, 0]), float(platt.intercept_[0])

    # -- scoring -----------------------------------------------------------------------
    def margin(self, X: sparse.csr_matrix) -> np.ndarray:
        """Raw scores w·x + b, row by row."""
        return row_products(X, self.weights_) + self.intercept_

    def probability(self, margins: np.ndarray) -> np.ndarray:
        a, b = self.calibration_
        return sigmoids(a * margins + b + self.prior_)

    def score_many(self, drafts: list[CommentDraft], vectors: np.ndarray | None = None) -> np.ndarray:
        """Probabilities of many drafts at once; ``vectors``: their sentence vectors, if already encoded."""
        tokens, words, chars = self._tokens_and_counts(drafts)
        words, chars = self._weigh(words), self._weigh(chars)
        margins = self.margin(words) + self.margin(chars) - self.intercept_
        probability = self.probability(margins)
        if self.meaning_ is None or self.blend_ is None:
            return probability
        familiar = np.array([self.familiarity(row) for row in tokens])
        guesses = None if self.student_ is None else self.student_.margins((words + chars).tocsr())
        ask = np.flatnonzero(self.needs_meaning(margins, probability, familiar, guesses, self.prior_))
        if guesses is not None:
            probability = self.blend_.probabilities(margins, guesses, self.prior_)
        if len(ask):
            if vectors is None:
                meant = self.meaning_.margins(encoder.encode([meaning_text(drafts[i]) for i in ask]))
            else:
                meant = self.meaning_.margins(vectors[ask])
            probability[ask] = self.blend_.probabilities(margins[ask], meant, self.prior_)
        return probability

    def needs_meaning(self, margin: np.ndarray | float, probability: np.ndarray | float,
                      familiarity: np.ndarray | float, guess: np.ndarray | float | None,
                      prior: float) -> np.ndarray | bool:
        """Whether the encoder must read the comment too: the model does not know most of its words, or the
        student's estimate of the blend (``guess``: its margin for the meaning) is within ``SURE`` logits of
        a verdict's threshold; without a student, whether the n-grams alone are in doubt. ``prior``: see
        ``prior_with``.

        For arrays (``score_many``) and single floats (``score``) alike: the operators below work on both,
        and a float is not made an array, which cost a single comment a dozen numpy calls.
        """
        unfamiliar = familiarity < FAMILIAR
        if guess is None or self.blend_ is None:
            return unfamiliar | ((probability >= DOUBT[0]) & (probability < DOUBT[1]))
        blend = self.blend_
        logit = blend.ngram * margin + blend.meaning * guess + blend.bias + prior
        unsure, spam = (math.log(point / (1 - point)) for point in self.verdict_points)
        return unfamiliar | ((logit > unsure - SURE) & (logit < spam + SURE))

    def wants_meaning(self, draft: CommentDraft) -> bool:
        """Whether ``score`` will ask the encoder about this draft (posting encodes it beforehand, batched)."""
        if self.meaning_ is None or self.blend_ is None:
            return False
        x = self.vector_of(draft)
        margin = self._ngram_margin(x)
        guess = None if self.student_ is None else self.student_.margin(x)
        return bool(self.needs_meaning(margin, self._calibrated(margin, self.prior_), x.familiarity, guess,
                                       self.prior_))

    def _ngram_margin(self, x: Vector, local: LocalWeights | None = None) -> float:
        margin = float(x.word_value @ self.weights_[x.word_index] + x.char_value @ self.weights_[x.char_index])
        if local is not None:
            margin += float(x.word_value @ local.at(x.word_index) + x.char_value @ local.at(x.char_index))
        return margin + self.intercept_

    def _calibrated(self, margin: float, prior: float) -> float:
        a, b = self.calibration_
        return sigmoid(a * margin + b + prior)

    def prior_with(self, local: LocalWeights | None) -> float:
        """The prior a verdict gets: the site's, plus one Akismet key's own where its checks are scored."""
        return self.prior_ if local is None else self.prior_ + local.prior

    def score(self, draft: CommentDraft, explain: int = 5, local: LocalWeights | None = None) -> tuple[float, list[Reason]]:
        """The calibrated probability and the reasons; ``local`` adds one key's own lessons."""
        x = self.vector_of(draft)
        margin = self._ngram_margin(x, local)
        familiarity = x.familiarity if local is None else self.familiarity(x.tokens, x.token_index, local)
        prior = self.prior_with(local)
        probability = self._calibrated(margin, prior)
        meaning_reason: list[Reason] = []
        if self.meaning_ is not None and self.blend_ is not None:
            guess = None if self.student_ is None else self.student_.margin(x)
            if self.needs_meaning(margin, probability, familiarity, guess, prior):
                vector = sentence_vector(draft)
                meant = float(self.meaning_.margins(vector[None])[0])
                probability = self.blend_.probability(margin, meant, prior)
                pull = self.blend_.meaning * meant
                if explain and pull > 0.5 and probability >= 0.5:
                    found = self.meaning_.reason(vector, pull)
                    meaning_reason = [found] if found else []
            elif guess is not None:
                probability = self.blend_.probability(margin, guess, prior)
        # The public lists' evidence first: it decides the verdict where it is found, and the admin's queue shows
        # a comment's first two reasons.
        text = normalise(draft.text)
        reasons = self.listed_links(x.tokens) + self.listed_number(text)
        if probability < self.verdict_points[0]:
            reasons += self.listed_words(text, draft.author)
        # The words are weighed towards the final verdict's side, which the meaning may have turned.
        reasons += self.prior_reason(probability, prior) + meaning_reason
        reasons += self.explain(x, probability, explain) if explain else []
        if familiarity < FAMILIAR:
            reasons.append(Reason(UNFAMILIAR, f"only {familiarity:.0%} of its words are known to the filter, which "
                                              "does not trust itself alone on it", 0.0))
        return probability, reasons

    def prior_reason(self, probability: float, prior: float) -> list[Reason]:
        """The site's prior, named where it took the probability across a verdict's threshold: without it a
        moderator could not tell why a comment like one held last month is now published, or the reverse."""
        if not prior or not 0.0 < probability < 1.0:
            return []
        alone = sigmoid(math.log(probability / (1.0 - probability)) - prior)
        if all((alone >= point) == (probability >= point) for point in self.verdict_points):
            return []
        return [Reason(SITE_PRIOR, f"this site's decisions on held comments moved it from {alone:.0%} to "
                                   f"{probability:.0%}", prior)]

    def listed_links(self, tokens: list[str]) -> list[Reason]:
        """A link or website whose host is on a public spam list (patterns.py)."""
        if self.link_lists_ is None:
            return []
        hosts = {token.partition(":")[2] for token in tokens if token.startswith(("url:", "site:"))}
        for host in sorted(hosts):
            listed = self.link_lists_.listed(host)
            if listed:
                return [Reason(LISTED_LINK, f"links to {host}, which {listed} names", 1.0)]
        return []

    def listed_number(self, text: str) -> list[Reason]:
        """A phone number SmokeDetector lists as a spammer's (keywords.py): hard evidence."""
        number = self.spam_numbers_.match(text) if self.spam_numbers_ is not None else ""
        if not number:
            return []
        return [Reason(LISTED_NUMBER, f"gives the phone number {number}, which SmokeDetector lists as a spammer's", 1.0)]

    def listed_words(self, text: str, name: str) -> list[Reason]:
        """Words on SmokeDetector's list of spam keywords in the text or the name (keywords.py).

        A match only holds a comment, so it is looked for only where the model would publish: the search
        takes 8 to 15 µs a comment, which spam and held comments need not pay.
        """
        if self.spam_keywords_ is None:
            return []
        for field, value in (("the text", text), ("the name", name)):
            found = self.spam_keywords_.match(value) if value else ""
            if found:
                return [Reason(LISTED_WORDS, f"{field} has \"{found}\", which SmokeDetector lists as spam words", 1.0)]
        return []

    def explain(self, x: Vector, probability: float, count: int) -> list[Reason]:
        """The words and signals that pushed hardest towards the verdict, in words.

        Character n-grams are left out: 'the letters "ee!"' explains nothing.
        """
        if not x.tokens:
            return []
        values = x.word_value[np.searchsorted(x.word_index, x.token_index)]
        weights = self.calibration_[0] * self.weights_[x.token_index] * values
        towards_spam = probability >= 0.5
        seen: set[str] = set()
        reasons = []
        strongest = np.argsort(-weights if towards_spam else weights)[: count * 3].tolist()
        weight_of = weights.tolist()  # Python floats: numpy's scalars cost a microsecond each below
        for position in strongest:
            token, weight = x.tokens[position], weight_of[position]
            if token in seen or (weight > 0) != towards_spam or abs(weight) < 0.05:
                continue
            seen.add(token)
            verb = "point" if token.startswith("b:") else "points"  # "the words 'click here' point"
            reasons.append(Reason("model", f"{describe(token)} {verb} to {'spam' if weight > 0 else 'ham'}", weight))
            if len(reasons) == count:
                break
        return reasons

    # -- learning from single decisions ----------------------------------------------------
    def learn(self, draft: CommentDraft, is_spam: bool, local: LocalWeights | None = None, held: bool = False,
              usual: Usual | None = None) -> Step:
        """Move the weights just enough that this comment scores right with margin ``learn_margin``.

        A margin of 4 is a calibrated probability of 0.98, well past the spam threshold, so
        that comments much like a lesson are judged like it too. With ``local``, the step is
        measured on the shared weights plus those and changes only those. With a meaning
        head the margin is the blend's: the lesson moves the n-gram weights until the blended
        verdict is right, whatever the comment's meaning says.

        A decision on a ``held`` comment also moves the site's prior (``prior_``) by ``PRIOR_RATE`` times
        (label - probability): a logistic regression's bias learned online, on the one queue where
        moderators decide both ways, so that a probability of 0.5 comes to mean 0.5 there on this site. The
        other lessons are one-sided (published spam that was found, ham rescued from the spam queue, an
        Akismet key's reports) and would push the prior one way only. The weights cannot do this: a run of
        spam lessons moves the words of that spam, and on a language the model barely knows its common words
        with them; after 100 lessons a fifth of Telegram's ham was held, and with the prior a little less.
        ``usual`` answers that: what the site's recent comments share that training barely saw, taken out of the
        step's direction (usual.py; 6 to 10 % held, docs/benchmarks.md "Lessons as a site's admin gives them").
        """
        x = self.vector_of(draft)
        indices, inverse = np.unique(np.concatenate([x.word_index, x.char_index]), return_inverse=True)
        values = np.bincount(inverse, weights=np.concatenate([x.word_value, x.char_value]))
        meant = None
        if self.meaning_ is not None and self.blend_ is not None:
            meant = float(self.meaning_.margins(sentence_vector(draft)[None])[0])
        return self.learn_vector(indices, values, is_spam, local, meant, held, usual)

    def learn_vector(self, indices: np.ndarray, values: np.ndarray, is_spam: bool, local: LocalWeights | None = None,
                     meant: float | None = None, held: bool = False, usual: Usual | None = None) -> Step:
        label = 1.0 if is_spam else -1.0
        a, b = self.calibration_
        weights = self.weights_[indices] if local is None else self.weights_[indices] + local.at(indices)
        margin = float(values @ weights) + self.intercept_
        squared = float(values @ values)
        # A step of size s changes the raw weights by s*a*x (``apply``): the n-gram logit by a²·s·|x|²,
        # the blended one by ngram·a·s·|x|². The cap is the same change of the verdict's logit either way.
        if meant is None or self.blend_ is None:
            logit, per_size, cap = a * margin + b, a * a * squared, self.aggressiveness * 10
        else:
            blend = self.blend_
            logit = blend.ngram * margin + blend.meaning * meant + blend.bias
            per_size, cap = blend.ngram * a * squared, self.aggressiveness * 10 * a / blend.ngram
        # The weights' step is measured without the prior: they learn what they would on any site, and the
        # prior alone answers for how strict this one is. Measured with it, a site whose prior had fallen gave
        # its spam lessons larger steps, which on Telegram held more ham, not less (docs/experiments.md).
        loss = max(0.0, self.learn_margin - label * logit)
        size = label * min(cap, loss / per_size) if loss and per_size else 0.0
        prior = 0.0
        if held:  # with ``local``, the key's own prior moves, as its weights do
            own = self.prior_ if local is None else local.prior
            probability = sigmoid(logit + self.prior_with(local))
            prior = min(PRIOR_CAP, max(-PRIOR_CAP, own + PRIOR_RATE * (float(is_spam) - probability))) - own
        if usual is not None:  # sized on the comment as it is, so the lesson is no larger for the site's mean
            indices, values = usual.taken_from(indices, values)
        step = Step(indices.astype(np.int32), values.astype(np.float32), size, prior)
        self.apply(step, local=local)
        return step

    def apply(self, step: Step, sign: float = 1.0, local: LocalWeights | None = None) -> None:
        change = np.float32(sign * step.size * self.calibration_[0]) * step.values
        if local is None:
            self.weights_[step.indices] += change
            if self.learned_ is None:
                self.learned_ = np.zeros(N_FEATURES, dtype=bool)
            self.learned_[step.indices] = True
            self.prior_ += sign * step.prior
        else:
            local.add(step.indices, change)
            local.prior += sign * step.prior

    def unlearn(self, step: Step) -> None:
        self.apply(step, sign=-1.0)

    def copy(self) -> SpamModel:
        twin = SpamModel(self.C, self.aggressiveness, self.min_df, self.site_language, self.learn_margin)
        twin.weights_ = self.weights_.copy()
        twin.idf_ = self.idf_  # never changed after fit
        twin.intercept_ = self.intercept_
        twin.calibration_ = self.calibration_
        twin.meaning_, twin.blend_, twin.student_ = self.meaning_, self.blend_, self.student_  # never learn
        twin.verdict_points = self.verdict_points
        twin.link_lists_, twin.spam_keywords_, twin.spam_numbers_ = self.link_lists_, self.spam_keywords_, self.spam_numbers_
        twin.learned_ = None if self.learned_ is None else self.learned_.copy()
        twin.prior_ = self.prior_
        return twin


def sentence_vector(draft: CommentDraft) -> np.ndarray:
    """The draft's vector: the one the web layer encoded in a batch, or encoded now."""
    if draft.sentence_vector is not None:
        return np.asarray(draft.sentence_vector)
    return encoder.encode([meaning_text(draft)])[0]


def meaning_text(draft: CommentDraft) -> str:
    """What the encoder reads: the comment's text without markup."""
    return strip_tags(normalise(draft.text))


def describe(token: str) -> str:
    kind, _, value = token.partition(":")
    return {
        "w": f"the word '{value}'", "b": f"the words '{value}'", "url": f"a link to {value}",
        "tld": f"a link ending .{value}", "email": f"an e-mail address at {value}", "site": f"the website {value}",
    }.get(kind, f"the signal '{value.replace('_', ' ')}'")
