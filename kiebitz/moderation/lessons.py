"""What the filter was taught in batches (an Akismet key's reports, an import's decisions), to see and take back.

A moderator's own decisions are taken back one by one, by deciding again; a
batch can hold hundreds of lessons from one source an admin no longer trusts
(a plugin with a bug, a leaked key, an import of a badly moderated site).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from kiebitz.errors import InvalidInput
from kiebitz.spam.meaning import sigmoid
from kiebitz.spam.store import KEY_BATCH, LearningModel
from kiebitz.store import schema
from kiebitz.store.comments import Store


@dataclass(frozen=True)
class LessonBatch:
    batch: str
    source: str  # "akismet" or "import"
    label: str  # the key's blog, or the system imported from
    spam: int  # lessons in force
    ham: int
    first: float
    last: float
    reports_over_limit: int  # an Akismet key's reports counted but not learned (all months)
    # An Akismet key's own prior, from its reports on comments its plugin held: what it makes of a comment the
    # filter alone puts at 0.5 for that key's checks (the site's prior included); None for an import or no prior
    at_half: float | None = None


class LessonBatches:
    def __init__(self, store: Store, model: LearningModel) -> None:
        self.store = store
        self.model = model

    def list(self) -> list[LessonBatch]:
        examples, keys, usage = schema.spam_examples, schema.akismet_keys, schema.akismet_usage
        in_force = (examples.c.weight > 0) & ~examples.c.ref.startswith("undone:")
        with self.store.read() as db:
            rows = db.execute(
                select(examples.c.batch,
                       func.sum(case((examples.c.is_spam, 1), else_=0)).label("spam"),
                       func.sum(case((examples.c.is_spam, 0), else_=1)).label("ham"),
                       func.min(examples.c.created).label("first"), func.max(examples.c.created).label("last"))
                .where(in_force, examples.c.batch.is_not(None)).group_by(examples.c.batch)
                .order_by(func.max(examples.c.created).desc())
            ).all()
            sites = dict(db.execute(select(keys.c.key, keys.c.site_url)).all())
            over = dict(db.execute(select(usage.c.key, func.sum(usage.c.reports_over_limit)).group_by(usage.c.key)).all())
        batches = []
        for row in rows:
            if row.batch.startswith(KEY_BATCH):
                key = row.batch.removeprefix(KEY_BATCH)
                source, label = "akismet", str(sites.get(key, key))
            else:  # "import:WordPress:1733300000"
                key, source, label = "", "import", row.batch.split(":")[1] if row.batch.count(":") >= 2 else row.batch
            own = self.model.for_key(key).prior if source == "akismet" else 0.0
            batches.append(LessonBatch(row.batch, source, label, int(row.spam or 0), int(row.ham or 0), float(row.first),
                                       float(row.last), int(over.get(key, 0) or 0),
                                       sigmoid(self.model.prior + own) if own else None))
        return batches

    def prior_at_half(self) -> float | None:
        """What the site's prior makes of a comment the trained filter alone puts at 0.5; None while it is 0."""
        prior = self.model.prior
        return sigmoid(prior) if prior else None

    def take_back(self, batch: str) -> int:
        """Take back every lesson of ``batch``: how many were taken back."""
        batch = batch.strip()
        if not batch or len(batch) > 100:
            raise InvalidInput("batch must name a batch of lessons, as /admin/lessons lists them", "batch")
        return self.model.forget_batch(batch)
