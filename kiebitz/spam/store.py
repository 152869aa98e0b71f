"""The model's state in the store, so that it survives restarts and is shared.

State = a base model (trained offline: the shipped default, or one trained with
``kiebitz spam train``) plus the log of online steps in ``spam_examples``. Each
process replays the log on start and picks up steps written by other processes
before it scores, so several instances behind one database agree.

A moderator's decision and an import teach the shared model, which judges
every comment. What an Akismet key reports teaches only that key's own
weights (``LocalWeights``), added to the shared ones for that key's checks:
one key, whether its plugin has a bug or the key leaked, cannot teach the
filter to refuse another site's readers. A key's lessons are also capped per
hour (``KEY_LESSONS_PER_HOUR``). The shared model's lessons leave out of their step what the site's
recent comments share that training barely saw (usual.py); a key's lessons, what its last checks share.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from pathlib import Path

import numpy as np
from sqlalchemy import func, insert, select, update

from kiebitz.domain import CommentDraft, Reason, Status
from kiebitz.spam import model_file
from kiebitz.spam.model import LocalWeights, SpamModel, Step
from kiebitz.spam.usual import COMMENTS as RECENT_COMMENTS
from kiebitz.spam.usual import RecentChecks, Usual
from kiebitz.store import schema
from kiebitz.store.comments import Store, inserted_id

CATCH_UP_SECONDS = 1.0
USUAL_SECONDS = 600.0  # how long a process keeps what the site's recent comments share before reading them again
KEY_BATCH = "akismet:"  # the batch prefix of lessons that count only for one key's checks
DEFAULT_MODEL = Path(__file__).parent / "default_model" / "model.npz"


def load_base(name: str) -> SpamModel:
    """'default' is the model shipped in the package; anything else a model file's path.

    Each caller gets its own copy, since learning changes the weights in place.
    """
    path = DEFAULT_MODEL if name == "default" else Path(name)
    return _decoded(str(path.resolve()), path.stat().st_mtime).copy()


@functools.lru_cache(maxsize=4)
def _decoded(path: str, _mtime: float) -> SpamModel:
    return model_file.from_bytes(Path(path).read_bytes())


class LearningModel:
    """A SpamModel whose every ``learn`` is written to the store at once."""

    def __init__(self, store: Store, base: SpamModel) -> None:
        self.store = store
        self.model = base
        self.local: dict[str, LocalWeights] = {}  # by batch ("akismet:KEY")
        self._applied = 0
        self._looked = -CATCH_UP_SECONDS
        self._usual: tuple[float, Usual] | None = None  # (when read, what was read)
        self.checks = RecentChecks()  # what each Akismet key's last checks share, for its lessons
        self._lock = threading.Lock()
        self.catch_up()

    @property
    def site_language(self) -> str:
        return self.model.site_language

    def catch_up(self, force: bool = False) -> None:
        """Apply steps that other processes stored since we last looked (at most once a second).

        This process's own lessons are applied as they are made; another
        process's reach it within a second.
        """
        now = time.monotonic()
        if not force and now - self._looked < CATCH_UP_SECONDS:
            return
        self._looked = now
        with self.store.read() as db:
            newest = db.execute(select(func.max(schema.spam_examples.c.id))).scalar() or 0
            if newest <= self._applied:
                return
            rows = db.execute(
                select(schema.spam_examples).where(schema.spam_examples.c.id > self._applied).order_by(schema.spam_examples.c.id)
            ).all()
        with self._lock:
            for row in rows:
                if row.id > self._applied:
                    step = decode_step(row.features)
                    self.model.apply(step, sign=1.0 if row.weight >= 0 else -1.0, local=self._local_for(row.batch))
                    self._applied = row.id

    def _local_for(self, batch: str | None) -> LocalWeights | None:
        """The weights a lesson of ``batch`` changes: a key's own, or (None) the shared model's."""
        if batch is None or not batch.startswith(KEY_BATCH):
            return None
        return self.local.setdefault(batch, LocalWeights())

    def score(self, draft: CommentDraft) -> tuple[float, list[Reason]]:
        self.catch_up()
        return self.model.score(draft)

    def wants_meaning(self, draft: CommentDraft) -> bool:
        return self.model.wants_meaning(draft)

    def for_key(self, key: str) -> KeyScorer:
        """A scorer for one Akismet key's checks: the shared model plus what that key has taught."""
        return KeyScorer(self, KEY_BATCH + key)

    def learn(self, draft: CommentDraft, is_spam: bool, source: str, ref: str = "", batch: str | None = None,
              held: bool = False) -> None:
        """Teach one decision; a repeated decision on the same ``ref`` first takes the old one back. A decision
        on a ``held`` comment also moves the site's prior (``SpamModel.learn``)."""
        self.learn_many([(draft, is_spam, ref)], source, keep_agreed=True, batch=batch, held=held)

    def learn_many(
        self, lessons: list[tuple[CommentDraft, bool, str]], source: str, keep_agreed: bool = False,
        batch: str | None = None, held: bool = False,
    ) -> None:
        """Teach (draft, is spam, ref) decisions in order, stored in one transaction.

        A lesson the model already agreed with (a step of size 0) is stored only with
        ``keep_agreed``: an import's thousand approved comments would otherwise fill the
        log with rows that change nothing. ``batch`` names lessons taught together
        (see ``schema.spam_examples``); an Akismet key's batch changes only its own weights.
        """
        self.catch_up(force=True)
        # What the site's recent comments share, or for a key's lessons what its recent checks share (usual.py);
        # read before the lock, which scoring waits for: the site's read takes a tenth of a second every ten minutes
        usual = self.checks.usual(batch, self.model) if batch is not None and batch.startswith(KEY_BATCH) else self.usual()
        with self._lock:
            for ref in self._taught([ref for _, _, ref in lessons if ref]):
                self._forget(ref)
            local = self._local_for(batch)
            with self.store.write() as db:
                for draft, is_spam, ref in lessons:
                    step = self.model.learn(draft, is_spam, local, held, usual)
                    if step.size == 0 and step.prior == 0 and not keep_agreed:
                        continue
                    result = db.execute(insert(schema.spam_examples).values(
                        is_spam=is_spam, weight=1.0, features=encode_step(step), source=source, ref=ref, created=time.time(),
                        batch=batch,
                    ))
                    self._applied = max(self._applied, inserted_id(result))

    def usual(self) -> Usual:
        """What the site's most recent comments share that training barely saw (usual.py), read again after
        ``USUAL_SECONDS``: a lesson's step leaves it out. 0.1 to 0.2 s for 500 comments, with both cores busy."""
        now = time.monotonic()
        if self._usual is None or now - self._usual[0] > USUAL_SECONDS:
            comments = schema.comments
            with self.store.read() as db:
                rows = db.execute(select(comments.c.text, comments.c.author, comments.c.email, comments.c.website)
                                  .where(comments.c.status != Status.DELETED.value)
                                  .order_by(comments.c.id.desc()).limit(RECENT_COMMENTS)).all()
            drafts = [CommentDraft(text=row.text, author=row.author, email=row.email, website=row.website)
                      for row in rows]
            self._usual = (now, Usual.of(self.model, drafts))
        return self._usual[1]

    def _taught(self, refs: list[str]) -> list[str]:
        """Those of ``refs`` that have lessons in force, in their order: one look, not a transaction each."""
        found: set[str] = set()
        with self.store.read() as db:
            for start in range(0, len(refs), 500):
                found.update(db.execute(select(schema.spam_examples.c.ref).where(
                    schema.spam_examples.c.ref.in_(refs[start:start + 500]))).scalars())
        return [ref for ref in dict.fromkeys(refs) if ref in found]

    def unlearn(self, ref: str) -> bool:
        self.catch_up(force=True)
        with self._lock:
            return self._forget(ref)

    def _forget(self, ref: str) -> bool:
        """Write the exact opposite of earlier steps for ``ref`` (as negative-weight rows)."""
        with self.store.write() as db:
            rows = db.execute(
                select(schema.spam_examples).where(schema.spam_examples.c.ref == ref).order_by(schema.spam_examples.c.id)
            ).all()
            if not rows:
                return False
            for row in rows:
                step = decode_step(row.features)
                self.model.apply(step, sign=-1.0 if row.weight >= 0 else 1.0, local=self._local_for(row.batch))
            # The originals stay (a fresh process replays them and then their undo);
            # renaming their ref keeps them from being undone twice.
            db.execute(update(schema.spam_examples).where(schema.spam_examples.c.ref == ref).values(ref="undone:" + ref))
            for row in rows:
                result = db.execute(
                    insert(schema.spam_examples).values(
                        is_spam=row.is_spam, weight=-row.weight, features=row.features, source="unlearn",
                        ref=f"undo:{ref}", created=time.time(), batch=row.batch,
                    )
                )
                self._applied = max(self._applied, inserted_id(result))
            return True

    def forget_batch(self, batch: str) -> int:
        """Take back every lesson of ``batch`` still in force (a key's reports, an import); how many."""
        self.catch_up(force=True)
        examples = schema.spam_examples
        with self.store.read() as db:
            refs = list(dict.fromkeys(db.execute(
                select(examples.c.ref).where(examples.c.batch == batch, examples.c.weight > 0,
                                             ~examples.c.ref.startswith("undone:")).order_by(examples.c.id)).scalars()))
        with self._lock:
            return sum(self._forget(ref) for ref in refs)

    def lessons_since(self, batch: str, since: float) -> int:
        """Lessons of ``batch`` taught since ``since`` (a time), taken back or not: what a rate limit counts."""
        examples = schema.spam_examples
        with self.store.read() as db:
            return int(db.execute(select(func.count()).select_from(examples).where(
                examples.c.batch == batch, examples.c.created >= since, examples.c.weight > 0)).scalar() or 0)

    def examples_learned(self) -> int:
        with self.store.read() as db:
            return int(db.execute(select(func.count()).select_from(schema.spam_examples).where(
                schema.spam_examples.c.weight > 0)).scalar() or 0)

    @property
    def prior(self) -> float:
        """The site's prior in logits (``SpamModel.prior_``), as this process has replayed the lessons."""
        self.catch_up()
        return self.model.prior_


