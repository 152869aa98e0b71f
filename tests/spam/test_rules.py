"""Layers 1, 2 and 4: request checks, rules and the verdict, each with its reason."""

from __future__ import annotations

import re
from dataclasses import replace

from kiebitz.domain import BlockRule, CommentDraft, Label, Reason
from kiebitz.spam import rules
from kiebitz.spam.filter import SpamFilter, Thresholds, decide


class FixedModel:
    def __init__(self, probability: float) -> None:
        self.probability = probability

    def score(self, draft: CommentDraft) -> tuple[float, list[Reason]]:
        return self.probability, []


class History:
    def __init__(self, texts=(), approved=(), block=(), posters=0, usual=0, vouched=False, traced=0.0,
                 number_posters=0, number_vouched=False):
        self.texts, self.approved, self.block, self.posters = list(texts), set(approved), list(block), posters
        self.number_posters_, self.number_vouched = number_posters, number_vouched  # a phone number given before
        self.traced = traced  # how alike a text is whose signature alone is kept (the Akismet API's)
        self.usual = usual  # addresses linking to the host in the day before the hour
        self.vouched = vouched  # a moderator published a held comment naming the host
        self.vouches_read = 0
        self.traces_read = 0

    def similar_texts(self, text, since, limit=20):
        return self.texts

    def traced_likeness(self, text, since):
        self.traces_read += 1
        return self.traced

    def has_approved_comment(self, email, other_than=None):
        return email in self.approved

    def block_rules(self):
        return self.block

    def link_posters(self, host, since, until=None):
        return self.posters if until is None else self.usual

    def moderator_published_link(self, host, since):
        self.vouches_read += 1
        return self.vouched

    def number_posters(self, key, since):
        return self.number_posters_

    def moderator_published_number(self, key, since):
        return self.number_vouched


def codes(verdict):
    return {reason.code for reason in verdict.reasons}


def judge(draft, probability=0.1, history=None):
    return SpamFilter(FixedModel(probability), Thresholds()).judge(draft, history or History())


def test_honeypot_discards():
    verdict = judge(CommentDraft(text="Hallo zusammen", honeypot="http://spam.example"))
    assert verdict.label == Label.DISCARD and "honeypot" in codes(verdict)


def test_too_fast_is_a_hard_signal():
    verdict = judge(CommentDraft(text="Hallo zusammen", seconds_to_submit=0.4))
    assert verdict.label == Label.SPAM and "too_fast" in codes(verdict)


def test_a_site_that_turns_the_time_check_off_sends_nothing_to_spam_for_it():
    """With min_submit_seconds 0, a token another instance issued by a clock a little ahead gives a post a few
    milliseconds below 0: no reason to call it too fast (it sent such posts to the spam queue, and flaked a test)."""
    ahead = CommentDraft(text="Hallo zusammen", seconds_to_submit=-0.0004)
    assert rules.request_checks(ahead, 0.0) == []
    assert [reason.code for reason in rules.request_checks(ahead, 3.0)] == [rules.TOO_FAST]


def test_links_over_the_limit_hold():
    text = "Seht https://a.example und https://b.example und https://c.example"
    verdict = judge(CommentDraft(text=text))
    assert verdict.label == Label.UNSURE and "too_many_links" in codes(verdict)


def test_bbcode_links():
    assert "bbcode_link" in codes(judge(CommentDraft(text="[url=http://x.example]billig[/url]")))


def test_exact_and_near_duplicates():
    old = "Dieser Kommentar wurde schon einmal genau so gepostet, Wort für Wort: www.example.org"
    exact = judge(CommentDraft(text=old), probability=0.6, history=History(texts=[old]))
    near = judge(CommentDraft(text=old.replace("Wort für Wort", "Wort fuer Wort")), history=History(texts=[old]))
    assert exact.label == Label.SPAM and "duplicate" in codes(exact)
    assert "duplicate" in codes(near)
    assert "duplicate" not in codes(judge(CommentDraft(text="Danke!"), history=History(texts=["Danke!"])))


