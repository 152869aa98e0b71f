"""An Akismet key's lessons leave out of their step what its recent checks share that training barely saw."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from kiebitz.spam.usual import AT_LEAST
from kiebitz.store import schema
from tests.api.conftest import BLOG
from tests.spam.test_usual import SITE

pytestmark = pytest.mark.usefixtures("database_backend")


def fields(key: str, n: int, text: str) -> dict[str, str]:
    return {"api_key": key, "blog": BLOG, "user_ip": f"203.0.113.{n}", "comment_type": "comment",
            "comment_author": f"Czytelnik {n}", "comment_content": text}


def stored_step(app, key: str) -> dict:  # type: ignore[no-untyped-def]
    examples = schema.spam_examples
    with app.app.state.kiebitz.store.read() as db:
        return json.loads(db.execute(select(examples.c.features).where(examples.c.batch == f"akismet:{key}")).scalars().one())


def test_a_keys_report_is_centred_on_its_recent_checks_and_a_new_keys_is_not(app, key):
    kiebitz = app.app.state.kiebitz
    for n, draft in enumerate(SITE[:AT_LEAST]):
        assert app.post("/1.1/comment-check", data=fields(key, n, draft.text)).status_code == 200
    reported = fields(key, 0, SITE[0].text)
    assert app.post("/1.1/submit-spam", data=reported).text == "Thanks for making the web a better place."
    step = stored_step(app, key)
    assert any(value < 0 for value in step["v"])  # the checks' usual n-grams are moved the other way
    assert kiebitz.model.checks.usual(f"akismet:{key}", kiebitz.model.model) is not None
    fresh = kiebitz.akismet.add_key("https://andere.example")  # too few checks in this process: the comment as it is
    for n, draft in enumerate(SITE[: AT_LEAST - 1]):
        app.post("/1.1/comment-check", data=fields(fresh, n, draft.text) | {"blog": "https://andere.example"})
    app.post("/1.1/submit-spam", data=fields(fresh, 1, SITE[0].text) | {"blog": "https://andere.example"})
    plain = stored_step(app, fresh)
    assert len(plain["i"]) < len(step["i"]) and all(value >= 0 for value in plain["v"])
