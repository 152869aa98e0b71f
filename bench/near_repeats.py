"""MinHash on real comments: how often unrelated comments share a band key, how many near repeats it finds, and
how far a keyed signature's estimate is from the texts' similarity.

    .venv/bin/python bench/near_repeats.py [--data-dir ../shared/data] [--write docs/benchmarks.md]

A few seconds. The comments are GermEval 2017's first 4,000 (German, everyday),
and each of those longer than 80 characters once more with one to three of its
words replaced: the near repeats (those still at least 80 % alike); and each
of those under a link of its own twice, as a spam run posts the same words
under a new link each time (the repeat rule leaves links out). Band keys
that unrelated comments share are candidates the repeat rule compares in vain,
and fill the 200 most recent band matches it reads (store.comments).
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from pathlib import Path

import numpy as np
from report import publish  # bench/ is on the path when a script here runs

from kiebitz import fingerprint
from kiebitz.spam.corpus import read_corpus

REPLACEMENTS = ("und", "aber", "leider", "Stadt", "sehr")


def sharing_pairs(texts: list[str]) -> int:
    """Pairs of comments that share at least one band key."""
    holders: dict[str, set[int]] = defaultdict(set)
    for number, text in enumerate(texts):
        for band in fingerprint.band_keys(text):
            holders[band].add(number)
    pairs = {(a, b) for numbers in holders.values() for a in numbers for b in numbers if a < b}
    return len(pairs)


def changed(text: str, rng: random.Random) -> str:
    words = text.split()
    for _ in range(rng.randint(1, 3)):
        words[rng.randrange(len(words))] = rng.choice(REPLACEMENTS)
    return " ".join(words)


def linked(text: str, rng: random.Random) -> str:
    """The text under a link of a new host and path, as a spam run rotates them."""
    host = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=10))
    return f"{text} https://{host}.example/{''.join(rng.choices('abcdefghijklmnopqrstuvwxyz0123456789', k=24))}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default="../shared/data", type=Path)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    texts = [draft.text for draft in read_corpus(args.data_dir / "german_germeval2017.csv").drafts[:4000]]
    rng = random.Random(5)
    pairs = [(text, changed(text, rng)) for text in texts if len(text) > 80]
    near = [(a, b) for a, b in pairs if fingerprint.similarity(a, b) >= 0.8]
    found = np.mean([bool(set(fingerprint.band_keys(a)) & set(fingerprint.band_keys(b))) for a, b in near])
    relinked = np.mean([bool(set(fingerprint.band_keys(linked(a, rng))) & set(fingerprint.band_keys(linked(a, rng))))
                        for a, _ in pairs])
    keyed = fingerprint.MinHash(b"a site's secret")
    errors = np.array([fingerprint.signature_likeness(keyed.signature(a), keyed.signature(b))
                       - fingerprint.similarity(a, b) for a, b in pairs])
    unrelated = sharing_pairs(texts)
    lines = ["| comments | pairs sharing a band key | near repeats (≥ 80 % alike) found by a band key "
             "| the same words under two other links, found by a band key "
             "| keyed signature − similarity: mean / sd / largest |", "|---:|---|---|---|---|",
             f"| {len(texts)} | {unrelated} ({100 * unrelated / (len(texts) * (len(texts) - 1) / 2):.2f} % of all pairs) "
             f"| {100 * found:.1f} % of {len(near)} | {100 * relinked:.1f} % of {len(pairs)} "
             f"| {errors.mean():+.3f} / {errors.std():.3f} / {np.abs(errors).max():.3f} |"]
    publish(lines, args.write, "near-repeats")


if __name__ == "__main__":
    main()
