"""Every reason the filter gives has German words: each one is made here by the code that makes it, then worded."""

from __future__ import annotations

import functools

import pytest

from kiebitz.domain import BlockRule, CommentDraft
from kiebitz.spam import keywords, model, patterns, rules
from kiebitz.spam.filter import SpamFilter, Thresholds
from kiebitz.spam.store import load_base
from kiebitz.spam.wording import worded
from tests.spam.test_rules import FixedModel, History
from tests.spam.test_site_prior import DOUBTFUL
from tests.spam.test_unfamiliar import english_model

ENGLISH_LEFT = (" the ", " to spam", " to ham", "which", "repeat", "addresses", "the word", "signal '", " link ")


@functools.cache  # once for every test below: it scores with the shipped model
def messages_by_code() -> dict[str, set[str]]:
    """What the filter says, by reason code, from drafts and a history that bring out each reason."""
    shipped = load_base("default")
    number = next(iter(sorted(shipped.spam_numbers_.numbers)))
    host = sorted(shipped.link_lists_._domain_set)[0]
    drafts = [
        CommentDraft("Check out my channel, subscribe and win money http://promo.example/x casino!!!",
                     author="Cheap Deals", email="deals@spam.example", website="http://deals.example"),
        CommentDraft("Ich fand den Bericht über den Haushalt sehr gut, danke."),
        CommentDraft("Заработок на дому от 5000 рублей в день, пишите в личку"),
        CommentDraft("Ich nehme Bowtrol gegen meine Beschwerden und es hilft"),
        CommentDraft(f"Call our support at +{number} today"),
        CommentDraft(f"Mehr dazu bei https://{host}/seite"),
        CommentDraft("Rufen Sie an", author="Bowtrol"),
    ]
    found: dict[str, set[str]] = {}
    for draft in drafts:
        for reason in shipped.score(draft)[1]:
            found.setdefault(reason.code, set()).add(reason.message)
    text = "Dieser Kommentar wurde schon einmal genau so gepostet, Wort für Wort."
    made = [
        *rules.request_checks(CommentDraft("Hallo", honeypot="x", seconds_to_submit=0.4), 2.0),
        *rules.duplicate_check(text, [text]),
        *rules.duplicate_check(text, [text.replace("für", "fuer")]),
        *rules.traced_repeat(text, 0.86),
        *rules.link_rules(CommentDraft("https://a.example https://b.example https://c.example [url=x]y[/url]"), 2),
        *rules.disguised_words("Пpиглaшaю вac в команду"),
        *rules.block_list(CommentDraft("Bestes Casino"), [BlockRule("word", "casino"),
                                                           BlockRule("ip", "198.51.100.0/24", action="pending")],
                          "198.51.100.7"),
    ]
    unfamiliar = english_model().score(CommentDraft("Привет всем, отличная статья про выборы"))[1]
    flood = SpamFilter(FixedModel(0.1), Thresholds()).judge(
        CommentDraft("Siehe https://pool.example/x"), History(posters=9))
    numbers = [SpamFilter(FixedModel(0.1), Thresholds()).judge(CommentDraft("Anrufen: 0160-95657426"),
                                                               History(number_posters=posters)) for posters in (1, 3)]
    trusted = SpamFilter(FixedModel(0.1), Thresholds()).judge(CommentDraft("Hallo", email="a@b.example"),
                                                              History(approved=["a@b.example"]))
    shadow = SpamFilter(FixedModel(0.97), Thresholds(), shadow=True).judge(CommentDraft("Kauf billig"))
    lenient = load_base("default")
    lenient.prior_ = -model.PRIOR_CAP  # a site whose moderators approve what is held: a doubtful comment goes out
    prior = lenient.score(DOUBTFUL)[1]
    for reason in [*made, *unfamiliar, *flood.reasons, *numbers[0].reasons, *numbers[1].reasons, *trusted.reasons,
                   *shadow.reasons, *prior]:
        found.setdefault(reason.code, set()).add(reason.message)
    return found


def test_every_code_the_filter_gives_is_made_here() -> None:
    codes = set(messages_by_code())
    expected = {rules.HONEYPOT, rules.TOO_FAST, rules.DUPLICATE, rules.BLOCKED, rules.TOO_MANY_LINKS,
                rules.SUSPECT_WORD, rules.TRUSTED, rules.BBCODE, rules.SHADOW, rules.LINK_FLOOD, rules.NO_CONTACT,
                rules.REPEATED_NUMBER, rules.DISGUISED, "model", model.UNFAMILIAR, model.SITE_PRIOR, patterns.LISTED_LINK,
                keywords.LISTED_NUMBER, keywords.LISTED_WORDS}
    assert expected <= codes, expected - codes


@pytest.mark.parametrize("code", sorted(messages_by_code()))
def test_each_reason_reads_in_german(code: str) -> None:
    for message in messages_by_code()[code]:
        german = worded(message, "de_DE")
        assert german != message and not any(word in f" {german} " for word in ENGLISH_LEFT), (message, german)
        assert worded(message, "en_US") == message


def test_german_numbers_and_the_model_s_words() -> None:
    assert worded("the word 'casino' points to spam", "de") == "das Wort „casino“ spricht für Spam"
    assert worded("the words 'click here' point to spam", "de") == "die Wörter „click here“ sprechen für Spam"
    assert worded("the signal 'links=0' points to ham", "de") == "das Signal „links=0“ spricht gegen Spam"
    assert worded("near repeat of a recent comment (about 86% alike)", "de-AT") == \
        "fast wörtliche Wiederholung eines kürzlich geschriebenen Kommentars (zu etwa 86 % gleich)"
    assert worded("submitted 0.4 s after the form loaded", "de") == "0,4 s nach dem Laden des Formulars abgeschickt"
    assert worded("a reason from an older release", "de") == "a reason from an older release"
