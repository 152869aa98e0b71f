"""Repeats behind the Akismet API on every comment corpus: what the keyed hash and the keyed signature find.

    .venv/bin/python bench/akismet_repeats.py [--data-dir ../shared/data] [--write docs/benchmarks.md]

Each corpus's rows are checked in their order, each by a reader of its own
(name, e-mail, address), under one key of a Kiebitz on a new SQLite file, as
the WordPress plugin sends them (`AkismetService.check`, the whole filter). A
row counts as an exact or a near repeat by the reason its check answers. Beside
it, the near repeats the texts themselves would give (Jaccard ≥ 0.8 of the
words, links left out, with any earlier row: what our own section, which keeps
the texts, compares), so the signature's estimate can be judged against the
truth. Rows count as ham unless labelled spam. A few minutes.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

from report import publish  # bench/ is on the path when a script here runs

from kiebitz import fingerprint
from kiebitz.app import build
from kiebitz.config import Settings
from kiebitz.domain import CommentDraft
from kiebitz.spam import rules
from kiebitz.spam.corpus import read_corpus
from kiebitz.spam.evaluation import PostedInOrder

CORPORA = ("youtube_spam_collection", "sms_spam_collection", "x_janitr_posts", "telegram_radiot_tgspam_samples",
           "stackexchange_titles_smokedetector_2014")
BLOG = "https://zeitung.example"
HEADER = ["| corpus | ham / spam rows | exact repeats: ham / spam | near repeats by signature: ham / spam "
          "| near repeats by the texts: ham / spam | discard pro-tip: ham / spam | ms per check |",
          "|---|---|---|---|---|---|---:|"]


def fields(number: int, draft: CommentDraft) -> dict[str, str]:
    """Row ``number`` as a check from a reader of its own."""
    return {"blog": BLOG, "user_ip": f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}",
            "comment_type": "comment", "comment_author": f"Leser {number}",
            "comment_author_email": f"reader{number}@example.org", "comment_content": draft.text,
            "user_agent": "Mozilla/5.0"}


def near_by_texts(drafts: list[CommentDraft]) -> list[bool]:
    """Whether each row is 80 % alike to an earlier one, but not the same words: the texts' own verdict."""
    earlier = PostedInOrder()  # the rows long enough to repeat, links left out
    near = []
    for draft in drafts:
        text = fingerprint.without_links(draft.text)
        if len(fingerprint.normalise(text)) < 20:
            near.append(False)
            continue
        alike = [fingerprint.similarity(text, other) for other in earlier.similar_texts(text, 0.0, len(drafts))]
        near.append(not any(value == 1.0 for value in alike) and any(value >= 0.8 for value in alike))
        earlier.add(text)
    return near


def measure(data_dir: Path, name: str, directory: Path) -> str:
    corpus = read_corpus(data_dir / f"{name}.csv")
    kiebitz = build(Settings({"database": str(directory / f"{name}.db")}))
    key = kiebitz.akismet.add_key(BLOG)
    counts: Counter[tuple[str, str]] = Counter()
    started = time.perf_counter()
    for number, (draft, is_spam) in enumerate(zip(corpus.drafts, corpus.is_spam, strict=True)):
        result = kiebitz.akismet.check(key, fields(number, draft))
        verdict, label = result.verdict, "spam" if is_spam else "ham"
        counts["rows", label] += 1
        counts["discard", label] += result.discard
        for reason in verdict.reasons if verdict is not None else ():
            if reason.code == rules.DUPLICATE:
                counts["exact" if reason.message.startswith("exact") else "near", label] += 1
    per_check = (time.perf_counter() - started) * 1000 / len(corpus)
    for near, is_spam in zip(near_by_texts(corpus.drafts), corpus.is_spam, strict=True):
        counts["truth", "spam" if is_spam else "ham"] += near

    def pair(kind: str) -> str:
        return f"{counts[kind, 'ham']} / {counts[kind, 'spam']}"

    return (f"| {name} | {pair('rows')} | {pair('exact')} | {pair('near')} | {pair('truth')} | {pair('discard')} "
            f"| {per_check:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default="../shared/data", type=Path)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    lines = list(HEADER)
    with tempfile.TemporaryDirectory() as directory:
        for name in CORPORA:
            lines.append(measure(args.data_dir, name, Path(directory)))
            print(lines[-1], flush=True)
    publish(lines, args.write, "akismet-repeats")


if __name__ == "__main__":
    main()
