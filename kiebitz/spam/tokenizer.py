"""Comment to tokens: pure, deterministic, no I/O; the model only ever sees these.

Tokens carry a prefix saying what they are, as SpamBayes does, so that a reason
can be shown in words: ``w:gratis`` (a word), ``b:check out`` (two words),
``c:ww.`` (characters), ``url:example.com``, ``email:gmail.com``, ``meta:...``.
Text and character tokens are weighed in separate blocks (see model.py).
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import urlsplit

from kiebitz.domain import CommentDraft

MAX_CHARS = 3000  # long mails: the opening carries the signal, the rest costs time
TAG = re.compile(r"<[^>]+>")
WORD = re.compile(r"(?u)\b\w\w+\b")
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+|\b[a-z0-9-]+\.(?:com|net|org|info|biz|ru|de|nl|pl|co|io|ly|me|tk)\b(?:/\S*)?", re.I)
REPEATS = re.compile(r"(.)\1{3,}")
CHAR_NGRAMS = (1, 5)


def normalise(text: str) -> str:
    """Undo what feeds and APIs do to text: entities (twice), tags, BOMs, odd spaces."""
    text = html.unescape(html.unescape(text[: MAX_CHARS * 2]))
    text = text.replace("\ufeff", "").replace("|LBR|", "\n")
    text = TAG.sub(" ", text)
    return unicodedata.normalize("NFKC", text)[:MAX_CHARS]


def word_tokens(text: str) -> list[str]:
    words = WORD.findall(text.lower())
    return ["w:" + word for word in words] + ["b:" + a + " " + b for a, b in zip(words, words[1:])]


def char_tokens(text: str) -> list[str]:
    """Character n-grams inside word boundaries, like scikit-learn's ``char_wb``."""
    grams = []
    low, high = CHAR_NGRAMS
    for word in text.lower().split():
        padded = f" {word} "
        length = len(padded)
        for size in range(low, high + 1):
            if size > length:
                break
            grams.extend("c:" + padded[i : i + size] for i in range(length - size + 1))
    return grams


def url_tokens(text: str) -> list[str]:
    tokens = []
    for match in URL.findall(text):
        address = match if "://" in match else "http://" + match
        try:
            host = (urlsplit(address).hostname or "").removeprefix("www.")
        except ValueError:
            continue
        if host:
            tokens += ["url:" + host, "tld:" + host.rsplit(".", 1)[-1]]
    count = len(tokens) // 2
    tokens.append(f"meta:links={min(count, 5)}")
    return tokens


def shape_tokens(text: str) -> list[str]:
    """How the text looks: length, capitals, repeated characters, scripts, digits."""
    letters = [c for c in text if c.isalpha()]
    capitals = sum(1 for c in letters if c.isupper()) / max(1, len(letters))
    digits = sum(1 for c in text if c.isdigit()) / max(1, len(text))
    tokens = [
        f"meta:length={min(len(text).bit_length(), 12)}",
        f"meta:capitals={int(capitals * 5)}",
        f"meta:digits={int(digits * 10)}",
        f"meta:exclaims={min(text.count('!'), 4)}",
    ]
    if REPEATS.search(text):
        tokens.append("meta:repeated_characters")
    scripts = {script_of(c) for c in letters[:500]}
    tokens += ["meta:script=" + script for script in sorted(scripts)]
    if len(scripts) > 1:
        tokens.append("meta:mixed_scripts")
    return tokens


def script_of(character: str) -> str:
    try:
        name = unicodedata.name(character)
    except ValueError:
        return "other"
    return name.split(" ", 1)[0].lower()


def author_tokens(draft: CommentDraft) -> list[str]:
    """What the author fields say, without learning any one person's name."""
    tokens = []
    if draft.email:
        tokens.append("email:" + draft.email.rpartition("@")[2].lower())
    if draft.website:
        host = (urlsplit(draft.website).hostname or "").removeprefix("www.")
        tokens += ["site:" + host, "meta:has_website"]
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
    if draft.seconds_to_submit is not None:
        tokens.append(f"meta:seconds={min(int(draft.seconds_to_submit).bit_length(), 10)}")
    if draft.language and site_language and not draft.language.lower().startswith(site_language.lower()):
        tokens.append("meta:foreign_browser_language")
    return tokens


def tokenize(draft: CommentDraft, site_language: str = "") -> tuple[list[str], list[str]]:
    """The two token blocks of a comment: (words, URLs and metadata), (character n-grams)."""
    text = normalise(draft.text)
    words = word_tokens(text) + url_tokens(text) + shape_tokens(text) + author_tokens(draft)
    words += request_tokens(draft, site_language)
    return words, char_tokens(text)
