"""`kiebitz gdpr export|erase`: a commenter's data found by e-mail, handed over, then gone from every answer."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import insert, select

from kiebitz.app import build
from kiebitz.cli import main
from kiebitz.errors import InvalidInput
from kiebitz.moderation.personal_data import PersonalData
from kiebitz.store import schema

pytestmark = pytest.mark.usefixtures("database_backend")

URI = "/artikel/eins"


def test_export_then_erase_keeps_the_thread_of_others(client, poster, settings) -> None:
    first = poster.post(URI, text="Mein erster Kommentar, mit Namen.", website="https://erika.example").json()
    poster.post(URI, text="Und noch einer von mir.")
    reply = poster.post(URI, parent=first["id"], author="Jonas", email="jonas@example.org", text="Antwort von Jonas.").json()
    store = build(settings).store
    with store.write() as db:
        db.execute(insert(schema.subscriptions).values(comment_id=first["id"], email="erika@example.org",
                                                       confirmed=True, created=time.time()))
    data = PersonalData(store)

    exported = data.export("Erika@Example.org")
    assert [c["text"] for c in exported["comments"]] == ["Mein erster Kommentar, mit Namen.", "Und noch einer von mir."]
    assert exported["comments"][0]["uri"] == URI and exported["comments"][0]["website"] == "https://erika.example"
    assert len(exported["reply_subscriptions"]) == 1

    assert data.erase("erika@example.org", actor="test") == (2, 1)
    thread = client.get("/api/comments", params={"uri": URI}).json()
    assert "Erika" not in json.dumps(thread) and "erster" not in json.dumps(thread)
    assert [c["id"] for c in thread["comments"]] == [first["id"]]  # a placeholder, holding Jonas's reply
    assert thread["comments"][0]["replies"][0]["id"] == reply["id"]
    assert data.export("erika@example.org")["comments"] == []
    with store.read() as db:
        notes = db.execute(select(schema.audit_log.c.note).where(schema.audit_log.c.comment_id == first["id"])).scalars().all()
    assert "personal data erased at the commenter's request" in notes
    with pytest.raises(InvalidInput, match="email is not a valid e-mail address"):
        data.export("erika")


def test_cli_export_and_erase(tmp_path: Path, poster, settings) -> None:
    poster.post(URI, text="Ein Kommentar, den ich zurückziehe.")
    config = tmp_path / "site.toml"
    config.write_text(f'database = "{settings.database}"\n')
    runner = CliRunner()
    exported = runner.invoke(main, ["gdpr", "export", "erika@example.org", "--config", str(config)])
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.output)["comments"][0]["text"] == "Ein Kommentar, den ich zurückziehe."
    refused = runner.invoke(main, ["gdpr", "erase", "erika@example.org", "--config", str(config)], input="n\n")
    assert refused.exit_code == 1 and len(PersonalData(build(settings).store).export("erika@example.org")["comments"]) == 1
    erased = runner.invoke(main, ["gdpr", "erase", "erika@example.org", "--yes", "--config", str(config)])
    assert erased.output.strip() == "erased 1 comment and 0 reply subscriptions of erika@example.org"