def test_a_near_repeat_known_by_its_signature_alone():
    text = "Dieser Kommentar wurde schon einmal fast genau so gepostet, Wort für Wort. Mail: info@example.org"
    near = judge(CommentDraft(text=text), probability=0.6, history=History(traced=0.86))
    assert near.label == Label.SPAM and "about 86% alike" in near.reasons[0].message
    assert "duplicate" not in codes(judge(CommentDraft(text=text), history=History(traced=0.7)))
    assert "duplicate" not in codes(judge(CommentDraft(text="Danke, toll!"), history=History(traced=0.9)))


def test_the_traces_are_not_read_once_the_texts_found_a_repeat():
    old = "Dieser Kommentar wurde schon einmal genau so gepostet, Wort für Wort."
    history = History(texts=[old], traced=0.9)
    assert "exact repeat" in judge(CommentDraft(text=old), history=history).reasons[0].message
    assert history.traces_read == 0


def test_a_shared_link_is_no_repeat_but_the_same_words_with_other_links_are():
    link = ("http://juedischerundschau.de/aegyptischer-praesident-sisi-verurteilt-das-selbstgerechte-anspruchsdenken"
            "-der-araber-135911300/?fbclid=IwAR1uxVU8O6DJjNX3ZHt0OZHKDDllqLdf8SszCyoUQ07uAsHTBwEOI0F4FvU")
    earlier = History(texts=[f"Bitte erstmal lesen vor dem „Reflexe rausholen“. {link}"])
    bare = judge(CommentDraft(text=link), probability=0.95, history=earlier)  # the model is sure of a bare link
    assert "duplicate" not in codes(bare) and bare.label == Label.SPAM  # in the spam queue, not discarded
    pitch = "Verdiene 500 Euro am Tag von zu Hause aus, ganz ohne Vorkenntnisse: "
    again = judge(CommentDraft(text=pitch + "https://b.example/join"), probability=0.999,
                  history=History(texts=[pitch + "https://a.example/start?ref=1"]))
    assert "duplicate" in codes(again) and again.label == Label.DISCARD


def test_a_repeat_the_model_reads_as_ham_is_held_and_a_fairly_sure_one_goes_to_the_spam_queue_not_away():
    """Canned texts come from many people: a repeat alone is weighed as a link flood is, and refuses only where
    the model is at the discard threshold."""
    canned = "Sorry, I'll call later in the meeting, please text me"
    held = judge(CommentDraft(text=canned), probability=0.1, history=History(texts=[canned]))
    assert held.label == Label.UNSURE and "duplicate" in codes(held)
    trusted = History(texts=[canned], approved=["a@example.org"])
    assert judge(CommentDraft(text=canned, email="a@example.org"), probability=0.1, history=trusted).label == Label.HAM
    assert judge(CommentDraft(text=canned), probability=0.6, history=History(texts=[canned])).label == Label.UNSURE
    assert judge(CommentDraft(text=canned), probability=0.95, history=History(texts=[canned])).label == Label.SPAM
    assert judge(CommentDraft(text=canned), probability=0.999, history=History(texts=[canned])).label == Label.DISCARD


def test_a_doubtful_repeat_goes_to_the_spam_queue_where_it_names_a_way_to_reach_its_sender():
    """A spam run is paid to spread a link or a number; an auto-reply or a chain message repeats without one."""
    for contact in ("call 0171 2345678", "visit cheap-loans.example.com", "mail offers@loans.example",
                    "<a href='https://loans.example'>here</a>"):
        pitch = f"Fast loans without any paperwork, {contact} today"
        assert judge(CommentDraft(text=pitch), probability=0.6, history=History(texts=[pitch])).label == Label.SPAM
    pitch = "Fast loans without any paperwork, ask me today"
    assert judge(CommentDraft(text=pitch, website="https://loans.example"), probability=0.6,
                 history=History(texts=[pitch])).label == Label.SPAM
    assert judge(CommentDraft(text=pitch), probability=0.6, history=History(texts=[pitch])).label == Label.UNSURE
    assert judge(CommentDraft(text=pitch + " @anna"), probability=0.6, history=History(texts=[pitch])).label == Label.UNSURE


