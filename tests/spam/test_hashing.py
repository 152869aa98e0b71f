"""The n-gram hash is scikit-learn's MurmurHash3, bit for bit: the shipped model's weights sit at those indices."""

from __future__ import annotations

import random

from sklearn.utils import murmurhash3_32

from kiebitz.spam.features import N_FEATURES, token_indices
from kiebitz.spam.tokenizer import char_ngram_hashes

# Indices the shipped model was built with (scikit-learn 1.x, murmurhash3_32(token, seed=0)).
REFERENCE = {
    "w:kommentar": 223038, "b:cheap viagra": 652351, "url:example.com": 805379, "tld:ru": 1048252,
    "Привет": 192200, "日本語": 757097, "😀": 774406, "": 0, "site:kiebitz.example": 967542,
}


def test_token_indices_match_the_reference():
    assert dict(zip(REFERENCE, token_indices(list(REFERENCE)).tolist(), strict=True)) == REFERENCE


def test_token_indices_match_scikit_learn_on_mixed_scripts():
    rng = random.Random(3)
    alphabet = "abcxyz ÄÖÜäöüßéñ日本語Привет😀:_-./0123"
    tokens = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24))) for _ in range(5_000)]
    expected = [abs(murmurhash3_32(token, seed=0)) % N_FEATURES for token in tokens]
    assert token_indices(tokens).tolist() == expected


MASK = 2**64 - 1


def plain_char_ngrams(text: str) -> list[int]:
    """What ``char_ngram_hashes`` computes, one n-gram at a time: each word with a space on either side, its
    1- to 5-grams as a polynomial hash of the code points (prime 1,000,003) plus the size, then splitmix64."""
    indices = []
    for word in text.lower().split():
        padded = f" {word} "
        for size in range(1, 6):
            for start in range(len(padded) - size + 1):
                value = 0
                for char in padded[start:start + size]:
                    value = (value * 1_000_003 + ord(char)) & MASK
                value = (value + size) & MASK
                value ^= value >> 30
                value = (value * 0xBF58476D1CE4E5B9) & MASK
                value ^= value >> 27
                value = (value * 0x94D049BB133111EB) & MASK
                value ^= value >> 31
                indices.append(value % N_FEATURES)
    return sorted(indices)


def test_character_ngrams_are_the_plain_definition_alone_and_in_a_batch():
    """The shipped model's character weights sit at these indices: a faster hashing must give the same."""
    texts = ["Schöne Grüße,  Köln!", "a", "", "Привет 😀 check out my channel", "ab\tcd\nefghijkl"]
    for text in texts:
        assert sorted(char_ngram_hashes([text], N_FEATURES)[1].tolist()) == plain_char_ngrams(text)
    rows, indices = char_ngram_hashes(texts, N_FEATURES)
    for row, text in enumerate(texts):
        assert sorted(indices[rows == row].tolist()) == plain_char_ngrams(text)


def test_a_lone_surrogate_hashes_instead_of_crashing():
    assert 0 <= token_indices(["\ud800x"])[0] < N_FEATURES


def test_a_serving_worker_does_not_import_what_only_training_or_imports_need():
    """scikit-learn and scipy cost each worker about 75 MiB; only training and evaluation need them.
    markdownify and BeautifulSoup cost 4 MiB; only an import of another system's comments needs them.

    ``kiebitz.cli`` too: a worker that ``kiebitz serve`` spawns imports it again.
    """
    import subprocess
    import sys

    heavy = "{'sklearn', 'scipy', 'markdownify', 'bs4'}"
    check = f"import sys, kiebitz.cli, kiebitz.app; print(sorted({{m.split('.')[0] for m in sys.modules}} & {heavy}))"
    assert subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True).stdout == "[]\n"
