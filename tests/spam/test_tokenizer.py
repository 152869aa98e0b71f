"""The tokenizer's shortcuts give exactly what the plain definitions give."""

from __future__ import annotations

import re

import pytest

from kiebitz.domain import CommentDraft
from kiebitz.spam import tokenizer
from kiebitz.spam.tokenizer import MAY_HOLD_A_URL, SCRIPTS, TAG, URL, shape_tokens, strip_tags, tokenize

TRICKY = [
    "",
    "plain words, no link at all.",
    "Visit http://spam.example/x?a=1 now",
    "WWW.Shop.DE billig!!!! ruf an: +49 170 1234567",
    "see example.COM/path and foo.tk",
    "x² ½ ① 5 ٣ and 12€",
    "Привет мир hello",
    "日本語 テキスト mixed with English",
    "Schöne Grüße aus Köln, Ärger über die Straße",
    "a.b.c.d ends.with.dot. www.",
    "ftp://files.example.net/readme",
    "Nur 99 € heute, ruf an: 0170 1234567",
    "costs $5 or 12 dollars",
]
LETTER = re.compile(r"[^\W\d_]")


@pytest.mark.parametrize("text", TRICKY)
def test_a_text_without_the_link_signs_has_no_link(text: str):
    if URL.search(text):
        assert MAY_HOLD_A_URL.search(text)


@pytest.mark.parametrize("text", TRICKY)
def test_shortcuts_match_the_plain_definitions(text: str):
    links = URL.findall(text)
    counted = [token for token in tokenize(CommentDraft(text=text))[0] if token.startswith("meta:links=")]
    assert counted == [f"meta:links={min(len(links), 5)}"]
    assert tokenize(CommentDraft(text=text))[1] == URL.sub(" ", tokenizer.normalise(text))
    scripts = [name for name, pattern in SCRIPTS.items() if pattern.search(text)]
    assert [token for token in shape_tokens(text) if token.startswith("meta:script=")] == [
        "meta:script=" + name for name in scripts
    ]
    capitals = len(tokenizer.CAPITAL.findall(text)) / max(1, len(LETTER.findall(text)))
    assert f"meta:capitals={int(capitals * 5)}" in shape_tokens(text)
    assert ("meta:phone_number" in shape_tokens(text)) == bool(tokenizer.PHONE.search(text))
    assert ("meta:money" in shape_tokens(text)) == bool(tokenizer.MONEY.search(text))
    tokens = tokenize(CommentDraft(text=text, author="A. Reader", website="http://shop.example"))[0]
    assert tokenizer.word_count(tokens) == sum(token.startswith("w:") for token in tokens)


def test_letters_are_alphanumerics_that_are_not_decimal_digits():
    for code in [*range(0x2000), 0x2460, 0x3042, 0x4E00, 0xFF10, 0x1D7CE]:
        char = chr(code)
        assert bool(LETTER.match(char)) == (char.isalnum() and not char.isdecimal()), hex(code)


def test_markup_reaches_the_character_ngrams_but_links_do_not():
    words, chars = tokenize(CommentDraft(text='Cheap <b>pills</b><br>at <a href="http://spam.example/x">our shop</a>'))
    assert "<b>pills</b><br>" in chars and "spam.example" not in chars
    assert "w:pills" in words and not any("href" in token for token in words)
    assert "meta:lines=1" in words


def test_lines_count_newlines_and_html_breaks_alike():
    assert "meta:lines=2" in tokenize(CommentDraft(text="one\ntwo\nthree"))[0]
    assert "meta:lines=2" in tokenize(CommentDraft(text="one<br />two<BR>three"))[0]
    assert "meta:lines=0" in tokenize(CommentDraft(text="one line"))[0]


def test_tags_are_stripped_as_the_pattern_did_in_linear_time():
    for text in ["<p>Hallo</p> <a href='x'>y</a>", "a < b > c", "<<b>>", "x <i>y", "<" * 10_000, "<b>" + "<" * 5000]:
        assert strip_tags(text) == TAG.sub(" ", text), text[:40]
