"""Disqus's export (Moderate → Export, an XML file): threads, then every post pointing at its thread and parent.

Posts Disqus marked as spam keep that status, deleted posts stay deleted (so
their replies keep their place), and the posts of deleted threads are skipped.
"""

from __future__ import annotations

import re
from typing import IO
from urllib.parse import parse_qs, urlsplit
from xml.etree.ElementTree import Element

from kiebitz.domain import Status
from kiebitz.errors import InvalidInput
from kiebitz.portability.content import markdown_from_html
from kiebitz.portability.records import ForeignComment, ForeignSite, ForeignThread, uri_of
from kiebitz.portability.xml import elements, text_of, utc_seconds

NS = "{http://disqus.com}"
ID = "{http://disqus.com/disqus-internals}id"
# Disqus sends every link through its redirector (disq.us/url?url=<the link>:<a check code>), which
# sees each reader who follows it; the imported comment links to the page itself.
REDIRECTED = re.compile(r'href="(https?://disq\.us/url\?[^"]*)"')


def read(stream: IO[bytes]) -> ForeignSite:
    found = elements(stream, 1, "the Disqus export")  # disqus > thread, post
    if next(found).tag != f"{NS}disqus":
        raise InvalidInput("not a Disqus export: the root element is not <disqus xmlns=\"http://disqus.com\">", "file")
    site = ForeignSite("Disqus")
    deleted_threads = set()
    posts = []
    for element in found:
        if element.tag == f"{NS}thread":
            key = element.get(ID, "")
            if _yes(element, "isDeleted"):
                deleted_threads.add(key)
            else:
                site.threads[key] = ForeignThread(key, uri_of(text_of(element, f"{NS}link")), text_of(element, f"{NS}title"),
                                                  _yes(element, "isClosed"))
        elif element.tag == f"{NS}post":
            posts.append(_comment(element))
    for comment in posts:  # a post may come before its thread
        if comment.thread_key in deleted_threads:
            site.skip("comments on deleted threads")
        else:
            site.comments.append(comment)
    return site


def _yes(element: Element, name: str) -> bool:
    return text_of(element, f"{NS}{name}") == "true"


def _comment(post: Element) -> ForeignComment:
    key = post.get(ID, "")
    thread, parent = post.find(f"{NS}thread"), post.find(f"{NS}parent")
    status = Status.DELETED if _yes(post, "isDeleted") else Status.SPAM if _yes(post, "isSpam") else Status.PUBLISHED
    return ForeignComment(
        key=key, thread_key=thread.get(ID, "") if thread is not None else "",
        parent_key=parent.get(ID) if parent is not None else None,
        author=text_of(post, f"{NS}author/{NS}name"), email=text_of(post, f"{NS}author/{NS}email"), website="",
        text=markdown_from_html(REDIRECTED.sub(_unwrapped, text_of(post, f"{NS}message"))), status=status,
        created=utc_seconds(text_of(post, f"{NS}createdAt"), "%Y-%m-%dT%H:%M:%SZ", f"post {key}"),
    )


def _unwrapped(match: re.Match[str]) -> str:
    target = parse_qs(urlsplit(match.group(1).replace("&amp;", "&")).query).get("url", [""])[0]
    target = re.sub(r":[A-Za-z0-9_-]+$", "", target)  # the check code
    return f'href="{target}"' if target.startswith(("http://", "https://")) else match.group(0)
