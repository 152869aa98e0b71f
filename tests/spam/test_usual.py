"""A lesson's step leaves out what the site's recent comments share that training barely saw (usual.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kiebitz.app import build, create_app
from kiebitz.domain import CommentDraft
from kiebitz.spam.store import load_base
from kiebitz.spam.usual import AT_LEAST, RARE_IDF, Usual
from kiebitz.store import schema
from tests.conftest import Poster, make_settings

pytestmark = pytest.mark.usefixtures("database_backend")

# A Polish site's everyday comments: a language the shipped model was not trained on.
OPENINGS = ["Dziękuję za artykuł,", "Nie zgadzam się z autorem,", "Moim zdaniem", "Szkoda, że", "Czy ktoś wie,",
            "Pięknie napisane,", "To prawda, że", "Mieszkam tu od lat i"]
ENDINGS = ["radni powinni się tym zająć jak najszybciej.", "objazd na głównej ulicy jest bardzo uciążliwy.",
           "ścieżka rowerowa przy moście jest niestety za wąska.", "nikt nie pomyślał o parkingach przy szkole.",
           "nowy basen w naszym mieście będzie otwarty dopiero w lipcu."]
SITE = [CommentDraft(text=f"{opening} {ending}") for opening in OPENINGS for ending in ENDINGS]
PROBE = CommentDraft(text="Czy ktoś wie, kiedy skończy się remont dworca? Dojeżdżam codziennie i to jest męczące.")
SPAM = ["Zarabiaj 500 zł dziennie w domu, napisz do mnie na WhatsApp +48 512 345 678",
        "Szybka pożyczka bez BIK, tylko dziś, kliknij link w profilu",
        "Pracuj zdalnie i zarabiaj tysiące, szczegóły w wiadomości prywatnej",
        "Darmowe kryptowaluty dla pierwszych stu osób, zarejestruj się teraz",
        "Najlepsze kasyno online, bonus 300 % na start, napisz do mnie"]


def lessons(usual: Usual | None) -> tuple[float, float]:
    """The probe's and a new spam comment's probability after five spam lessons."""
    model = load_base("default")
    for text in SPAM:
        model.learn(CommentDraft(text=text), is_spam=True, usual=usual)
    new_spam = CommentDraft(text="Zarabiaj tysiące złotych w domu, napisz do mnie na WhatsApp")
    return model.score(PROBE)[0], model.score(new_spam)[0]


def test_spam_lessons_move_a_sites_everyday_comments_less_when_the_step_leaves_out_what_they_share():
    model = load_base("default")
    usual = Usual.of(model, SITE)
    assert len(usual.indices) and (model.idf_[usual.indices] > RARE_IDF).all()
    before = model.score(PROBE)[0]
    probe_plain, spam_plain = lessons(None)
    probe_centred, spam_centred = lessons(usual)
    assert probe_plain - before > 2 * (probe_centred - before)  # the site's own talk drifts far less
    assert spam_centred > 0.5 and spam_centred > spam_plain - 0.1  # the spam is learned as well


def test_a_step_on_a_comment_with_nothing_usual_is_the_comment_itself():
    model = load_base("default")
    indices, values = np.array([3, 9], dtype=np.int32), np.array([0.6, 0.8])
    same = Usual.of(model, SITE[: AT_LEAST - 1]).taken_from(indices, values)  # too few comments to have a usual
    assert same[0] is indices and same[1] is values
    moved = Usual(np.array([9, 12], dtype=np.int32), np.array([0.5, 0.25], dtype=np.float32)).taken_from(indices, values)
    assert moved[0].tolist() == [3, 9, 12] and moved[1] == pytest.approx([0.6, 0.3, -0.25])


def test_a_moderators_lesson_is_centred_on_the_stored_comments_and_replayed_and_undone_exactly(tmp_path: Path):
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings), client=("203.0.113.7", 50000)) as client:
        kiebitz = client.app.state.kiebitz
        ids = []
        for n, draft in enumerate(SITE[:AT_LEAST]):
            answer = Poster(client).post(text=draft.text, email=f"czytelnik{n}@example.pl")
            assert answer.status_code in (201, 202)
            ids.append(answer.json()["id"])
        untaught = kiebitz.model.model.weights_.copy()
        kiebitz.moderation.mark_spam(ids[0], actor="anna")
        with kiebitz.store.read() as db:
            stored = json.loads(db.execute(select(schema.spam_examples.c.features)).scalars().one())
        own = kiebitz.model.model.vector_of(SITE[0])
        assert len(stored["i"]) > len(set(own.word_index) | set(own.char_index))  # the site's usual features too
        assert any(value < 0 for value in stored["v"])
        taught = kiebitz.model.model.weights_.copy()
    restarted = build(settings)  # another process replays the same step from the store
    assert np.allclose(restarted.model.model.weights_, taught, atol=1e-5)  # stored to six decimals
    restarted.moderation.approve(ids[0], actor="anna")  # decided again: the spam lesson is taken back first
    with restarted.store.read() as db:
        steps = db.execute(select(schema.spam_examples.c.features, schema.spam_examples.c.weight)).all()
    assert len(steps) == 3  # the spam lesson, its undo, the approval
    assert np.allclose(restarted.model.model.weights_ - untaught,
                       apply_alone(restarted.model.model, json.loads(steps[-1].features)), atol=1e-5)


def apply_alone(model, stored: dict) -> np.ndarray:  # type: ignore[no-untyped-def]
    """What one stored step changes in the weights."""
    change = np.zeros_like(model.weights_)
    change[np.array(stored["i"])] = np.float32(stored["s"] * model.calibration_[0]) * np.array(stored["v"],
                                                                                                 dtype=np.float32)
    return change
