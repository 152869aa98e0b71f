"""Keyed MinHash signatures: they estimate how alike two texts are, and only under the secret that made them."""

from __future__ import annotations

import random

import numpy as np

from kiebitz import fingerprint
from kiebitz.fingerprint import MinHash, signature_bands, signature_likeness, similarity

WORDS = ("Gemeinderat Haushalt Sanierung Grundschule Turnhalle Bürgermeister Antrag Sitzung Kosten Millionen "
         "Verkehr Radweg Innenstadt Parkplätze Anwohner Baustelle Sommer Ferien Kinder Eltern Schule").split()


def variants(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """Pairs of a text and a copy with up to a third of its words changed: the alike and the not so alike."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(count):
        words = rng.choices(WORDS, k=rng.randint(8, 20))
        changed = list(words)
        for _ in range(rng.randint(0, len(words) // 3)):
            changed[rng.randrange(len(changed))] = rng.choice(["und", "aber", "leider", "Stadt"])
        pairs.append((fingerprint.normalise(" ".join(words)), fingerprint.normalise(" ".join(changed))))
    return pairs


def test_the_share_of_agreeing_positions_estimates_the_similarity():
    minhash = MinHash(b"site secret")
    errors = np.array([signature_likeness(minhash.signature(a), minhash.signature(b)) - similarity(a, b)
                       for a, b in variants(200)])
    assert abs(errors.mean()) < 0.01 and errors.std() < 0.05  # 128 positions: about ±0.035 at 0.8


def test_a_signature_belongs_to_its_secret():
    text = fingerprint.normalise("Verdiene 500 Euro am Tag von zu Hause aus, ganz ohne Vorkenntnisse")
    ours, theirs = MinHash(b"site secret"), MinHash(b"another secret")
    assert ours.signature(text) == MinHash(b"site secret").signature(text)  # every worker agrees
    assert len(ours.signature(text)) == 4 * fingerprint.SIGNATURE_SIZE
    assert signature_likeness(ours.signature(text), theirs.signature(text)) < 0.1  # a guess without it tells nothing


def test_alike_texts_share_a_band_key():
    minhash = MinHash(b"site secret")
    a, b = next((a, b) for a, b in variants(50) if similarity(a, b) >= 0.85)
    assert set(signature_bands(minhash.signature(a))) & set(signature_bands(minhash.signature(b)))


def test_a_long_text_is_signed_in_blocks_with_the_same_result(monkeypatch):
    """An Akismet client may send a megabyte: its shingles are hashed a block at a time, not all at once."""
    rng = random.Random(3)
    text = fingerprint.normalise(" ".join(rng.choices(WORDS, k=3000)) + "".join(rng.choices("abcdefghij", k=9000)))
    minhash = MinHash(b"site secret")
    in_blocks = minhash.signature(text)
    assert len(fingerprint.shingles(text)) > 2 * fingerprint.SIGNATURE_BLOCK
    monkeypatch.setattr(fingerprint, "SIGNATURE_BLOCK", 10**9)
    assert minhash.signature(text) == in_blocks


def test_band_keys_are_taken_of_the_words_without_links():
    """A spam run pastes its words under a new link each time: with the links in, such pairs shared a band
    key about half the time, so the repeat rule, which leaves links out, never met many of them."""
    words = "Ich verdiene jetzt 500 Euro am Tag von zu Hause aus, so geht es: "
    keys = {tuple(fingerprint.band_keys(words + f"https://{host}.example/start?ref={host * 4}"))
            for host in ("anna", "bert", "clara", "dora", "emil")}
    assert len(keys) == 1
    # Too few words to repeat: the whole text keeps keys of its own (a reader's double post is found by them).
    links = [fingerprint.band_keys(f"https://{host}.example/artikel/{host}-im-rat") for host in ("anna", "bert")]
    assert links[0] != links[1] and links[0] != fingerprint.band_keys("")
    assert fingerprint.similarity(fingerprint.without_links(words + "https://a.example/x"),
                                  fingerprint.without_links(words + "https://b.example/y")) == 1.0
    # The admin's "worded alike" compares what the keys are taken of: two bare links are not alike for nothing.
    assert fingerprint.keyed_similarity(words + "https://a.example/x", words + "https://b.example/y") == 1.0
    assert fingerprint.keyed_similarity("https://anna.example/artikel/eins", "https://bert.example/artikel/zwei") < 0.8


def test_a_phone_number_is_one_key_however_it_is_written_and_dates_and_amounts_are_none():
    spellings = ["Ruf an: +91-9950211818", "(((+91 99502 11818)))", "call 09950211818 now", "0995 021 1818"]
    keys = [list(fingerprint.phone_numbers(text)) for text in spellings]
    assert all(found == keys[0] for found in keys) and len(keys[0]) == 1 and len(keys[0][0]) <= 20  # comment_bands.band
    assert fingerprint.phone_numbers("Ruf an: +91-9950211818") == {keys[0][0]: "+91-9950211818"}
    for none in ("am 24/03/2016 20:15 Uhr", "vor 5.000-10.000 Jahren", "Tel. 110", "Jahr 2015/2016", "ID 12005270"):
        assert fingerprint.phone_numbers(none) == {}, none
    assert fingerprint.comment_keys("Ruf an: +91-9950211818 für alle Sorgen")[-1] == keys[0][0]


def test_link_hosts_are_read_from_links_and_bare_www_addresses():
    assert fingerprint.link_hosts("see https://Sub.Example.org/path and www.foo.de") == ["sub.example.org", "www.foo.de"]


def test_a_comment_is_found_by_each_host_it_links_to_www_aside():
    text = "Alles hier: https://www.pool-offer.example/a und http://pool-offer.example/b, dazu https://andere.example"
    keys = fingerprint.link_keys(text)
    assert keys == [fingerprint.host_key("pool-offer.example"), fingerprint.host_key("andere.example")]
    assert all(len(key) <= 20 for key in keys)  # comment_bands.band
    assert fingerprint.comment_keys(text)[-2:] == keys
    many = " ".join(f"https://host{n}.example" for n in range(30))
    assert len(fingerprint.link_keys(many)) == fingerprint.LINKS_KEPT
    assert fingerprint.link_keys("Kein Link, nur pool-offer.example im Text") == []
