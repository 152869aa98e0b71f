"""A phone number given again within the week: the next comment with it is held until a moderator vouches for it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kiebitz import fingerprint
from kiebitz.app import create_app
from kiebitz.spam import rules
from kiebitz.store.history import SiteHistory
from tests.admin.conftest import PASSWORD, Admin
from tests.api.test_akismet_history import HOTLINE
from tests.conftest import Poster, make_settings


@pytest.mark.usefixtures("database_backend")
def test_a_number_given_before_is_held_until_a_moderator_publishes_it(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    answers = []
    for number, text in enumerate(HOTLINE):  # each reader from an address of its own
        with TestClient(create_app(settings), client=(f"198.51.{number}.7", 50000)) as reader:
            answers.append(Poster(reader).post(text=text, email=f"reader{number}@example.org").json())
            if number == 1:  # the second is held; a moderator reads it and publishes it
                kiebitz = reader.app.state.kiebitz
                [reason] = [reason for reason in kiebitz.store.get_comment(answers[-1]["id"]).reasons
                            if reason["code"] == rules.REPEATED_NUMBER]
                assert reason["message"] == "the phone number 0176-12345678 was in comments from 1 address within the week"
                kiebitz.users.add("anna", "moderator", PASSWORD)
                assert Admin(reader, "anna").post(f"/admin/comments/{answers[-1]['id']}/approve").status_code == 303
    assert [answer["status"] for answer in answers] == ["published", "pending", "published", "published"]
    store = reader.app.state.kiebitz.store
    [key] = fingerprint.phone_numbers(HOTLINE[0])
    since = time.time() - 60
    history = SiteHistory(store)
    assert history.number_posters(key, since) == 4 and history.moderator_published_number(key, since)
