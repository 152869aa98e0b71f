"""Comment to tokens: pure, deterministic, no I/O; the model only ever sees these.

Tokens carry a prefix saying what they are, as SpamBayes does, so that a reason
can be shown in words: ``w:gratis`` (a word), ``b:check out`` (two words),
``url:example.com``, ``email:gmail.com``, ``meta:...``.
Character n-grams are hashed straight to feature indices (see
``char_ngram_hashes``); the two blocks are weighed separately (model.py).
"""

from __future__ import annotations

import bisect
import html
import math
import re
import unicodedata
from urllib.parse import urlsplit

import numpy as np

from kiebitz.domain import CommentDraft

MAX_CHARS = 10_000  # the longest comment accepted; longer texts (mails) are cut here
TAG = re.compile(r"<[^>]+>")
WORD = re.compile(r"(?u)\b\w\w+\b")
LINK_TLDS = "com|net|org|info|biz|ru|de|nl|pl|co|io|ly|me|tk"
URL = re.compile(rf"(?:https?://|www\.)[^\s<>\"')\]]+|\b[a-z0-9-]+\.(?:{LINK_TLDS})\b(?:/\S*)?", re.I)
# What every match of URL contains; a third of URL's cost, so most texts skip URL altogether.
# (markup.py has its own, broader test for what linkify would turn into a link.)
MAY_HOLD_A_URL = re.compile(rf"://|www\.|\.(?:{LINK_TLDS})\b", re.I)
REPEATS = re.compile(r"(.)\1{3,}")
CHAR_NGRAMS = (1, 5)


def normalise(text: str) -> str:
    """Undo what feeds and APIs do to text: entities (twice), BOMs, odd spaces. Tags stay."""
    text = html.unescape(html.unescape(text[: MAX_CHARS * 2]))
    text = text.replace("\ufeff", "").replace("|LBR|", "\n")
    return unicodedata.normalize("NFKC", text)[:MAX_CHARS]


def strip_tags(marked: str) -> str:
    """The text with each tag (``TAG``) replaced by a space.

    No tag ends after the last ">", so the text after it is kept as it is: TAG
    tried each "<" there up to the end, and 10,000 of them took 56 ms.
    """
    end = marked.rfind(">") + 1
    return TAG.sub(" ", marked[:end]) + marked[end:]


def word_tokens(text: str) -> list[str]:
    words = WORD.findall(text.lower())
    return ["w:" + word for word in words] + ["b:" + a + " " + b for a, b in zip(words, words[1:], strict=False)]


def word_count(tokens: list[str]) -> int:
    """How many of ``tokenize``'s tokens are single words (``w:``): they come first, so a binary search finds
    the end of them in a few steps rather than a look at every token."""
    return bisect.bisect_left(tokens, True, key=lambda token: not token.startswith("w:"))


