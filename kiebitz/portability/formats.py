"""Which system a file comes from, told by its first bytes, and the reader for each."""

from __future__ import annotations

import gzip
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, cast

from kiebitz.errors import InvalidInput
from kiebitz.portability import FOREIGN_FORMATS, Progress, disqus, isso, no_progress, remark42, wordpress
from kiebitz.portability.records import ForeignSite

if TYPE_CHECKING:
    from typing_extensions import Buffer

GZIP_MAGIC = b"\x1f\x8b"
PROGRESS_STEP = 1 << 20  # tell how far reading has come once per megabyte of the file


@contextmanager
def open_binary(path: str, progress: Progress = no_progress) -> Iterator[IO[bytes]]:
    """The file's bytes, unpacked on the fly when it is gzipped (Remark42's backups are)."""
    with open(path, "rb") as file:
        gzipped = file.read(2) == GZIP_MAGIC
        file.seek(0)
        source: IO[bytes] = file if progress is no_progress else io.BufferedReader(_Counted(file, progress))
        if gzipped:
            with gzip.GzipFile(fileobj=source, mode="rb") as unpacked:
                yield cast(IO[bytes], unpacked)  # typeshed's GzipFile is a BufferedIOBase, not an IO
        else:
            yield source


class _Counted(io.RawIOBase):
    """A file that tells ``progress`` how much of it has been read (of a gzipped file: of the packed bytes)."""

    def __init__(self, file: io.BufferedReader, progress: Progress) -> None:
        self._file, self._progress = file, progress
        self._size = os.fstat(file.fileno()).st_size
        self._told = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Buffer) -> int:
        count = self._file.readinto(buffer)
        position = self._file.tell()
        if position - self._told >= PROGRESS_STEP or (position == self._size and position != self._told):
            self._told = position
            self._progress("reading", position, self._size)
        return count


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


def read(path: str, kind: str, progress: Progress = no_progress) -> ForeignSite:
    if kind == "isso":
        return isso.read(path)  # SQLite: read in one query, no progress to tell
    with open_binary(path, progress) as stream:
        if kind == "wordpress":
            return wordpress.read(stream)
        if kind == "disqus":
            return disqus.read(stream)
        if kind == "remark42":
            return remark42.read(io.TextIOWrapper(stream, encoding="utf-8"))
    raise InvalidInput(f"--from must be one of {', '.join(FOREIGN_FORMATS)}", "from")
