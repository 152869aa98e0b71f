"""Reading the XML exports (WordPress, Disqus): parse errors and missing elements named for the admin."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import IO
from xml.etree import ElementTree

from kiebitz.errors import InvalidInput


def parse(stream: IO[bytes], what: str) -> ElementTree.Element:
    # Python's expat refuses entity expansion bombs, and ElementTree never fetches external entities.
    try:
        return ElementTree.parse(stream).getroot()
    except ElementTree.ParseError as error:  # its message names the line and column
        raise InvalidInput(f"{what} is not well-formed XML: {error}", "file") from None


def text_of(element: ElementTree.Element, path: str, default: str = "") -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else default


def utc_seconds(value: str, layout: str, what: str) -> float:
    try:
        return datetime.strptime(value, layout).replace(tzinfo=UTC).timestamp()
    except ValueError:
        raise InvalidInput(f"{what}: {value!r} is not a date of the form {layout}", "file") from None
