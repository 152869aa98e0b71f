"""WordPress's export (Tools → Export, a WXR file): every post with its comments.

WordPress keeps names and titles with HTML entities ("M&amp;M", "&#8211;");
they are stored here as the characters they stand for.

WordPress leaves spam out of its exports. Only comments are taken: pingbacks
and trackbacks are notices from other blogs, and other types are plugins'
(WooCommerce reviews with their stars, the block editor's private notes);
they are skipped and counted by type.
"""

from __future__ import annotations

import re
from html import unescape
from typing import IO
from xml.etree.ElementTree import Element

from kiebitz.domain import Status
from kiebitz.errors import InvalidInput
from kiebitz.portability.content import markdown_from_wordpress
from kiebitz.portability.records import ForeignComment, ForeignSite, ForeignThread, uri_of
from kiebitz.portability.xml import elements, text_of, utc_seconds

NAMESPACE = re.compile(r"^\{(https?://wordpress\.org/export/1\.\d/)\}")  # WordPress.com writes https
STATUSES = {"1": Status.PUBLISHED, "0": Status.PENDING, "spam": Status.SPAM, "trash": Status.DELETED,
            "post-trashed": Status.DELETED}
COMMENT_TYPES = {"", "comment"}
NO_DATE = "0000-00-00 00:00:00"


def read(stream: IO[bytes]) -> ForeignSite:
    found = elements(stream, 2, "the WordPress export")  # rss > channel > item
    if next(found).tag != "rss":
        raise InvalidInput("not a WordPress export: the root element is not <rss>", "file")
    site = ForeignSite("WordPress")
    wp = ""
    for item in found:
        wp = wp or _namespace(item)
        if item.tag != "item" or not wp:
            continue
        post_id = text_of(item, f"{wp}post_id")
        comments = item.findall(f"{wp}comment")
        if comments:
            site.threads[post_id] = ForeignThread(post_id, uri_of(text_of(item, "link")), unescape(text_of(item, "title")),
                                                  text_of(item, f"{wp}comment_status") == "closed")
        for element in comments:
            kind = text_of(element, f"{wp}comment_type")
            if kind in COMMENT_TYPES:
                site.comments.append(_comment(element, post_id, wp))
            else:
                site.skip("pingbacks and trackbacks" if kind in ("pingback", "trackback") else f"WordPress entries of type {kind!r}")
    if not wp:
        raise InvalidInput("not a WordPress export: no element of the wordpress.org/export namespace", "file")
    return site


def _namespace(element: Element) -> str:
    """'{https://wordpress.org/export/1.2/}' or the like, from the first child in WordPress's namespace; else ''."""
    for child in element:
        match = NAMESPACE.match(child.tag)
        if match:
            return "{" + match.group(1) + "}"
    return ""


def _comment(element: Element, post_id: str, wp: str) -> ForeignComment:
    def field(name: str) -> str:
        return text_of(element, f"{wp}comment_{name}")

    key = field("id")
    date = field("date_gmt")
    created = utc_seconds(date if date and date != NO_DATE else field("date"), "%Y-%m-%d %H:%M:%S", f"comment {key}")
    approved = field("approved")
    parent = field("parent")
    return ForeignComment(
        key=key, thread_key=post_id, parent_key=parent if parent not in ("", "0") else None,
        author=unescape(field("author")), email=field("author_email"), website=field("author_url"),
        text=markdown_from_wordpress(field("content")), status=STATUSES.get(approved, Status.PENDING), created=created,
    )
