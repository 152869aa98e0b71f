"""The link flood and repeats behind the Akismet API, driven by the real `akismet` client from PyPI.

Readers from six addresses of a pool link to the same host within the hour: the
sixth check answers spam. A moderator's "Not Spam" (the WordPress plugin sends
submit-ham) vouches for the host, and the next reader's check answers ham. The
same words under another name are a repeat.
"""

from __future__ import annotations

import time
from urllib.parse import unquote

import akismet
import pytest
from sqlalchemy import select

from kiebitz.moderation.akismet_history import LINKS_KEPT, TEXTS_KEPT, KeyHistory
from kiebitz.store import schema
from tests.api.conftest import BLOG
from tests.api.test_akismet import client_for
from tests.spam.test_link_flood import TEXTS

pytestmark = pytest.mark.usefixtures("database_backend")

HAM, SPAM = akismet.CheckResponse.HAM, akismet.CheckResponse.SPAM
REPORT = "https://regionalzeitung.example/brand-lagerhalle"


def reader(number: int, text: str) -> dict[str, str]:
    """One reader of an address pool: its own address, name and e-mail."""
    return dict(user_ip=f"198.51.{number}.7", comment_type="comment", comment_author=f"Leser {number}",
                comment_author_email=f"reader{number}@example.org", comment_content=text, user_agent="Mozilla/5.0")


def test_the_same_host_from_many_addresses_goes_to_spam_until_a_moderator_says_not_spam(app, key):
    client = client_for(app, key)
    readers = [reader(number, text.format(REPORT)) for number, text in enumerate(TEXTS)]
    assert [client.comment_check(**fields) for fields in readers] == [HAM] * 5 + [SPAM]
    other_key = app.app.state.kiebitz.akismet.add_key("https://anderes-blatt.example")
    other_site = client_for(app, other_key, "https://anderes-blatt.example")
    assert other_site.comment_check(**reader(7, TEXTS[0].format(REPORT))) == HAM  # each key's checks are its own

    assert client.submit_ham(**readers[-1]) is True  # a moderator's "Not Spam"
    assert client.comment_check(**reader(8, "Hier die Bilder vom Brand: " + REPORT)) == HAM

    history = KeyHistory(app.app.state.kiebitz.store, key)
    assert history.moderator_published_link("regionalzeitung.example", time.time() - 60)
    assert client.submit_spam(**readers[-1]) is True  # taken back: spam after all
    assert not history.moderator_published_link("regionalzeitung.example", time.time() - 60)


def test_a_client_that_can_hold_gets_the_flood_held_not_spam(app, key):
    """Our WordPress plugin says kiebitz_can_hold: the sixth reader's false then carries X-Kiebitz-Hold."""
    answers = [app.post("/1.1/comment-check", data={**reader(number, text.format(REPORT)), "api_key": key, "blog": BLOG,
                                                     "kiebitz_can_hold": "1"}) for number, text in enumerate(TEXTS)]
    assert [(answer.text, answer.headers.get("X-Kiebitz-Hold")) for answer in answers] == \
        [("false", None)] * 5 + [("false", "true")]


def test_links_to_the_blog_itself_are_no_flood(app, key):
    client = client_for(app, key)
    checks = [client.comment_check(**reader(number, text.format(f"{BLOG}/politik/{number}")))
              for number, text in enumerate(TEXTS)]
    assert checks == [HAM] * 6


def test_a_check_keeps_its_hosts_and_a_hashed_address_for_a_day_and_an_hour(app, key):
    client_for(app, key).comment_check(**reader(1, f"Siehe {REPORT} und https://www.statistik.example/miete"))
    store = app.app.state.kiebitz.store
    with store.read() as db:
        rows = db.execute(select(schema.akismet_links)).all()
    assert sorted(row.host for row in rows) == ["regionalzeitung.example", "statistik.example"]
    assert all(len(row.ip_hash) == 32 and "198.51" not in row.ip_hash and not row.vouched for row in rows)
    service = app.app.state.kiebitz.akismet
    assert service.forget_old_traces(time.time()) == 0
    assert service.forget_old_traces(time.time() + LINKS_KEPT + 1) == 2


def test_the_same_words_under_another_name_are_a_repeat_but_a_recheck_is_not(app, key):
    client = client_for(app, key)
    words = "Ich finde den Artikel über die Sanierung der Grundschule sehr gelungen, danke."
    first = reader(1, words + " https://eins.example/a")
    assert client.comment_check(**first) == HAM
    assert client.comment_check(**first) == HAM  # the Akismet plugin checking a held comment again
    assert client.comment_check(**reader(2, words.upper() + "!! https://zwei.example/b")) == SPAM  # links aside
    verdict = app.app.state.kiebitz.akismet.check(key, {**reader(3, words), "blog": BLOG}).verdict
    assert "duplicate" in [reason.code for reason in verdict.reasons]
    short = [client.comment_check(**reader(number, "Danke, sehr gut!")) for number in (4, 5)]
    assert short == [HAM, HAM]  # "Danke!" twice is no spam run
    tests = [client.comment_check(**reader(number, "Ein Test der Anbindung an den Spamfilter."), is_test=True)
             for number in (6, 7)]
    assert tests == [HAM, HAM]  # a test request leaves nothing a later check counts


