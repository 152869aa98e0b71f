"""The learned model: ships trained, explains itself, learns online, persists."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from kiebitz.app import build, create_app
from kiebitz.domain import CommentDraft, Label
from kiebitz.spam import model_file
from kiebitz.spam.model import SpamModel
from kiebitz.spam.store import load_base
from tests.conftest import Poster, make_settings

pytestmark = pytest.mark.usefixtures("database_backend")

EVERYDAY_GERMAN = [
    "Ich finde den Artikel gut geschrieben, aber die Zahlen zur Miete hätte ich gern genauer gesehen.",
    "Danke für die Zusammenfassung! Wann genau tagt der Gemeinderat das nächste Mal?",
    "Bei uns im Dorf fährt der Bus seit Wochen nur noch stündlich, das ist eine Zumutung.",
    "Sehr interessanter Bericht über die Sanierung der Schule. Weiter so!",
    "Das sehe ich anders: Die Radwege sind in den letzten Jahren deutlich besser geworden.",
    "Hat jemand eine Ahnung, ob der Wochenmarkt am Samstag trotzdem stattfindet?",
    "Meine Oma hat früher in der Fabrik gearbeitet, schön, dass darüber berichtet wird.",
    "Der Kommentar von Herrn Müller trifft es ziemlich genau, finde ich.",
    "Wieso wird die Brücke eigentlich erst 2027 fertig? Das war doch anders geplant.",
    "Toller Artikel, ich habe ihn gleich an meine Kollegen weitergeleitet.",
]
NEW_KIND_OF_SPAM = [
    f"Zirbelkiefer Kristallkissen Nummer {n}: heilt Rückenschmerzen über Nacht, jetzt bei kristallkissen-shop bestellen"
    for n in range(20)
]


def test_default_model_passes_everyday_german_comments():
    model = load_base("default")
    for text in EVERYDAY_GERMAN:
        probability, _ = model.score(CommentDraft(text=text, author="Anna", email="anna@example.de"))
        assert probability < 0.5, (text, probability)


def test_default_model_catches_obvious_spam_and_says_why():
    model = load_base("default")
    probability, reasons = model.score(CommentDraft(
        text="Check out my channel and subscribe!!! Free iPhone giveaway http://bit.ly/xyz", author="Promo"))
    assert probability >= 0.9
    assert reasons and all(reason.weight > 0 for reason in reasons)
    assert any("subscribe" in reason.message or "channel" in reason.message for reason in reasons)


def test_reasons_read_as_sentences():
    _, reasons = load_base("default").score(CommentDraft(text="click here click here now"), explain=10)
    messages = [reason.message for reason in reasons]
    assert "the words 'click here' point to spam" in messages
    assert "the word 'click' points to spam" in messages


def test_training_on_a_small_sample_separates_classes():
    spam = [f"WIN a free prize now, call 0800{n:04d} and claim cash" for n in range(30)]
    ham = [f"are we still meeting for lunch at {n} o'clock tomorrow?" for n in range(30)]
    model = SpamModel().fit([CommentDraft(text=t) for t in spam + ham], np.array([True] * 30 + [False] * 30))
    assert model.score(CommentDraft(text="claim your free cash prize, call now"))[0] > 0.5
    assert model.score(CommentDraft(text="lunch tomorrow at noon?"))[0] < 0.5


def test_learn_and_unlearn_are_exact_opposites():
    model = load_base("default")
    draft = CommentDraft(text="Ein ganz eigener Kommentar über Kristallkissen.")
    before = model.weights_.copy()
    step = model.learn(draft, is_spam=True)
    assert not np.array_equal(before, model.weights_)
    model.unlearn(step)
    assert np.allclose(before, model.weights_, atol=1e-6)


def test_a_run_of_spam_lessons_leaves_other_comments_as_they_were():
    """Lessons move the weights of the decided comments' features, not the model's prior (only a decision on a
    held comment moves the site's prior: test_site_prior.py)."""
    model = load_base("default")
    everyday = [CommentDraft(text=text, author="Anna", email="anna@example.de") for text in EVERYDAY_GERMAN]
    before = model.score_many(everyday)
    intercept = model.intercept_
    for text in NEW_KIND_OF_SPAM:
        model.learn(CommentDraft(text=text), is_spam=True)
    assert model.intercept_ == intercept
    assert np.all(model.score_many(everyday) < 0.5)
    assert np.abs(model.score_many(everyday) - before).max() < 0.1


def test_model_round_trips_through_bytes():
    model = load_base("default")
    twin = model_file.from_bytes(model_file.to_bytes(model))
    draft = CommentDraft(text="Free money!!! click http://spam.example now")
    assert abs(model.score(draft)[0] - twin.score(draft)[0]) < 1e-6


def test_twenty_examples_of_a_new_kind_of_spam_flip_the_verdict(tmp_path: Path):
    kiebitz = build(make_settings(tmp_path))
    probe = CommentDraft(text="Neu: Zirbelkiefer Kristallkissen heilt Rückenschmerzen, bei kristallkissen-shop bestellen",
                         website="https://kristallkissen-shop.example")
    assert kiebitz.spam_filter.judge(probe).label == Label.HAM
    for text in NEW_KIND_OF_SPAM:
        kiebitz.model.learn(CommentDraft(text=text), is_spam=True, source="test")
    assert kiebitz.spam_filter.judge(probe).label in (Label.SPAM, Label.DISCARD)
    # without its website it gives no way to reach the shop: held for a moderator, not sent to the spam queue
    assert kiebitz.spam_filter.judge(replace(probe, website="")).label == Label.UNSURE
    for text in EVERYDAY_GERMAN:
        assert kiebitz.spam_filter.judge(CommentDraft(text=text)).label == Label.HAM, text


def test_learning_persists_across_a_restart_and_reaches_other_instances(tmp_path: Path):
    settings = make_settings(tmp_path)
    first, second = build(settings), build(settings)
    probe = CommentDraft(text="Neu: Zirbelkiefer Kristallkissen heilt Rückenschmerzen, bei kristallkissen-shop bestellen")
    for text in NEW_KIND_OF_SPAM:
        first.model.learn(CommentDraft(text=text), is_spam=True, source="test")
    learned = first.model.score(probe)[0]
    time.sleep(1.1)  # other instances look for new lessons once a second
    assert abs(second.model.score(probe)[0] - learned) < 1e-5  # the other instance caught up
    restarted = build(settings)
    assert abs(restarted.model.score(probe)[0] - learned) < 1e-5


def test_moderator_decisions_teach_and_can_be_reversed(tmp_path: Path):
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings)) as client:
        kiebitz = client.app.state.kiebitz
        poster = Poster(client)
        comment = poster.post(text="Zirbelkiefer Kristallkissen heilt alles, bestellen bei kristallkissen-shop").json()
        before = kiebitz.model.score(CommentDraft(text="Kristallkissen aus Zirbelkiefer bei kristallkissen-shop"))[0]
        kiebitz.moderation.mark_spam(comment["id"], actor="mod")
        after = kiebitz.model.score(CommentDraft(text="Kristallkissen aus Zirbelkiefer bei kristallkissen-shop"))[0]
        assert after > before
        kiebitz.moderation.mark_ham(comment["id"], actor="mod")
        trail = kiebitz.store.audit_trail(comment["id"])
        assert [row["to_status"] for row in trail] == ["published", "spam", "published"]
    restarted = build(settings)
    again = restarted.model.score(CommentDraft(text="Kristallkissen aus Zirbelkiefer bei kristallkissen-shop"))[0]
    assert again < after


def test_every_comment_stores_verdict_score_and_reasons(client, poster):
    comment_id = poster.post(text="Danke für den ausführlichen Bericht über den Stadtrat.").json()["id"]
    stored = client.app.state.kiebitz.store.get_comment(comment_id)
    assert stored.verdict == "ham" and stored.score < 0.5
    assert stored.reasons and {"code", "message", "weight"} <= set(stored.reasons[0])
    blatant = poster.post(text="Check out my channel, subscribe!!! FREE iPhone http://bit.ly/abc", email="x@promo.example")
    assert blatant.status_code == 202  # the model alone never discards: to the spam queue, with its reasons
    stored = client.app.state.kiebitz.store.get_comment(blatant.json()["id"])
    assert stored.status.value == "spam" and stored.verdict == "spam" and stored.score >= 0.995
    with_links = poster.post(text="Check out my channel, subscribe!!! FREE iPhone http://bit.ly/abc http://bit.ly/d "
                                  "http://bit.ly/e", email="y@promo.example")
    assert with_links.status_code == 403 and with_links.json()["error"]["field"] == "text"


def test_a_quick_post_that_waits_for_the_writer_threads_is_still_too_quick(tmp_path: Path) -> None:
    """The time to submit ends when the post arrives. Counted when a writer thread got to it, a bot's quick post
    behind a backlog of others grew slow enough to pass (and the test below failed on a busy machine)."""
    import threading

    from kiebitz.api import http

    with TestClient(create_app(make_settings(tmp_path, min_submit_seconds=2))) as client:
        poster = Poster(client)
        token = poster.token("/a")
        busy, release = threading.Barrier(http.WRITER_THREADS + 1), threading.Event()
        backlog = [http._WRITERS.submit(lambda: (busy.wait(), release.wait())) for _ in range(http.WRITER_THREADS)]
        busy.wait(timeout=10)  # every writer thread holds a task of the backlog
        threading.Timer(2.5, release.set).start()
        fast = poster.post(uri="/a", form_token=token)
        assert all(task.done() for task in backlog)  # it waited behind them
        assert fast.status_code == 400 and fast.json()["error"]["field"] == "form_token"
        # well under the 2.5 s the post waited: the token carries the second it was issued in, so up to 1 s more
        waited = re.search(r"submitted (-?[0-9.]+) s", fast.json()["error"]["message"])
        assert waited is not None and float(waited.group(1)) < 2.0


def test_honeypot_too_fast_and_flood_over_http(tmp_path: Path):
    with TestClient(create_app(make_settings(tmp_path, min_submit_seconds=2, flood_seconds=15))) as client:
        poster = Poster(client)
        token = poster.token("/a")
        fast = poster.post(uri="/a", form_token=token)
        assert fast.status_code == 400 and fast.json()["error"]["field"] == "form_token"
        import time

        time.sleep(2.1)
        trap = poster.post(uri="/a", form_token=token, homepage="http://bot.example")
        assert trap.status_code == 403 and "spam" in trap.json()["error"]["message"]
        assert poster.post(uri="/a", form_token=token).status_code == 201
        flood = poster.post(uri="/a", form_token=token)
        assert flood.status_code == 429
