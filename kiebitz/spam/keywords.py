"""SmokeDetector's spam keywords and phone numbers as evidence.

SmokeDetector (Charcoal-SE) keeps ``bad_keywords.txt``: 2,151 regular expressions
for the products, services and scams its volunteers found in Stack Exchange spam
(pills and skin creams by brand, "vashikaran specialist", "packers and movers",
support phone numbers). The state of 2020-01-01 is read from
``shared/data/patterns/smokedetector/`` when the model is built and kept in the
model file, as the link lists are (patterns.py).

Measured on every corpus in shared/data (`bench/spam_lists.py`, docs/benchmarks.md):
no ham row of 9,252 Stack Exchange titles, 4,827 SMS, 951 YouTube comments and 454
Telegram messages matches, 1 of 3,242 X posts ("Contact us today!"), 13 of 4,149
SpamAssassin mails (discussions of spam that quote it), and 10 of 29,911 German
comments: "Gedeon" (a politician's name; the list means "Gedeon Keto" pills) and
"Zyklon" (German for cyclone). So a match is no hard evidence: it holds the
comment for a person and never sends it to the spam queue on its own.

SmokeDetector applies the whole list as one expression, which costs 0.5 to 1.4 ms
on a YouTube comment. Here each pattern is tried only where the text contains a
plain text the pattern requires (``required_texts``); an Aho-Corasick automaton
(pyahocorasick) finds all of those in one pass, 2 to 4 µs a comment where a set
of the text's three-letter pieces took 13 to 26 µs.

SmokeDetector's phone numbers of spammers (``blacklisted_numbers.txt`` and
``watched_numbers.txt``, 1,126 distinct numbers) occur in none of the 61,731 rows
not labelled spam, German included, and in 16 of the 420 Stack Exchange spam titles. A listed
number is therefore hard evidence, as a listed link is: the spam queue, refused
only where the model agrees.
"""

from __future__ import annotations

import functools
import itertools
import re
from pathlib import Path
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parser  # type: ignore[attr-defined]
from typing import Any

import ahocorasick
import regex

from kiebitz.spam.patterns import list_lines

LISTED_WORDS = "listed_words"
LISTED_NUMBER = "listed_number"
KEYWORDS_FILE = Path("smokedetector") / "bad_keywords.txt"
NUMBERS_FILES = (Path("smokedetector") / "blacklisted_numbers.txt", Path("smokedetector") / "watched_numbers.txt")
PHONE_LIKE = re.compile(r"\+?\(?\d[\d ()./-]{5,}\d")
NOT_DIGIT = re.compile(r"\D")
MIN_DIGITS = 7  # fewer digits are no phone number anywhere
REGEX_TIMEOUT = 0.05
INLINE_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)
NON_WORD_ITEMS = {(sre_constants.CATEGORY, sre_constants.CATEGORY_NOT_WORD), (sre_constants.LITERAL, ord("_"))}
NON_WORD = re.compile(r"\W+")
SQUEEZED_SHORTEST = 6  # letters of a squeezed word: the obfuscated words in the list have 10 or more
SHORTEST = 3  # characters of a required text: shorter ones are in too many comments to sort out any
SHOWN = 40  # characters of a match shown in a reason
# SmokeDetector's own bookends: a keyword starts and ends at a word boundary, or at the text's ends.
BOOKENDED = r"(?is)(?:^|\b|(?w:\b))(?:{})(?:\b|(?w:\b)|$)"
NOTHING = regex.compile(r"(?!)")


def read_keywords(patterns_dir: Path) -> list[str]:
    """The keyword patterns that compile, in file order."""
    usable = []
    for pattern in list_lines(patterns_dir / KEYWORDS_FILE):  # as written: "(?-i:…)" parts are case-sensitive
        try:
            regex.compile(BOOKENDED.format(pattern))
        except regex.error:
            continue
        usable.append(pattern)
    return usable


