"""Comment text to safe HTML: a Markdown subset, then an allow-list sanitiser.

markdown-it-py renders with raw HTML switched off; nh3 then keeps only the tags
and attributes below, so no script, style, event handler or javascript: URL can
survive even if the renderer had a bug.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}

_markdown = (
    MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True, "typographer": False})
    .enable(["linkify", "strikethrough"])
    .disable(["image", "heading", "lheading", "hr", "html_block", "html_inline"])
)


def render(text: str) -> str:
    """Render a comment's text to the HTML shown to readers."""
    return sanitize(_markdown.render(text)).strip()


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )
