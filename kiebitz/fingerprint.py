"""Near-duplicate detection by MinHash with banding (locality-sensitive hashing).

Comparing a new comment with every recent one costs time in proportion to the
traffic; instead each comment stores a few band keys, and only comments sharing
a band key are compared exactly. Six bands of three MinHash rows find pairs
with Jaccard similarity 0.8 with probability 0.99, and 0.3 with only 0.15.

Two comments are compared on their words, links left out, as the repeat rule
reads them: a spam run pastes the same words under a new link each time, and
readers who share one article's link have said nothing alike.

A phone number is a key of its own (``phone_numbers``): a spam run changes its
words and keeps the number it is paid to spread, so the repeat of a number is
found without the words being alike (spam.filter, ``repeated_number``). So is
each host a comment links to (``link_keys``), which the link flood counts: one
look-up in the keys' index, however many comments the hour brought.

Where the texts may not be kept (the Akismet API), a longer signature is kept
instead, whose permutations come from the server's secret: the share of
positions two signatures agree on estimates how alike their texts are, and
without the secret a stored signature cannot be tested against a guessed text.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
import zlib

import numpy as np

from kiebitz.spam.tokenizer import hostname

SHINGLE = 4
BANDS, ROWS = 6, 3
# A keyed signature's length: the share of agreeing positions estimates a Jaccard similarity of 0.8 within
# about ±0.035 (one standard deviation), so the near-repeat threshold errs by a few points at most.
SIGNATURE_SIZE = 128
SIGNATURE_BLOCK = 2048  # shingles hashed at a time: 2 MB of table
NON_WORD = re.compile(r"\W+")
NON_DIGIT = re.compile(r"\D")
LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+|\[url=[^\]]+\]", re.IGNORECASE)
SHORTEST_REPEAT = 20  # characters of words: "Danke!" twice is no spam run
# A phone number as a rule reads it: "+" or a leading 0, then 8 to 15 digits that only spaces, "-" and "/" part,
# dates taken out first. The tokenizer's PHONE, a feature among many, also reads "5.000-10.000" and "24/03/2016 20".
PHONE_NUMBER = re.compile(r"(?:\+|\b0)\d[\d /-]{6,}\d")
DATE = re.compile(r"\b\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})\b")
NUMBER_DIGITS = 9  # the digits that make a number one: "+91-9950211818", "09950211818" and "9950211818"
NUMBERS_KEPT = 3  # a comment of many numbers does not ask the store many times
LINKS_KEPT = 10  # hosts a stored comment is found by: a comment of many links does not write many rows
HOST_MAX = 253  # characters of a host name; a longer "host" names nothing (and the Akismet traces hold this many)


# Posting asks for one comment's words up to four times (its band keys, its signature, the repeat rule, its
# shingles), each a pass of a pattern over the whole text: the last few texts' are kept. Eight, since an Akismet
# client's text may be a megabyte.
@functools.lru_cache(maxsize=8)
def normalise(text: str) -> str:
    return NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


@functools.lru_cache(maxsize=8)
def without_links(text: str) -> str:
    return LINK.sub(" ", text)


def long_enough_to_repeat(words: str) -> bool:
    """Whether the words (links left out) are enough to be a spam run when repeated: ``SHORTEST_REPEAT``."""
    return len(normalise(words)) >= SHORTEST_REPEAT


def keyed_text(text: str) -> str:
    """What a comment's band keys are taken of: its words without links, as the repeat rule compares them
    (spam.rules.duplicate_check), or the whole text where those words are too few to repeat (a link alone, "Danke!"). Such a
    comment is never a repeat, yet keeps keys of its own: ``Store.said_before`` finds a reader's double
    post by them, and a week of link-only comments would otherwise share every key."""
    words = without_links(text)
    return words if long_enough_to_repeat(words) else text


def shingles(normal: str) -> frozenset[str]:
    return frozenset(normal[i : i + SHINGLE] for i in range(max(1, len(normal) - SHINGLE + 1)))


class MinHash:
    """MinHash signatures of a text's 4-character shingles under permutations drawn from ``seed``: a fixed
    seed for band keys every process agrees on, the server's secret for the signatures the Akismet API keeps
    (akismet_history), which then tell nothing about their texts to anyone without it.

    The permutations are multiply-add-shift hashes (Dietzfelbinger): arithmetic modulo 2**64, the high half
    kept. The (a·h + b) mod p with a < 2**31 used before kept much of the order of h: it estimated 0.98 for
    texts 0.87 alike, and unrelated comments shared a band key three times as often (bench/near_repeats.py)."""

    def __init__(self, seed: bytes, size: int = SIGNATURE_SIZE) -> None:
        rng = np.random.default_rng(int.from_bytes(hashlib.sha256(b"kiebitz-minhash:" + seed).digest()[:8], "big"))
        self._a = rng.integers(0, 1 << 63, size, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._b = rng.integers(0, 1 << 63, size, dtype=np.uint64)

    def signature(self, text: str) -> bytes:
        """The signature of the text's shingles (as ``similarity`` reads them): 4 bytes per permutation."""
        return self.signature_of_words(normalise(text))

    def signature_of_words(self, words: str) -> bytes:
        """``signature`` of a text ``normalise`` has read already (the Akismet path hashes the same words)."""
        grams = shingles(words)  # not cached: an Akismet check's text may be a megabyte
        # map over the builtins rather than a generator: a third of the signature's time on a comment
        hashes = np.fromiter(map(zlib.crc32, map(str.encode, grams)), dtype=np.uint64, count=len(grams))
        minimum = np.full(len(self._a), np.iinfo(np.uint64).max, dtype=np.uint64)
        # In blocks: an Akismet client may send a megabyte of text, and its table at once took 800 MB.
        for start in range(0, len(hashes), SIGNATURE_BLOCK):
            with np.errstate(over="ignore"):  # the wrap-around is the hash
                block = (np.outer(hashes[start:start + SIGNATURE_BLOCK], self._a) + self._b) >> np.uint64(32)
            np.minimum(minimum, block.min(axis=0), out=minimum)
        return minimum.astype("<u4").tobytes()


