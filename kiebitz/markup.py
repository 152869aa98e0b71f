"""Comment text to safe HTML: a Markdown subset, then an allow-list sanitiser.

markdown-it-py renders with raw HTML switched off; nh3 then keeps only the tags
and attributes below, so no script, style, event handler or javascript: URL can
survive even if the renderer had a bug.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}



def _markdown(linkify: bool) -> MarkdownIt:
    markdown = MarkdownIt("commonmark", {"html": False, "linkify": linkify, "breaks": True, "typographer": False})
    markdown.enable(["linkify", "strikethrough"] if linkify else ["strikethrough"])
    return markdown.disable(["image", "heading", "lheading", "hr", "html_block", "html_inline"])


_WITH_LINKS, _WITHOUT_LINKS = _markdown(linkify=True), _markdown(linkify=False)
# Every bare link linkify finds has a scheme (":"), an e-mail's "@" or a host's ".tld".
# Its own first test, a large case-insensitive Unicode pattern, cost 30 µs on every
# comment, links or not; a text with none of these cannot hold a link.
MAY_HOLD_A_LINK = re.compile(r"[:@]|\.\w")


def render(text: str) -> str:
    """Render a comment's text to the HTML shown to readers."""
    markdown = _WITH_LINKS if MAY_HOLD_A_LINK.search(text) else _WITHOUT_LINKS
    return sanitize(markdown.render(text)).strip()


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )
