"""The other system's decisions teach the filter: what its moderators approved, and what it held as spam.

A site that moves to Kiebitz brings years of such decisions, and the filter
learns a site's own kind of comments from them as it does from Kiebitz's own
moderators (docs/benchmarks.md, "Learning a new site's comments": 400
decisions lift a kind of comment the shipped model has not seen from AUC 0.84
to 0.985). Each lesson is one online step stored with the model, so at most
LESSONS_MAX of them: the newest, half spam where there is enough, in a mixed
order (steps taken in a run of one kind overshoot). A moderator's later
decision on an imported comment replaces its lesson, as for any other comment.
"""

from __future__ import annotations

import random
import time

from kiebitz.moderation.decisions import draft_of
from kiebitz.portability.loader import ImportReport
from kiebitz.spam.store import LearningModel
from kiebitz.store.comments import Store

LESSONS_MAX = 1000


def chosen_lessons(decided: list[tuple[float, int, bool]], limit: int = LESSONS_MAX) -> list[tuple[int, bool]]:
    """(id, is spam) of the newest decisions, spam up to half of ``limit`` unless approved ones are fewer."""
    newest = sorted(decided, reverse=True)
    spam = [(comment_id, True) for _, comment_id, is_spam in newest if is_spam]
    ham = [(comment_id, False) for _, comment_id, is_spam in newest if not is_spam]
    spam_count = min(len(spam), max(limit // 2, limit - len(ham)))
    chosen = spam[:spam_count] + ham[:limit - spam_count]
    random.Random(len(chosen)).shuffle(chosen)
    return chosen


def teach(store: Store, model: LearningModel, report: ImportReport) -> None:
    """Teach the filter the chosen decisions of a finished import, and count them in the report."""
    chosen = chosen_lessons(report.decided)
    comments = {comment.id: comment for comment in store.comments_by_ids(comment_id for comment_id, _ in chosen)}
    lessons = [(draft_of(comments[comment_id], {}), is_spam, f"comment:{comment_id}")
               for comment_id, is_spam in chosen if comment_id in comments]
    # One batch per import, so that an admin can take back what it taught in one action (/admin/lessons).
    model.learn_many(lessons, source="import", batch=f"import:{report.origin[:40]}:{int(time.time())}")
    for _, is_spam, _ in lessons:
        report.lessons["spam" if is_spam else "ham"] += 1
