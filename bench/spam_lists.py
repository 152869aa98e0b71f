"""The public spam lists on every labelled corpus: how many ham and spam rows each would name.

    .venv/bin/python bench/spam_lists.py [--data-dir ../shared/data] [--write docs/benchmarks.md]

About ten seconds. The issue's rule for a pattern list: evidence with a measured
weight, and never a hard block unless it is safe on every ham corpus, German
included. So each list is applied as Kiebitz applies it (or, for the WordPress
blocklist it does not use, as WordPress does) to every row of every corpus in
shared/data: SmokeDetector's keywords to the text and the name
(`kiebitz/spam/keywords.py`), its spammers' phone numbers to the text, Matomo's
and SmokeDetector's link lists to the hosts of the text's links and of the
website (`kiebitz/spam/patterns.py`), and the WordPress comment blocklist as
case-insensitive substrings of the text.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Callable
from pathlib import Path

import ahocorasick
from report import publish  # bench/ is on the path when a script here runs

from kiebitz.domain import CommentDraft
from kiebitz.spam.model import SpamModel
from kiebitz.spam.patterns import list_lines
from kiebitz.spam.tokenizer import normalise, tokenize
from kiebitz.spam.training import with_lists

BLOCKLIST = Path("wordpress-comment-blocklist") / "blacklist.txt"
HEADER = ["| corpus | ham rows | spam rows | SmokeDetector keywords: ham / spam | spammers' numbers: ham / spam "
          "| listed link hosts: ham / spam | WordPress blocklist: ham / spam |", "|---|---:|---:|---|---|---|---|"]


def list_checks(patterns_dir: Path) -> list[Callable[[dict[str, str]], bool]]:
    """One test per list, each reading a corpus row (text, author): the model's own look-ups, so that the table
    measures what a post meets."""
    model = with_lists(SpamModel(), patterns_dir)
    blocklist = ahocorasick.Automaton()
    for line in list_lines(patterns_dir / BLOCKLIST):
        blocklist.add_word(line.lower(), True)
    blocklist.make_automaton()
    return [
        lambda row: bool(model.listed_words(normalise(row["text"]), row["author"])),
        lambda row: bool(model.listed_number(normalise(row["text"]))),
        lambda row: bool(model.listed_links(tokenize(CommentDraft(row["text"]))[0])),
        lambda row: next(blocklist.iter(row["text"].lower()), None) is not None,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default="../shared/data", type=Path)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    checks = list_checks(args.data_dir / "patterns")
    lines = list(HEADER)
    csv.field_size_limit(10**8)
    for path in sorted(args.data_dir.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        is_spam = [row["label"] == "spam" for row in rows]
        counts = [[0, 0] for _ in checks]
        for row, spam in zip(rows, is_spam, strict=True):
            for count, check in zip(counts, checks, strict=True):
                count[spam] += check(row)
        spam_rows = sum(is_spam)
        cells = " | ".join(f"{ham} / {spam}" for ham, spam in counts)
        lines.append(f"| {path.stem} | {len(rows) - spam_rows} | {spam_rows} | {cells} |")
        print(lines[-1], flush=True)
    publish(lines, args.write, "spam-lists")


if __name__ == "__main__":
    main()
