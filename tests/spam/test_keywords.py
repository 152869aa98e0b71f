"""SmokeDetector's spam keywords hold a comment for a moderator and say which words; its spammers' phone numbers
are hard evidence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import regex

from kiebitz.domain import CommentDraft, Label
from kiebitz.spam import model_file
from kiebitz.spam.filter import SpamFilter, Thresholds
from kiebitz.spam.keywords import (
    BOOKENDED,
    LISTED_NUMBER,
    LISTED_WORDS,
    SpamKeywords,
    SpamNumbers,
    read_keywords,
    read_numbers,
    required_texts,
    squeezed_text,
)
from kiebitz.spam.model import SpamModel
from kiebitz.spam.training import with_lists
from tests.spam.test_patterns import write_lists

KEYWORDS = [
    "baba\\W?ji",
    "tosterone",
    "(?:rejuvenated?|aging|core)\\W?skin",
    "we (?:offer|give out) (?:loans?|funds?)",
    "v\\W*a\\W*s\\W*h\\W*i\\W*k\\W*a\\W*r\\W*a\\W*n",  # no plain text required: tried on every comment
    "(?<=^(?s).{0,200})brain\\W?power",  # a global flag after the start: only the regex module compiles it
    "(unclosed",
]


def write_keywords(root: Path) -> Path:
    """SmokeDetector's keywords and numbers, and the link lists beside them (test_patterns.py)."""
    write_lists(root)
    (root / "smokedetector" / "bad_keywords.txt").write_text(
        "# a comment line\n" + "\n".join(KEYWORDS) + "\n", encoding="utf-8")
    (root / "smokedetector" / "blacklisted_numbers.txt").write_text("+1-844-802-7535\n555\n", encoding="utf-8")
    (root / "smokedetector" / "watched_numbers.txt").write_text("1539482212\tMakyen\t+91 8500898000\n",
                                                                  encoding="utf-8")
    return root


@pytest.mark.parametrize(("pattern", "texts"), [
    ("baba\\W?ji", ["baba"]),
    ("(?:rejuvenated?|aging|core)\\W?skin", ["skin"]),
    ("we (?:offer|give out) (?:loans?|funds?)", ["offer", "give out"]),
    ("(?:Packers|Movers) in Delhi", [" in delhi"]),
    ("(?:teeth|tooth)\\W(?:whiten|brighten)", ["whiten", "brighten"]),
    ("v\\W*a\\W*s\\W*h", []),
    ("ab+cd", ["bcd"]),  # "abbbcd": only the last b is next to "cd"
    ("a{3}b", ["aaab"]),
    ("\\w*안마\\w*", ["안마"]),  # two letters are a word in Korean
    ("(?<=^(?s).{0,200})brain\\W?power", ["brain"]),
    ("w+x*sex+", ["sex"]),
])
def test_the_plain_text_a_pattern_requires(pattern: str, texts: list[str]) -> None:
    assert required_texts(pattern) == texts


@pytest.mark.parametrize(("pattern", "word"), [
    ("v\\W*a\\W*s\\W*h\\W*i\\W*k\\W*a\\W*r\\W*a\\W*n(?#Obfuscated vashikaran)", "vashikaran"),
    ("C\\W*Y\\W*B\\W*E\\W*R[\\W_]*S\\W?P\\W*Y(?:\\W*a\\W*t)?", "cyberspy"),
    ("x\\W*y", ""),  # too short to sort out any comment
    ("baba\\W?ji", "babaji"),  # (asked only of a pattern without a plain text of its own)
])
def test_the_word_an_obfuscation_pattern_spells(pattern: str, word: str) -> None:
    assert squeezed_text(pattern) == word