class KeyScorer:
    """``LearningModel.score`` for one Akismet key's checks (see ``LearningModel.for_key``)."""

    def __init__(self, learning: LearningModel, batch: str) -> None:
        self.learning = learning
        self.batch = batch

    def score(self, draft: CommentDraft) -> tuple[float, list[Reason]]:
        self.learning.catch_up()
        model = self.learning.model
        scored = model.score(draft, local=self.learning.local.get(self.batch))
        self.learning.checks.add(self.batch, model, model.vector_of(draft))  # the draft keeps its features
        return scored

    @property
    def prior(self) -> float:
        """What the key's reports on comments its plugin held added to the site's prior."""
        self.learning.catch_up()
        local = self.learning.local.get(self.batch)
        return 0.0 if local is None else local.prior


def encode_step(step: Step) -> str:
    """The step as stored; the prior's move ("p") is kept as computed, so a replay adds up to the same prior."""
    data = {"i": step.indices.tolist(), "v": [round(float(v), 6) for v in step.values], "s": step.size}
    return json.dumps(data | {"p": step.prior} if step.prior else data)


def decode_step(raw: str) -> Step:
    data = json.loads(raw)
    return Step(np.array(data["i"], dtype=np.int32), np.array(data["v"], dtype=np.float32), float(data["s"]),
                float(data.get("p", 0.0)))


def load_model(store: Store, name: str, site_language: str = "", encoder: bool = True,
               keywords: bool = True) -> LearningModel:
    """The base model with the store's lessons; ``encoder=False`` leaves the meaning head out (the n-grams keep
    their own calibration from left-out corpora), for a machine short of memory; ``keywords=False`` leaves out
    SmokeDetector's spam keywords, for a site whose topics use them."""
    base = load_base(name)
    base.site_language = site_language
    if not encoder:
        base.meaning_ = base.blend_ = None
    if not keywords:
        base.spam_keywords_ = None
    return LearningModel(store, base)
