"""Comment text to HTML: texts that cannot hold a bare link skip linkify and render the same."""

from __future__ import annotations

import pytest

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
]


@pytest.mark.parametrize("text", TEXTS)
def test_rendering_is_the_same_with_and_without_the_link_shortcut(text: str):
    assert markup.render(text) == markup.sanitize(markup._WITH_LINKS.render(text)).strip()  # noqa: SLF001


def test_bare_links_and_addresses_become_links():
    assert 'href="http://example.com"' in markup.render("siehe example.com bitte")
    assert 'href="mailto:leser@example.org"' in markup.render("Mail an leser@example.org")
    assert "<a" not in markup.render("Ein Satz. Noch einer ohne Link")