def test_the_model_alone_sends_to_the_spam_queue_only_what_names_a_way_to_reach_its_sender():
    """Spam is paid to spread a link, a website, a phone number or an address; an odd legitimate comment the model
    is sure of (an SMS-like "Can you please send me my aunty's number") is held for a person instead."""
    odd = CommentDraft(text="Can you please send me my aunty's number")
    held = judge(odd, probability=0.95)
    assert held.label == Label.UNSURE and "no link, website, phone number or e-mail address" in held.reasons[-1].message
    assert judge(replace(odd, text=odd.text + ": call 0171 2345678"), probability=0.95).label == Label.SPAM
    assert judge(replace(odd, website="https://aunty.example"), probability=0.95).label == Label.SPAM
    assert judge(replace(odd, author="cheap-flights.com"), probability=0.95).label == Label.SPAM
    assert judge(replace(odd, email="aunty@example.org"), probability=0.95).label == Label.UNSURE  # never shown
    assert judge(odd, probability=0.999).label == Label.SPAM  # at the discard threshold: the spam queue, never away
    assert judge(odd, probability=0.6).label == Label.UNSURE and codes(judge(odd, probability=0.6)) == {"no_contact"}
    assert "no_contact" not in codes(judge(odd, probability=0.3))
    without_the_rule = SpamFilter(FixedModel(0.95), Thresholds(needs_contact=False)).judge(odd)
    assert without_the_rule.label == Label.SPAM and "no_contact" not in codes(without_the_rule)
    trusted = History(approved=["a@example.org"])  # trust publishes a held comment, but not one the model is sure of
    assert judge(replace(odd, email="a@example.org"), probability=0.95, history=trusted).label == Label.UNSURE
    assert judge(replace(odd, email="a@example.org"), probability=0.6, history=trusted).label == Label.HAM


def test_an_address_is_a_word_of_its_own():
    assert rules.names_a_contact(CommentDraft(text="Schreib an (anna.b+kiebitz@mail.example.de)."))
    assert not rules.names_a_contact(CommentDraft(text="a" * 10_000 + "@ example"))
    assert not rules.names_a_contact(CommentDraft(text="Danke @anna, sehr gut erklärt"))


def test_block_lists_by_kind():
    cases = [
        (BlockRule("word", "casino"), CommentDraft(text="Bestes Casino der Stadt")),
        (BlockRule("regex", r"v[i1]agra"), CommentDraft(text="billig v1agra hier")),
        (BlockRule("email", "bot@spam.example"), CommentDraft(text="Hallo", email="Bot@Spam.example")),
        (BlockRule("domain", "spam.example"), CommentDraft(text="siehe https://www.spam.example/x")),
        (BlockRule("domain", "spam.example"), CommentDraft(text="Hallo", email="a@spam.example")),
        (BlockRule("ip", "198.51.100.0/24"), CommentDraft(text="Hallo", ip="198.51.100.77")),
        (BlockRule("author_url", "https://seo.example/"), CommentDraft(text="Hallo", website="https://seo.example")),
    ]
    for rule, draft in cases:
        verdict = judge(draft, history=History(block=[rule]))
        assert verdict.label == Label.SPAM and "blocked" in codes(verdict), rule
    assert judge(CommentDraft(text="Casinos? Nein."), history=History(block=[BlockRule("word", "casino")])).label == Label.HAM


def test_suspect_words_hold():
    verdict = judge(CommentDraft(text="Der Minister ist ein Lügner"), history=History(block=[BlockRule("word", "lügner", "pending")]))
    assert verdict.label == Label.UNSURE and "suspect_word" in codes(verdict)


def test_a_word_disguised_with_look_alike_letters_of_another_alphabet_holds():
    invitation = "Приглашаю".replace("р", "p").replace("а", "a")  # with a Latin p and a
    insult = "Scheiße".replace("c", "с").replace("e", "е")  # with a Cyrillic с and е
    for text, word in ((f"{invitation} в закрытую команду, пишите в лс", invitation), (f"So eine {insult}", insult)):
        verdict = judge(CommentDraft(text=text))
        assert verdict.label == Label.UNSURE and "disguised_letters" in codes(verdict), text
        assert word in next(reason.message for reason in verdict.reasons if reason.code == "disguised_letters")
        assert judge(CommentDraft(text=text), probability=0.95).label == Label.UNSURE  # no way to reach the sender


