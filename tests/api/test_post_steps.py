"""A post is checked before the spam filter's sentence encoder reads it: a refused post costs no encoding."""

from __future__ import annotations

from kiebitz.api import public
from tests.conftest import Poster


def test_only_a_post_that_passed_the_cheap_checks_is_encoded(client, monkeypatch) -> None:
    assert client.app.state.kiebitz.comments.reads_meaning  # the shipped model reads meaning
    encoded: list[str] = []
    real = public.encoder.vector_for

    async def counting(text: str):
        encoded.append(text)
        return await real(text)

    monkeypatch.setattr(public.encoder, "vector_for", counting)
    poster = Poster(client)
    assert poster.post(form_token="forged").json()["error"]["field"] == "form_token"
    assert poster.post(email="").status_code == 400
    assert poster.post(text="x").status_code == 400
    assert encoded == []
    assert poster.post(text="Ein Kommentar, der gelesen wird.").status_code == 201
    assert len(encoded) == 1 and "Ein Kommentar, der gelesen wird." in encoded[0]
