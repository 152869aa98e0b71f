"""A WordPress site's moderators teach its key's own prior, as the widget's moderators teach the site's."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kiebitz.cli import main
from kiebitz.domain import CommentDraft
from kiebitz.spam.meaning import sigmoid
from tests.admin.conftest import PASSWORD, Admin
from tests.api.conftest import BLOG

pytestmark = pytest.mark.usefixtures("database_backend")

# Cyrillic е and с among the Latin letters: held by the disguised-word rule, whatever the model says.
DISGUISED = "Verdienen Sie Gеld von zu Hause, sсhrеibеn Sie mir. Angebot Nummer {n} für unsere Leser"
PROBE = CommentDraft(text="Danke für den Bericht über die Sitzung, ich war auch da und fand die Debatte gut.")


def fields(key: str, n: int, **more: str) -> dict[str, str]:
    return {"api_key": key, "blog": BLOG, "user_ip": f"203.0.113.{n}", "comment_type": "comment",
            "comment_author": f"Leser {n}", "comment_content": DISGUISED.format(n=n), **more}


def test_reports_on_comments_a_plugin_held_move_only_that_keys_prior(app, key, settings, tmp_path):
    kiebitz = app.app.state.kiebitz
    for n in range(3):
        check = app.post("/1.1/comment-check", data=fields(key, n, kiebitz_can_hold="1"))
        assert (check.text, check.headers.get("X-Kiebitz-Hold")) == ("false", "true")
        assert app.post("/1.1/submit-ham", data=fields(key, n)).text == "Thanks for making the web a better place."
    assert kiebitz.model.for_key(key).prior < 0 and kiebitz.model.prior == 0  # the widget's comments are judged as before
    shared = kiebitz.model.score(PROBE)[0]
    assert kiebitz.model.for_key(key).score(PROBE)[0] < shared
    kiebitz.users.add("anna", "admin", PASSWORD)
    Admin(app, "anna")
    share = round(100 * sigmoid(kiebitz.model.for_key(key).prior))
    assert f"Ein Kommentar bei 50 % gilt für diese Website jetzt als {share} %" in app.get("/admin/lessons").text
    config = tmp_path / "site.toml"
    config.write_text(f'database = "{settings.database}"\n')
    listed = CliRunner().invoke(main, ["lessons", "list", "--config", str(config)]).output
    assert f"akismet:{key}  spam 0  ham 3" in listed and f"50 % judged at {share} %" in listed
    approved = kiebitz.model.for_key(key).prior
    app.post("/1.1/comment-check", data=fields(key, 9, kiebitz_can_hold="1"))
    app.post("/1.1/submit-spam", data=fields(key, 9))
    assert kiebitz.model.for_key(key).prior > approved
    usage = app.get("/1.2/key-sites", params={"api_key": key}).json()
    assert usage[next(iter(usage))][0]["missed_spam"] == "0"  # it was held, not missed


def test_a_report_on_a_comment_the_client_published_does_not_move_the_prior(app, key):
    """A stock Akismet client publishes a "false" whatever X-Kiebitz-Hold says: nobody decided on it while held."""
    kiebitz = app.app.state.kiebitz
    check = app.post("/1.1/comment-check", data=fields(key, 1))
    assert check.text == "false"
    app.post("/1.1/submit-spam", data=fields(key, 1))
    assert kiebitz.model.for_key(key).prior == 0
    usage = app.get("/1.2/key-sites", params={"api_key": key}).json()
    assert usage[next(iter(usage))][0]["missed_spam"] == "1"