def test_one_alphabet_or_a_brand_with_a_russian_ending_is_no_disguise():
    for text in ("Почему на iPadе эта проблема не воспроизводится?", "Привет, как дела?", "Straße, Café, Ærø",
                 "Die Funktion f(α, β) ist stetig", "Αθήνα και Θεσσαλονίκη", "Київ і Львів", "20АnК нему"):
        assert rules.disguised_words(text) == [], text


def test_trusted_commenter_is_published_when_unsure():
    history = History(approved={"stamm@example.org"})
    verdict = judge(CommentDraft(text="Wie immer gut", email="stamm@example.org"), probability=0.6, history=history)
    assert verdict.label == Label.HAM and "trusted_commenter" in codes(verdict)


def test_verdict_thresholds():
    limits = Thresholds()
    assert decide(0.1, [], limits, False) == Label.HAM
    assert decide(0.6, [], limits, False) == Label.UNSURE
    assert decide(0.95, [], limits, False) == Label.SPAM
    assert decide(0.999, [], limits, False) == Label.SPAM  # the model alone never discards
    assert decide(0.999, [Reason("too_many_links", "x")], limits, False) == Label.DISCARD
    assert decide(0.9, [Reason("too_many_links", "x")], limits, False) == Label.SPAM
    hard = [Reason("blocked", "x"), Reason("duplicate", "y")]
    assert decide(0.1, hard, limits, False) == Label.DISCARD


def test_link_helpers():
    assert rules.count_links("a https://x.example b www.y.example <a href='z'>") == 3


def test_html_links_are_counted_as_the_pattern_did_in_linear_time():
    pattern = re.compile(r"<a\s[^>]*href", re.IGNORECASE)  # what count_links used; quadratic without a ">"
    texts = ['<a href="x">1</a> <A\nHREF=y>2</a>', "<a title=x> href", "<a <a <a href", "<ab href>", "<a >" * 3,
             "<a " * 3333 + "href"]
    for text in texts:
        assert rules.html_links(text) == len(pattern.findall(text)), text[:40]


def test_a_regex_entry_that_runs_too_long_holds_the_comment_instead_of_every_post():
    slow = BlockRule("regex", r"(a|aa)+$")  # backtracks for minutes on a long run of a's with no end
    [reason] = rules.block_list(CommentDraft(text="a" * 40 + "!"), [slow])
    assert reason.code == rules.SUSPECT_WORD and "took too long" in reason.message


def test_entries_that_could_never_match_are_named():
    assert "not a regular expression" in rules.block_rule_problem("regex", "(kaufen")
    assert "IP address or a network" in rules.block_rule_problem("ip", "10.0.0.0/33")
    assert rules.block_rule_problem("ip", "2001:db8::/32") == rules.block_rule_problem("regex", r"viagra|cialis") == ""


def test_a_link_many_addresses_posted_within_the_hour_is_held_or_with_the_model_spam():
    draft = CommentDraft(text="Look at https://www.pool-offer.example/deal")
    assert judge(draft, history=History(posters=4)).label == Label.HAM
    flooded = judge(draft, history=History(posters=5))
    assert flooded.label == Label.UNSURE and "link_flood" in codes(flooded)
    assert judge(draft, probability=0.6, history=History(posters=5)).label == Label.SPAM


def test_a_host_the_site_links_to_every_hour_is_no_flood_but_a_burst_above_its_rate_is():
    video = CommentDraft(text="Das Interview in voller Länge: https://www.youtube.com/watch?v=abc")
    assert judge(video, history=History(posters=12, usual=240)).label == Label.HAM  # 10 an hour, every hour
    assert judge(video, history=History(posters=30, usual=240)).label == Label.UNSURE  # three times that
    assert judge(video, history=History(posters=5, usual=1)).label == Label.UNSURE


def test_a_busy_hosts_day_is_read_once_for_many_posts():
    class Counting(History):
        days_read = 0

        def link_posters(self, host, since, until=None):
            self.days_read += until is not None
            return super().link_posters(host, since, until)

    history, spam_filter = Counting(posters=12, usual=240), SpamFilter(FixedModel(0.1), Thresholds())
    for _ in range(20):
        assert spam_filter.judge(CommentDraft(text="https://youtube.com/watch?v=x"), history).label == Label.HAM
    assert history.days_read == 1


