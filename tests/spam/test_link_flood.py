"""A link flood from an address pool: the sixth address posting the same host within the hour is held."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kiebitz.app import create_app
from kiebitz.domain import Status
from kiebitz.store.history import SiteHistory
from tests.admin.conftest import PASSWORD, Admin
from tests.conftest import Poster, make_settings

TEXTS = ["Guter Punkt, mehr dazu hier: {}", "Das sehe ich auch so, siehe {}", "Interessant, vergleiche {}",
         "Danke, passend dazu {}", "Stimmt, hier steht es auch: {}", "Genau, die Zahlen zur Miete sind dort gut erklärt: {}"]


def test_the_same_host_from_many_addresses_is_held(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    statuses = []
    for number, text in enumerate(TEXTS):  # each reader from its own network, as from an address pool
        with TestClient(create_app(settings), client=(f"198.51.{number}.7", 50000)) as reader:
            answer = Poster(reader).post(text=text.format(f"https://pool-offer.example/{number}"),
                                         email=f"reader{number}@example.org")
            assert answer.status_code in (201, 202), answer.text  # 202: held
            statuses.append(answer.json()["status"])
            store = reader.app.state.kiebitz.store
    assert statuses == ["published"] * 5 + ["pending"]
    now = time.time()
    assert SiteHistory(store).link_posters("pool-offer.example", now - 60) == 6
    assert SiteHistory(store).link_posters("pool-offer.example", now - 3600 - 86400, now - 3600) == 0  # the day before: none


def test_readers_linking_to_the_sites_own_articles_are_no_flood(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, allowed_origins="https://www.zeitung.example")
    statuses = []
    for number, text in enumerate(TEXTS):
        with TestClient(create_app(settings), client=(f"198.51.{number}.7", 50000)) as reader:
            answer = Poster(reader).post(text=text.format(f"https://www.zeitung.example/politik/{number}"),
                                         email=f"reader{number}@example.org")
            statuses.append(answer.json()["status"])
    assert statuses == ["published"] * 6


@pytest.mark.usefixtures("database_backend")
def test_once_a_moderator_publishes_a_held_link_the_next_readers_naming_its_host_are_not_held(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    report = "https://regionalzeitung.example/brand-lagerhalle"
    answers = []
    for number, text in enumerate(TEXTS + ["Hier die Bilder vom Brand: {}"]):
        with TestClient(create_app(settings), client=(f"198.51.{number}.7", 50000)) as reader:
            answers.append(Poster(reader).post(text=text.format(report), email=f"reader{number}@example.org").json())
            if number == len(TEXTS) - 1:  # the sixth is held; a moderator reads it and publishes it
                reader.app.state.kiebitz.users.add("anna", "moderator", PASSWORD)
                assert Admin(reader, "anna").post(f"/admin/comments/{answers[-1]['id']}/approve").status_code == 303
    assert [answer["status"] for answer in answers] == ["published"] * 5 + ["pending", "published"]
    store = reader.app.state.kiebitz.store
    assert SiteHistory(store).moderator_published_link("regionalzeitung.example", time.time() - 60)
    assert not SiteHistory(store).moderator_published_link("pool-offer.example", time.time() - 60)
    store.set_status(answers[5]["id"], Status.SPAM, actor="anna")  # taken back: no longer vouched for
    assert not SiteHistory(store).moderator_published_link("regionalzeitung.example", time.time() - 60)
