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
SMOKEDETECTOR = "SmokeDetector's list of spam websites"
PLAIN = regex.compile(r"(?:[\w-]|\\\.)+")  # a pattern that matches only itself: letters, digits, "-", "\."
HOSTS_KEPT = 10_000  # verdicts kept per worker, about 1 MB


def read_lists(patterns_dir: Path) -> tuple[list[str], list[str]]:
    """Matomo's domains and SmokeDetector's website patterns (those that compile), lower-cased."""
    domains = [line.lower() for line in list_lines(patterns_dir / "matomo-referrer-spam-list" / "spammers.txt")]
    websites = []
    for pattern in (line.lower() for line in list_lines(patterns_dir / "smokedetector" / "blacklisted_websites.txt")):
        try:
            regex.compile(pattern)
        except regex.error:
            continue
        websites.append(pattern)
    return sorted(set(domains)), websites


def list_lines(path: Path) -> list[str]:
    """A list file's entries: its lines, stripped, without blank lines and "#" comments."""
    text = path.read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


class LinkLists:
    """The two lists, matched against a link's host.

    Nearly all of SmokeDetector's patterns (3,239 of 3,367) are plain strings: letters, digits, hyphens and
    escaped dots. Those are looked up as the host's substrings in a set; only the others are searched as one
    regular expression. The whole list as one expression took about 0.5 ms a host, a quarter of the n-gram
    model's time on YouTube comments, and 0.7 s to compile.
    """

    def __init__(self, domains: list[str], websites: list[str]) -> None:
        self.domains = domains
        self.websites = websites
        self._domain_set = frozenset(domains)
        plain = {pattern for pattern in websites if PLAIN.fullmatch(pattern)}
        self._plain_websites = frozenset(pattern.replace("\\.", ".") for pattern in plain)
        self._plain_lengths = sorted({len(website) for website in self._plain_websites})
        self._other_websites = [pattern for pattern in websites if pattern not in plain]
        self._verdicts: dict[str, str] = {}

    def compile(self) -> None:
        """Compile the patterns that are not plain strings now, not in a web worker's first post with a link."""
        _ = self._websites

    @functools.cached_property
    def _websites(self) -> regex.Pattern[str] | None:
        if not self._other_websites:
            return None
        return regex.compile("|".join(f"(?:{pattern})" for pattern in self._other_websites), regex.IGNORECASE)

    def listed(self, host: str) -> str:
        """Which list names the host ('' for none): Matomo by the host or a parent domain, SmokeDetector by pattern.

        The verdict is kept per host: a site's comments link to the same hosts again and again (2,000 YouTube
        comments made 271 look-ups of 111 hosts), and the patterns that are not plain strings take 30 to 40 µs
        a host, a tenth of scoring a comment. When ``HOSTS_KEPT`` are kept, the next new host starts afresh.
        """
        verdict = self._verdicts.get(host)
        if verdict is None:
            if len(self._verdicts) >= HOSTS_KEPT:
                self._verdicts.clear()
            verdict = self._verdicts[host] = self._look_up(host)
        return verdict

    def forget_hosts(self) -> None:
        """Drop the kept verdicts, as a new worker starts (bench/spam_speed.py times each pass so)."""
        self._verdicts.clear()

    def _look_up(self, host: str) -> str:
        labels = host.split(".")
        if any(".".join(labels[start:]) in self._domain_set for start in range(len(labels) - 1)):
            return "Matomo's referrer-spam list"
        if self._plain_listed(host.lower()):
            return SMOKEDETECTOR
        pattern = self._websites
        try:
            if pattern is not None and pattern.search(host, timeout=REGEX_TIMEOUT):
                return SMOKEDETECTOR
        except TimeoutError:
            return ""
        return ""

    def _plain_listed(self, host: str) -> bool:
        """Whether a plain pattern occurs in the host, as a search for it would find it."""
        return any(host[start:start + length] in self._plain_websites
                   for length in self._plain_lengths for start in range(len(host) - length + 1))
