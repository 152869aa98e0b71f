"""The student: a linear stand-in for the meaning head, so the encoder reads only the comments in doubt.

The encoder costs ten times the n-grams. The student estimates the meaning head's margin from the
n-gram features alone (fitted in training.py), and the model asks the encoder only where that
estimate leaves a verdict near a threshold (model.py, ``SpamModel.needs_meaning``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kiebitz.spam.features import Vector, row_products

if TYPE_CHECKING:
    from scipy import sparse


@dataclass(frozen=True)
class Student:
    """A linear stand-in for the meaning head on the n-gram features: its margin, estimated without the encoder.

    Ridge regression on the head's margins over every training row (training.py). It knows no word the
    n-grams do not know, so it is trusted only on familiar text and only far from a threshold.
    """

    weights: np.ndarray  # (N_FEATURES,) float16: it only decides whether to ask the encoder; 2 MB, not 4
    intercept: float

    @classmethod
    def quantised(cls, weights: np.ndarray, intercept: float) -> Student:
        """The weights rounded to 255 steps, as the model file keeps them (0.4 MB there instead of 1.3): the
        error this adds to a margin is a few hundredths, against the 1.5 logits a skip must be clear by."""
        return cls.from_steps(*int8_steps(weights), intercept)

    @classmethod
    def from_steps(cls, steps: np.ndarray, scale: float, intercept: float) -> Student:
        return cls((steps * np.float32(scale)).astype(np.float16), intercept)

    def steps(self) -> tuple[np.ndarray, float]:
        """The int8 steps and their size, for the model file."""
        return int8_steps(self.weights)

    def margin(self, x: Vector) -> float:
        return float(x.word_value @ self.weights[x.word_index] + x.char_value @ self.weights[x.char_index]
                     + self.intercept)

    def margins(self, X: sparse.csr_matrix) -> np.ndarray:
        return row_products(X, self.weights) + self.intercept


def int8_steps(weights: np.ndarray) -> tuple[np.ndarray, float]:
    """Weights as multiples (-127 to 127) of one step, and the step."""
    scale = float(np.abs(weights.astype(np.float32)).max()) / 127 or 1.0
    return np.round(weights.astype(np.float32) / scale).astype(np.int8), scale
