"""Comment text to HTML: texts that cannot hold a bare link skip linkify and render the same."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiebitz import markup

TEXTS = [
    "Ein ganz normaler Kommentar. Mit zwei Sätzen!",
    "siehe example.com bitte",
    "Mail an leser@example.org",
    "http://example.org/pfad?x=1 und https://heise.de",
    "www.heise.de ist gut",
    "z.B. so, d.h. anders",
    "Uhrzeit 12:30, Verhältnis 3:1",
    "**fett** und _kursiv_ und ~~weg~~\n\n> Zitat\n\n- eins\n- zwei",
    "[ein Link](https://example.org) und `code`",
    "usw.Das geht, gut.Es geht",
    "`a`b@c.de und foo.de`x` und a@1.2.3.4",
    "LOCALHOST:8080 und //example und xn--p1ai.рф",
]
# Pieces of what linkify-it reads: schemes, domains, the marks that cut a text into pieces between them
PIECES = ["a", "Z", "1", "333", ".", "@", ":", "/", "//", "*", "_", "`", "[", "]", "(", ")", "<", ">", " ", "\n", "\n\n",
          "de", "COM", "es", "рф", "xn--p1ai", "www", "http", "mailto", "ftp", "localhost", "&amp;", "\\", "~", "!", "ä",
          "｜", "\"", "+", "İ", "ı", "ſ", "K", "ß"]


@pytest.mark.parametrize("text", TEXTS)
def test_rendering_is_the_same_with_and_without_the_link_shortcut(text: str):
    assert markup.render(text) == markup.sanitize(markup._WITH_LINKS.render(text)).strip()  # noqa: SLF001


@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_a_text_the_link_shortcut_skips_renders_as_with_linkify(text: str):
    if not markup.may_hold_a_link(text):
        assert markup.render(text) == markup.sanitize(markup._WITH_LINKS.render(text)).strip()  # noqa: SLF001


def assert_the_shortcut_finds_what_linkify_it_may(text: str) -> None:
    """What linkify-it's case-insensitive tests of a scheme or a host's domain find, the shortcut's lower-cased
    search finds too, the four letters outside ASCII that such a test reads as ASCII ones included."""
    domains = markup._linkify_domains()  # noqa: SLF001
    if re.search(rf"(?:https?|ftp|mailto):|//|www\.|localhost|\.\d{{1,3}}\.|\.(?:{domains})", text, re.IGNORECASE):
        assert markup.may_hold_a_link(text), text


@pytest.mark.parametrize("text", ["a.İT", "a.ıt", "a.ſe", "a.Kz", "a.DE", "a.РФ", "WWW.a", "LOCALHOST", "MAILTO:a"])
def test_the_link_shortcut_reads_case_as_linkify_it_does(text: str):
    assert markup.may_hold_a_link(text)
    assert_the_shortcut_finds_what_linkify_it_may(text)


@given(st.lists(st.sampled_from([*PIECES, "İT", "ıt", "ſe", "DE", "Ok", "РФ"]), max_size=10).map("".join))
def test_the_link_shortcut_finds_what_a_case_insensitive_search_does(text: str):
    assert_the_shortcut_finds_what_linkify_it_may(text)


def test_bare_links_and_addresses_become_links():
    assert 'href="http://example.com"' in markup.render("siehe example.com bitte")
    assert 'href="mailto:leser@example.org"' in markup.render("Mail an leser@example.org")
    assert "<a" not in markup.render("Ein Satz. Noch einer ohne Link")


def test_a_link_shorter_than_its_supposed_scheme_is_not_a_crash():
    # markdown-it-py's linkify rule raised RuntimeError here (a 500 when posted); markdown-it (JS) checks it
    html = markup.render("x.com[//x.p://")
    assert html.startswith("<p>") and 'href="http://x.com"' in html


def test_linkify_reads_the_scheme_from_the_end_only():
    markdown_it = pytest.importorskip("markdown_it")
    upstream = markdown_it.MarkdownIt("commonmark", {"linkify": True, "breaks": True}).enable(["linkify", "strikethrough"])
    upstream.disable(["image", "heading", "lheading", "hr", "html_block", "html_inline"])
    texts = [*TEXTS, "x" * 70 + "http://example.org", "mailto:a@b.de und ftp://x.de/a*", "HTTP://EXAMPLE.ORG **fett**",
             "http://a.de " * 500, "<http://" * 1250]  # the last took upstream 0.4 s (quadratic), us 17 ms
    for text in texts:
        assert markup._WITH_LINKS.render(text) == upstream.render(text), text[:80]  # noqa: SLF001


def test_prepare_compiles_the_patterns_linkify_builds_at_its_first_link():
    """A server prepares at start; otherwise its first post with a link waited about 50 ms for this."""
    markup.prepare()
    compiled = markup._WITH_LINKS.linkify.re
    assert all(compiled.get(name) for name in ("http", "not_http", "mailto"))
