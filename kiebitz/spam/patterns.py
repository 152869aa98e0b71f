"""Public spam lists as evidence: link hosts that Matomo and SmokeDetector list as spam.

Matomo's referrer-spam list (2,347 domains, public domain) and SmokeDetector's
blacklisted websites (3,367 patterns, MIT/Apache-2.0, state of 2020-01-01) are
read from ``shared/data/patterns/`` when the model is built and kept in the
model file. Measured on every corpus in shared/data (docs/benchmarks.md): no
ham row of about 65,000 (6,300 with links, German included) links to a listed
host, and 21 spam rows do. So a listed link counts as hard evidence (the spam
queue; refused only where the model agrees). The WordPress comment blocklist
is not used: it is substring-matched against every field, warns that it "may
overclean", and its words are what the model's own features already weigh.
"""

from __future__ import annotations

import functools
from pathlib import Path

import regex

LISTED_LINK = "listed_link"
REGEX_TIMEOUT = 0.05


def read_lists(patterns_dir: Path) -> tuple[list[str], list[str]]:
    """Matomo's domains and SmokeDetector's website patterns (those that compile), lower-cased."""
    domains = _lines(patterns_dir / "matomo-referrer-spam-list" / "spammers.txt")
    websites = []
    for pattern in _lines(patterns_dir / "smokedetector" / "blacklisted_websites.txt"):
        try:
            regex.compile(pattern)
        except regex.error:
            continue
        websites.append(pattern)
    return sorted(set(domains)), websites


def _lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")]


class LinkLists:
    def __init__(self, domains: list[str], websites: list[str]) -> None:
        self.domains = domains
        self.websites = websites
        self._domain_set = frozenset(domains)

    def compile(self) -> None:
        """Compile the SmokeDetector patterns now: about 0.7 s holding the GIL, which at a web worker's first post
        with a link would stall every reader the worker serves meanwhile."""
        _ = self._websites

    @functools.cached_property
    def _websites(self) -> regex.Pattern[str] | None:
        if not self.websites:
            return None
        return regex.compile("|".join(f"(?:{pattern})" for pattern in self.websites), regex.IGNORECASE)

    def listed(self, host: str) -> str:
        """Which list names the host ('' for none): Matomo by the host or a parent domain, SmokeDetector by pattern."""
        labels = host.split(".")
        if any(".".join(labels[start:]) in self._domain_set for start in range(len(labels) - 1)):
            return "Matomo's referrer-spam list"
        pattern = self._websites
        try:
            if pattern is not None and pattern.search(host, timeout=REGEX_TIMEOUT):
                return "SmokeDetector's list of spam websites"
        except TimeoutError:
            return ""
        return ""
