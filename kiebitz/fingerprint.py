"""Near-duplicate detection by MinHash with banding (locality-sensitive hashing).

Comparing a new comment with every recent one costs time in proportion to the
traffic; instead each comment stores a few band keys, and only comments sharing
a band key are compared exactly. Six bands of three MinHash rows find pairs
with Jaccard similarity 0.8 with probability 0.99, and 0.3 with only 0.15.

Where the texts may not be kept (the Akismet API), ``KeyedMinHash`` keeps a
longer signature instead, whose permutations come from the server's secret:
the share of positions two signatures agree on estimates how alike their texts
are, and without the secret a stored signature cannot be tested against a
guessed text.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
import zlib

import numpy as np

SHINGLE = 4
BANDS, ROWS = 6, 3
# A keyed signature's length: the share of agreeing positions estimates a Jaccard similarity of 0.8 within
# about ±0.035 (one standard deviation), so the near-repeat threshold errs by a few points at most.
SIGNATURE_SIZE = 128
SIGNATURE_BLOCK = 2048  # shingles hashed at a time: 2 MB of table
_PRIME = (1 << 61) - 1
_rng = np.random.default_rng(20261128)  # fixed: band keys must agree across processes and restarts
_A = _rng.integers(1, 1 << 31, BANDS * ROWS, dtype=np.uint64)
_B = _rng.integers(0, 1 << 31, BANDS * ROWS, dtype=np.uint64)
NON_WORD = re.compile(r"\W+")


def normalise(text: str) -> str:
    return NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def shingles(normal: str) -> frozenset[str]:
    return frozenset(normal[i : i + SHINGLE] for i in range(max(1, len(normal) - SHINGLE + 1)))


@functools.lru_cache(maxsize=256)  # posting asks twice: to find candidates, then to store the keys
def band_keys(text: str) -> list[str]:
    """The band keys of a text; texts sharing one are candidates for a near repeat."""
    grams = shingles(normalise(text))
    hashes = np.fromiter((zlib.crc32(gram.encode("utf-8")) for gram in grams), dtype=np.uint64, count=len(grams))
    signature = ((np.outer(hashes, _A) + _B) % np.uint64(_PRIME)).min(axis=0)
    return [f"{band}:{zlib.crc32(signature[band * ROWS:(band + 1) * ROWS].tobytes()):08x}" for band in range(BANDS)]


@functools.lru_cache(maxsize=64)  # a post compares with 5 candidates; a 10,000-character text's set is 1 MB
def _shingles_of(text: str) -> frozenset[str]:
    return shingles(normalise(text))


def similarity(first: str, second: str) -> float:
    """Jaccard similarity of the two texts' 4-character shingles."""
    a, b = _shingles_of(first), _shingles_of(second)
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


class KeyedMinHash:
    """MinHash signatures under a secret's permutations: alike texts give alike signatures, and a signature
    tells nothing about its text to anyone without the secret (akismet_history keeps these, never texts)."""

    def __init__(self, secret: bytes) -> None:
        rng = np.random.default_rng(int.from_bytes(hashlib.sha256(b"kiebitz-minhash:" + secret).digest()[:8], "big"))
        # Multiply-add-shift hashing (Dietzfelbinger): arithmetic modulo 2**64, the high half kept. The
        # band keys' (a·h + b) mod p with small a keeps the order of h, which estimates no similarity.
        self._a = rng.integers(0, 1 << 63, SIGNATURE_SIZE, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._b = rng.integers(0, 1 << 63, SIGNATURE_SIZE, dtype=np.uint64)

    def signature(self, text: str) -> bytes:
        """The signature of the text's 4-character shingles (as ``similarity`` reads them): 128 values of 4 bytes."""
        grams = shingles(normalise(text))  # not cached: an Akismet check's text may be a megabyte
        hashes = np.fromiter((zlib.crc32(gram.encode("utf-8")) for gram in grams), dtype=np.uint64, count=len(grams))
        minimum = np.full(SIGNATURE_SIZE, np.iinfo(np.uint64).max, dtype=np.uint64)
        # In blocks: an Akismet client may send a megabyte of text, and its table at once took 800 MB.
        for start in range(0, len(hashes), SIGNATURE_BLOCK):
            with np.errstate(over="ignore"):  # the wrap-around is the hash
                block = (np.outer(hashes[start:start + SIGNATURE_BLOCK], self._a) + self._b) >> np.uint64(32)
            np.minimum(minimum, block.min(axis=0), out=minimum)
        return minimum.astype("<u4").tobytes()


def signature_bands(signature: bytes) -> list[str]:
    """The band keys of a keyed signature (its first values, banded as ``band_keys``): the candidates to compare."""
    values = np.frombuffer(signature, dtype="<u4")
    return [f"{band}:{zlib.crc32(values[band * ROWS:(band + 1) * ROWS].tobytes()):08x}" for band in range(BANDS)]


def signature_likeness(first: bytes, second: bytes) -> float:
    """The share of positions two keyed signatures agree on: an estimate of their texts' ``similarity``."""
    if len(first) != len(second) or not first:
        return 0.0
    return float(np.mean(np.frombuffer(first, dtype="<u4") == np.frombuffer(second, dtype="<u4")))
