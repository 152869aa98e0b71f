"""A site's own prior: its moderators' decisions on held comments say how strict the site is (SpamModel.learn)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from kiebitz.app import build, create_app
from kiebitz.cli import main
from kiebitz.domain import CommentDraft
from kiebitz.spam import model as model_module
from kiebitz.spam.model import PRIOR_RATE
from kiebitz.spam.store import load_base
from tests.admin.conftest import PASSWORD, Admin
from tests.conftest import Poster, make_settings

pytestmark = pytest.mark.usefixtures("database_backend")

# Cyrillic е and с among the Latin letters: held by the disguised-word rule, whatever the model says.
DISGUISED = "Verdienen Sie Gеld von zu Hause, sсhrеibеn Sie mir. Angebot Nummer {n} für unsere Leser"
PROBE = CommentDraft(text="Danke für den Bericht über die Sitzung, ich war auch da und fand die Debatte gut.")
# Between 0.5 and 0.73 for the shipped model: a prior at its cap of -1 publishes it.
DOUBTFUL = CommentDraft(text="Great post! I have a website about this topic too, come and see.")
EVERYDAY = ["Wann öffnet das Schwimmbad wieder?", "Die Umleitung an der Hauptstraße nervt seit Wochen.",
            "Schöne Bilder vom Stadtfest, vielen Dank!", "Der Radweg ist an der Brücke leider zu schmal."]


def test_only_a_decision_on_a_held_comment_moves_the_prior_and_unlearn_takes_it_back():
    model = load_base("default")
    draft = CommentDraft(text="Ein ganz eigener Kommentar über Kristallkissen.")
    plain = model.learn(draft, is_spam=True)
    assert plain.prior == 0 and model.prior_ == 0
    before = model.score(PROBE)[0]
    step = model.learn(draft, is_spam=False, held=True)  # the model had just learned it as spam: a surprise
    assert -PRIOR_RATE < step.prior < -PRIOR_RATE / 2 and model.prior_ == step.prior
    assert model.score(PROBE)[0] < before  # every comment moves, not only those like the one decided
    model.unlearn(step)
    assert model.prior_ == 0 and model.score(PROBE)[0] == pytest.approx(before, abs=1e-6)


def test_the_prior_stays_within_its_cap(monkeypatch):
    monkeypatch.setattr(model_module, "PRIOR_CAP", 0.3)
    model = load_base("default")
    for n in range(10):
        model.learn(CommentDraft(text=f"{EVERYDAY[n % 4]} ({n})"), is_spam=True, held=True)
    assert model.prior_ == pytest.approx(0.3)


def test_approved_held_comments_lower_the_sites_scores_in_every_process_until_decided_again(tmp_path: Path):
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings), client=("203.0.113.7", 50000)) as client:
        kiebitz = client.app.state.kiebitz
        kiebitz.users.add("anna", "admin", PASSWORD)
        held = []
        for n in range(5):
            answer = Poster(client).post(text=DISGUISED.format(n=n), email=f"leser{n}@example.de")
            assert answer.status_code == 202 and answer.json()["status"] == "pending"
            assert kiebitz.store.get_comment(answer.json()["id"]).verdict == "unsure"
            held.append(answer.json()["id"])
        before = kiebitz.model.score(PROBE)[0]
        for comment_id in held:
            kiebitz.moderation.approve(comment_id, actor="anna")
        prior = kiebitz.model.prior
        assert prior < 0 and kiebitz.model.score(PROBE)[0] < before
        Admin(client, "anna")
        share = round(100 / (1 + math.exp(-prior)))  # the admin speaks German by default
        assert f"schätzt er jetzt auf {share} %" in client.get("/admin/lessons").text
    restarted = build(settings)  # another process replays the same prior from the store
    assert restarted.model.prior == pytest.approx(prior, abs=1e-9)
    config = tmp_path / "site.toml"
    config.write_text(f'database = "{settings.database}"\n')
    listed = CliRunner().invoke(main, ["lessons", "list", "--config", str(config)])
    assert f"a comment the filter alone puts at 50 % is judged at {share} %" in listed.output
    restarted.moderation.mark_spam(held[0], actor="anna")  # its approval is taken back; it is no longer held
    assert prior < restarted.model.prior < 0


def test_a_comment_held_only_because_the_site_holds_all_does_not_move_the_prior(tmp_path: Path):
    with TestClient(create_app(make_settings(tmp_path, moderation="all"))) as client:
        kiebitz = client.app.state.kiebitz
        answer = Poster(client).post(text=EVERYDAY[0])
        assert answer.json()["status"] == "pending"
        assert kiebitz.store.get_comment(answer.json()["id"]).verdict == "ham"
        kiebitz.moderation.approve(answer.json()["id"], actor="anna")
        assert kiebitz.model.prior == 0


def test_a_verdict_the_prior_turned_says_so_and_others_do_not_mention_it():
    model = load_base("default")
    alone = model.score(DOUBTFUL)[0]
    assert 0.5 <= alone < 0.9
    model.prior_ = -model_module.PRIOR_CAP
    probability, reasons = model.score(DOUBTFUL)
    assert probability < 0.5
    assert reasons[0].code == model_module.SITE_PRIOR and reasons[0].weight == -model_module.PRIOR_CAP
    assert reasons[0].message == (f"this site's decisions on held comments moved it from {alone:.0%} to "
                                  f"{probability:.0%}")
    assert all(reason.code != model_module.SITE_PRIOR for reason in model.score(PROBE)[1])  # ham either way

