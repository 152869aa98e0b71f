"""Reading the XML exports (WordPress, Disqus): parse errors and missing elements named for the admin."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

from kiebitz.errors import InvalidInput


def elements(stream: IO[bytes], depth: int, what: str) -> Iterator[Element]:
    """The root first (just opened: its tag), then each element ``depth`` levels below it, complete.

    Each element is emptied once the caller has moved on, so a large export
    (a news site's WordPress file runs to hundreds of MB) is read in the
    memory of one element at a time rather than of the whole tree.
    """
    # Python's expat refuses entity expansion bombs, and ElementTree never fetches external entities.
    level = -1
    try:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            if event == "start":
                level += 1
                if level == 0:
                    yield element
                continue
            if level == depth:
                yield element
                element.clear()
            level -= 1
    except ElementTree.ParseError as error:  # its message names the line and column
        raise InvalidInput(f"{what} is not well-formed XML: {error}", "file") from None


def text_of(element: Element, path: str, default: str = "") -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else default


def utc_seconds(value: str, layout: str, what: str) -> float:
    try:
        return datetime.strptime(value, layout).replace(tzinfo=UTC).timestamp()
    except ValueError:
        raise InvalidInput(f"{what}: {value!r} is not a date of the form {layout}", "file") from None