def test_the_same_pitch_with_a_few_words_changed_is_a_near_repeat(app, key):
    """A spam run changes a word or two each time; no text is kept, and its signature finds it anyway."""
    client = client_for(app, key)
    pitch = ("Ich verdiene jetzt {} Euro im Monat von zu Hause aus, ganz ohne Vorkenntnisse. "
             "Wie das geht, steht auf meiner Seite, schaut mal vorbei!")
    assert client.comment_check(**reader(1, pitch.format(3000))) == HAM
    assert client.comment_check(**reader(1, pitch.format(3000))) == HAM  # its own recheck is no repeat
    # 95 and 92 % alike: the signature would have to err by five standard deviations to miss either
    assert client.comment_check(**reader(2, pitch.format(3000).replace("schaut mal", "schaut"))) == SPAM
    verdict = app.app.state.kiebitz.akismet.check(key, {**reader(3, pitch.format(5200)), "blog": BLOG}).verdict
    repeat = next(reason for reason in verdict.reasons if reason.code == "duplicate")
    assert repeat.message.startswith("near repeat of a recent comment (about")
    other_words = "Ich finde den Artikel über die Sanierung der Grundschule sehr gelungen, danke für die Recherche."
    assert client.comment_check(**reader(4, other_words)) == HAM

    store = app.app.state.kiebitz.store
    with store.read() as db:
        kept = db.execute(select(schema.akismet_texts.c.signature)).scalars().all()
        bands = db.execute(select(schema.akismet_text_bands)).all()
    assert len(kept) == 5 and all(len(signature) == 512 for signature in kept)  # 128 values, no words
    assert len(bands) == 6 * 5
    service = app.app.state.kiebitz.akismet
    service.forget_old_traces(time.time() + 8 * 86_400)
    with store.read() as db:
        assert db.execute(select(schema.akismet_text_bands)).all() == []
        assert db.execute(select(schema.akismet_texts)).all() == []



HOTLINE = ("Bei uns im Haus gab es auch Ärger mit der Heizung. Mieterverein: 0176/12345678",
           "Genau so war es bei meiner Mutter im Altbau. Mieterverein: 0176-12345678",
           "Wir hatten Schimmel in der Wohnung, der Vermieter tat nichts. Mieterverein: +49 176 12345678",
           "Hatte dasselbe Problem mit dem Vermieter. Der Mieterverein hilft: 0176 12345678")


def test_a_phone_number_from_another_address_within_the_week_is_spam_until_a_moderator_says_not_spam(app, key):
    """A spam run's words change, its number stays. Readers who share a hotline meet the rule too: a stock client
    puts the second in its spam folder, ours holds it, and a moderator's "Not Spam" vouches for the number."""
    client = client_for(app, key)
    first = reader(1, HOTLINE[0])
    assert client.comment_check(**first) == HAM  # the model lets it pass: nothing before it
    assert client.comment_check(**first) == HAM  # the owner's recheck of the same comment is no repeat
    assert client.comment_check(**reader(2, HOTLINE[1])) == SPAM
    held = app.post("/1.1/comment-check", data={**reader(3, HOTLINE[2]), "api_key": key, "blog": BLOG,
                                                "kiebitz_can_hold": "1", "blog_lang": "de_DE"})
    assert (held.text, held.headers.get("X-Kiebitz-Hold")) == ("false", "true")
    assert ("die Telefonnummer +49 176 12345678 stand binnen einer Woche in Kommentaren von 2 Adressen"
            in unquote(held.headers["X-Kiebitz-Why"]))
    with app.app.state.kiebitz.store.read() as db:
        hosts = set(db.execute(select(schema.akismet_links.c.host)).scalars())
    assert len(hosts) == 1 and "12345678" not in next(iter(hosts))  # one number, kept as a keyed hash

    assert client.submit_ham(**reader(2, HOTLINE[1])) is True  # a moderator's "Not Spam"
    assert client.comment_check(**reader(4, HOTLINE[3])) == HAM
    service = app.app.state.kiebitz.akismet
    assert service.forget_old_traces(time.time() + LINKS_KEPT + 1) == 0  # a number's traces are kept the week
    assert service.forget_old_traces(time.time() + TEXTS_KEPT + 1) > 0
