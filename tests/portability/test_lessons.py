"""An import teaches the filter what the other system's moderators decided: approved comments and spam."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from kiebitz.app import build
from kiebitz.cli import main
from kiebitz.domain import CommentDraft, Status
from kiebitz.portability.lessons import chosen_lessons, teach
from kiebitz.portability.loader import load
from kiebitz.portability.records import ForeignComment, ForeignSite, ForeignThread
from kiebitz.store import schema
from tests.conftest import make_settings
from tests.spam.test_learning import EVERYDAY_GERMAN, NEW_KIND_OF_SPAM

pytestmark = pytest.mark.usefixtures("database_backend")

NEW_SPAM = CommentDraft(text="Zirbelkiefer Kristallkissen: heilt Schlafprobleme sofort, jetzt bei kristallkissen-shop bestellen",
                        author="Kissen", email="kissen@example.com")


def other_system(count: int = 20) -> ForeignSite:
    """A site whose moderators approved everyday comments and sent a new kind of spam to the spam folder."""
    site = ForeignSite("WordPress", threads={"t": ForeignThread("t", "/artikel/brücke")})
    site.comments = [
        ForeignComment(key=f"spam-{n}", thread_key="t", parent_key=None, author="Kissen", email="kissen@example.com",
                       website="", text=text, status=Status.SPAM, created=1_700_000_000 + n)
        for n, text in enumerate(NEW_KIND_OF_SPAM[:count])
    ] + [
        ForeignComment(key=f"ham-{n}", thread_key="t", parent_key=None, author="Leserin", email="leserin@example.de",
                       website="", text=text, status=Status.PUBLISHED, created=1_700_000_100 + n)
        for n, text in enumerate(EVERYDAY_GERMAN)
    ]
    return site


def test_the_newest_decisions_are_chosen_half_of_them_spam_if_there_is_enough():
    many_ham = [(float(n), n, n < 10) for n in range(3000)]  # 10 spam, the oldest
    chosen = chosen_lessons(many_ham)
    assert len(chosen) == 1000 and sum(is_spam for _, is_spam in chosen) == 10
    assert {comment_id for comment_id, is_spam in chosen if not is_spam} == set(range(2010, 3000))
    many_spam = [(float(n), n, n >= 100) for n in range(5000)]
    chosen = chosen_lessons(many_spam)
    assert sum(is_spam for _, is_spam in chosen) == 900 and min(comment_id for comment_id, _ in chosen) == 0
    balanced = chosen_lessons([(float(n), n, n % 2 == 0) for n in range(4000)])
    assert sum(is_spam for _, is_spam in balanced) == 500
    assert [is_spam for _, is_spam in balanced[:20]] != sorted(is_spam for _, is_spam in balanced[:20])  # mixed


def test_imported_decisions_teach_the_filter_and_a_moderator_can_overrule_one(tmp_path: Path):
    kiebitz = build(make_settings(tmp_path))
    before, _ = kiebitz.model.score(NEW_SPAM)
    report = load(kiebitz.store, other_system(), "default")
    teach(kiebitz.store, kiebitz.model, report)
    after, _ = kiebitz.model.score(NEW_SPAM)
    assert before < 0.5 <= after, (before, after)
    assert report.lessons == {"spam": 20, "ham": 10}
    assert "the filter learned from 20 spam and 10 approved comments" in report.lines()
    for text in EVERYDAY_GERMAN:
        assert kiebitz.model.score(CommentDraft(text=text, author="Anna", email="anna@example.de"))[0] < 0.5, text

    fresh = build(make_settings(tmp_path))  # another process, or a restart, replays the lessons
    assert fresh.model.score(NEW_SPAM)[0] == pytest.approx(after, abs=1e-6)
    with kiebitz.store.read() as db:
        sources = set(db.execute(select(schema.spam_examples.c.source)).scalars())
        lesson = db.execute(select(schema.spam_examples.c.ref).where(schema.spam_examples.c.is_spam)).scalar()
    assert sources == {"import"}
    spam_id = int(lesson.removeprefix("comment:"))  # a lesson the model took (one it agreed with is not stored)
    kiebitz.moderation.mark_ham(spam_id, "anna")  # replaces that comment's lesson, as for any other
    with kiebitz.store.read() as db:
        refs = list(db.execute(select(schema.spam_examples.c.ref).where(schema.spam_examples.c.source == "import")
                               .where(schema.spam_examples.c.ref.like(f"%comment:{spam_id}"))).scalars())
    assert refs == [f"undone:comment:{spam_id}"]


def test_the_cli_teaches_unless_told_not_to_or_dry_running(tmp_path: Path):
    from tests.portability.test_importers import DATA

    settings = make_settings(tmp_path)
    config = tmp_path / "site.toml"
    config.write_text(f'database = "{settings.database}"\n')

    def learned() -> int:
        with build(settings).store.read() as db:
            return len(db.execute(select(schema.spam_examples.c.id)).all())

    for options in (["--dry-run"], ["--no-learn"]):
        result = CliRunner().invoke(main, ["import", str(DATA / "disqus.xml"), "--config", str(config), *options])
        assert result.exit_code == 0, result.output
        assert "learned" not in result.output and learned() == 0
    result = CliRunner().invoke(main, ["import", str(DATA / "wordpress.xml"), "--config", str(config)])
    assert "the filter learned from 0 spam and 2 approved comments" in result.output.splitlines()


def test_an_imports_lessons_are_one_batch_taken_back_in_one_action(tmp_path: Path):
    from kiebitz.moderation.lessons import LessonBatches

    kiebitz = build(make_settings(tmp_path))
    before, _ = kiebitz.model.score(NEW_SPAM)
    teach(kiebitz.store, kiebitz.model, load(kiebitz.store, other_system(), "default"))
    batches = LessonBatches(kiebitz.store, kiebitz.model)
    (batch,) = batches.list()
    assert batch.source == "import" and batch.label == "WordPress" and batch.spam > 0  # lessons that changed the model
    assert batches.take_back(batch.batch) == batch.spam + batch.ham
    assert kiebitz.model.score(NEW_SPAM)[0] == pytest.approx(before, abs=1e-6)
    assert batches.list() == []
    assert build(make_settings(tmp_path)).model.score(NEW_SPAM)[0] == pytest.approx(before, abs=1e-6)  # after a restart too