def char_ngram_hashes(texts: list[str], n_features: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashed character n-grams (1 to 5) inside word boundaries, like scikit-learn's ``char_wb``.

    Returns (row, feature index) pairs for a whole batch of texts. Building
    hundreds of small strings per comment was most of the scoring time, so the
    n-grams are hashed straight from the code points of all texts at once, with
    a polynomial rolling hash and a splitmix64 finish, in numpy.
    """
    pieces, rows = [], []
    for row, text in enumerate(texts):
        words = text.lower().split()
        if words:
            # Every word gets a space on each side; two spaces in a row start a new
            # word, so no n-gram crosses from one word, or one text, to the next.
            piece = " " + "  ".join(words) + " "
            pieces.append(piece)
            rows.append(row)
    if not pieces:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
    codes = np.frombuffer("".join(pieces).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    # One text (scoring one comment) needs no owner per position: a few numpy calls fewer.
    row_of = None if len(texts) == 1 else np.repeat(np.array(rows, dtype=np.int64), [len(piece) for piece in pieces])
    length = len(codes)
    spaces = codes == 32
    segment = np.zeros(length, dtype=np.int64)
    segment[1:] = np.cumsum(spaces[1:] & spaces[:-1])
    rolling = codes  # the hash of each 1-gram is its code point, and one character is inside its word
    inside: np.ndarray | slice = slice(None)
    hashes, owners = [], []
    low, high = CHAR_NGRAMS
    # numpy does not check integer arrays for overflow: they wrap, as a rolling hash wants (np.errstate
    # would cost a microsecond each time for nothing)
    for size in range(1, high + 1):
        count = length - size + 1
        if count <= 0:
            break
        if size > 1:
            rolling = rolling[:count] * _PRIME + codes[size - 1 :]
            inside = segment[:count] == segment[size - 1 :]
        if size >= low:
            hashes.append(rolling[inside] + _SIZES[size])
            if row_of is not None:
                owners.append(row_of[:count][inside])
    # int32: numpy sorts them two and a half times as fast as int64 (features.unique_counts)
    indices = (_splitmix64(np.concatenate(hashes)) % np.uint64(n_features)).astype(np.int32)
    return (np.concatenate(owners) if row_of is not None else np.zeros(len(indices), dtype=np.int64)), indices


_PRIME = np.uint64(1_000_003)
_SIZES = [np.uint64(size) for size in range(CHAR_NGRAMS[1] + 1)]


def _splitmix64(values: np.ndarray) -> np.ndarray:
    # in place (``values`` is the caller's fresh array); integer arrays wrap silently
    values ^= values >> _SHIFTS[0]
    values *= _MIX[0]
    values ^= values >> _SHIFTS[1]
    values *= _MIX[1]
    values ^= values >> _SHIFTS[2]
    return values


_SHIFTS = (np.uint64(30), np.uint64(27), np.uint64(31))
_MIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))


def hostname(address: str) -> str:
    """The host of a link or website, lower-cased; '' when there is none.

    Comments come from readers, imports and Akismet clients alike: a broken
    address such as ``http://[::1`` makes ``urlsplit`` raise, and it must be no
    evidence rather than an error.
    """
    try:
        return urlsplit(address).hostname or ""
    except ValueError:
        return ""


def url_tokens(links: list[str]) -> list[str]:
    """Tokens of the links URL found in a text: hosts, domains, TLDs, queries, and how many."""
    tokens = []
    for match in links:
        host = hostname(match if "://" in match else "http://" + match).removeprefix("www.")
        if host:
            labels = host.split(".")
            tokens += ["url:" + host, "url:" + ".".join(labels[-2:]), "tld:" + labels[-1]]
            if "?" in match or "=" in match:
                tokens.append("meta:url_query")
    tokens.append(f"meta:links={min(len(links), 5)}")
    return tokens


SCRIPTS = {
    "latin": re.compile(r"[A-Za-z\u00c0-\u024f]"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
    "greek": re.compile(r"[\u0370-\u03ff]"),
    "arabic": re.compile(r"[\u0600-\u06ff]"),
    "hebrew": re.compile(r"[\u0590-\u05ff]"),
    "devanagari": re.compile(r"[\u0900-\u097f]"),
    "thai": re.compile(r"[\u0e00-\u0e7f]"),
    "cjk": re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]"),
    "hangul": re.compile(r"[\uac00-\ud7af]"),
}
OTHER_SCRIPTS = re.compile("|".join(pattern.pattern for name, pattern in SCRIPTS.items() if name != "latin"))
CAPITAL = re.compile(r"[A-Z\u00c0-\u00de\u0400-\u042f]")
DIGIT = re.compile(r"\d")
PHONE = re.compile(r"(?:\+|\b0)\d[\d ./-]{6,}\d")
MONEY = re.compile(r"[$€£]\s?\d|\d\s?(?:[$€£]|euro|dollars?|usd)\b", re.I)


def shape_tokens(text: str) -> list[str]:
    """How the text looks: length, capitals, digits, repeats, scripts, phone numbers, money."""
    digit_count = len(DIGIT.findall(text))
    # Letters are what [^\W\d_] matches: alphanumeric but not a decimal digit (three times faster)
    letters = sum(map(str.isalnum, text)) - digit_count
    capitals = len(CAPITAL.findall(text)) / max(1, letters)
    digits = digit_count / max(1, len(text))
    tokens = [
        f"meta:length={min(len(text).bit_length(), 12)}",
        f"meta:capitals={int(capitals * 5)}",
        f"meta:digits={int(digits * 10)}",
        f"meta:exclaims={min(text.count('!'), 4)}",
    ]
    if REPEATS.search(text):
        tokens.append("meta:repeated_characters")
    if digit_count and PHONE.search(text):  # both patterns need a digit
        tokens.append("meta:phone_number")
    if digit_count and MONEY.search(text):
        tokens.append("meta:money")
    scripts = ["latin"] if SCRIPTS["latin"].search(text) else []
    if not text.isascii() and OTHER_SCRIPTS.search(text):  # most comments have none: one look, not eight
        scripts += [name for name, pattern in SCRIPTS.items() if name != "latin" and pattern.search(text)]
    tokens += ["meta:script=" + name for name in scripts]
    if len(scripts) > 1:
        tokens.append("meta:mixed_scripts")
    return tokens


def author_tokens(draft: CommentDraft) -> list[str]:
    """What the author fields say, without learning any one person's name."""
    tokens = []
    if draft.email:
        tokens.append("email:" + draft.email.rpartition("@")[2].lower())
    if draft.website:
        tokens += ["site:" + hostname(draft.website).removeprefix("www."), "meta:has_website"]
    name = draft.author.strip()
    if name:
        if any(c.isdigit() for c in name):
            tokens.append("meta:name_digits")
        if URL.search(name) or len(name.split()) > 4:
            tokens.append("meta:name_like_ad")
    return tokens


def request_tokens(draft: CommentDraft, site_language: str = "") -> list[str]:
    """Metadata a form post carries; absent in the corpora, so never decisive alone."""
    tokens = []
    if draft.user_agent == "" and draft.ip:
        tokens.append("meta:no_user_agent")
    seconds = draft.seconds_to_submit
    if seconds is not None and math.isfinite(seconds):
        tokens.append(f"meta:seconds={min(int(seconds).bit_length(), 10)}")
    if draft.language and site_language and not draft.language.lower().startswith(site_language.lower()):
        tokens.append("meta:foreign_browser_language")
    return tokens


def line_tokens(marked: str) -> list[str]:
    """How many line breaks the text has (newlines and HTML ``<br>`` alike), on a doubling scale."""
    lines = marked.count("\n") + (marked.lower().count("<br") if "<" in marked else 0)
    return [f"meta:lines={min(lines.bit_length(), 6)}"]


def tokenize(draft: CommentDraft, site_language: str = "") -> tuple[list[str], str]:
    """Tokens of a comment (single words first, then word pairs, URLs, metadata) and the text for
    ``char_ngram_hashes``.

    Words are read from the prose alone. The character n-grams read the markup
    too (how a mail or an Akismet client's HTML comment is marked up is
    evidence: cross-validation AUC rose on YouTube comments and mails), but
    not the links: their n-grams ("http", "://") made tweets that merely carry
    a t.co link look like spam (docs/benchmarks.md).
    """
    marked = normalise(draft.text)
    has_markup = "<" in marked
    text = strip_tags(marked) if has_markup else marked
    # A link's path is noise that looks like many words; the link counts once, by its host.
    links = URL.findall(text) if MAY_HOLD_A_URL.search(text) else []
    prose = URL.sub(" ", text) if links else text
    words = word_tokens(prose) + url_tokens(links) + shape_tokens(text) + line_tokens(marked) + author_tokens(draft)
    words += request_tokens(draft, site_language)
    if not has_markup:
        return words, prose
    return words, URL.sub(" ", marked) if MAY_HOLD_A_URL.search(marked) else marked
