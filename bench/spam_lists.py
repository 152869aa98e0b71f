"""The public spam lists on every labelled corpus: how many ham and spam rows each would name.

    .venv/bin/python bench/spam_lists.py [--data-dir ../shared/data] [--write docs/benchmarks.md]

About two minutes. The issue's rule for a pattern list: evidence with a measured
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

from kiebitz.spam.keywords import SpamKeywords, SpamNumbers, read_keywords, read_numbers
from kiebitz.spam.patterns import LinkLists, read_lists
from kiebitz.spam.tokenizer import URL, hostname, normalise

BLOCKLIST = Path("wordpress-comment-blocklist") / "blacklist.txt"
HEADER = ["| corpus | ham rows | spam rows | SmokeDetector keywords: ham / spam | spammers' numbers: ham / spam "
          "| listed link hosts: ham / spam | WordPress blocklist: ham / spam |", "|---|---:|---:|---|---|---|---|"]


def list_checks(patterns_dir: Path) -> list[Callable[[dict[str, str]], bool]]:
    """One test per list, each reading a corpus row (text, author)."""
    keywords = SpamKeywords(read_keywords(patterns_dir))
    numbers = SpamNumbers(read_numbers(patterns_dir))
    links = LinkLists(*read_lists(patterns_dir))
    blocklist = ahocorasick.Automaton()
    for line in (patterns_dir / BLOCKLIST).read_text(encoding="utf-8").splitlines():
        if line.strip():
            blocklist.add_word(line.strip().lower(), True)
    blocklist.make_automaton()

    def listed_host(row: dict[str, str]) -> bool:
        addresses = URL.findall(normalise(row["text"]))
        hosts = {hostname(address if "://" in address else "http://" + address) for address in addresses}
        return any(links.listed(host.removeprefix("www.")) for host in hosts if host)

    return [
        lambda row: bool(keywords.match(normalise(row["text"])) or (row["author"] and keywords.match(row["author"]))),
        lambda row: bool(numbers.match(normalise(row["text"]))),
        listed_host,
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