BANDED = MinHash(b"comment bands", BANDS * ROWS)  # fixed: band keys must agree across processes and restarts


@functools.lru_cache(maxsize=256)  # posting asks twice: to find candidates, then to store the keys
def band_keys(text: str) -> list[str]:
    """The band keys of a text; texts sharing one are candidates for a near repeat (``keyed_text``)."""
    return signature_bands(BANDED.signature(keyed_text(text)))


def phone_numbers(text: str) -> dict[str, str]:
    """The phone numbers a text gives, at most ``NUMBERS_KEPT``: each number's key and the number as written.

    The key is a hash of the number's last digits, so that the index of keys holds no number itself."""
    numbers: dict[str, str] = {}
    for found in PHONE_NUMBER.finditer(DATE.sub(" ", text)):
        digits = NON_DIGIT.sub("", found.group(0))
        if 8 <= len(digits) <= 15:
            key = "tel:" + hashlib.blake2b(digits[-NUMBER_DIGITS:].encode(), digest_size=8).hexdigest()
            numbers.setdefault(key, found.group(0).strip())
            if len(numbers) == NUMBERS_KEPT:
                break
    return numbers


def link_hosts(text: str) -> list[str]:
    """The hosts of the text's links, in their order, as written (lower-cased)."""
    return list(_link_hosts(text))


@functools.lru_cache(maxsize=8)  # a post asks for them three times or four: the flood, the block list, its keys
def _link_hosts(text: str) -> tuple[str, ...]:
    hosts = []
    for match in LINK.findall(text):
        candidate = match[5:-1] if match.lower().startswith("[url=") else match
        if candidate.lower().startswith("www."):
            candidate = "http://" + candidate
        host = hostname(candidate)
        if host:
            hosts.append(host)
    return tuple(hosts)


def host_key(host: str) -> str:
    """The key of a link's host, "www." aside: a hash, as a phone number's, so the index of keys holds no host."""
    return "url:" + hashlib.blake2b(host.removeprefix("www.")[:HOST_MAX].encode(), digest_size=8).hexdigest()


def link_keys(text: str) -> list[str]:
    """The keys of the hosts the text links to, each once, at most ``LINKS_KEPT``."""
    return list(dict.fromkeys(host_key(host) for host in link_hosts(text)))[:LINKS_KEPT]


def comment_keys(text: str) -> list[str]:
    """What a stored comment is found by: its band keys, its phone numbers' keys and its link hosts' keys."""
    return band_keys(text) + list(phone_numbers(text)) + link_keys(text)


def signature_bands(signature: bytes) -> list[str]:
    """The band keys of a signature (its first values, three to a band): the candidates to compare."""
    values = np.frombuffer(signature, dtype="<u4")
    return [f"{band}:{zlib.crc32(values[band * ROWS:(band + 1) * ROWS].tobytes()):08x}" for band in range(BANDS)]


def signature_likeness(first: bytes, second: bytes) -> float:
    """The share of positions two signatures agree on: an estimate of their texts' ``similarity``."""
    if len(first) != len(second) or not first:
        return 0.0
    return float(np.mean(np.frombuffer(first, dtype="<u4") == np.frombuffer(second, dtype="<u4")))


@functools.lru_cache(maxsize=64)  # a post compares with 5 candidates; a 10,000-character text's set is 1 MB
def _shingles_of(text: str) -> frozenset[str]:
    return shingles(normalise(text))


def similarity(first: str, second: str) -> float:
    """Jaccard similarity of the two texts' 4-character shingles."""
    a, b = _shingles_of(first), _shingles_of(second)
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def keyed_similarity(first: str, second: str) -> float:
    """``similarity`` of what the two comments' band keys are taken of (``keyed_text``): the repeat rule's
    measure where the words are enough to repeat, the whole texts where not, so that two comments of a link
    alone are as alike as their links, not 100 % for the nothing around them."""
    return similarity(keyed_text(first), keyed_text(second))
