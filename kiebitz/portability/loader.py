"""Writes what an importer read into a Kiebitz database: one transaction, nothing half done.

Comments keep their status, times, votes and thread structure; each carries a
reason naming where it came from, and an audit line by "import". A comment
already in the thread (same time to the second, name and text) is skipped, so
running the same import twice adds nothing. Data Kiebitz would not have taken
from a commenter is left out and counted, never guessed at: an e-mail address
that is not one, a website that is not an http(s) URL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from kiebitz import markup
from kiebitz.domain import Status
from kiebitz.errors import InvalidInput
from kiebitz.moderation import validation
from kiebitz.portability import Progress, no_progress
from kiebitz.portability.records import ForeignComment, ForeignSite
from kiebitz.store import schema
from kiebitz.store.comments import Store

AUTHOR_COLUMN, TITLE_COLUMN = 200, 500
PROGRESS_STEP = 500  # comments between two reports of how far loading has come


# The summary in German, for the admin: the English phrases the importers count under, and the statuses.
GERMAN = {
    "comments on a page missing from the file or with an unusable address":
        "Kommentare zu einer Seite, die in der Datei fehlt oder keine brauchbare Adresse hat",
    "comments already imported": "Kommentare, die schon importiert sind",
    "replies whose parent is missing, kept as top-level comments":
        "Antworten ohne ihren Ausgangskommentar, als eigene Kommentare übernommen",
    "replies in a loop of parents, kept as top-level comments":
        "Antworten, die im Kreis aufeinander verweisen, als eigene Kommentare übernommen",
    f"names cut to {AUTHOR_COLUMN} characters": f"Namen, auf {AUTHOR_COLUMN} Zeichen gekürzt",
    "email values that are not valid, left empty": "ungültige E-Mail-Adressen, leer gelassen",
    "website values that are not valid, left empty": "ungültige Websites, leer gelassen",
    "comments on deleted threads": "Kommentare zu gelöschten Threads",
    "pingbacks and trackbacks": "Pingbacks und Trackbacks",
    "WordPress entries of type": "WordPress-Einträge vom Typ",
    "published": "veröffentlicht", "pending": "wartend", "spam": "Spam", "deleted": "gelöscht",
}


@dataclass
class ImportReport:
    origin: str
    threads: int = 0
    comments: Counter[str] = field(default_factory=Counter)  # by status
    left_out: Counter[str] = field(default_factory=Counter)  # why → how many
    # (created, id, is spam) of each comment written as approved or spam: the other system's decisions
    decided: list[tuple[float, int, bool]] = field(default_factory=list)
    lessons: Counter[str] = field(default_factory=Counter)  # "spam"/"ham" → decisions the filter learned

    def lines(self, language: str = "en") -> list[str]:
        """The summary the CLI prints (English) and the admin shows (in its language)."""
        german = language == "de"

        def said(phrase: str) -> str:
            head, quote, kind = phrase.partition(" '")  # "WordPress entries of type 'review'"
            return GERMAN.get(head, head) + quote + kind if german else phrase

        statuses = ", ".join(f"{count} {said(status)}" for status, count in sorted(self.comments.items()))
        total = sum(self.comments.values())
        one_comment, one_thread = total == 1, self.threads == 1
        if german:
            lines = [f"importiert aus {self.origin}: {total} Kommentar{'' if one_comment else 'e'} ({statuses or 'keine'}), "
                     f"{self.threads} {'neuer Thread' if one_thread else 'neue Threads'}"]
        else:
            lines = [f"imported from {self.origin}: {total} comment{'' if one_comment else 's'} ({statuses or 'none'}), "
                     f"{self.threads} new thread{'' if one_thread else 's'}"]
        lines += [f"  {count} {said(why)}" for why, count in sorted(self.left_out.items())]
        if self.lessons:
            spam, ham = self.lessons["spam"], self.lessons["ham"]
            lines.append(f"der Filter lernte aus {spam} Spam- und {ham} freigegebenen Kommentaren" if german
                         else f"the filter learned from {spam} spam and {ham} approved comments")
        return lines


class _DryRun(Exception):
    """Raised at the end of a dry run's transaction, so that it rolls back."""


def load(
    store: Store, foreign: ForeignSite, site: str, dry_run: bool = False, progress: Progress = no_progress
) -> ImportReport:
    """Add the comments to the database; with ``dry_run`` the same work, rolled back: only the report stays."""
    report = ImportReport(foreign.origin, left_out=Counter(foreign.skipped))
    try:
        with store.write() as db:
            _write(store, db, foreign, site, report, progress)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _write(
    store: Store, db: Connection, foreign: ForeignSite, site: str, report: ImportReport, progress: Progress
) -> None:
    """Site, threads and comments, parents before their replies, in the caller's transaction."""
    total, done = len(foreign.comments), 0
    by_key = {comment.key: comment for comment in foreign.comments}
    levels = _levels(foreign.comments, by_key, report)
    site_id = store.ensure_site(db, site)
    thread_ids = _threads(store, db, site_id, foreign, report)
    seen = _existing(db, list(thread_ids.values()))
    placed: dict[str, tuple[int, int]] = {}  # foreign key → (id, depth)
    for level in levels:
        rows, keys = [], []
        for comment in level:
            done += 1
            if done % PROGRESS_STEP == 0:
                progress("loading", done, total)
            thread_id = thread_ids.get(comment.thread_key)
            if thread_id is None:
                report.left_out["comments on a page missing from the file or with an unusable address"] += 1
                continue
            parent = placed.get(comment.parent_key) if comment.parent_key else None
            signature = (thread_id, round(comment.created), _clean(comment.author)[:AUTHOR_COLUMN], _clean(comment.text))
            if signature in seen:
                placed[comment.key] = seen[signature]
                report.left_out["comments already imported"] += 1
                continue
            rows.append(_row(comment, thread_id, parent, foreign.origin, report))
            keys.append(comment.key)
        ids = store.insert_comments(db, rows, actor="import", note=f"imported from {foreign.origin}") if rows else []
        for key, comment_id, row in zip(keys, ids, rows, strict=True):
            placed[key] = (comment_id, row["depth"])
            report.comments[row["status"]] += 1
            if row["status"] in (Status.PUBLISHED.value, Status.SPAM.value):
                report.decided.append((row["created"], comment_id, row["status"] == Status.SPAM.value))
    progress("loading", total, total)


def _levels(comments: list[ForeignComment], by_key: dict[str, ForeignComment], report: ImportReport) -> list[list[ForeignComment]]:
    """Comments by depth, so that every parent is written (and has its id) before its replies."""
    depths: dict[str, int] = {}

    def depth(comment: ForeignComment) -> int:
        chain = [comment]  # the comment, its parent, its parent's parent, … up to one whose depth is known
        while chain[-1].parent_key and chain[-1].parent_key not in depths:
            parent = by_key.get(chain[-1].parent_key)
            if parent is None or parent.key in {link.key for link in chain}:
                why = "replies whose parent is missing" if parent is None else "replies in a loop of parents"
                report.left_out[f"{why}, kept as top-level comments"] += 1
                depths[chain.pop().key] = 0
                break
            chain.append(parent)
        for link in reversed(chain):
            depths[link.key] = depths[link.parent_key] + 1 if link.parent_key in depths else 0
        return depths[comment.key]

    levels: list[list[ForeignComment]] = []
    for comment in sorted(comments, key=lambda comment: comment.created):
        if comment.key in depths:
            level = depths[comment.key]
        else:
            level = depth(comment)
        levels.extend([] for _ in range(level + 1 - len(levels)))
        levels[level].append(comment)
    return levels


def _threads(store: Store, db: Connection, site_id: int, foreign: ForeignSite, report: ImportReport) -> dict[str, int]:
    """The Kiebitz thread of each page that has comments; a new one dated by its first comment, closed if it was there."""
    first: dict[str, float] = {}
    for comment in foreign.comments:
        first[comment.thread_key] = min(first.get(comment.thread_key, comment.created), comment.created)
    ids = {}
    for key, created in first.items():
        thread = foreign.threads.get(key)
        if thread is None:
            continue
        try:
            uri = validation.uri(thread.uri)
        except InvalidInput:
            continue  # its comments are counted as having no thread
        existed = db.execute(select(schema.threads.c.id).where(
            (schema.threads.c.site_id == site_id) & (schema.threads.c.uri == uri)
        )).first() is not None
        row = store.ensure_thread(db, site_id, uri, _clean(thread.title)[:TITLE_COLUMN], created=created)
        if thread.closed and not existed:  # a thread already open here stays as its moderators left it
            db.execute(update(schema.threads).where(schema.threads.c.id == row.id).values(closed=True))
        report.threads += not existed
        ids[key] = row.id
    return ids


def _existing(db: Connection, thread_ids: list[int]) -> dict[tuple[int, int, str, str], tuple[int, int]]:
    """The comments already in these threads, by what makes an imported one the same: thread, second, name, text."""
    comments = schema.comments
    rows = db.execute(
        select(comments.c.id, comments.c.depth, comments.c.thread_id, comments.c.created, comments.c.author, comments.c.text)
        .where(comments.c.thread_id.in_(thread_ids))
    ).all() if thread_ids else []
    return {(row.thread_id, round(row.created), row.author, row.text): (row.id, row.depth) for row in rows}


def _row(
    comment: ForeignComment, thread_id: int, parent: tuple[int, int] | None, origin: str, report: ImportReport
) -> dict[str, Any]:
    text = _clean(comment.text)
    return {
        "thread_id": thread_id, "parent_id": parent[0] if parent else None, "depth": parent[1] + 1 if parent else 0,
        "author": _author(comment.author, report),
        "email": _checked("email", report, lambda: validation.email({"email": comment.email}, required=False)),
        "website": _checked("website", report, lambda: validation.website({"website": comment.website})),
        "text": text, "html": markup.render(text) if text else "", "status": comment.status.value,
        "created": comment.created, "modified": comment.modified, "likes": comment.likes, "dislikes": comment.dislikes,
        "pinned": comment.pinned, "staff": comment.staff, "verdict": "", "score": 0.0,
        "reasons": [{"code": "import", "message": f"imported from {origin} (its id there: {comment.key})", "weight": 0.0}],
        "signals": {},
    }


def _clean(value: str) -> str:
    return validation.plain(value).strip()


def _author(name: str, report: ImportReport) -> str:
    name = _clean(name)
    if len(name) > AUTHOR_COLUMN:
        report.left_out[f"names cut to {AUTHOR_COLUMN} characters"] += 1
    return name[:AUTHOR_COLUMN]


def _checked(name: str, report: ImportReport, rule: Callable[[], str]) -> str:
    """The value as Kiebitz's own form check stores it, or '' (counted) where that check refuses it."""
    try:
        return rule()
    except InvalidInput:
        report.left_out[f"{name} values that are not valid, left empty"] += 1
        return ""