def test_a_host_a_moderator_vouched_for_is_no_flood_and_is_asked_about_once():
    report = CommentDraft(text="Der Bericht dazu: https://regionalzeitung.example/brand-lagerhalle")
    assert judge(report, history=History(posters=8)).label == Label.UNSURE
    history, spam_filter = History(posters=8, vouched=True), SpamFilter(FixedModel(0.1), Thresholds())
    for _ in range(20):
        assert spam_filter.judge(report, history).label == Label.HAM
    assert history.vouches_read == 1
    quiet = History(posters=3)  # no flood: nothing to vouch for, and the audit log is not read
    assert judge(report, history=quiet).label == Label.HAM and quiet.vouches_read == 0


def test_a_phone_number_given_before_within_the_week_holds_or_with_the_model_spams():
    draft = CommentDraft(text="Love marriage problem solution, call baba ji +91-9950211818 today")
    assert judge(draft, history=History()).label == Label.HAM
    repeated = judge(draft, history=History(number_posters=2))
    assert repeated.label == Label.UNSURE and rules.REPEATED_NUMBER in codes(repeated)
    [reason] = [reason for reason in repeated.reasons if reason.code == rules.REPEATED_NUMBER]
    assert reason.message == "the phone number +91-9950211818 was in comments from 2 addresses within the week"
    assert judge(draft, probability=0.6, history=History(number_posters=1)).label == Label.SPAM
    vouched = History(number_posters=3, number_vouched=True)  # a moderator published it: a hotline readers share
    assert judge(draft, history=vouched).label == Label.HAM
    words = CommentDraft(text="Love marriage problem solution, call baba ji today")
    assert judge(words, history=History(number_posters=2)).label == Label.HAM  # no number, nothing asked


def test_links_to_the_sites_own_pages_count_neither_for_the_limit_nor_as_a_flood():
    own = frozenset({"zeitung.example"})
    text = ("Dazu https://www.zeitung.example/a, https://zeitung.example/b und "
            "https://m.zeitung.example/c, außerdem https://zeitung.example.evil.test/d")
    assert rules.offsite_hosts(CommentDraft(text=text, own_hosts=own)) == ["zeitung.example.evil.test"]
    assert rules.link_rules(CommentDraft(text=text, own_hosts=own), link_limit=2) == []
    assert [r.code for r in rules.link_rules(CommentDraft(text=text), link_limit=2)] == [rules.TOO_MANY_LINKS]
    ours = CommentDraft(text="Look at https://www.zeitung.example/wahl", own_hosts=own)
    assert judge(ours, history=History(posters=50)).label == Label.HAM


def test_an_akismet_clients_blog_is_the_sites_own_host():
    from kiebitz.moderation.akismet import draft_from

    assert draft_from({"blog": "https://www.blog.example/", "comment_content": "x"}).own_hosts == {"blog.example"}
    assert draft_from({"blog": "not an address"}).own_hosts == frozenset()


def test_a_corpus_posted_in_order_meets_the_repeat_rule():
    """bench/spam_generalisation.py's site table: each row after the first of a spam run is a repeat."""
    from kiebitz.spam.evaluation import site_verdict_labels, verdict_labels

    pitch = "Verdiene 500 Euro am Tag von zu Hause aus, ganz ohne Vorkenntnisse, schreib mir an geld@example.org"
    drafts = [CommentDraft(pitch), CommentDraft("Danke für den Bericht über die Grundschule!"),
              CommentDraft(pitch.replace("500", "600")), CommentDraft(pitch + "!")]
    assert verdict_labels(FixedModel(0.1), drafts, Thresholds()) == [Label.HAM] * 4
    assert site_verdict_labels(FixedModel(0.1), drafts, Thresholds()) == [Label.HAM, Label.HAM, Label.UNSURE, Label.UNSURE]
    assert site_verdict_labels(FixedModel(0.7), drafts, Thresholds())[2:] == [Label.SPAM, Label.SPAM]
    run = [CommentDraft("Packers and Movers Gurgaon +91-9950211818"), CommentDraft("Kommt gut an, danke!"),
           CommentDraft("Best movers in Noida, call 09950211818")]  # other words, the same number
    assert site_verdict_labels(FixedModel(0.1), run, Thresholds()) == [Label.HAM, Label.HAM, Label.UNSURE]
