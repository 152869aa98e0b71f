"""Comment text to safe HTML: a Markdown subset, then an allow-list sanitiser.

markdown-it-py renders with raw HTML switched off; nh3 then keeps only the tags
and attributes below, so no script, style, event handler or javascript: URL can
survive even if the renderer had a bug.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

ALLOWED_TAGS = {"p", "br", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}



def _markdown(linkify: bool) -> MarkdownIt:
    markdown = MarkdownIt("commonmark", {"html": False, "linkify": linkify, "breaks": True, "typographer": False})
    markdown.enable(["linkify", "strikethrough"] if linkify else ["strikethrough"])
    markdown.inline.ruler.at("linkify", _linkify)
    return markdown.disable(["image", "heading", "lheading", "hr", "html_block", "html_inline"])


SCHEME = re.compile(r"(?:^|[^a-z0-9.+-])([a-z][a-z0-9.+-]*)$", re.IGNORECASE)  # RFC 3986, as markdown-it's
SCHEME_WINDOW = 64  # the schemes linkify knows (http, https, ftp, mailto) are a few letters long


def _linkify(state: StateInline, silent: bool) -> bool:
    """markdown-it-py's inline linkify rule (4.0) with two mends, as markdown-it (JavaScript) has them.

    Upstream searches all the text since the last token for the scheme, at every
    "://": a 10,000-character comment of "<http://" took 0.4 s to render, four
    times as long per doubling. Searching from SCHEME_WINDOW characters before the
    end finds every scheme linkify could accept (a longer one is no scheme it knows).
    And it lacks markdown-it's check that the link found is longer than its
    scheme, so "x.com[//x.p://" raised RuntimeError (a 500 on posting it).
    """
    linkify = state.md.linkify
    if linkify is None or not state.md.options.linkify or state.linkLevel > 0 or not state.src.startswith("://", state.pos):
        return False
    match = SCHEME.search(state.pending, max(0, len(state.pending) - SCHEME_WINDOW))
    if not match:
        return False
    proto = match.group(1)
    link = linkify.match_at_start(state.src[state.pos - len(proto):])
    if not link:
        return False
    if len(link.url) <= len(proto):
        # linkify found a link that ends inside the supposed scheme (the text before "[" is still
        # pending while a link label is read): taking it would not move on, and markdown-it raises
        return False
    url = link.url.rstrip("*")  # a '*' after a link is emphasis
    full_url = state.md.normalizeLink(url)
    if not state.md.validateLink(full_url):
        return False
    if not silent:
        state.pending = state.pending[: -len(proto)]
        token = state.push("link_open", "a", 1)
        token.attrs, token.markup, token.info = {"href": full_url}, "linkify", "auto"
        state.push("text", "", 0).content = state.md.normalizeLinkText(url)
        token = state.push("link_close", "a", -1)
        token.markup, token.info = "linkify", "auto"
    state.pos += len(url) - len(proto)
    return True


_WITH_LINKS, _WITHOUT_LINKS = _markdown(linkify=True), _markdown(linkify=False)


# What every link linkify-it finds contains, but for the dots below: one of its schemes ("//" for its scheme-less
# one), "www." or "localhost".
LINK_MARKS = ("http:", "https:", "ftp:", "mailto:", "//", "www.", "localhost")


def _linkify_domains() -> str:
    """linkify-it's own top-level domains, as a pattern: a release that changes its list changes ``LINK_DOTS`` too."""
    linkify = _WITH_LINKS.linkify
    assert linkify is not None  # markdown-it has one where linkify is asked for
    return str(linkify.re["src_tlds"])


# The dots of an IP address, or a dot before one of linkify-it's top-level domains (an e-mail address's host ends
# in one as well).
LINK_DOTS = re.compile(rf"\.(?:\d{{1,3}}\.|{_linkify_domains()})")
# The letters outside ASCII that linkify-it's case-insensitive patterns read as ASCII ones; the Kelvin sign's
# lower case is a "k" already.
AS_ASCII = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})


def may_hold_a_link(text: str) -> bool:
    """Whether linkify-it could find a link in the text; where not, it is not asked.

    Its own tests are large case-insensitive Unicode patterns tried on each piece of text between two marks:
    100 µs and more on a comment with a dot between two letters ("z.B.", "usw.Das"), which the test before
    (a ":" or "@", or a dot before a letter) sent to them. One search of the lower-cased text takes 5 to 10 µs;
    the same search case-insensitive took 20 to 30.
    """
    folded = text.translate(AS_ASCII).lower()
    return any(mark in folded for mark in LINK_MARKS) or LINK_DOTS.search(folded) is not None


def render(text: str) -> str:
    """Render a comment's text to the HTML shown to readers."""
    markdown = _WITH_LINKS if may_hold_a_link(text) else _WITHOUT_LINKS
    return sanitize(markdown.render(text)).strip()


def prepare() -> None:
    """Compile what the renderer compiles on first use: linkify-it builds its host patterns at its first link
    (about 50 ms), which a server does at start rather than in its first reader's post."""
    render("See https://example.org/a, //example.org/b or mailto:a@example.org.")


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )
