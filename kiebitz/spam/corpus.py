"""Labelled CSV corpora (``id,text,label,author,date,source``) as drafts and labels."""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kiebitz.domain import CommentDraft

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class Corpus:
    ids: list[str] = field(default_factory=list)
    drafts: list[CommentDraft] = field(default_factory=list)
    is_spam: list[bool] = field(default_factory=list)
    skipped: int = 0

    def __len__(self) -> int:
        return len(self.ids)

    def extend(self, other: Corpus) -> None:
        self.ids += other.ids
        self.drafts += other.drafts
        self.is_spam += other.is_spam
        self.skipped += other.skipped


def read_corpus(path: str | Path, other_labels_as_ham: tuple[str, ...] = ()) -> Corpus:
    """Rows labelled spam or ham; others are skipped and counted (or read as ham when named).

    Forgiving where spreadsheets differ: a byte-order mark before the header, "Spam" or "HAM ".
    """
    corpus = Corpus()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            label = (row.get("label") or "").strip().lower()
            if label in other_labels_as_ham:
                label = "ham"
            if label not in ("spam", "ham"):
                corpus.skipped += 1
                continue
            corpus.ids.append(row.get("id") or str(len(corpus.ids)))
            # The author column is a display name at best; the model reads only its shape.
            corpus.drafts.append(CommentDraft(text=row.get("text") or "", author=row.get("author") or ""))
            corpus.is_spam.append(label == "spam")
    return corpus
