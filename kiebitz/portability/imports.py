"""One import, from a file on disk (the CLI) or uploaded (the admin): read it, then load it."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from typing import IO

from kiebitz.errors import InvalidInput
from kiebitz.moderation import validation
from kiebitz.portability import Progress, no_progress
from kiebitz.portability.formats import detect, read
from kiebitz.portability.lessons import teach
from kiebitz.portability.loader import ImportReport, load
from kiebitz.spam.store import LearningModel
from kiebitz.store.comments import Store


def import_path(
    store: Store, path: str, kind: str, site: str, dry_run: bool = False, progress: Progress = no_progress,
    model: Callable[[], LearningModel] | None = None,
) -> ImportReport:
    """Comments from another system's file; ``kind`` is told from the file's first bytes when empty.

    With a ``model`` (a function, so that the CLI loads the filter only once the import
    has succeeded), the other system's decisions (approved, spam) then teach it (lessons.py).
    """
    site = validation.site(site)
    kind = kind or detect(path)
    if kind == "kiebitz":
        raise InvalidInput("a Kiebitz export goes into a new database: `kiebitz import FILE` on the command line", "file")
    report = load(store, read(path, kind, progress), site, dry_run, progress)
    if model is not None and not dry_run:
        teach(store, model(), report)
    return report


def import_upload(
    store: Store, upload: IO[bytes], kind: str, site: str, dry_run: bool = False,
    model: Callable[[], LearningModel] | None = None,
) -> ImportReport:
    """``import_path`` for an uploaded file, copied to disk first (Isso's is a SQLite database)."""
    with tempfile.NamedTemporaryFile(prefix="kiebitz-import-") as copy:
        shutil.copyfileobj(upload, copy)
        copy.flush()
        return import_path(store, copy.name, kind, site, dry_run, model=model)