def read_numbers(patterns_dir: Path) -> list[str]:
    """The listed numbers' digits (a watched entry is "time, user, number" separated by tabs), sorted."""
    numbers = set()
    for name in NUMBERS_FILES:
        for line in list_lines(patterns_dir / name):
            digits = NOT_DIGIT.sub("", line.rpartition("\t")[2])
            if len(digits) >= MIN_DIGITS:
                numbers.add(digits)
    return sorted(numbers)


class SpamNumbers:
    """Phone numbers of spammers, found in a text whatever their spaces, dashes and brackets."""

    def __init__(self, numbers: list[str]) -> None:
        self.numbers = numbers
        self._numbers = frozenset(numbers)

    def match(self, text: str) -> str:
        """The first listed number in the text, as the text writes it ('' for none)."""
        for found in PHONE_LIKE.finditer(text):
            if NOT_DIGIT.sub("", found.group(0)) in self._numbers:
                return found.group(0).strip()
        return ""


def required_texts(pattern: str) -> list[str]:
    """Plain texts, lower-cased, one of which every match of ``pattern`` contains; [] if none is known.

    Read from the pattern's parse tree (Python's own ``re`` parser): characters in a row (also inside a group),
    or, for a group of alternatives, one such text from each alternative. Of the choices, the one whose
    shortest text is longest (then the fewest texts): it is found in the fewest comments.
    """
    tree = _parsed(pattern)
    return [text.lower() for text in _needs(tree)] if tree else []


def squeezed_text(pattern: str) -> str:
    r"""For a pattern that spells a word with any non-word characters between its letters, as spammers write
    "v.a.s.h.i.k.a.r.a.n" (``v\W*a\W*s...``): the word, lower-cased, which the text must contain once every
    non-word character is taken out; '' for other patterns.

    The longest run of characters at the pattern's top level with nothing but optional non-word characters
    (``\W*``, ``\W?``, ``[\W_]*``) between them.
    """
    runs, run = [], []
    for op, value in _parsed(pattern):
        if op is sre_constants.LITERAL:
            character = chr(value).lower()
            if character.isalnum() or character == "_":  # a non-word character is taken out of the text too
                run.append(character)
        elif _optional_non_word(op, value):
            continue
        else:
            runs.append("".join(run))
            run = []
    runs.append("".join(run))
    longest = max(runs, key=len)
    return longest if len(longest) >= SQUEEZED_SHORTEST else ""


def _optional_non_word(op: Any, value: Any) -> bool:
    r"""Whether an item of a parse tree is ``\W*``, ``\W?`` or ``[\W_]*``: any non-word characters, or none."""
    if op not in REPEATS or value[0] != 0 or len(value[2]) != 1:
        return False
    kind, items = value[2][0]
    return kind is sre_constants.IN and all(item in NON_WORD_ITEMS for item in items)


def _parsed(pattern: str) -> list[tuple[Any, Any]]:
    """The pattern's parse tree by Python's own parser; [] for syntax only the `regex` module knows."""
    try:
        # Python's parser refuses a global flag after the start, as in "(?<=^(?s).{0,200})brain\W?power";
        # the flags change what a dot or a class matches, never which characters a match must contain.
        return list(sre_parser.parse(INLINE_FLAGS.sub("", pattern), re.IGNORECASE))
    except (re.error, OverflowError, RecursionError):
        return []


