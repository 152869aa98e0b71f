"""Settings and block rules changed in the admin reach every process, not only the one that stored them."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kiebitz.app import build
from kiebitz.domain import Status
from kiebitz.moderation.comments import Client
from kiebitz.moderation.site_settings import REFRESH_SECONDS
from kiebitz.store.comments import BLOCK_RULES_MAX_AGE
from tests.conftest import make_settings

pytestmark = pytest.mark.usefixtures("database_backend")


def test_a_setting_changed_in_one_process_reaches_the_others(tmp_path: Path):
    first, second = build(make_settings(tmp_path)), build(make_settings(tmp_path))  # two workers, one database
    uri = "/artikel/regeln"
    assert b'"require_name":true' in second.comments.thread_json("default", uri)
    first.site_settings.change({"moderation": "all", "require_email": "on"})  # name no longer required

    deadline = time.monotonic() + 5  # on PostgreSQL the news of the write arrives a moment later
    while b'"require_name":false' not in second.comments.thread_json("default", uri):
        assert time.monotonic() < deadline, "the second process still renders the old form rules"
        time.sleep(0.02)

    time.sleep(REFRESH_SECONDS)
    payload = {"email": "ohne.namen@example.org", "text": "Ein Kommentar ohne Namen, jetzt erlaubt.",
               "form_token": second.signer.form_token("default", uri)}
    posted = second.comments.post("default", uri, payload, Client("198.51.100.9", "test", "", ""))
    assert posted.comment.status == Status.PENDING  # moderation "all" holds every comment
    assert second.site_settings.current()["moderation"] == "all"


def test_a_block_rule_added_in_one_process_holds_in_the_others(tmp_path: Path):
    first, second = build(make_settings(tmp_path)), build(make_settings(tmp_path))
    assert second.store.block_rules() == []  # read once, as judging a comment does
    first.store.add_block_rule("email", "spammer@example.org")
    time.sleep(BLOCK_RULES_MAX_AGE)
    assert [rule.value for rule in second.store.block_rules()] == ["spammer@example.org"]