def test_keywords_match_whole_words_in_any_case_as_smokedetector_matches_them(tmp_path: Path) -> None:
    patterns = read_keywords(write_keywords(tmp_path))
    assert "(unclosed" not in patterns and len(patterns) == len(KEYWORDS) - 1
    keywords = SpamKeywords(patterns)
    assert keywords.match("Best Baba-Ji in town") == "Baba-Ji"
    assert keywords.match("Testosterone levels in older men") == ""  # "tosterone" inside a word
    assert keywords.match("Try AGING SKIN cream") == "AGING SKIN"
    assert keywords.match("We give out loans at 2 %") == "We give out loans"
    assert keywords.match("Call the V.A.S.H.I.K.A.R.A.N expert") == "V.A.S.H.I.K.A.R.A.N"
    assert keywords.match("Brain power for exams") == "Brain power"
    assert keywords.match("A calm article about skin and loans") == ""


def test_a_pattern_this_worker_cannot_compile_matches_nothing() -> None:
    """The model file may have been built with another version of `regex`: a post must not fail on it."""
    keywords = SpamKeywords(["baba(unclosed ji", "[z-a]", "tosterone"])
    keywords.compile()
    assert keywords.match("baba(unclosed ji baba") == "" and keywords.match("Tosterone!") == "Tosterone"


def test_tried_only_where_required_yet_as_the_whole_list_would_find(tmp_path: Path) -> None:
    patterns = read_keywords(write_keywords(tmp_path))
    whole = regex.compile(BOOKENDED.format("|".join(f"(?:{pattern})" for pattern in patterns)))
    keywords = SpamKeywords(patterns)
    texts = ["baba ji", "babaji!", "core-skin", "coreskin", "we offer funds", "we offer fun", "v a s h i k a r a n",
             "brainpower", "x" * 300 + " brain power", "skin", "Ganz normaler Kommentar.", ""]
    assert [bool(keywords.match(text)) for text in texts] == [bool(whole.search(text)) for text in texts]


def test_a_listed_number_is_found_however_it_is_written(tmp_path: Path) -> None:
    numbers = read_numbers(write_keywords(tmp_path))
    assert numbers == ["18448027535", "918500898000"]  # "555" is no phone number
    found = SpamNumbers(numbers)
    assert found.match("QuickBooks support: call +1 (844) 802 7535 now") == "+1 (844) 802 7535"
    assert found.match("Helpline 91.8500.898.000") == "91.8500.898.000"
    assert found.match("Call 1-844-802-7536 or 844 802 7535") == ""  # another number; a listed one cut short


def test_a_listed_word_holds_and_survives_the_model_file(tmp_path: Path) -> None:
    texts = ["great article thanks", "win cash now", "thanks for writing", "free prize now"] * 10
    model = SpamModel().fit([CommentDraft(text) for text in texts], np.array([False, True, False, True] * 10))
    with_lists(model, write_keywords(tmp_path))
    model = model_file.from_bytes(model_file.to_bytes(model))
    spam_filter = SpamFilter(model, Thresholds())
    plain = spam_filter.judge(CommentDraft("thanks for writing"))
    assert plain.label == Label.HAM
    verdict = spam_filter.judge(CommentDraft("thanks for writing, ask baba ji"))
    # held for a person, not sent to the spam queue: the words also occur in legitimate comments
    assert verdict.label == Label.UNSURE
    reason = next(reason for reason in verdict.reasons if reason.code == LISTED_WORDS)
    assert '"baba ji"' in reason.message and "SmokeDetector" in reason.message
    # the name is read too: spam posted under a product's name
    named = spam_filter.judge(CommentDraft("thanks for writing", author="Core Skin Official"))
    assert named.label == Label.UNSURE and "the name" in named.reasons[0].message  # first: it is why
    # the text and the name are searched apart: "baba" ending one and "Ji" starting the other are no "baba ji"
    assert spam_filter.judge(CommentDraft("thanks for writing, baba", author="Ji Chen")).label == Label.HAM
    # a spammer's number is hard evidence: the spam queue, refused only where the model agrees
    number = spam_filter.judge(CommentDraft("thanks for writing, support at +1 844 802 7535"))
    assert number.label == Label.SPAM and LISTED_NUMBER in {reason.code for reason in number.reasons}
    assert spam_filter.judge(CommentDraft("win cash now, free prize: +1 844 802 7535")).label == Label.DISCARD