def _needs(items: list[tuple[Any, Any]]) -> list[str]:
    choices: list[list[str]] = []
    run: list[str] = []

    def end_run() -> None:
        text = "".join(run)
        if len(text) >= SHORTEST or (len(text) >= 2 and not text.isascii()):  # 안마: two letters are a word
            choices.append([text])
        run.clear()

    for op, value in items:
        if op is sre_constants.LITERAL:
            run.append(chr(value))
            continue
        if op in REPEATS and value[0] >= 1 and len(value[2]) == 1 and value[2][0][0] is sre_constants.LITERAL:
            # "x+" or "x{2,}": its first repeats continue the run; only the last one is next to what follows
            character = chr(value[2][0][1])
            run.extend(character * value[0])
            if value[1] != value[0]:
                end_run()
                run.append(character)
            continue
        if op is sre_constants.SUBPATTERN and not any(inner is sre_constants.BRANCH for inner, _ in value[3]):
            # a plain group: its characters continue the run around it
            inner = _flatten(list(value[3]))
            if inner is not None:
                run.extend(inner)
                continue
        end_run()
        if op is sre_constants.SUBPATTERN:
            found = _needs(list(value[3]))
        elif op is sre_constants.BRANCH:
            alternatives = [_needs(list(branch)) for branch in value[1]]
            found = [] if not all(alternatives) else [text for texts in alternatives for text in texts]
        elif op in REPEATS:
            found = _needs(list(value[2])) if value[0] >= 1 else []
        else:
            found = []
        if found:
            choices.append(found)
    end_run()
    return max(choices, key=lambda texts: (min(map(len, texts)), -len(texts)), default=[])


def _flatten(items: list[tuple[Any, Any]]) -> list[str] | None:
    """The characters of a group made of characters alone; None if it holds anything else."""
    characters = []
    for op, value in items:
        if op is sre_constants.LITERAL:
            characters.append(chr(value))
        elif op is sre_constants.SUBPATTERN and (inner := _flatten(list(value[3]))) is not None:
            characters.extend(inner)
        else:
            return None
    return characters


class SpamKeywords:
    """The keyword list, matched against a comment's text as SmokeDetector matches it."""

    def __init__(self, patterns: list[str]) -> None:
        self.patterns = patterns
        needed_by: dict[str, list[int]] = {}
        always: list[int] = []
        squeezed_by: dict[str, list[int]] = {}
        for number, pattern in enumerate(patterns):
            texts = required_texts(pattern)
            for required in texts:
                needed_by.setdefault(required, []).append(number)
            if not texts and (squeezed := squeezed_text(pattern)):
                squeezed_by.setdefault(squeezed, []).append(number)
            elif not texts:
                always.append(number)
        self._required = _automaton(needed_by)
        self._squeezed = _automaton(squeezed_by) if squeezed_by else None
        self._always = always

    def compile(self) -> None:
        """Compile the patterns tried on every text now, not in a web worker's first post."""
        _ = self._always_patterns

    @functools.cached_property
    def _always_patterns(self) -> tuple[regex.Pattern[str], ...]:
        return tuple(self._pattern(number) for number in self._always)

    @functools.lru_cache(maxsize=4096)  # noqa: B019  # one list per worker, kept for the worker's life
    def _pattern(self, number: int) -> regex.Pattern[str]:
        """The pattern, bookended; one that this worker's `regex` cannot compile (the model file was built with
        another version) matches nothing, rather than failing every post that contains its required text."""
        try:
            return regex.compile(BOOKENDED.format(self.patterns[number]))
        except regex.error:
            return NOTHING

    def match(self, text: str) -> str:
        """The first listed words the text contains ('' for none), as the text spells them."""
        lowered = text.lower()
        required = {number for _, numbers in self._required.iter(lowered) for number in numbers}
        if self._squeezed is not None:
            required.update(number for _, numbers in self._squeezed.iter(NON_WORD.sub("", lowered))
                            for number in numbers)
        for pattern in itertools.chain(map(self._pattern, sorted(required)), self._always_patterns):
            try:
                found = pattern.search(text, timeout=REGEX_TIMEOUT)
            except TimeoutError:
                continue
            if found and found.group(0).strip():
                return " ".join(found.group(0).split())[:SHOWN]  # spaces made one, as a reason quotes it
        return ""


def _automaton(numbers_by_text: dict[str, list[int]]) -> ahocorasick.Automaton:
    """Finds every text in one pass over a comment, each giving the numbers of the patterns that require it."""
    automaton = ahocorasick.Automaton()
    for text, numbers in numbers_by_text.items():
        automaton.add_word(text, tuple(numbers))
    automaton.make_automaton()
    return automaton
