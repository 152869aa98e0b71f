"""The filter judges any draft, whatever path it came by (widget, Akismet, import, edit): it never raises."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiebitz.domain import BlockRule, CommentDraft, Label
from kiebitz.spam.filter import SpamFilter
from kiebitz.spam.store import load_base
from tests.spam.test_rules import History

MODEL = load_base("default")
# Broken addresses that made urlsplit raise inside the tokenizer (a 500 on every Akismet endpoint).
BROKEN_ADDRESSES = ["http://[::1", "http://]/", "http://[1.2.3.4]/", "http://[:::]/", "https://[", "http://x:99999999/"]
RULES = [BlockRule("domain", "example.net"), BlockRule("ip", "10.0.0.0/8"), BlockRule("author_url", "http://["),
         BlockRule("regex", r"(a+)+$"), BlockRule("email", "x@example.org"), BlockRule("word", "gratis", "pending")]
any_text = st.one_of(st.text(max_size=300), st.sampled_from(BROKEN_ADDRESSES),
                     st.builds("{} {}".format, st.sampled_from(BROKEN_ADDRESSES), st.text(max_size=40)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=any_text, author=any_text, email=any_text, website=any_text, ip=any_text, user_agent=any_text,
       language=any_text, honeypot=st.text(max_size=5), seconds=st.none() | st.floats(allow_nan=True))
def test_any_draft_gets_a_verdict(text, author, email, website, ip, user_agent, language, honeypot, seconds):
    draft = CommentDraft(text=text, author=author, email=email, website=website, ip=ip, user_agent=user_agent,
                         language=language, honeypot=honeypot, seconds_to_submit=seconds)
    verdict = SpamFilter(MODEL).judge(draft, History(block=RULES))
    assert verdict.label in set(Label)
    assert 0.0 <= verdict.probability <= 1.0


def test_a_bracketed_website_host_is_no_evidence_and_no_error():
    for website in BROKEN_ADDRESSES:
        verdict = SpamFilter(MODEL).judge(CommentDraft(text="Danke für den Artikel!", website=website), History(block=RULES))
        assert verdict.label in set(Label)
