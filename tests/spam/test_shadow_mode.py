"""Shadow mode: the filter judges, records and explains, but lets every comment through."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from kiebitz.app import create_app
from tests.conftest import Poster, make_settings

ADVERT = "Cheap viagra, casino bonus and payday loans: click https://spam.example/win https://spam.example/cash now!!!"


def test_shadow_mode_blocks_nothing_and_records_what_the_filter_would_have_done(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, filter_mode="shadow")
    with TestClient(create_app(settings), client=("203.0.113.7", 50000)) as client:
        poster = Poster(client)
        honeypot = poster.post(text=ADVERT, homepage="http://spam.example")
        assert honeypot.status_code == 201, honeypot.text
        advert = poster.post(text="Buy cheap viagra online, best casino bonus, payday loans approved, click here now!!!")
        assert advert.status_code == 201
        public = client.get("/api/comments", params={"uri": "/artikel/eins"}).json()
        assert len(public["comments"]) == 2  # both published: nothing was held or refused
        kiebitz = client.app.state.kiebitz  # type: ignore[attr-defined]
        for answer, would in ((honeypot, {"discard"}), (advert, {"unsure", "spam"})):
            comment = kiebitz.store.get_comment(answer.json()["id"])
            assert comment.status.value == "published" and comment.verdict in would
            assert any(reason["code"] == "shadow_mode" for reason in comment.reasons)


def test_the_filter_acts_by_default(poster: Poster) -> None:
    assert poster.post(text=ADVERT, homepage="http://spam.example").status_code == 403


def test_in_shadow_mode_the_akismet_api_answers_ham_and_says_what_it_would_have_answered(tmp_path: Path) -> None:
    import akismet

    settings = make_settings(tmp_path, filter_mode="shadow")
    with TestClient(create_app(settings)) as app:
        key = app.app.state.kiebitz.akismet.add_key("https://zeitung.example")  # type: ignore[attr-defined]
        fields = {"api_key": key, "blog": "https://zeitung.example", "user_ip": "198.51.100.4",
                  "comment_content": "Buy cheap viagra online, casino bonus, payday loans: https://spam.example/a "
                                     "https://spam.example/b https://spam.example/c"}
        answer = app.post("/1.1/comment-check", data=fields)
        assert answer.text == "false" and answer.headers["X-Kiebitz-Would-Be"] in ("unsure", "spam", "discard")
        client = akismet.SyncClient(config=akismet.Config(key=key, url="https://zeitung.example"), http_client=app)
        assert client.comment_check("198.51.100.4", comment_content=fields["comment_content"]) == akismet.CheckResponse.HAM
