"""What a site's comments have in common that training barely saw, taken out of each lesson's step.

A lesson (``SpamModel.learn``) moves the weights of every feature of the comment decided. On a site in a
language the shipped model barely knows, the common n-grams of that language are rare in training, so they
weigh as much as a spam word, and every spam lesson moves them up with the spam: after 25 lessons on
Telegram's Russian chat, left out of training, 29 to 43 % of its ham was held, against 4 % before any
(docs/experiments.md, "A lesson's step less what the site's comments share").

So a lesson's step is taken from the comment less the mean of the site's recent comments, over the features
training saw in fewer than one row in 400 (``RARE_IDF``): what is usual on this site and new to the model
stays where it was, and the lesson moves what sets the comment apart. Features training knows well keep
their full share, as before; on an English or German site the mean is small and the step nearly unchanged.

A site's mean is read from its stored comments (``LearningModel.usual``). An Akismet key's checks keep no text,
so each process keeps the rare features of a key's last checks in memory instead (``RecentChecks``): no words,
only hashed n-grams, gone at a restart, after which the key's lessons are taken as they were until checks come.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kiebitz.domain import CommentDraft

if TYPE_CHECKING:
    from kiebitz.spam.features import Vector
    from kiebitz.spam.model import SpamModel

# IDF = ln((1 + rows) / (1 + rows with the feature)) + 1, so above 7 a feature is in fewer than one training
# row in e**6 ≈ 400. Russian's common n-grams lie at 7 to 11 for the model left without Telegram; English
# ones at 1 to 2.5. A threshold of 5 (one row in 55) did as well on Telegram and let more of X's spam through;
# 6 did as 7 (docs/experiments.md).
RARE_IDF = 7.0
FEATURES = 300  # the mean's largest entries kept; all 2,000 largest gave the same figures
COMMENTS = 500  # the site's most recent comments the mean is taken over
# Fewer comments than this are no site's usual: a lesson on the only comment a key had checked would take itself
# back. Shrinking the mean instead, as if 10 comments without the features came first, gave back much of the
# drift; at least 50 comments, half of it (docs/experiments.md).
AT_LEAST = 20
KEYS = 256  # keys whose recent checks a process keeps; beyond that it starts afresh (about 0.3 MB a key)


@dataclass(frozen=True)
class Usual:
    """The mean of a site's recent comments over the features training barely saw: sorted indices, values."""

    indices: np.ndarray
    values: np.ndarray

    @classmethod
    def of(cls, model: SpamModel, drafts: list[CommentDraft]) -> Usual:
        if len(drafts) < AT_LEAST:
            return cls(np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))
        words, chars = model.vectorize_blocks(drafts)
        mean = np.asarray((words + chars).sum(axis=0)).ravel() / len(drafts)
        mean[model.idf_ <= RARE_IDF] = 0.0
        return cls.largest(mean)

    @classmethod
    def of_checks(cls, checks: tuple[tuple[np.ndarray, np.ndarray], ...], features: int) -> Usual:
        """The mean of checks' rare features (``RecentChecks``) over a table of ``features``."""
        mean = np.zeros(features)
        for indices, values in checks:
            np.add.at(mean, indices, values)
        return cls.largest(mean / max(1, len(checks)))

    @classmethod
    def largest(cls, mean: np.ndarray) -> Usual:
        largest = np.argpartition(-mean, FEATURES)[:FEATURES] if len(mean) > FEATURES else np.arange(len(mean))
        kept = np.sort(largest[mean[largest] > 0])
        return cls(kept.astype(np.int32), mean[kept].astype(np.float32))

    def taken_from(self, indices: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The comment's features (sorted ``indices``, ``values``) less this mean, over both sets of indices."""
        if not len(self.indices):
            return indices, values
        union = np.union1d(indices, self.indices)
        direction = np.zeros(len(union))
        direction[np.searchsorted(union, indices)] = values
        direction[np.searchsorted(union, self.indices)] -= self.values
        return union, direction


class RecentChecks:
    """The rare features of each Akismet key's last ``COMMENTS`` checks in this process, for its lessons' ``Usual``."""

    def __init__(self) -> None:
        self._by_key: dict[str, deque[tuple[np.ndarray, np.ndarray]]] = {}

    def add(self, key: str, model: SpamModel, x: Vector) -> None:
        indices = np.concatenate([x.word_index, x.char_index])
        rare = model.idf_[indices] > RARE_IDF
        if key not in self._by_key and len(self._by_key) >= KEYS:
            self._by_key.clear()
        checks = self._by_key.setdefault(key, deque(maxlen=COMMENTS))
        checks.append((indices[rare], np.concatenate([x.word_value, x.char_value])[rare]))

    def usual(self, key: str, model: SpamModel) -> Usual | None:
        # A copy first: another thread's check may append while the mean is summed (tuple() holds the GIL throughout)
        checks = tuple(self._by_key.get(key, ()))
        return Usual.of_checks(checks, len(model.idf_)) if len(checks) >= AT_LEAST else None
