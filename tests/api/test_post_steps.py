"""A post is checked before the spam filter's sentence encoder reads it: a refused post costs no encoding, and
one the model can settle without it (model.py, the student) is not encoded either."""

from __future__ import annotations

from kiebitz.api import public
from tests.conftest import Poster


def test_only_a_post_that_passed_the_cheap_checks_and_needs_the_encoder_is_encoded(client, monkeypatch) -> None:
    assert client.app.state.kiebitz.model.model.meaning_ is not None  # the shipped model reads meaning
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
    assert encoded == []  # everyday German, far from any threshold: the n-grams and the student settle it
    # 202: held (a new commenter: the first post made its author a trusted one, published on a doubtful score)
    assert poster.post(text="Zarabiaj w domu 500 złotych dziennie, napisz do mnie na priv", author="Marek",
                       email="marek@example.pl").status_code == 202
    assert len(encoded) == 1 and "Zarabiaj" in encoded[0]  # words the model mostly does not know
