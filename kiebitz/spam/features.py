"""One comment's hashed features, and the sparse arithmetic scoring and training share.

Tokens (tokenizer.py) become indices into a table of ``N_FEATURES`` by MurmurHash3, as
scikit-learn's FeatureHasher does; character n-grams are hashed there by the tokenizer
itself. The model (model.py) weighs them; these helpers stay small and numpy-only, since a
serving worker scores one comment at a time and every numpy call on arrays this small
costs a microsecond or two.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mmh3
import numpy as np

if TYPE_CHECKING:
    from scipy import sparse

N_FEATURES = 2**20


@dataclass(frozen=True)
class Vector:
    """One comment's features: its tokens with their indices, and the two weighed blocks."""

    tokens: list[str]
    familiarity: float  # share of its words the model saw in training or learned
    token_index: np.ndarray
    word_index: np.ndarray
    word_value: np.ndarray
    char_index: np.ndarray
    char_value: np.ndarray


def row_products(X: sparse.csr_matrix, weights: np.ndarray) -> np.ndarray:
    """w·x for each row of X; gathers only the weights a row uses."""
    products = X.data * weights[X.indices]
    sums = np.zeros(X.shape[0])
    lengths = np.diff(X.indptr)
    nonempty = lengths > 0
    if products.size:
        sums[nonempty] = np.add.reduceat(products, X.indptr[:-1][nonempty])
    return sums


def unit_length(values: np.ndarray) -> np.ndarray:
    """The values divided by their Euclidean norm; all zeros stay as they are."""
    norm = math.sqrt(values @ values)
    return values / norm if norm else values


def unique_counts(indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(indices, return_counts=True)`` for one comment's few hundred indices, in half the instructions.

    np.unique's checks and wrappers cost more than its sort for arrays this small.
    """
    ordered = np.sort(indices)
    if not len(ordered):
        return ordered, np.zeros(0, dtype=np.intp)
    bounds = np.concatenate(([True], ordered[1:] != ordered[:-1], [True])).nonzero()[0]
    return ordered[bounds[:-1]], bounds[1:] - bounds[:-1]


def token_indices(tokens: list[str]) -> np.ndarray:
    """Feature index of each token: signed 32-bit MurmurHash3 of its UTF-8, as scikit-learn's FeatureHasher.

    mmh3 gives scikit-learn's ``murmurhash3_32(token, seed=0)`` bit for bit
    (tests/spam/test_hashing.py holds reference values), without importing
    scikit-learn into every worker. Bytes, not str: mmh3 5.3 crashes on a str
    with a lone surrogate.
    """
    hashes = np.fromiter(
        (mmh3.hash(token.encode("utf-8", "replace"), 0) for token in tokens), dtype=np.int64, count=len(tokens)
    )
    return (np.abs(hashes) % N_FEATURES).astype(np.int32)  # as ``char_ngram_hashes``


def counts_matrix(rows: np.ndarray, indices: np.ndarray, n_rows: int) -> sparse.csr_matrix:
    """Counts as a sparse matrix, for scoring and training in batches.

    scipy is imported here, not with the module: a serving worker scores one
    comment at a time without it (``vector_of``), and scipy.sparse with what
    it pulls in is 22 MiB of each worker's memory.
    """
    from scipy import sparse

    matrix = sparse.csr_matrix((np.ones(len(indices)), (rows, indices)), shape=(n_rows, N_FEATURES))
    matrix.sum_duplicates()
    return matrix
