"""Which system a file comes from, told by its first bytes, and the reader for each."""

from __future__ import annotations

import gzip
import io
from typing import IO

from kiebitz.errors import InvalidInput
from kiebitz.portability import FOREIGN_FORMATS, disqus, isso, remark42, wordpress
from kiebitz.portability.records import ForeignSite

GZIP_MAGIC = b"\x1f\x8b"


def open_binary(path: str) -> IO[bytes]:
    """The file's bytes, unpacked on the fly when it is gzipped (Remark42's backups are)."""
    stream: IO[bytes] = open(path, "rb")
    if stream.read(2) == GZIP_MAGIC:
        stream.close()
        return gzip.open(path, "rb")  # type: ignore[return-value]
    stream.seek(0)
    return stream


def detect(path: str) -> str:
    """'kiebitz' for Kiebitz's own export, else one of FOREIGN_FORMATS."""
    with open_binary(path) as stream:
        head = stream.read(4096)
    if head.startswith(b"SQLite format 3\x00"):
        return "isso"
    text = head.decode("utf-8", "replace")
    if "wordpress.org/export/" in text:
        return "wordpress"
    if "http://disqus.com" in text:
        return "disqus"
    first_line = text.lstrip().split("\n", 1)[0]
    if '"kiebitz-export"' in first_line:
        return "kiebitz"
    if first_line.startswith("{") and '"version"' in first_line:
        return "remark42"
    raise InvalidInput(
        "cannot tell which system this file comes from; name it with --from (wordpress, disqus, isso, remark42)", "file"
    )


def read(path: str, kind: str) -> ForeignSite:
    if kind == "isso":
        return isso.read(path)
    with open_binary(path) as stream:
        if kind == "wordpress":
            return wordpress.read(stream)
        if kind == "disqus":
            return disqus.read(stream)
        if kind == "remark42":
            return remark42.read(io.TextIOWrapper(stream, encoding="utf-8"))
    raise InvalidInput(f"--from must be one of {', '.join(FOREIGN_FORMATS)}", "from")
